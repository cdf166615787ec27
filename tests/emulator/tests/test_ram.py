# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""RAM users, their policies and the refusals they meet, through the real oss2 (V4, path style) and Alidns SDKs; and
roles whose STS keys carry the role's policy, intersected with the session policy."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import xml.etree.ElementTree as ET

import oss2
import pytest
from alibabacloud_alidns20150109 import models as m
from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider

from helpers import alidns_error

MAIN_UID = '1234567890123456'
READ_ACTIONS = ['oss:ListCname', 'oss:GetCnameToken', 'alidns:DescribeDomains', 'alidns:DescribeDomainRecords',
                'alidns:DescribeSubDomainRecords', 'alidns:DescribeDomainRecordInfo']


def policy(*statements):
    return {'Version': '1', 'Statement': list(statements)}


def allow(actions, resources='*'):
    return {'Effect': 'Allow', 'Action': actions, 'Resource': resources}


def deny(actions, resources='*'):
    return {'Effect': 'Deny', 'Action': actions, 'Resource': resources}


def seed_user(emu, name, policies, account='main'):
    key, secret = 'LTAI5tRamTest%s' % name.replace('-', '')[:10].ljust(10, '0'), 'secret-of-%s-0000000000000' % name
    user = {'access_key': key, 'secret_key': secret, 'policies': policies}
    emu.ok('POST', 'seed', {'accounts': {account: {'users': {name: user}}}})
    return key, secret


def oss_refusal(func, *args):
    with pytest.raises(oss2.exceptions.OssError) as info:
        func(*args)
    return info.value


def detail_of(error):
    """AccessDeniedDetail of an OSS error body (oss2 keeps only the flat elements in .details)."""
    element = ET.fromstring(error.body).find('AccessDeniedDetail')
    return None if element is None else dict((child.tag, child.text) for child in element)


def readonly(emu):
    return emu.env['EMULATOR_RAM_READONLY_ACCESS_KEY'], emu.env['EMULATOR_RAM_READONLY_SECRET_KEY']


# ---------------------------------------------------------------------------------------------- the read-only user

def test_env_names_the_read_only_user(emu):
    state = emu.ok('GET', 'state')
    user = state['accounts']['main']['users']['domains-readonly']
    assert list(user['keys']) == [emu.env['EMULATOR_RAM_READONLY_ACCESS_KEY']]
    assert sorted(user['policies'][0]['Statement'][0]['Action']) == sorted(READ_ACTIONS)


def test_read_only_user_reads_everything_the_info_modules_read(emu):
    keys = readonly(emu)
    bucket = emu.bucket('demo-assets', keys=keys)
    assert bucket.list_bucket_cname().cname == []
    assert oss_refusal(bucket.get_bucket_cname_token, 'new.example.com').code == 'CnameTokenNotFound'
    client = emu.alidns(keys=keys)
    assert client.describe_domains(m.DescribeDomainsRequest()).body.total_count == 2
    records = client.describe_domain_records(m.DescribeDomainRecordsRequest(domain_name='example.com')).body
    assert records.total_count == 2
    sub = client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='www.example.com')).body
    record_id = sub.domain_records.record[0].record_id
    info = client.describe_domain_record_info(m.DescribeDomainRecordInfoRequest(record_id=record_id)).body
    assert info.value == '192.0.2.10'


