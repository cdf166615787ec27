# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""RAM refusals: the message names the refused action (from AccessDeniedDetail, else the call made), the resource and
the ready policy of docs/ram-policies; the table of ready policies matches the JSON files; the pre-flight verdict."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _permissions
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import error_from_code

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
POLICY_DIR = os.path.join(ROOT, 'docs', 'ram-policies')

OSS_DETAIL = {'PolicyType': 'AccountLevelIdentityBasedPolicy', 'AuthPrincipalOwnerId': '1234567890123456',
              'AuthPrincipalType': 'SubUser', 'AuthPrincipalDisplayName': '203456789012345678',
              'NoPermissionType': 'ImplicitDeny', 'AuthAction': 'oss:PutCname', 'EncodedDiagnosticMessage': 'AQE='}


def oss_refusal(detail=None, ec='0003-00000001', message='You have no right to access this object because of bucket acl.'):
    details = {'EC': ec, 'Bucket': 'demo-assets'}
    if detail is not None:
        details['AccessDeniedDetail'] = detail
    return error_from_code('AccessDenied', message, 'RID', 403, details=details)


def test_ready_policy_table_matches_the_json_files():
    names = sorted(name for name in os.listdir(POLICY_DIR) if name.endswith('.json'))
    assert names == sorted(name for name, _actions in _permissions.READY_POLICIES)
    for name, actions in _permissions.READY_POLICIES:
        with open(os.path.join(POLICY_DIR, name)) as handle:
            policy = json.load(handle)
        assert policy['Version'] == '1'
        listed = [action for statement in policy['Statement'] for action in statement['Action']]
        assert sorted(listed) == sorted(actions), name
        assert len(listed) == len(set(listed)), name
        assert all(statement['Effect'] == 'Allow' for statement in policy['Statement'])


def test_oss_refusal_names_the_action_from_the_detail_the_resource_and_the_policies():
    error = _permissions.explain(oss_refusal(OSS_DETAIL), 'oss:ListCname', 'acs:oss:*:*:demo-assets')
    assert 'OSS refused oss:PutCname on acs:oss:*:*:demo-assets' in error.message
    assert 'no policy of the RAM user 203456789012345678 of account 1234567890123456 allows it' in error.message
    assert 'bind-external-dns.json' in error.message and 'docs/ram-policies' in error.message
    assert 'You have no right to access this object' in error.message  # the service's own words are kept
    assert error.details['missing_permission'] == dict(action='oss:PutCname', resource='acs:oss:*:*:demo-assets',
                                                       policies=['bind-external-dns.json', 'bind-alidns.json',
                                                                 'certificates-cas.json'], explicit_deny=False)
    assert error.to_result()['missing_permission']['action'] == 'oss:PutCname'
    # Explaining twice changes nothing.
    message = error.message
    assert _permissions.explain(error, 'oss:ListCname').message == message


def test_without_a_detail_the_action_is_the_call_that_was_made():
    error = _permissions.explain(oss_refusal(), 'oss:DeleteCname', 'acs:oss:*:*:demo-assets')
    assert 'oss:DeleteCname' in error.message and 'these credentials do not have this permission' in error.message
    error = _permissions.explain(error_from_code('Forbidden.RAM', "User not authorized to operate on the specified resource, or "
                                                 "this API doesn't support RAM.", 'R', 400), 'alidns:AddDomainRecord',
                                 _permissions.alidns_resource('example.com'))
    assert 'Alibaba Cloud DNS refused alidns:AddDomainRecord on acs:alidns:*:*:domain/example.com' in error.message
    assert 'bind-alidns.json' in error.message and 'custom_domain_dns: external' in error.message


def test_explicit_deny_and_session_policy_say_what_to_change():
    detail = dict(OSS_DETAIL, NoPermissionType='ExplicitDeny', AuthAction='oss:DeleteCname')
    error = _permissions.explain(oss_refusal(detail, ec='0003-00000201', message='Access denied by bucket policy.'), 'oss:DeleteCname')
    assert 'a Deny statement' in error.message and 'bind-alidns.json' not in error.message
    assert error.details['missing_permission']['explicit_deny'] is True
    detail = dict(OSS_DETAIL, PolicyType='SessionPolicy', AuthPrincipalType='AssumedRoleUser', AuthPrincipalDisplayName='r:s')
    error = _permissions.explain(oss_refusal(detail), 'oss:PutCname')
    assert 'alicloud_assume_role.policy' in error.message


