# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""STS (AssumeRole, AssumeRoleWithOIDC), the ECS metadata service and credential expiry, driven by the real
alibabacloud-credentials providers; the credentials they get are then used by the real oss2 and Alidns SDKs."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import ipaddress
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import certifi
import oss2
import pytest
from alibabacloud_alidns20150109 import models as m
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_credentials.http import HttpOptions
from alibabacloud_credentials.provider import (EcsRamRoleCredentialsProvider, OIDCRoleArnCredentialsProvider,
                                               RamRoleArnCredentialsProvider, StaticSTSCredentialsProvider)
from alibabacloud_credentials.utils import auth_util
from alibabacloud_tea_openapi.models import Config
from alibabacloud_alidns20150109.client import Client

from helpers import alidns_error

POLICY = '{"Statement": [{"Action": ["*"], "Effect": "Allow", "Resource": ["*"]}], "Version": "1"}'


# ---------------------------------------------------------------------------------------------- fixtures and helpers

@pytest.fixture
def sdk_env(emu, monkeypatch):
    """The environment a client of the emulator's STS needs: the emulator's CA through SSL_CERT_FILE (Tea builds its
    TLS context with ssl.create_default_context(), which loads OpenSSL's default paths), no proxy variables, the
    metadata provider enabled (conftest disables it for the other tests), and no connection to anything but loopback:
    were a request for 100.100.100.200 not sent through the emulator, this test fails instead of reaching out."""
    monkeypatch.setenv('SSL_CERT_FILE', emu.env['EMULATOR_CA_FILE'])
    for name in ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(auth_util, 'environment_ecs_metadata_disabled', 'false')
    real_connect = socket.socket.connect

    def loopback_only(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(host.split('%')[0]).is_loopback:
            raise OSError('test refused a connection to %s (only loopback is allowed)' % host)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, 'connect', loopback_only)
    # Tea caches one requests.Session (and its TLS context) per host: start from none, so SSL_CERT_FILE is read.
    from Tea.core import TeaCore  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(TeaCore, '_sessions', {})
    return emu.env


def ram_role(env, keys=None, token=None, **kwargs):
    access_key, secret = keys or (env['ALICLOUD_ACCESS_KEY'], env['ALICLOUD_SECRET_KEY'])
    kwargs.setdefault('role_arn', env['EMULATOR_ROLE_ARN'])
    return RamRoleArnCredentialsProvider(access_key_id=access_key, access_key_secret=secret, security_token=token,
                                         sts_endpoint=env['EMULATOR_STS_ENDPOINT'], **kwargs)


def oidc(env, **kwargs):
    kwargs.setdefault('role_arn', env['EMULATOR_OIDC_ROLE_ARN'])
    kwargs.setdefault('oidc_provider_arn', env['EMULATOR_OIDC_PROVIDER_ARN'])
    kwargs.setdefault('oidc_token_file_path', env['EMULATOR_OIDC_TOKEN_FILE'])
    return OIDCRoleArnCredentialsProvider(sts_endpoint=env['EMULATOR_STS_ENDPOINT'], **kwargs)


def ecs(env, **kwargs):
    return EcsRamRoleCredentialsProvider(http_options=HttpOptions(proxy=env['EMULATOR_IMDS_PROXY']), async_update_enabled=False,
                                         **kwargs)


def refused(provider):
    """The STS error document of a refused refresh (the SDK puts the response body into its message)."""
    with pytest.raises(CredentialException) as info:
        provider.get_credentials()
    return json.loads(info.value.message.split('result: ', 1)[1])


def oss_bucket(emu, creds, name='demo-assets'):
    """A real oss2 V4 request signed with the temporary credentials (path style to the emulator)."""
    auth = oss2.StsAuth(creds.get_access_key_id(), creds.get_access_key_secret(), creds.get_security_token(), auth_version='v4')
    return oss2.Bucket(auth, emu.url, name, region='cn-hangzhou', connect_timeout=10)


class OssCredentials(oss2.credentials.CredentialsProvider):
    """oss2's provider interface over an alibabacloud-credentials provider: asks it on every request (ProviderAuthV4)."""

    def __init__(self, provider):
        self.provider = provider

    def get_credentials(self):
        creds = self.provider.get_credentials()
        return oss2.credentials.Credentials(creds.get_access_key_id(), creds.get_access_key_secret(), creds.get_security_token())