def test_read_only_user_is_refused_every_write_with_the_action_named(emu):
    emu.ok('POST', 'calls/reset')
    keys = readonly(emu)
    bucket = emu.bucket('demo-assets', keys=keys)
    for call, args, action in ((bucket.put_bucket_cname, (oss2.models.PutBucketCnameRequest('www.example.com'),), 'oss:PutCname'),
                               (bucket.delete_bucket_cname, ('www.example.com',), 'oss:DeleteCname'),
                               (bucket.create_bucket_cname_token, ('www.example.com',), 'oss:CreateCnameToken')):
        err = oss_refusal(call, *args)
        assert (err.status, err.code, err.ec) == (403, 'AccessDenied', '0003-00000001')
        assert err.message == 'You have no right to access this object because of bucket acl.'
        detail = detail_of(err)
        assert detail['AuthAction'] == action
        assert detail['NoPermissionType'] == 'ImplicitDeny'
        assert detail['PolicyType'] == 'AccountLevelIdentityBasedPolicy'
        assert (detail['AuthPrincipalType'], detail['AuthPrincipalOwnerId']) == ('SubUser', MAIN_UID)
        assert detail['AuthPrincipalDisplayName'] == '203456789012345678'
        assert base64.b64decode(detail['EncodedDiagnosticMessage']).endswith(err.request_id.encode('ascii'))
        assert err.details['Bucket'] == 'demo-assets' and err.details['User'] == '203456789012345678'
    client = emu.alidns(keys=keys)
    err = alidns_error(client.add_domain_record, m.AddDomainRecordRequest(domain_name='example.com', rr='x', type='A', value='192.0.2.1'))
    assert (err.code, err.status_code) == ('Forbidden.RAM', 400)
    assert err.data['Message'].startswith("User not authorized to operate on the specified resource, or this API doesn't support RAM.")
    assert err.access_denied_detail['AuthAction'] == 'alidns:AddDomainRecord'
    assert err.access_denied_detail['NoPermissionType'] == 'ImplicitDeny'
    assert err.data['Recommend'].startswith('https://api.aliyun.com/troubleshoot?q=Forbidden.RAM&product=Alidns')
    record_id = client.describe_sub_domain_records(
        m.DescribeSubDomainRecordsRequest(sub_domain='www.example.com')).body.domain_records.record[0].record_id
    for call, request, action in (
            (client.update_domain_record, m.UpdateDomainRecordRequest(record_id=record_id, rr='www', type='A', value='192.0.2.11'),
             'UpdateDomainRecord'),
            (client.delete_domain_record, m.DeleteDomainRecordRequest(record_id=record_id), 'DeleteDomainRecord'),
            (client.set_domain_record_status, m.SetDomainRecordStatusRequest(record_id=record_id, status='DISABLE'),
             'SetDomainRecordStatus')):
        assert alidns_error(call, request).access_denied_detail['AuthAction'] == 'alidns:' + action
    calls = emu.ok('GET', 'calls')
    writes = dict((a, e) for a, e in calls['by_action'].items() if e['writes'])
    assert sorted(writes) == ['AddDomainRecord', 'CreateCnameToken', 'DeleteCname', 'DeleteDomainRecord', 'PutCname',
                              'SetDomainRecordStatus', 'UpdateDomainRecord']
    assert all(e['writes'] == e['refused'] for e in writes.values())  # zero writes accepted
    assert calls['refused'] == 7
    state = emu.ok('GET', 'state')
    assert state['buckets']['demo-assets']['cnames'] == {} and state['buckets']['demo-assets']['tokens'] == {}
    assert emu.query('www.example.com', 'A')[1] == ['192.0.2.10']


# ---------------------------------------------------------------------------------------------- policy language

def test_wildcards_resources_and_explicit_deny(emu):
    keys = seed_user(emu, 'cname-admin', [policy(
        allow(['oss:*Cname*'], ['acs:oss:*:%s:demo-assets' % MAIN_UID]),
        allow('alidns:Describe*', 'acs:alidns:*:*:domain/*'),
        allow(['alidns:AddDomainRecord', 'alidns:DeleteDomainRecord'], 'acs:alidns:*:*:domain/example.com'),
        deny('oss:DeleteCname'))])
    bucket = emu.bucket('demo-assets', keys=keys)
    bucket.put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com'))
    assert [c.domain for c in bucket.list_bucket_cname().cname] == ['www.example.com']
    err = oss_refusal(bucket.delete_bucket_cname, 'www.example.com')
    assert (err.code, err.ec, err.message) == ('AccessDenied', '0003-00000201', 'Access denied by bucket policy.')
    assert detail_of(err)['NoPermissionType'] == 'ExplicitDeny' and detail_of(err)['AuthAction'] == 'oss:DeleteCname'
    other = emu.bucket('demo-media', keys=keys)
    assert detail_of(oss_refusal(other.list_bucket_cname))['AuthAction'] == 'oss:ListCname'
    client = emu.alidns(keys=keys)
    added = client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='ram', type='A', value='192.0.2.7')).body
    err = alidns_error(client.add_domain_record, m.AddDomainRecordRequest(domain_name='example.net', rr='ram', type='A', value='192.0.2.7'))
    assert err.code == 'Forbidden.RAM' and err.access_denied_detail['AuthAction'] == 'alidns:AddDomainRecord'
    update = m.UpdateDomainRecordRequest(record_id=added.record_id, rr='ram', type='A', value='192.0.2.8')
    err = alidns_error(client.update_domain_record, update)
    assert err.access_denied_detail['AuthAction'] == 'alidns:UpdateDomainRecord'
    client.delete_domain_record(m.DeleteDomainRecordRequest(record_id=added.record_id))