def test_alidns_detail_through_the_sdk_and_actions_in_no_ready_policy():
    detail = {'AuthAction': 'alidns:DescribeDomainInfo', 'AuthPrincipalType': 'AssumedRoleUser',
              'AuthPrincipalDisplayName': 'domains-automation:ci', 'NoPermissionType': 'ImplicitDeny'}
    error = error_from_code('Forbidden.RAM', 'not authorized', 'R', 400, details={'access_denied_detail': detail})
    error = _permissions.explain(error, 'alidns:DescribeDomainInfo', _permissions.alidns_resource('example.com'))
    assert 'the RAM role session domains-automation:ci' in error.message
    assert 'Add alidns:DescribeDomainInfo to a policy of the RAM user or role.' in error.message
    assert error.details['missing_permission']['policies'] == []


@pytest.mark.parametrize('code, details, message, refusal', [
    ('AccessDenied', {'Endpoint': 'oss-eu-central-1.aliyuncs.com'}, 'must be addressed using the specified endpoint', False),
    ('AccessDenied', {'EC': '0002-00000080'}, 'The V1 signature is no longer supported', False),
    ('AccessDenied', {'EC': '0003-00000001'}, 'The bucket you access does not belong to you.', False),
    ('AccessDenied', {'EC': '0003-00000202'}, 'denied', True),
    ('AccessDenied', {}, "Access denied by authorizer's policy.", True),
    ('SignatureDoesNotMatch', {}, 'signature', False),
    ('NoPermission', {}, 'You are not authorized to do this action.', True),
    ('Forbidden.RAM', {}, 'User not authorized', True),
])
def test_which_errors_are_permission_refusals(code, details, message, refusal):
    error = error_from_code(code, message, 'R', 403, details=details)
    assert _permissions.is_permission_refusal(error) is refusal
    assert _permissions.explain(error, 'oss:PutCname').message.startswith('Permission denied') is refusal


def test_sdk_method_names_map_to_actions():
    assert _permissions.alidns_action('add_domain_record') == 'alidns:AddDomainRecord'
    assert _permissions.alidns_action('describe_sub_domain_records') == 'alidns:DescribeSubDomainRecords'
    assert _permissions.OSS_ACTIONS['create_bucket_cname_token'] == 'oss:CreateCnameToken'


def test_preflight_collects_refusals_and_ignores_what_is_not_one():
    def refused(action):
        def call():
            raise error_from_code('Forbidden.RAM', 'User not authorized', 'R', 400)
        return _permissions.Probe(action, 'acs:alidns:*:*:*', call, 'finding the zone')

    def missing_token():
        raise error_from_code('CnameTokenNotFound', 'none', 'R', 404)

    probes = [_permissions.Probe('oss:ListCname', 'acs:oss:*:*:b', lambda: [], 'binding the domain'),
              _permissions.Probe('oss:GetCnameToken', 'acs:oss:*:*:b', missing_token, 'proving ownership'),
              refused('alidns:DescribeDomains')]
    found = _permissions.preflight(probes)
    assert [probe.action for probe, _error in found] == ['alidns:DescribeDomains']
    ok, advice, message = _permissions.custom_domain_verdict(found, 'auto')
    assert ok and advice == 'external' and 'custom_domain_dns: external' in message
    ok, advice, message = _permissions.custom_domain_verdict(found, 'alidns')
    assert not ok and advice is None and message.startswith('Nothing was changed') and 'alidns:DescribeDomains' in message
    assert _permissions.custom_domain_verdict([], 'auto') == (True, None, None)


class FakeOss(object):
    def __init__(self, refuse=None):
        self.refuse = refuse or ()

    def list_cnames(self):
        if 'oss:ListCname' in self.refuse:
            raise oss_refusal(dict(OSS_DETAIL, AuthAction='oss:ListCname'))
        return []

    def get_token(self, domain):
        return None


class FakeDns(object):
    def __init__(self):
        self.calls = []

    def find_zone(self, fqdn):
        self.calls.append(('find_zone', fqdn))
        return 'example.com'

    def list_name_records(self, zone, rr):
        self.calls.append(('list_name_records', zone, rr))
        return []


def test_custom_domain_probes_read_only_what_the_flow_reads():
    dns = FakeDns()
    probes = _permissions.custom_domain_probes(FakeOss(), dns, 'demo-assets', 'shop.example.com', 'auto')
    assert [probe.action for probe in probes] == ['oss:ListCname', 'oss:GetCnameToken', 'alidns:DescribeDomains',
                                                  'alidns:DescribeSubDomainRecords']
    assert _permissions.preflight(probes) == []
    assert dns.calls == [('find_zone', 'shop.example.com'), ('list_name_records', 'example.com', 'shop')]
    probes = _permissions.custom_domain_probes(FakeOss(refuse=['oss:ListCname']), None, 'demo-assets', 'shop.example.org', 'external')
    found = _permissions.preflight(probes)
    assert [probe.action for probe, _error in found] == ['oss:ListCname']
    assert _permissions.custom_domain_verdict(found, 'external')[0] is False


