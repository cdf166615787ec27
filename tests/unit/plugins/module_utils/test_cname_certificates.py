# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The certificate branches of the oss_bucket_cname plan (issue 15): chains, check-mode dates, cert_id in check mode."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cname
from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import format_oss_time

pytest.importorskip('cryptography')

from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import make_chain  # noqa: E402


def _bound(info, cert_id='30000001-cn-hangzhou'):
    return dict(domain='www.example.com', status='Enabled', certificate=dict(
        type='Upload', cert_id=cert_id, status='Enabled', fingerprint=info['fingerprint'],
        valid_start_date=format_oss_time(info['not_before']), valid_end_date=format_oss_time(info['not_after'])))


def _wanted(pem, key):
    return _cname.wanted_certificate(dict(certificate=pem, private_key=key), 'www.example.com')


def test_same_leaf_with_a_chain_warns_without_force_and_re_uploads_with_force():
    leaf, inter, _root, key = make_chain()
    _cert, leaf_info, _warnings = _wanted(leaf, key)
    wanted_cert, wanted_info, _warnings = _wanted(leaf + inter, key)
    current = _bound(leaf_info)
    plan = _cname.plan_binding('present', current, wanted_cert, wanted_info)
    assert not plan.changed and len(plan.warnings) == 1 and 'could not be compared' in plan.warnings[0]
    plan = _cname.plan_binding('present', current, wanted_cert, wanted_info, force=True)
    assert plan.action == 'certificate' and plan.certificate['certificate'] == leaf + inter
    assert plan.certificate['force'] is True and plan.certificate['previous_cert_id'] == '30000001-cn-hangzhou'
    # A lost answer is reconciled by the leaf alone: the read-back cannot show the chain either.
    assert _cname._reached('present', current, wanted_cert, wanted_info, False)


def test_leaf_alone_needs_no_chain_comparison():
    leaf, _inter, _root, key = make_chain()
    wanted_cert, wanted_info, _warnings = _wanted(leaf, key)
    plan = _cname.plan_binding('present', _bound(wanted_info), wanted_cert, wanted_info, force=True)
    assert not plan.changed and plan.warnings == []


def test_reordered_chain_is_what_the_plan_sends():
    leaf, inter, root, key = make_chain()
    wanted_cert, wanted_info, warnings = _wanted(inter + root + leaf, key)
    assert wanted_cert['certificate'] == leaf + inter + root
    assert any('wrong order' in text for text in warnings)
    plan = _cname.plan_binding('present', None, wanted_cert, wanted_info)
    assert plan.action == 'bind' and plan.certificate['certificate'] == leaf + inter + root


def test_predicted_dates_are_in_the_form_listcname_writes():
    leaf, inter, _root, key = make_chain()
    wanted_cert, wanted_info, _warnings = _wanted(leaf + inter, key)
    plan = _cname.plan_binding('present', None, wanted_cert, wanted_info)
    predicted = _cname._predicted_binding(None, 'www.example.com', plan, wanted_info)
    assert predicted['certificate']['valid_end_date'] == format_oss_time(wanted_info['not_after'])
    assert predicted['certificate']['valid_end_date'].endswith(' GMT')


def test_cert_id_warning_only_in_check_mode_and_only_when_sent():
    plan = _cname.plan_binding('present', None, dict(cert_id='404-cn-hangzhou'))
    assert 'could not verify certificate.cert_id 404-cn-hangzhou' in _cname.certificate_check_mode_warnings(plan, True)[0]
    assert _cname.certificate_check_mode_warnings(plan, False) == []
    bound = dict(domain='www.example.com', certificate=dict(cert_id='404-cn-hangzhou'))
    assert _cname.certificate_check_mode_warnings(_cname.plan_binding('present', bound, dict(cert_id='404-cn-hangzhou')), True) == []


def test_not_yet_valid_and_other_name_warn_but_are_sent():
    leaf, inter, _root, key = make_chain(names=('cdn.example.net',), start_days_ago=-2)
    wanted_cert, wanted_info, warnings = _wanted(leaf + inter, key)
    assert wanted_cert['certificate'] == leaf + inter
    assert any('is not valid before' in text for text in warnings)
    assert any('does not name www.example.com' in text and 'cdn.example.net' in text for text in warnings)


def test_expired_intermediate_warns():
    from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import key_pem, make_key, signed
    root_key, inter_key, leaf_key = make_key(), make_key(), make_key()
    inter = signed('Old Intermediate CA', inter_key, 'Test Root CA', root_key, True, days=10, start_days_ago=20)
    leaf = signed('www.example.com', leaf_key, 'Old Intermediate CA', inter_key, False, names=('www.example.com',))
    _cert, info, warnings = _wanted(leaf + inter, key_pem(leaf_key))
    assert info['chain_expired'] and any('expired chain certificates: CN=Old Intermediate CA' in text for text in warnings)
