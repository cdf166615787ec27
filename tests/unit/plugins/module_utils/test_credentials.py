# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Credential sources: which one is chosen, what each builds, what the errors say, and that nothing is cached.

The providers are the real ones of alibabacloud-credentials; only their HTTP call (TeaCore.do_action) is replaced, so
the SDK's caching and refresh logic is what runs.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import json
import sys
import threading
import time

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _credentials
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    ENV_FALLBACKS, AlicloudAuthError, AlicloudParams, alicloud_argument_spec, redact,
)
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import list_cname_body

providers = pytest.importorskip('alibabacloud_credentials.provider')
TeaCore = pytest.importorskip('Tea.core').TeaCore

SECRET = 'S3cr3t-Do-Not-Print-7f3a9c'
TOKEN = 'STS-T0ken-Do-Not-Print-91be'
PROFILE_SECRET = 'Pr0file-Secret-Do-Not-Print-e1'
PROFILE_TOKEN = 'Pr0file-Token-Do-Not-Print-22'
OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.oidc-token-do-not-print'
ROLE = 'acs:ram::1234567890123456:role/domains-automation'
OIDC_ENV = ('ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
            'ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_ARN')


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for names in ENV_FALLBACKS.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)
    for name in OIDC_ENV:
        monkeypatch.delenv(name, raising=False)


def params_of(environ=None, **kwargs):
    return AlicloudParams(environ=environ or {}, **kwargs)


def problem_of(**kwargs):
    return params_of(**kwargs).problem()


@pytest.fixture
def cli_config(tmp_path):
    """Write an aliyun CLI config.json with the given profiles; returns its path."""
    def write(*profiles, **extra):
        path = tmp_path / 'config.json'
        config = dict(current=profiles[0]['name'] if profiles else '', profiles=list(profiles), meta_path='')
        config.update(extra)
        path.write_text(json.dumps(config))
        return str(path)
    return write


def profile(name, mode, **fields):
    # The fields the aliyun CLI writes for every profile, empty unless set.
    base = dict(name=name, mode=mode, access_key_id='', access_key_secret='', sts_token='', sts_region='', ram_role_name='',
                ram_role_arn='', ram_session_name='', source_profile='', private_arn='', key_pair_name='', expired_seconds=0,
                verified='', region_id='', output_format='json', language='en', site='', retry_timeout=0, connect_timeout=0,
                retry_count=0, process_command='', credentials_uri='', oidc_provider_arn='', oidc_token_file='')
    base.update(fields)
    return base


@pytest.fixture
def oidc_token(tmp_path):
    path = tmp_path / 'oidc-token'
    path.write_text(OIDC_TOKEN + '\n')
    return str(path)


# --- which source -----------------------------------------------------------------------------------------------------

def test_precedence_static_then_profile_then_ecs_then_oidc_then_default(cli_config, oidc_token):
    path = cli_config(profile('dev', 'AK', access_key_id='PROFILEAK', access_key_secret=PROFILE_SECRET))
    oidc = {'ALIBABA_CLOUD_ROLE_ARN': ROLE, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/c',
            'ALIBABA_CLOUD_OIDC_TOKEN_FILE': oidc_token}
    everything = dict(access_key='AK', secret_key=SECRET, profile='dev', shared_credentials_file=path, ecs_role_name='ecs-role')
    assert params_of(oidc, **everything).source().kind == 'static'
    del everything['access_key'], everything['secret_key']
    assert params_of(oidc, **everything).source().kind == 'profile'
    del everything['profile']
    assert params_of(oidc, **everything).source().kind == 'ecs_role'
    del everything['ecs_role_name']
    assert params_of(oidc, **everything).source().kind == 'oidc'
    assert params_of({}, **everything).source().kind == 'default'


def test_ignored_sources_are_warned_about(cli_config):
    path = cli_config(profile('dev', 'AK', access_key_id='PROFILEAK', access_key_secret=PROFILE_SECRET))
    source = params_of(access_key='AK', secret_key=SECRET, profile='dev', ecs_role_name='r', shared_credentials_file=path).source()
    assert [warning.split(' is ignored')[0] for warning in source.warnings] == ['alicloud_profile', 'alicloud_ecs_role_name']
    source = params_of(profile='dev', ecs_role_name='r', shared_credentials_file=path).source()
    assert source.warnings == ['alicloud_ecs_role_name is ignored: the source set by the option alicloud_profile comes first.']