def alidns_client(emu, creds):
    return Client(Config(access_key_id=creds.get_access_key_id(), access_key_secret=creds.get_access_key_secret(),
                         security_token=creds.get_security_token(), endpoint=emu.host_port, protocol='http',
                         read_timeout=10000, connect_timeout=5000))


def domains(emu, creds):
    return sorted(d.domain_name for d in alidns_client(emu, creds).describe_domains(m.DescribeDomainsRequest()).body.domains.domain)


def https_context(emu):
    return ssl.create_default_context(cafile=emu.env['EMULATOR_CA_FILE'])


def sts_raw(emu, params, keys=None, token=None, sign=True, method='GET', host='127.0.0.1'):
    """A hand-made STS request (to test what the SDK does not send): (status, document)."""
    import signatures  # pylint: disable=import-outside-toplevel
    query = {'Format': 'JSON', 'Version': '2015-04-01'}
    query.update(params)
    if sign:
        access_key, secret = keys or emu.keys['main']
        query.update(AccessKeyId=access_key, SignatureMethod='HMAC-SHA1', SignatureVersion='1.0', SignatureNonce=uuid.uuid4().hex,
                     Timestamp=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))
        if token:
            query['SecurityToken'] = token
        query['Signature'] = signatures.rpc_v2_signature(secret, signatures.rpc_v2_string_to_sign(method, query))
    port = emu.env['EMULATOR_STS_ENDPOINT'].rsplit(':', 1)[1]
    encoded = urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
    url = 'https://%s:%s/' % (host, port) + ('?' + encoded if method == 'GET' else '')
    req = urllib.request.Request(url, method=method, data=None if method == 'GET' else encoded.encode('ascii'),
                                 headers={} if method == 'GET' else {'Content-Type': 'application/x-www-form-urlencoded'})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=https_context(emu)))
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, json.loads(response.read().decode('utf-8'))
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read().decode('utf-8'))


