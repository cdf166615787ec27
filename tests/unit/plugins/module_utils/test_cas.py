# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_cas: the bound chain from Certificate Management Service (GetUserCertificateDetail), its key dropped (issue 15)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cas, _cname
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudError, AlicloudParams

pytest.importorskip('cryptography')

from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import JsonApiServer, make_chain  # noqa: E402


@pytest.mark.parametrize('given, number', [('4930001-cn-hangzhou', 4930001), ('4930001', 4930001), (' 17-ap-southeast-1 ', 17),
                                           ('493****-cn-hangzhou', None), ('', None), (None, None), ('cas-17', None)])
def test_numeric_cert_id(given, number):
    assert _cas.numeric_cert_id(given) == number


@pytest.fixture
def server():
    with JsonApiServer() as httpd:
        yield httpd


def _client(server):
    params = AlicloudParams(access_key='AK', secret_key='SK', region='cn-shanghai', timeout=5, retries=0)
    return _cas.CasClient(params, server.endpoint)


def test_real_sdk_reads_the_chain_without_cert_filter_and_drops_the_key(server):
    pytest.importorskip('alibabacloud_cas20200407')
    leaf, inter, _root, key = make_chain()
    server.replies[:] = [(200, {'RequestId': 'R1', 'Id': 4930001, 'Cert': leaf + inter, 'Key': key, 'Fingerprint': 'AB'})]
    client = _client(server)
    assert client.bound_chain_pem('4930001-cn-hangzhou') == leaf + inter
    path, headers, body = server.seen[0]
    sent = path + ' ' + body.decode('utf-8')
    assert headers['x-acs-action'] == 'GetUserCertificateDetail' and headers['x-acs-version'] == '2020-04-07'
    assert 'CertId=4930001' in sent and 'CertFilter' not in sent
    assert 'AnsibleCollection/alicloud_oss.domains' in headers['user-agent']


def test_real_sdk_refusal_names_the_action_and_the_policy(server):
    pytest.importorskip('alibabacloud_cas20200407')
    server.replies[:] = [(403, {
        'RequestId': 'R2', 'Code': 'NoPermission', 'Message': 'You are not authorized to perform this operation.',
        'AccessDeniedDetail': {'AuthAction': 'yundun-cert:GetUserCertificateDetail', 'NoPermissionType': 'ImplicitDeny',
                               'AuthPrincipalType': 'SubUser', 'AuthPrincipalDisplayName': 'rotator'}})]
    with pytest.raises(AlicloudError) as info:
        _client(server).bound_chain_pem('17-cn-hangzhou')
    message = info.value.message
    assert 'yundun-cert:GetUserCertificateDetail' in message and 'certificates-cas.json' in message
    assert info.value.details['missing_permission']['action'] == 'yundun-cert:GetUserCertificateDetail'


def test_id_of_no_known_form_is_refused_before_any_call():
    class Sdk(object):
        def get_user_certificate_detail(self, request):
            raise AssertionError('called')
    client = _cas.CasClient(AlicloudParams(access_key='AK', secret_key='SK'), client=Sdk())
    with pytest.raises(ValueError):
        client.bound_chain_pem('cas-17')


def test_read_bound_chain_reads_only_when_it_decides_something():
    leaf, inter, _root, key = make_chain()
    wanted_cert, wanted_info, _warnings = _cname.wanted_certificate(dict(certificate=leaf + inter, private_key=key), 'www.example.com')
    bound = dict(cert_id='30000001-cn-hangzhou', fingerprint=wanted_info['fingerprint'], valid_end_date=None)
    calls = []

    class Cas(object):
        def bound_chain_pem(self, cert_id):
            calls.append(cert_id)
            return leaf
    assert _cname.read_bound_chain(Cas(), None, wanted_info) == (None, None)
    assert _cname.read_bound_chain(Cas(), dict(bound, cert_id=None), wanted_info) == (None, None)
    assert _cname.read_bound_chain(Cas(), dict(bound, fingerprint='AA:BB'), wanted_info) == (None, None)
    assert _cname.read_bound_chain(Cas(), bound, None) == (None, None)
    _cert, leaf_info, _warnings = _cname.wanted_certificate(dict(certificate=leaf, private_key=key), 'www.example.com')
    assert _cname.read_bound_chain(Cas(), bound, leaf_info) == (None, None)   # a leaf alone: the bound chain is kept
    assert calls == []
    chain, why = _cname.read_bound_chain(Cas(), bound, wanted_info)
    assert why is None and len(chain) == 1 and calls == ['30000001-cn-hangzhou']
    plan = _cname.plan_binding('present', dict(domain='www.example.com', certificate=bound), wanted_cert, wanted_info, bound_chain=chain)
    assert plan.action == 'certificate' and 'chain differs' in plan.reason and plan.warnings == []

    def missing():
        raise _cas.MissingSdkError('tb')
    chain, why = _cname.read_bound_chain(missing, bound, wanted_info)
    assert chain is None and 'alibabacloud-cas20200407' in why

    class Broken(object):
        def bound_chain_pem(self, cert_id):
            return 'not a certificate'
    chain, why = _cname.read_bound_chain(Broken(), bound, wanted_info)
    assert chain is None and 'no readable chain' in why