def test_a_source_set_in_the_task_beats_keys_from_the_environment(cli_config):
    path = cli_config(profile('prod', 'AK', access_key_id='PRODAK', access_key_secret=PROFILE_SECRET))
    env_used = {'alicloud_access_key': 'ALICLOUD_ACCESS_KEY', 'alicloud_secret_key': 'ALICLOUD_SECRET_KEY'}
    params = AlicloudParams(access_key='SHELLAK', secret_key=SECRET, profile='prod', shared_credentials_file=path,
                            env_used=env_used, environ={})
    source = params.source()
    assert source.kind == 'profile'
    assert source.warnings == ['alicloud_access_key and alicloud_secret_key are ignored: the source set by the option alicloud_profile '
                               'comes first.']
    # Both from the environment: the usual order (keys first) holds.
    env_used['alicloud_profile'] = 'ALICLOUD_PROFILE'
    params = AlicloudParams(access_key='SHELLAK', secret_key=SECRET, profile='prod', shared_credentials_file=path,
                            env_used=env_used, environ={})
    assert params.source().kind == 'static'


def _module_main():
    module = AnsibleModule(argument_spec=alicloud_argument_spec())
    params = AlicloudParams.from_module(module)
    module.exit_json(changed=False, label=params.source().describe(), kind=params.source().kind, region=params.region,
                     region_from=params.region_from)


@pytest.mark.parametrize('key_env, secret_env', [
    ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY'),                  # this collection, Terraform
    ('ALICLOUD_ACCESS_KEY_ID', 'ALICLOUD_SECRET_ACCESS_KEY'),        # alibaba.alicloud
    ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'),  # the SDKs and the CLI
])
def test_static_keys_from_each_env_family_are_named(monkeypatch, key_env, secret_env):
    monkeypatch.setenv(key_env, 'LTAIenvKey')
    monkeypatch.setenv(secret_env, SECRET)
    failed, result = run_module(_module_main, {})
    assert not failed, result
    assert result['kind'] == 'static'
    assert result['label'] == 'the access key LTAIenvKey (from the environment variables %s and %s)' % (key_env, secret_env)
    assert SECRET not in json.dumps(result)


def test_static_keys_from_options_and_mixed_are_named(monkeypatch):
    failed, result = run_module(_module_main, {'alicloud_access_key': 'AK1', 'alicloud_secret_key': SECRET,
                                               'alicloud_security_token': TOKEN})
    assert not failed
    assert result['label'] == ('the STS token of the temporary access key AK1 (from the options alicloud_access_key, '
                               'alicloud_secret_key and alicloud_security_token)')
    monkeypatch.setenv('ALICLOUD_SECRET_ACCESS_KEY', SECRET)
    failed, result = run_module(_module_main, {'access_key_id': 'AK2'})
    assert result['label'] == ('the access key AK2 (from the option alicloud_access_key and the environment variable '
                               'ALICLOUD_SECRET_ACCESS_KEY)')


@pytest.mark.parametrize('kwargs, env, words', [
    (dict(access_key='AK'), {}, ['alicloud_secret_key is missing', 'the access key id AK came from the option alicloud_access_key',
                                 'ALICLOUD_SECRET_ACCESS_KEY']),
    (dict(secret_key=SECRET), {}, ['alicloud_access_key is missing', 'ALICLOUD_ACCESS_KEY_ID']),
    (dict(security_token=TOKEN), {}, ['alicloud_security_token needs alicloud_access_key']),
])
def test_incomplete_static_keys(kwargs, env, words):
    message = problem_of(environ=env, **kwargs)
    for word in words:
        assert word in message
    assert SECRET not in message and TOKEN not in message


def test_incomplete_key_from_env_names_the_variable(monkeypatch):
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY_ID', 'LTAIonly')
    failed, result = run_module(_module_main, {})
    assert failed and result['error_code'] == 'InvalidParameter'
    assert 'the access key id LTAIonly came from the environment variable ALICLOUD_ACCESS_KEY_ID' in result['msg']


# --- aliyun CLI profiles ----------------------------------------------------------------------------------------------

