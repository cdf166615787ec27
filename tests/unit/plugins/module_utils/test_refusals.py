# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the collection says and does about refusals the services document: CnameDenied and its neighbours from PutCname,
and one CNAME per name although Alibaba Cloud DNS would take several."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cname
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import error_from_code
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import (
    PlanError, Record, build_spec, plan_record_set,
)


def explain(code, message, status=403):
    err = error_from_code(code, message, 'RID', status)
    return _cname.explain_cname_error(None, err, 'demo-assets', 'www.example.com', 'cn-hangzhou', 'http://127.0.0.1:1')[0]


def test_cname_denied_is_a_binding_of_another_account_not_a_reserved_name():
    # OSS's HTTP 403 troubleshooting page: CnameDenied, "The cname belongs to another user".
    message = explain('CnameDenied', 'The cname belongs to another user')
    assert 'bound to a bucket of another Alibaba Cloud account' in message
    assert 'DeleteCname' in message and 'oss_domain_ownership' in message
    assert 'reserved' not in message and 'high-risk' not in message


@pytest.mark.parametrize('code, words', [
    ('CnameIsForbidden', ('reserves', 'aliyuncs.com')),
    ('CnameIsRisk', ('high-risk',)),
])
def test_other_put_cname_refusals_say_their_own_reason(code, words):
    message = explain(code, 'refused')
    assert code in message and all(word in message for word in words)
    assert 'another Alibaba Cloud account' not in message


def cname_spec(on_existing):
    return build_spec(dict(zone='example.com', rr='www', type='CNAME', value=['demo-assets.oss-cn-hangzhou.aliyuncs.com'],
                           ttl=600, line='default', state='present', on_existing=on_existing))


def cname(value, record_id):
    return Record('www', 'CNAME', value, record_id=record_id)


@pytest.mark.parametrize('on_existing', ['keep', 'keep_and_warn'])
def test_a_second_cname_is_never_planned(on_existing):
    """Alidns would accept it (weighted round robin) and answer with either target: the plan refuses before any write."""
    with pytest.raises(PlanError) as exc:
        plan_record_set(cname_spec(on_existing), [cname('old-target.example.net', '1')])
    assert exc.value.code == 'DomainRecordConflict'
    assert 'either at random' in exc.value.message and 'on_existing=replace' in exc.value.message
    assert [record.record_id for record in exc.value.records] == ['1']


def test_replace_points_the_one_cname_elsewhere_and_removes_extra_ones():
    plan = plan_record_set(cname_spec('replace'), [cname('old-target.example.net', '1'), cname('other.example.net', '2')])
    assert [(old.record_id, new.value) for old, new in plan.updates] == [('1', 'demo-assets.oss-cn-hangzhou.aliyuncs.com')]
    assert plan.creates == [] and [record.record_id for record in plan.deletes] == ['2']
    assert [record.value for record in plan.after] == ['demo-assets.oss-cn-hangzhou.aliyuncs.com']