OSS_BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
            b'<Message>You have no right to access this object because of bucket acl.</Message><RequestId>RID</RequestId>'
            b'<HostId>demo-assets.oss-cn-hangzhou.aliyuncs.com</HostId><AccessDeniedDetail>'
            b'<PolicyType>AccountLevelIdentityBasedPolicy</PolicyType><AuthPrincipalOwnerId>1234567890123456</AuthPrincipalOwnerId>'
            b'<AuthPrincipalType>SubUser</AuthPrincipalType><AuthPrincipalDisplayName>203456789012345678</AuthPrincipalDisplayName>'
            b'<NoPermissionType>ImplicitDeny</NoPermissionType><AuthAction>oss:CreateCnameToken</AuthAction>'
            b'<EncodedDiagnosticMessage>AQE=</EncodedDiagnosticMessage></AccessDeniedDetail><Bucket>demo-assets</Bucket>'
            b'<User>203456789012345678</User><EC>0003-00000001</EC></Error>')


def test_oss_translate_keeps_the_access_denied_detail_oss2_drops():
    oss2 = pytest.importorskip('oss2')
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _oss
    exc = oss2.exceptions.AccessDenied(403, {'x-oss-request-id': 'RID'}, OSS_BODY, oss2.exceptions._parse_error_body(OSS_BODY))
    error = _oss.translate(oss2, exc)
    assert error.details['AccessDeniedDetail']['AuthAction'] == 'oss:CreateCnameToken'
    assert _permissions.explain(error, 'oss:CreateCnameToken').details['missing_permission']['action'] == 'oss:CreateCnameToken'
    assert _oss._access_denied_detail(b'<Error><Code>NoSuchBucket</Code></Error>') == {}
    assert _oss._access_denied_detail(b'not xml AccessDeniedDetail') == {}


def test_alidns_refusal_through_the_sdk_names_the_action_and_the_zone():
    pytest.importorskip('alibabacloud_alidns20150109')
    from alibabacloud_tea_openapi import exceptions as sdk_exceptions
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudAuthError, AlicloudParams, RetryPolicy
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns import AlidnsAPI

    detail = {'AuthAction': 'alidns:AddDomainRecord', 'AuthPrincipalType': 'SubUser', 'AuthPrincipalDisplayName': '2034',
              'AuthPrincipalOwnerId': '1234', 'NoPermissionType': 'ImplicitDeny', 'PolicyType': 'AccountLevelIdentityBasedPolicy'}

    class Refusing(object):
        def add_domain_record(self, request):
            data = {'Code': 'Forbidden.RAM', 'Message': "User not authorized to operate on the specified resource, or this API "
                    "doesn't support RAM.", 'RequestId': 'R', 'AccessDeniedDetail': detail}
            raise sdk_exceptions.ClientException(status_code=400, code='Forbidden.RAM', message='code: 400, ...', request_id='R',
                                                 data=data)

    api = AlidnsAPI(AlicloudParams(access_key='AK', secret_key='SK'), client=Refusing(),
                    policy_factory=lambda: RetryPolicy(max_attempts=3, sleep=lambda s: None))
    with pytest.raises(AlicloudAuthError) as info:
        api.call('AddDomainRecord', domain_name='Example.com.', rr='www', type='A', value='192.0.2.1')
    assert 'Alibaba Cloud DNS refused alidns:AddDomainRecord on acs:alidns:*:*:domain/example.com' in info.value.message
    assert info.value.to_result()['missing_permission']['policies'] == ['bind-alidns.json']


def test_a_certificate_action_checked_inside_put_cname_is_named_with_the_call():
    detail = dict(OSS_DETAIL, AuthAction='yundun-cert:CreateSSLCertificate')
    error = _permissions.explain(oss_refusal(detail), 'oss:PutCname', 'acs:oss:*:*:demo-assets')
    assert error.message.startswith('Permission denied: OSS refused oss:PutCname on acs:oss:*:*:demo-assets, which needs '
                                    'yundun-cert:CreateSSLCertificate (Certificate Management Service) as well')
    assert error.details['missing_permission'] == dict(action='yundun-cert:CreateSSLCertificate', resource=None,
                                                       policies=['certificates-cas.json'], explicit_deny=False)