def test_profile_ak_mode_gives_keys_and_region(cli_config, monkeypatch):
    path = cli_config(profile('default', 'AK', access_key_id='AKdefault', access_key_secret='x' * 30),
                      profile('dev', 'AK', access_key_id='AKdev', access_key_secret=PROFILE_SECRET, region_id='eu-central-1'))
    monkeypatch.setenv('ALICLOUD_PROFILE', 'dev')
    monkeypatch.setenv('ALICLOUD_SHARED_CREDENTIALS_FILE', path)
    failed, result = run_module(_module_main, {})
    assert not failed, result
    assert result['kind'] == 'profile' and result['region'] == 'eu-central-1'
    assert result['region_from'] == "the profile 'dev' in %s" % path
    assert result['label'] == ("the aliyun CLI profile 'dev' (mode AK) in %s, chosen by the environment variable ALICLOUD_PROFILE, "
                               "access key AKdev" % path)
    failed, result = run_module(_module_main, {'alicloud_region': 'cn-beijing'})
    assert result['region'] == 'cn-beijing' and result['region_from'] is None
    params = params_of(profile='dev', shared_credentials_file=path)
    credentials = params.credentials().get()
    assert (credentials.get_access_key_id(), credentials.get_access_key_secret(), credentials.get_security_token()) == \
        ('AKdev', PROFILE_SECRET, None)
    assert PROFILE_SECRET in params.secrets()


def test_profile_secret_is_masked_in_results(cli_config):
    path = cli_config(profile('dev', 'AK', access_key_id='AKdev', access_key_secret=PROFILE_SECRET))

    def main():
        module = AnsibleModule(argument_spec=alicloud_argument_spec())
        params = AlicloudParams.from_module(module)
        module.exit_json(changed=False, echoed='the secret is %s' % params.source().fields['profile']['access_key_secret'])

    failed, result = run_module(main, {'alicloud_profile': 'dev', 'alicloud_shared_credentials_file': path})
    assert not failed
    assert PROFILE_SECRET not in json.dumps(result)


def test_profile_sts_token_mode(cli_config):
    path = cli_config(profile('sts', 'StsToken', access_key_id='STS.AK', access_key_secret=PROFILE_SECRET, sts_token=PROFILE_TOKEN))
    params = params_of(profile='sts', shared_credentials_file=path)
    credentials = params.credentials().get()
    assert credentials.get_security_token() == PROFILE_TOKEN
    assert set([PROFILE_SECRET, PROFILE_TOKEN]) <= set(params.secrets())


def test_profile_ram_role_arn_mode(cli_config):
    path = cli_config(profile('role', 'RamRoleArn', access_key_id='AKbase', access_key_secret=PROFILE_SECRET, ram_role_arn=ROLE,
                              ram_session_name='cli-session', expired_seconds=1800, sts_region='cn-shanghai'))
    provider = params_of(profile='role', shared_credentials_file=path).credentials().provider()
    assert isinstance(provider, providers.RamRoleArnCredentialsProvider)
    assert provider._role_arn == ROLE and provider._role_session_name == 'cli-session' and provider._duration_seconds == 1800
    assert provider._sts_endpoint == 'sts.cn-shanghai.aliyuncs.com'
    assert provider._credentials_provider.get_credentials().get_access_key_id() == 'AKbase'
    # sts_endpoint wins over the profile's sts_region; expired_seconds 0 (the CLI's "unset") is one hour
    path = cli_config(profile('role', 'RamRoleArn', access_key_id='AKbase', access_key_secret=PROFILE_SECRET, ram_role_arn=ROLE))
    provider = params_of(profile='role', shared_credentials_file=path, sts_endpoint='127.0.0.1:8443').credentials().provider()
    assert provider._sts_endpoint == '127.0.0.1:8443' and provider._duration_seconds == 3600
    assert provider._role_session_name == 'ansible-alicloud-oss-domains'


def test_profile_ecs_ram_role_mode_starts_no_thread(cli_config):
    path = cli_config(profile('ecs', 'EcsRamRole', ram_role_name='domains-ecs'))
    before = threading.active_count()
    provider = params_of(profile='ecs', shared_credentials_file=path).credentials().provider()
    assert isinstance(provider, providers.EcsRamRoleCredentialsProvider)
    assert provider._role_name == 'domains-ecs'
    assert threading.active_count() == before