def test_describe_domains_needs_more_than_one_zone(emu):
    """A policy naming one zone does not cover DescribeDomains, which lists every zone (resource domain/*)."""
    keys = seed_user(emu, 'one-zone', [policy(allow('alidns:*', 'acs:alidns:*:*:domain/example.com'))])
    client = emu.alidns(keys=keys)
    assert client.describe_domain_records(m.DescribeDomainRecordsRequest(domain_name='example.com')).body.total_count == 2
    assert client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='www.example.com')).body.total_count == 1
    err = alidns_error(client.describe_domains, m.DescribeDomainsRequest())
    assert err.access_denied_detail['AuthAction'] == 'alidns:DescribeDomains'
    err = alidns_error(client.describe_domain_records, m.DescribeDomainRecordsRequest(domain_name='example.net'))
    assert err.access_denied_detail['AuthAction'] == 'alidns:DescribeDomainRecords'


def test_not_action_and_a_user_without_policies(emu):
    keys = seed_user(emu, 'all-but-delete', [policy({'Effect': 'Allow', 'NotAction': ['oss:DeleteCname', 'alidns:*'],
                                                     'Resource': '*'})])
    bucket = emu.bucket('demo-assets', keys=keys)
    bucket.list_bucket_cname()
    assert detail_of(oss_refusal(bucket.delete_bucket_cname, 'x.example.com'))['AuthAction'] == 'oss:DeleteCname'
    nothing = seed_user(emu, 'nobody', [])
    assert detail_of(oss_refusal(emu.bucket('demo-assets', keys=nothing).list_bucket_cname))['NoPermissionType'] == 'ImplicitDeny'


def test_put_cname_with_a_certificate_needs_the_certificate_service_actions(emu):
    """The PutCname page: with a certificate, yundun-cert DescribeSSLCertificatePrivateKey, DescribeSSLCertificatePublicKeyDetail
    and CreateSSLCertificate too."""
    keys = seed_user(emu, 'binder', [policy(allow(['oss:PutCname', 'oss:ListCname']))])
    bucket = emu.bucket('demo-assets', keys=keys)
    bucket.put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com'))
    cert = oss2.models.CertInfo(cert_id='10000001-cn-hangzhou')
    err = oss_refusal(bucket.put_bucket_cname, oss2.models.PutBucketCnameRequest('www.example.com', cert))
    assert detail_of(err)['AuthAction'] == 'yundun-cert:DescribeSSLCertificatePrivateKey'
    seed_user(emu, 'binder', [policy(allow(['oss:PutCname', 'oss:ListCname']),
                                     allow(['yundun-cert:DescribeSSLCertificatePrivateKey',
                                            'yundun-cert:DescribeSSLCertificatePublicKeyDetail']))])
    err = oss_refusal(bucket.put_bucket_cname, oss2.models.PutBucketCnameRequest('www.example.com', cert))
    assert detail_of(err)['AuthAction'] == 'yundun-cert:CreateSSLCertificate'
    seed_user(emu, 'binder', [policy(allow(['oss:PutCname', 'oss:ListCname']), allow('yundun-cert:*'))])
    bucket.put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com', cert))
    assert bucket.list_bucket_cname().cname[0].certificate.cert_id == '10000001-cn-hangzhou'
    # Removing the certificate needs oss:PutCname only.
    seed_user(emu, 'binder', [policy(allow(['oss:PutCname', 'oss:ListCname']))])
    bucket.put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com', oss2.models.CertInfo(delete_certificate=True)))


def test_seed_rejects_bad_policies(emu):
    for bad in ({'Version': '2', 'Statement': [allow('*')]}, {'Version': '1', 'Statement': []},
                policy({'Effect': 'Maybe', 'Action': '*', 'Resource': '*'}), policy({'Effect': 'Allow', 'Resource': '*'}),
                policy(dict(allow('*'), Condition={'IpAddress': {'acs:SourceIp': '10.0.0.0/8'}})), 'NoSuchSystemPolicy'):
        status, doc = emu.control('POST', 'seed', {'accounts': {'main': {'users': {'bad': {'policies': [bad]}}}}})
        assert status == 400, (bad, doc)
    status, _doc = emu.control('POST', 'seed', {'accounts': {'main': {'users': {'dup': {
        'access_key': emu.keys['main'][0], 'secret_key': 'x'}}}}})
    assert status == 400