def imds_raw(emu, path, method='GET', headers=None):
    """A request for the metadata service, sent the way an SDK sends it through HTTP_PROXY: (status, text)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({'http': emu.env['EMULATOR_IMDS_PROXY']}))
    req = urllib.request.Request('http://100.100.100.200' + path, method=method, headers=headers or {},
                                 data=b'' if method == 'PUT' else None)
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, response.read().decode('utf-8')
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode('utf-8')


# ---------------------------------------------------------------------------------------------- AssumeRole

def test_assume_role_with_the_real_sdk(emu, sdk_env):
    provider = ram_role(sdk_env, role_session_name='ansible-test', policy=POLICY, duration_seconds=900)
    creds = provider.get_credentials()
    assert creds.get_access_key_id().startswith('STS.') and creds.get_security_token()
    assert 890 <= creds.get_expiration() - time.time() <= 900
    assert oss_bucket(emu, creds).list_bucket_cname().status == 200
    assert domains(emu, creds) == ['example.com', 'example.net']
    issued = emu.ok('GET', 'state')['sts'][creds.get_access_key_id()]
    assert (issued['account'], issued['role_arn'], issued['session_name'], issued['policy']) == (
        'main', sdk_env['EMULATOR_ROLE_ARN'], 'ansible-test', POLICY)
    # A key of the role's account issued the credential, so the SDK reports the chain.
    assert creds.get_provider_name() == 'ram_role_arn/static_ak'
    calls = emu.ok('GET', 'calls')
    assert calls['by_action']['AssumeRole'] == {'reads': 1, 'writes': 0}
    assert calls['by_signature']['rpc_v2'] == {'main': 1}


def test_assume_role_response_shape(emu):
    status, doc = sts_raw(emu, {'Action': 'AssumeRole', 'RoleArn': emu.env['EMULATOR_ROLE_ARN'], 'RoleSessionName': 'alice'})
    assert status == 200, doc
    assert sorted(doc) == ['AssumedRoleUser', 'Credentials', 'RequestId']
    assert sorted(doc['Credentials']) == ['AccessKeyId', 'AccessKeySecret', 'Expiration', 'SecurityToken']
    role = emu.ok('GET', 'state')['accounts']['main']['roles']['domains-automation']
    assert doc['AssumedRoleUser'] == {'Arn': emu.env['EMULATOR_ROLE_ARN'] + '/alice', 'AssumedRoleId': role['role_id'] + ':alice'}
    expiration = datetime.datetime.strptime(doc['Credentials']['Expiration'], '%Y-%m-%dT%H:%M:%SZ')
    assert 3590 <= expiration.replace(tzinfo=datetime.timezone.utc).timestamp() - time.time() <= 3600
    # POST with a form body, as other SDKs send it, and over "localhost" (the certificate names both).
    status, doc = sts_raw(emu, {'Action': 'AssumeRole', 'RoleArn': emu.env['EMULATOR_ROLE_ARN'], 'RoleSessionName': 'bob'},
                          method='POST', host='localhost')
    assert status == 200, doc


@pytest.mark.parametrize('params, status, code', [
    ({'RoleArn': 'acs:ram::1234567890123456:role/no-such-role'}, 404, 'EntityNotExist.Role'),
    ({'RoleArn': 'acs:ram::1234567890123456:user/alice'}, 400, 'InvalidParameter.RoleArn'),
    ({'RoleArn': None}, 400, 'MissingRoleArn'),
    ({'RoleSessionName': 'a'}, 400, 'InvalidParameter.RoleSessionName'),
    ({'RoleSessionName': 'has space'}, 400, 'InvalidParameter.RoleSessionName'),
    ({'DurationSeconds': '899'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'DurationSeconds': '43201'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'DurationSeconds': 'soon'}, 400, 'InvalidParameter.DurationSeconds'),
    ({'Policy': '{"Statement": []}'}, 400, 'InvalidParameter.PolicyGrammar'),
    ({'Policy': 'not json'}, 400, 'InvalidParameter.PolicyGrammar'),
    ({'Policy': POLICY[:-1] + ' ' * 2100 + '}'}, 400, 'InvalidParameter.PolicySize'),
    ({'Version': '2014-01-01'}, 400, 'InvalidVersion'),
    ({'Action': 'GetCallerIdentity'}, 404, 'InvalidAction.NotFound'),
], ids=lambda v: v if isinstance(v, str) else None)
def test_assume_role_refusals(emu, params, status, code):
    request = {'Action': 'AssumeRole', 'RoleArn': emu.env['EMULATOR_ROLE_ARN'], 'RoleSessionName': 'alice'}
    request.update(params)
    got_status, doc = sts_raw(emu, dict((k, v) for k, v in request.items() if v is not None))
    assert (got_status, doc['Code']) == (status, code), doc
    assert sorted(doc) == ['Code', 'HostId', 'Message', 'Recommend', 'RequestId']


def test_duration_limits(emu):
    request = {'Action': 'AssumeRole', 'RoleArn': emu.env['EMULATOR_ROLE_ARN'], 'RoleSessionName': 'alice'}
    for seconds in ('900', '43200'):
        assert sts_raw(emu, dict(request, DurationSeconds=seconds))[0] == 200
    # A role's MaxSessionDuration bounds DurationSeconds (the default role allows 12 h; a new role 1 h).
    emu.ok('POST', 'seed', {'accounts': {'main': {'roles': {'short': {}}}}})
    status, doc = sts_raw(emu, dict(request, RoleArn='acs:ram::1234567890123456:role/short', DurationSeconds='3601'))
    assert (status, doc['Code'], doc['Message']) == (400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/1hr.')


def test_assume_role_authentication(emu, sdk_env):
    main_key, main_secret = emu.keys['main']
    doc = refused(ram_role(sdk_env, keys=(main_key, 'wrong-secret')))
    assert doc['Code'] == 'SignatureDoesNotMatch'
    assert refused(ram_role(sdk_env, keys=('LTAI5tNoSuchKey000000000', 'x')))['Code'] == 'InvalidAccessKeyId.NotFound'
    # Trust: another account's key may not assume main's role ...
    doc = refused(ram_role(sdk_env, keys=emu.keys['other']))
    assert doc['Code'] == 'NoPermission' and 'does not trust you' in doc['Message']
    # ... until the role trusts that account (seeding merges).
    emu.ok('POST', 'seed', {'accounts': {'main': {'roles': {'domains-automation': {'trusted_accounts': ['other']}}}}})
    creds = ram_role(sdk_env, keys=emu.keys['other']).get_credentials()
    assert emu.ok('GET', 'state')['sts'][creds.get_access_key_id()]['account'] == 'main'
    assert oss_bucket(emu, creds).list_bucket_cname().status == 200


def test_role_chaining_and_sts_callers(emu, sdk_env):
    first = ram_role(sdk_env).get_credentials()
    # Credentials derived from the role's account may assume a role again (the SDK sends their SecurityToken).
    chained = ram_role(sdk_env, keys=(first.get_access_key_id(), first.get_access_key_secret()), token=first.get_security_token())
    second = chained.get_credentials()
    assert second.get_access_key_id() != first.get_access_key_id()
    assert domains(emu, second) == ['example.com', 'example.net']
    # The same through a provider chain (credentials_provider=...).
    upstream = StaticSTSCredentialsProvider(access_key_id=first.get_access_key_id(), access_key_secret=first.get_access_key_secret(),
                                            security_token=first.get_security_token())
    via = RamRoleArnCredentialsProvider(credentials_provider=upstream, role_arn=sdk_env['EMULATOR_ROLE_ARN'],
                                        sts_endpoint=sdk_env['EMULATOR_STS_ENDPOINT'])
    assert via.get_credentials().get_provider_name() == 'ram_role_arn/static_sts'
    # An STS key without its token, or with another one.
    status, doc = sts_raw(emu, {'Action': 'AssumeRole', 'RoleArn': emu.env['EMULATOR_ROLE_ARN'], 'RoleSessionName': 'x'},
                          keys=(first.get_access_key_id(), first.get_access_key_secret()))
    assert (status, doc['Code']) == (400, 'MissingSecurityToken')
    status, doc = sts_raw(emu, {'Action': 'AssumeRole', 'RoleArn': emu.env['EMULATOR_ROLE_ARN'], 'RoleSessionName': 'x'},
                          keys=(first.get_access_key_id(), first.get_access_key_secret()), token='CAISwrong')
    assert (status, doc['Code']) == (400, 'InvalidSecurityToken.MismatchWithAccessKey')


# ---------------------------------------------------------------------------------------------- AssumeRoleWithOIDC

def test_assume_role_with_oidc_real_sdk(emu, sdk_env):
    creds = oidc(sdk_env, role_session_name='pod-1').get_credentials()
    assert creds.get_access_key_id().startswith('STS.')
    assert oss_bucket(emu, creds).list_bucket_cname().status == 200
    assert emu.ok('GET', 'calls')['by_action']['AssumeRoleWithOIDC'] == {'reads': 1, 'writes': 0}
    with open(sdk_env['EMULATOR_OIDC_TOKEN_FILE'], 'r', encoding='utf-8') as handle:
        token = handle.read()
    assert token == emu.ok('GET', 'state')['accounts']['main']['oidc_providers']['emulator-cluster']['token']
    status, doc = sts_raw(emu, {'Action': 'AssumeRoleWithOIDC', 'RoleArn': emu.env['EMULATOR_OIDC_ROLE_ARN'], 'RoleSessionName': 'pod-1',
                                'OIDCProviderArn': emu.env['EMULATOR_OIDC_PROVIDER_ARN'], 'OIDCToken': token}, sign=False)
    assert status == 200, doc
    assert sorted(doc) == ['AssumedRoleUser', 'Credentials', 'OIDCTokenInfo', 'RequestId']
    assert doc['OIDCTokenInfo']['ClientIds'] == 'sts.aliyuncs.com' and doc['OIDCTokenInfo']['VerificationInfo'] == 'Success'
    assert doc['AssumedRoleUser']['Arn'] == emu.env['EMULATOR_OIDC_ROLE_ARN'] + '/pod-1'


def test_assume_role_with_oidc_refusals(emu, sdk_env, tmp_path):
    wrong = tmp_path / 'token'
    wrong.write_text('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', encoding='utf-8')
    doc = refused(oidc(sdk_env, oidc_token_file_path=str(wrong)))
    assert doc['Code'] == 'AuthenticationFail.OIDCToken.InvalidSignature'
    wrong.write_text('not-a-jwt', encoding='utf-8')
    assert refused(oidc(sdk_env, oidc_token_file_path=str(wrong)))['Code'] == 'AuthenticationFail.OIDCToken.Invalid'
    doc = refused(oidc(sdk_env, oidc_provider_arn='acs:ram::1234567890123456:oidc-provider/elsewhere'))
    assert (doc['Code'], doc['Message']) == ('AuthenticationFail.NoPermission', 'No such OIDC Provider registered.')
    # A role that does not trust the provider.
    doc = refused(oidc(sdk_env, role_arn='acs:ram::1234567890123456:role/domains-ecs'))
    assert doc['Code'] == 'AuthenticationFail.NoPermission'
    # Reset (new world) gives a new token and rewrites the file: a provider that reads the file each time follows.
    emu.ok('POST', 'reset')
    assert oidc(sdk_env).get_credentials().get_access_key_id().startswith('STS.')


# ---------------------------------------------------------------------------------------------- ECS metadata

def test_ecs_ram_role_real_sdk(emu, sdk_env):
    found = ecs(sdk_env).get_credentials()  # no role name: the SDK asks the metadata service for it
    named = ecs(sdk_env, role_name=sdk_env['EMULATOR_ECS_ROLE_NAME'], disable_imds_v1=True).get_credentials()
    assert found.get_access_key_id().startswith('STS.')
    assert named.get_access_key_id() == found.get_access_key_id()  # the instance's current key, until it ages
    assert found.get_provider_name() == 'ecs_ram_role'
    assert domains(emu, found) == ['example.com', 'example.net']
    auth = oss2.ProviderAuthV4(OssCredentials(ecs(sdk_env, role_name=sdk_env['EMULATOR_ECS_ROLE_NAME'])))
    assert oss2.Bucket(auth, emu.url, 'demo-assets', region='cn-hangzhou').list_bucket_cname().status == 200
    assert emu.ok('GET', 'calls')['by_action']['ImdsCredentials']['reads'] == 3
    issued = emu.ok('GET', 'state')['sts'][found.get_access_key_id()]
    assert (issued['account'], issued['source']) == ('main', 'ImdsCredentials')
    with pytest.raises(CredentialException):
        ecs(sdk_env, role_name='not-the-instance-role').get_credentials()


def test_imds_protocol(emu):
    status, token = imds_raw(emu, '/latest/api/token', 'PUT', {'X-aliyun-ecs-metadata-token-ttl-seconds': '60'})
    assert status == 200 and token
    assert imds_raw(emu, '/latest/api/token', 'PUT')[0] == 400
    assert imds_raw(emu, '/latest/api/token', 'PUT', {'X-aliyun-ecs-metadata-token-ttl-seconds': '21601'})[0] == 400
    assert imds_raw(emu, '/latest/api/token', 'PUT', {'X-aliyun-ecs-metadata-token-ttl-seconds': '60',
                                                      'X-Forwarded-For': 'example.com'})[0] == 403
    with_token = {'X-aliyun-ecs-metadata-token': token}
    assert imds_raw(emu, '/latest/meta-data/ram/security-credentials/', headers=with_token) == (200, 'domains-ecs')
    assert imds_raw(emu, '/latest/meta-data/ram/security-credentials/', headers={'X-aliyun-ecs-metadata-token': 'bad'})[0] == 401
    assert imds_raw(emu, '/latest/meta-data/ram/security-credentials/other-role', headers=with_token)[0] == 404
    status, text = imds_raw(emu, '/latest/meta-data/ram/security-credentials/domains-ecs', headers=with_token)
    doc = json.loads(text)
    assert status == 200 and sorted(doc) == ['AccessKeyId', 'AccessKeySecret', 'Code', 'Expiration', 'LastUpdated', 'SecurityToken']
    assert doc['Code'] == 'Success' and doc['Expiration'].endswith('Z') and doc['LastUpdated'].endswith('Z')
    assert imds_raw(emu, '/latest/meta-data/owner-account-id') == (200, '1234567890123456')  # normal mode
    # Security hardening mode only: normal mode gets 403, the SDK (which gets a token first) still works.
    emu.ok('POST', 'seed', {'ecs_instance': {'http_tokens': 'required'}})
    assert imds_raw(emu, '/latest/meta-data/ram/security-credentials/')[0] == 403
    assert imds_raw(emu, '/latest/meta-data/ram/security-credentials/', headers=with_token) == (200, 'domains-ecs')


def test_proxy_requests_for_the_apis(emu, sdk_env):
    """With the emulator as HTTP proxy (what HTTP_PROXY=$EMULATOR_IMDS_PROXY does), OSS and Alidns still work."""
    bucket = oss2.Bucket(oss2.AuthV4(*emu.keys['main']), emu.url, 'demo-assets', region='cn-hangzhou',
                         proxies={'http': sdk_env['EMULATOR_IMDS_PROXY']})
    assert bucket.list_bucket_cname().status == 200
    access_key, secret = emu.keys['main']
    client = Client(Config(access_key_id=access_key, access_key_secret=secret, endpoint=emu.host_port, protocol='http',
                           http_proxy=sdk_env['EMULATOR_IMDS_PROXY']))
    assert client.describe_domains(m.DescribeDomainsRequest()).body.total_count == 2


# ---------------------------------------------------------------------------------------------- life and expiry

def test_settings(emu):
    assert emu.ok('GET', 'settings')['credential_lifetime'] == 3600
    assert emu.ok('POST', 'settings', {'credential_lifetime': 30})['credential_lifetime'] == 30
    assert emu.ok('GET', 'state')['settings']['credential_lifetime'] == 30  # persisted with the state
    for bad in ({'credential_lifetime': 0}, {'credential_lifetime': 'soon'}, {'no_such_setting': 1}, [1]):
        assert emu.control('POST', 'settings', bad)[0] == 400
    assert emu.ok('POST', 'settings', {'credential_lifetime': None})['credential_lifetime'] == 3600
    assert 'credential_lifetime' in emu.ok('GET', 'settings?describe=1')
    sts = emu.ok('POST', 'sts', {'account': 'main', 'duration_seconds': 3600})
    emu.ok('POST', 'settings', {'credential_lifetime': 60})
    capped = emu.ok('POST', 'sts', {'account': 'main', 'duration_seconds': 3600})
    assert capped['Expiration'] < sts['Expiration']


def test_expired_credentials_are_refused_and_refreshed(emu, sdk_env):
    """With a short credential life, the SDKs fetch a new credential once the old one expires; the old one is refused
    with the real "expired" errors of OSS and Alidns."""
    emu.ok('POST', 'settings', {'credential_lifetime': 2})
    role, instance = ram_role(sdk_env), ecs(sdk_env, role_name=sdk_env['EMULATOR_ECS_ROLE_NAME'])
    old_role, old_instance = role.get_credentials(), instance.get_credentials()
    assert old_role.get_expiration() - time.time() <= 2
    assert oss_bucket(emu, old_role).list_bucket_cname().status == 200
    auth = oss2.ProviderAuthV4(OssCredentials(role))
    ever_fresh = oss2.Bucket(auth, emu.url, 'demo-assets', region='cn-hangzhou')
    time.sleep(max(old_role.get_expiration(), old_instance.get_expiration()) - time.time() + 0.2)
    with pytest.raises(oss2.exceptions.ServerError) as info:
        oss_bucket(emu, old_role).list_bucket_cname()
    assert (info.value.status, info.value.code) == (403, 'SecurityTokenExpired')
    err = alidns_error(alidns_client(emu, old_instance).describe_domains, m.DescribeDomainsRequest())
    assert err.code == 'InvalidSecurityToken.Expired'
    # The SDKs do not reuse a credential past its Expiration (its life is under the SDK's 15 min margin: each call
    # refreshes); the new ones work.
    new_role, new_instance = role.get_credentials(), instance.get_credentials()
    assert new_role.get_access_key_id() != old_role.get_access_key_id()
    assert new_instance.get_access_key_id() != old_instance.get_access_key_id()
    assert oss_bucket(emu, new_role).list_bucket_cname().status == 200
    assert domains(emu, new_instance) == ['example.com', 'example.net']
    assert ever_fresh.list_bucket_cname().status == 200


def test_tls_identity(emu):
    """The CA in EMULATOR_CA_FILE verifies the STS endpoint under both names the certificate carries."""
    port = int(emu.env['EMULATOR_STS_ENDPOINT'].rsplit(':', 1)[1])
    for name in ('127.0.0.1', 'localhost'):
        with socket.create_connection(('127.0.0.1', port), timeout=5) as raw:
            with https_context(emu).wrap_socket(raw, server_hostname=name) as tls:
                assert tls.version() in ('TLSv1.2', 'TLSv1.3')
    # Public CAs alone (certifi, what Tea adds to the default paths) do not vouch for it.
    with socket.create_connection(('127.0.0.1', port), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            ssl.create_default_context(cafile=certifi.where()).wrap_socket(raw, server_hostname='127.0.0.1')