def test_profile_chainable_and_oidc_modes(cli_config, oidc_token):
    path = cli_config(profile('base', 'AK', access_key_id='AKbase', access_key_secret=PROFILE_SECRET),
                      profile('chained', 'ChainableRamRoleArn', source_profile='base', ram_role_arn=ROLE),
                      profile('oidc', 'OIDC', ram_role_arn=ROLE, oidc_provider_arn='acs:ram::1:oidc-provider/c',
                              oidc_token_file=oidc_token))
    chained = params_of(profile='chained', shared_credentials_file=path).credentials().provider()
    assert isinstance(chained, providers.RamRoleArnCredentialsProvider)
    assert chained._credentials_provider.get_credentials().get_access_key_id() == 'AKbase'
    oidc_params = params_of(profile='oidc', shared_credentials_file=path)
    assert isinstance(oidc_params.credentials().provider(), providers.OIDCRoleArnCredentialsProvider)
    assert OIDC_TOKEN in oidc_params.secrets()


def test_profile_not_found_names_the_file_and_its_profiles(cli_config):
    path = cli_config(profile('default', 'AK', access_key_id='A', access_key_secret=PROFILE_SECRET), profile('prod', 'AK'))
    message = problem_of(profile='staging', shared_credentials_file=path)
    assert message == ("alicloud_profile 'staging' (from the option alicloud_profile): there is no profile named 'staging' in %s; "
                       "it has: default, prod. Create it with aliyun configure --profile staging, or set alicloud_profile to one "
                       "of those." % path)


@pytest.mark.parametrize('content, words', [
    (None, ['does not exist', 'alicloud_shared_credentials_file']),
    ('{"profiles": [{"name": "dev", "mode": "AK", "access_key_secret": "%s",}]}' % PROFILE_SECRET, ['is not valid JSON', 'line 1']),
    ('[]', ['is not an aliyun CLI configuration file']),
])
def test_unreadable_profile_file(tmp_path, content, words):
    path = tmp_path / 'config.json'
    if content is not None:
        path.write_text(content)
    message = problem_of(profile='dev', shared_credentials_file=str(path))
    assert message.startswith("alicloud_profile 'dev' (from the option alicloud_profile): ")
    assert str(path) in message
    for word in words:
        assert word in message
    assert PROFILE_SECRET not in message


@pytest.mark.parametrize('fields, words', [
    (dict(mode='AK', access_key_id='AK'), ["the profile 'dev' (mode AK)", 'has no access_key_secret']),
    (dict(mode='StsToken', access_key_id='AK', access_key_secret=PROFILE_SECRET), ['has no sts_token']),
    (dict(mode='RamRoleArn', access_key_id='AK', access_key_secret=PROFILE_SECRET), ['has no ram_role_arn']),
    (dict(mode='OIDC'), ['has no ram_role_arn, oidc_provider_arn and oidc_token_file']),
    (dict(mode='CloudSSO'), ['uses a mode this collection does not read', 'AK, StsToken, RamRoleArn, EcsRamRole']),
    (dict(mode='ChainableRamRoleArn', source_profile='dev', ram_role_arn=ROLE), ['leads back to itself']),
    (dict(mode='RamRoleArn', access_key_id='AK', access_key_secret=PROFILE_SECRET, ram_role_arn=ROLE, expired_seconds=60),
     ['expired_seconds must be between 900 and 43200']),
])
def test_incomplete_profiles(cli_config, fields, words):
    name = fields.pop('mode')
    path = cli_config(profile('dev', name, **fields))
    message = problem_of(profile='dev', shared_credentials_file=path)
    for word in words:
        assert word in message
    assert PROFILE_SECRET not in message


# --- ECS role, OIDC, default chain ------------------------------------------------------------------------------------