def test_system_policies_and_a_user_of_another_account(emu):
    keys = seed_user(emu, 'oss-reader', ['AliyunOSSReadOnlyAccess'], account='other')
    assert [c.domain for c in emu.bucket('legacy-site', keys=keys).list_bucket_cname().cname] == ['old.example.com']
    # A policy that allows every bucket does not make another account's bucket this account's.
    err = oss_refusal(emu.bucket('demo-assets', keys=keys).list_bucket_cname)
    assert err.code == 'AccessDenied' and detail_of(err) is None


# ---------------------------------------------------------------------------------------------- roles and STS

@pytest.fixture
def sts_env(emu, monkeypatch):
    monkeypatch.setenv('SSL_CERT_FILE', emu.env['EMULATOR_CA_FILE'])
    for name in ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'):
        monkeypatch.delenv(name, raising=False)
    from Tea.core import TeaCore  # pylint: disable=import-outside-toplevel
    TeaCore._sessions.clear()  # pylint: disable=protected-access
    return emu


def assume(emu, keys, role_arn, session_policy=None):
    provider = RamRoleArnCredentialsProvider(access_key_id=keys[0], access_key_secret=keys[1], role_arn=role_arn,
                                             role_session_name='ram-test', policy=session_policy,
                                             sts_endpoint=emu.env['EMULATOR_STS_ENDPOINT'])
    creds = provider.get_credentials()
    return creds.get_access_key_id(), creds.get_access_key_secret(), creds.get_security_token()


def test_role_policy_intersected_with_the_session_policy(sts_env):
    emu = sts_env
    emu.ok('POST', 'seed', {'accounts': {'main': {'roles': {'cname-operator': {'policies': [policy(
        allow(['oss:ListCname', 'oss:PutCname', 'oss:GetCnameToken']))]}}}}})
    arn = 'acs:ram::%s:role/cname-operator' % MAIN_UID
    ak, sk, token = assume(emu, emu.keys['main'], arn)
    bucket = emu.bucket('demo-assets', keys=(ak, sk), token=token)
    bucket.put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com'))
    err = oss_refusal(bucket.delete_bucket_cname, 'www.example.com')
    detail = detail_of(err)
    assert (detail['AuthAction'], detail['AuthPrincipalType']) == ('oss:DeleteCname', 'AssumedRoleUser')
    assert detail['AuthPrincipalDisplayName'] == 'cname-operator:ram-test'
    assert 'User' not in err.details
    # The session policy narrows the role: ListCname only.
    session = json.dumps(policy(allow('oss:ListCname')))
    ak, sk, token = assume(emu, emu.keys['main'], arn, session)
    bucket = emu.bucket('demo-assets', keys=(ak, sk), token=token)
    assert [c.domain for c in bucket.list_bucket_cname().cname] == ['www.example.com']
    detail = detail_of(oss_refusal(bucket.put_bucket_cname, oss2.models.PutBucketCnameRequest('img.example.com')))
    assert (detail['AuthAction'], detail['PolicyType']) == ('oss:PutCname', 'SessionPolicy')
    # The session policy never widens the role.
    ak, sk, token = assume(emu, emu.keys['main'], arn, json.dumps(policy(allow('*'))))
    err = alidns_error(emu.alidns(keys=(ak, sk), token=token).describe_domains, m.DescribeDomainsRequest())
    assert err.access_denied_detail['PolicyType'] == 'AccountLevelIdentityBasedPolicy'


def test_a_role_seeded_without_policies_is_unrestricted(sts_env):
    emu = sts_env
    ak, sk, token = assume(emu, emu.keys['main'], emu.env['EMULATOR_ROLE_ARN'])
    assert emu.alidns(keys=(ak, sk), token=token).describe_domains(m.DescribeDomainsRequest()).body.total_count == 2


def test_a_ram_user_needs_sts_assume_role(sts_env):
    emu = sts_env
    from alibabacloud_credentials.exceptions import CredentialException  # pylint: disable=import-outside-toplevel
    with pytest.raises(CredentialException) as info:
        assume(emu, readonly(emu), emu.env['EMULATOR_ROLE_ARN'])
    assert 'NoPermission' in str(info.value)
    keys = seed_user(emu, 'deployer', [policy(allow('sts:AssumeRole', 'acs:ram:*:*:role/domains-automation'))])
    ak, sk, token = assume(emu, keys, emu.env['EMULATOR_ROLE_ARN'])
    emu.bucket('demo-assets', keys=(ak, sk), token=token).put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com'))