def test_ecs_role_name_from_env_is_named(monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_ECS_METADATA', 'domains-ecs')
    failed, result = run_module(_module_main, {})
    assert result['kind'] == 'ecs_role'
    assert result['label'] == ("the ECS instance RAM role 'domains-ecs' (from the environment variable ALIBABA_CLOUD_ECS_METADATA), "
                               "through the instance metadata service at 100.100.100.200")


def test_oidc_needs_all_three_variables(oidc_token):
    message = problem_of(environ={'ALIBABA_CLOUD_OIDC_TOKEN_FILE': oidc_token, 'ALIBABA_CLOUD_ROLE_ARN': ROLE})
    assert 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN is not set' in message
    message = problem_of(environ={'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '/nonexistent/token', 'ALIBABA_CLOUD_ROLE_ARN': ROLE,
                                  'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/c'})
    assert 'OIDC (ALIBABA_CLOUD_OIDC_TOKEN_FILE): the OIDC token file /nonexistent/token cannot be read' in message
    # ALIBABA_CLOUD_ROLE_ARN alone is not OIDC (the SDK reads it for other things too)
    assert params_of({'ALIBABA_CLOUD_ROLE_ARN': ROLE}).source().kind == 'default'


def test_oidc_provider_is_built_from_the_environment(oidc_token):
    environ = {'ALIBABA_CLOUD_ROLE_ARN': ROLE, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/c',
               'ALIBABA_CLOUD_OIDC_TOKEN_FILE': oidc_token, 'ALIBABA_CLOUD_ROLE_SESSION_NAME': 'pod-session'}
    params = params_of(environ, sts_endpoint='https://127.0.0.1:8443/')
    provider = params.credentials().provider()
    assert isinstance(provider, providers.OIDCRoleArnCredentialsProvider)
    assert provider._role_arn == ROLE and provider._oidc_token_file_path == oidc_token
    assert provider._role_session_name == 'pod-session' and provider._sts_endpoint == '127.0.0.1:8443'
    assert OIDC_TOKEN in params.secrets()
    assert 'ALIBABA_CLOUD_OIDC_TOKEN_FILE' in params.source().describe()


def test_default_chain_failure_says_what_was_tried(monkeypatch):
    params = params_of()
    run = params.credentials()

    class Empty(object):
        def get_credentials(self):
            raise _credentials_exception('unable to load credentials from any of the providers in the chain: '
                                         '[EnvironmentVariableCredentialsProvider: environment variable ALIBABA_CLOUD_ACCESS_KEY_ID '
                                         'cannot be empty]')

    run._provider = Empty()
    with pytest.raises(AlicloudAuthError) as err:
        run.check()
    assert err.value.code == 'MissingCredentials'
    assert err.value.message.startswith('No credentials: the default credential chain of alibabacloud-credentials')
    assert 'ALIBABA_CLOUD_ACCESS_KEY_ID cannot be empty' in err.value.message


def _credentials_exception(message):
    from alibabacloud_credentials.exceptions import CredentialException
    return CredentialException(message)


# --- assume role ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('base', ['static', 'sts', 'profile_ak', 'profile_role', 'ecs', 'oidc', 'default'])
def test_assume_role_on_top_of_each_base(cli_config, oidc_token, base):
    path = cli_config(profile('ak', 'AK', access_key_id='AKprofile', access_key_secret=PROFILE_SECRET),
                      profile('role', 'RamRoleArn', access_key_id='AKprofile', access_key_secret=PROFILE_SECRET,
                              ram_role_arn='acs:ram::1:role/first'))
    environ = {}
    kwargs = dict(assume_role=dict(role_arn=ROLE, session_name='deploy', session_expiration=1200,
                                   policy='{"Version": "1", "Statement": []}'), sts_endpoint='127.0.0.1:9443')
    expected = {
        'static': (dict(access_key='AK', secret_key=SECRET), _credentials.StaticProvider),
        'sts': (dict(access_key='STS.AK', secret_key=SECRET, security_token=TOKEN), _credentials.StaticProvider),
        'profile_ak': (dict(profile='ak', shared_credentials_file=path), _credentials.StaticProvider),
        'profile_role': (dict(profile='role', shared_credentials_file=path), providers.RamRoleArnCredentialsProvider),
        'ecs': (dict(ecs_role_name='domains-ecs'), providers.EcsRamRoleCredentialsProvider),
        'oidc': (dict(), providers.OIDCRoleArnCredentialsProvider),
        'default': (dict(), providers.DefaultCredentialsProvider),
    }[base]
    if base == 'oidc':
        environ = {'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1:role/pod', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/c',
                   'ALIBABA_CLOUD_OIDC_TOKEN_FILE': oidc_token}
    kwargs.update(expected[0])
    params = params_of(environ, **kwargs)
    assert params.problem() is None
    provider = params.credentials().provider()
    assert isinstance(provider, providers.RamRoleArnCredentialsProvider)
    assert isinstance(provider._credentials_provider, expected[1])
    assert provider._role_arn == ROLE and provider._role_session_name == 'deploy' and provider._duration_seconds == 1200
    assert provider._policy == '{"Version": "1", "Statement": []}' and provider._sts_endpoint == '127.0.0.1:9443'
    assert params.source().describe().startswith('the RAM role %s, assumed (alicloud_assume_role) with ' % ROLE)


def test_assume_role_arn_from_env(monkeypatch):
    params = params_of({'ALICLOUD_ASSUME_ROLE_ARN': ROLE}, access_key='AK', secret_key=SECRET)
    assert params.assume_role == dict(role_arn=ROLE, session_name=None, session_expiration=3600, policy=None)
    assert 'assumed (the environment variable ALICLOUD_ASSUME_ROLE_ARN)' in params.source().describe()


@pytest.mark.parametrize('role, words', [
    (dict(session_name='deploy'), 'alicloud_assume_role needs role_arn (or the environment variable ALICLOUD_ASSUME_ROLE_ARN)'),
    (dict(role_arn='domains-automation'), 'is not a RAM role ARN'),
    (dict(role_arn=ROLE, session_expiration=600), 'session_expiration must be between 900 and 43200'),
    (dict(role_arn=ROLE, session_expiration=50000), 'session_expiration must be between 900 and 43200'),
    (dict(role_arn=ROLE, policy='{"Statement": ['), 'alicloud_assume_role.policy is not valid JSON'),
    (dict(role_arn=ROLE, policy='[1]'), 'must be a JSON object'),
    (dict(role_arn=ROLE, session_name='x'), 'session_name'),
])
def test_assume_role_validation(role, words):
    assert words in problem_of(access_key='AK', secret_key=SECRET, assume_role=role)


@pytest.mark.parametrize('endpoint, expected', [
    ('sts.cn-hangzhou.aliyuncs.com', 'sts.cn-hangzhou.aliyuncs.com'),
    ('https://127.0.0.1:8443', '127.0.0.1:8443'),
    ('http://127.0.0.1:8443', None),
    ('sts.example.com/path', None),
])
def test_sts_endpoint(endpoint, expected):
    params = params_of(access_key='AK', secret_key=SECRET, sts_endpoint=endpoint)
    if expected:
        assert params.problem() is None and params.source().sts_endpoint == expected
    else:
        assert params.problem().startswith('sts_endpoint')


# --- refresh: the real SDK providers, their HTTP call replaced ----------------------------------------------------------

class _Response(object):
    def __init__(self, status, body):
        self.status_code = status
        self.body = json.dumps(body).encode('utf-8')
        self.headers = {}


def _iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


class FakeSts(object):
    """AssumeRole answers with a new key each time; `lifetime` seconds of validity."""

    def __init__(self, lifetime=3600, refuse=None):
        self.lifetime = lifetime
        self.refuse = refuse
        self.requests = []

    def __call__(self, request, runtime):
        self.requests.append(request)
        if self.refuse:
            return _Response(403, {'RequestId': 'R', 'Code': self.refuse, 'Message': 'You are not authorized to do this action.'})
        number = len(self.requests)
        return _Response(200, {'RequestId': 'R%d' % number, 'Credentials': {
            'AccessKeyId': 'STS.issued-%d' % number, 'AccessKeySecret': 'issued-secret-%d-abcdefgh' % number,
            'SecurityToken': 'issued-token-%d-abcdefghijkl' % number, 'Expiration': _iso(time.time() + self.lifetime)}})


@pytest.fixture
def fake_sts(monkeypatch):
    sts = FakeSts()
    monkeypatch.setattr(TeaCore, 'do_action', staticmethod(sts))
    return sts


def test_assumed_role_is_refreshed_when_it_expires_and_reused_while_valid(fake_sts):
    params = params_of(access_key='AKbase', secret_key=SECRET, assume_role=dict(role_arn=ROLE), sts_endpoint='127.0.0.1:9443')
    run = params.credentials()
    oss_provider = run.for_oss()
    tea = run.for_tea()
    # long-lived: one AssumeRole, then the same credentials (the SDK caches them until 15 minutes before expiry)
    first = oss_provider.get_credentials()
    assert first.get_access_key_id() == 'STS.issued-1' and oss_provider.get_credentials().get_access_key_id() == 'STS.issued-1'
    assert len(fake_sts.requests) == 1
    request = fake_sts.requests[0]
    assert request.protocol == 'https' and request.headers['host'] == '127.0.0.1:9443'
    assert request.query['AccessKeyId'] == 'AKbase' and request.query['RoleArn'] == ROLE
    assert request.query['DurationSeconds'] == '3600' and request.query['RoleSessionName'] == 'ansible-alicloud-oss-domains'
    # short-lived (as the emulator's credential_lifetime makes them): every request gets fresh credentials
    fake_sts.lifetime = 5
    run._provider = None
    keys = [oss_provider.get_credentials().get_access_key_id() for dummy in range(2)]
    model = tea.get_credential()
    assert keys == ['STS.issued-2', 'STS.issued-3'] and model.access_key_id == 'STS.issued-4'
    assert model.security_token == 'issued-token-4-abcdefghijkl' and model.type == 'sts'
    assert model.provider_name == 'ram_role_arn/static_ak'
    # what was handed out is masked in any message
    assert redact('echo issued-secret-4-abcdefgh issued-token-3-abcdefghijkl', []) == 'echo ******** ********'


def test_sts_refusal_names_the_role_and_the_base_without_secrets(fake_sts):
    fake_sts.refuse = 'NoPermission'
    params = params_of(access_key='AKbase', secret_key=SECRET, assume_role=dict(role_arn=ROLE))
    with pytest.raises(AlicloudAuthError) as err:
        params.credentials().check()
    message = err.value.message
    assert err.value.code == 'NoPermission'
    assert message.startswith('Could not get credentials from the RAM role %s, assumed (alicloud_assume_role) with the access key '
                              'AKbase (from the options alicloud_access_key and alicloud_secret_key): STS answered NoPermission: '
                              'You are not authorized to do this action. (HTTP 403).' % ROLE)
    assert 'sts:AssumeRole' in message and SECRET not in message


class FakeImds(object):
    """The ECS metadata service: token, then the role's credentials."""

    def __init__(self, lifetime=3600, status=200):
        self.lifetime = lifetime
        self.status = status
        self.paths = []

    def __call__(self, request, runtime):
        self.paths.append((request.method, request.headers.get('host'), request.pathname))
        if request.method == 'PUT':
            return _Response(200, 'imds-session-token') if self.status == 200 else _Response(self.status, {})
        if self.status != 200:
            return _Response(self.status, {})
        number = len(self.paths)
        body = {'Code': 'Success', 'AccessKeyId': 'STS.ecs-%d' % number, 'AccessKeySecret': 'ecs-secret-%d-abcdefgh' % number,
                'SecurityToken': 'ecs-token-%d-abcdefghijkl' % number, 'Expiration': _iso(time.time() + self.lifetime),
                'LastUpdated': _iso(time.time())}
        response = _Response(200, body)
        return response


def test_ecs_role_credentials_are_refreshed(monkeypatch):
    imds = FakeImds(lifetime=5)
    monkeypatch.setattr(TeaCore, 'do_action', staticmethod(imds))
    run = params_of(ecs_role_name='domains-ecs').credentials()
    first = run.get().get_access_key_id()
    second = run.get().get_access_key_id()
    assert first != second and first.startswith('STS.ecs-') and second.startswith('STS.ecs-')
    assert ('GET', '100.100.100.200', '/latest/meta-data/ram/security-credentials/domains-ecs') in imds.paths


def test_ecs_role_failure_names_the_role(monkeypatch):
    monkeypatch.setattr(TeaCore, 'do_action', staticmethod(FakeImds(status=404)))
    with pytest.raises(AlicloudAuthError) as err:
        params_of(ecs_role_name='domains-ecs').credentials().check()
    assert err.value.message.startswith("Could not get credentials from the ECS instance RAM role 'domains-ecs' (from the option "
                                        "alicloud_ecs_role_name), through the instance metadata service at 100.100.100.200: ")
    assert 'HttpCode=404' in err.value.message and 'only on an ECS instance' in err.value.message


def test_wrong_key_errors_of_the_apis_name_the_source():
    run = params_of(access_key='AKwrong', secret_key=SECRET).credentials()
    error = run.explain(AlicloudAuthError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', http_status=404))
    assert error.message == ('Specified access key is not found. (credentials: the access key AKwrong (from the options '
                             'alicloud_access_key and alicloud_secret_key))')
    # explained once only
    assert run.explain(error).message == error.message


def test_static_keys_do_not_import_the_sdk_provider_machinery(monkeypatch):
    """Static keys (the common case for OSS) use the collection's own provider, not alibabacloud-credentials."""
    monkeypatch.setattr(_credentials, '_load_sdk', lambda: pytest.fail('alibabacloud-credentials was loaded'))
    run = params_of(access_key='AK', secret_key=SECRET, security_token=TOKEN).credentials()
    credentials = run.for_oss().get_credentials()
    assert (credentials.get_access_key_id(), credentials.get_access_key_secret(), credentials.get_security_token()) == \
        ('AK', SECRET, TOKEN)
    assert credentials.get_provider_name() == 'static_sts'


def test_missing_sdk_is_reported_naming_the_version(monkeypatch):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements
    monkeypatch.setattr(_credentials, '_SDK', {})
    monkeypatch.setattr(_requirements, '_LOADED', {})
    monkeypatch.setitem(sys.modules, 'alibabacloud_credentials', None)   # import raises ImportError
    with pytest.raises(AlicloudAuthError) as err:
        params_of(ecs_role_name='r').credentials().provider()
    assert 'alibabacloud-credentials >= 1.0' in err.value.message
    assert 'pip install "alibabacloud-credentials>=1.0"' in err.value.message


def test_expiration_parsing_helper_matches_the_sdk():
    # The fake services above write Expiration the way STS and IMDS do; the SDK parses it with this format.
    assert calendar.timegm(time.strptime(_iso(0), '%Y-%m-%dT%H:%M:%SZ')) == 0


# --- both SDKs over the wire ------------------------------------------------------------------------------------------

class _Refreshing(object):
    """A provider that hands out a new temporary key each time it is asked, as one whose keys expire quickly does."""

    def __init__(self):
        self.issued = 0

    def get_credentials(self):
        self.issued += 1
        return _credentials.StaticCredentials('STS.KEY-%d' % self.issued, 'refreshed-secret-%d-abcdef' % self.issued,
                                              'refreshed-token-%d-abcdef' % self.issued, 'ram_role_arn/static_ak')

    def get_provider_name(self):
        return 'ram_role_arn'


@pytest.fixture
def recording_server():
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = []

    class Handler(BaseHTTPRequestHandler):
        def _reply(self):
            seen.append(dict((name.lower(), value) for name, value in self.headers.items()))
            if self.path.startswith('/demo-assets/'):
                body, kind = list_cname_body('demo-assets'), 'application/xml'
            else:
                body, kind = json.dumps({'RequestId': 'R', 'TotalCount': 0, 'PageNumber': 1, 'PageSize': 100,
                                         'Domains': {'Domain': []}}).encode('utf-8'), 'application/json'
            self.send_response(200)
            self.send_header('Content-Type', kind)
            self.send_header('Content-Length', str(len(body)))
            self.send_header('x-oss-request-id', 'R')
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.daemon = True
    thread.start()
    try:
        yield 'http://127.0.0.1:%d' % server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def test_both_sdks_sign_every_request_with_the_current_credentials(recording_server):
    """OSS (oss2, ProviderAuthV4) and Alidns (tea-openapi, Config.credential) ask the run's provider for every request."""
    pytest.importorskip('alibabacloud_alidns20150109')
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns, _oss
    endpoint, seen = recording_server
    params = params_of(access_key='AK', secret_key=SECRET, region='cn-hangzhou', oss_endpoint=endpoint, alidns_endpoint=endpoint,
                       retries=0)
    provider = _Refreshing()
    params.credentials()._provider = provider
    oss = _oss.OssClient(params, 'demo-assets', 'cn-hangzhou')     # fetches once to check the source: STS.KEY-1
    dns = _alidns.AlidnsAPI(params)                                # the same run's provider: STS.KEY-2 for its check
    oss.list_cnames()
    dns.list_zones()
    oss.list_cnames()
    keys = [headers.get('authorization', '').split('Credential=')[1].split('/')[0].split(',')[0] for headers in seen]
    assert keys == ['STS.KEY-3', 'STS.KEY-4', 'STS.KEY-5']
    assert seen[0]['x-oss-security-token'] == 'refreshed-token-3-abcdef'
    assert seen[1]['x-acs-security-token'] == 'refreshed-token-4-abcdef' and seen[1]['x-acs-accesskey-id'] == 'STS.KEY-4'
    assert seen[2]['authorization'].startswith('OSS4-HMAC-SHA256 Credential=STS.KEY-5/')


def test_an_sts_key_without_its_token_names_the_missing_option():
    with pytest.raises(_credentials.CredentialConfigError) as info:
        params_of(access_key='STS.NUk2mQ8uTemporary', secret_key=SECRET).source()
    assert str(info.value).startswith('alicloud_security_token is missing: the access key STS.NUk2mQ8uTemporary (from the option '
                                      'alicloud_access_key) is a temporary STS key')
    assert SECRET not in str(info.value)
    assert params_of(access_key='STS.NUk2mQ8uTemporary', secret_key=SECRET, security_token='T').source().kind == 'static'
