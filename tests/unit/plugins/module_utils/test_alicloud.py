# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudAuthError, AlicloudConflictError, AlicloudConnectionError, AlicloudError, AlicloudNotFoundError,
    AlicloudParams, AlicloudServiceError, AlicloudThrottlingError, AlicloudValidationError, ENV_FALLBACKS, RetryPolicy,
    alicloud_argument_spec, error_from_code, fail_with_error, is_retryable, split_endpoint,
)
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module

ENV_NAMES = sorted(set(name for names in ENV_FALLBACKS.values() for name in names) | set([
    'ALICLOUD_ASSUME_ROLE_ARN', 'ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
    'ALIBABA_CLOUD_ROLE_SESSION_NAME',
]))
SECRET = 'S3cr3t-Do-Not-Print-7f3a9c'
TOKEN = 'STS-T0ken-Do-Not-Print-91be'


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def _params_main():
    module = AnsibleModule(argument_spec=alicloud_argument_spec(), supports_check_mode=True)
    params = AlicloudParams.from_module(module)
    resolved = dict((key, value) for key, value in vars(params).items() if not key.startswith('_') and key != 'environ')
    module.exit_json(changed=False, resolved=resolved, source=params.source().describe(), kind=params.source().kind)


def _resolve(args):
    failed, result = run_module(_params_main, args)
    assert not failed, result
    return result['resolved']


# --- env fallback precedence -------------------------------------------------------------------------------------

@pytest.mark.parametrize('option, names', [
    ('access_key', ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY']),
    ('secret_key', ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_ACCESS_KEY', 'ALICLOUD_SECRET_KEY']),
    ('security_token', ['ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN']),
    ('region', ['ALIBABA_CLOUD_REGION_ID', 'ALIBABA_CLOUD_REGION', 'ALICLOUD_REGION_ID', 'ALICLOUD_REGION']),
    ('profile', ['ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE']),
    ('ecs_role_name', ['ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME']),
    ('sts_endpoint', ['ALICLOUD_STS_ENDPOINT']),
    ('oss_signature_version', ['ALICLOUD_OSS_SIGNATURE_VERSION']),
])
def test_option_beats_env_and_env_names_in_order(monkeypatch, option, names):
    """Each variable, set from the last to the first, takes over; the option beats them all; env_used names the one read."""
    def value(name):
        return 'v1' if option == 'oss_signature_version' else 'from-' + name.lower()

    if option not in ('access_key', 'secret_key', 'security_token'):
        monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'AK')
        monkeypatch.setenv('ALICLOUD_SECRET_KEY', SECRET)
    elif option == 'security_token':
        monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'AK')
        monkeypatch.setenv('ALICLOUD_SECRET_KEY', SECRET)
    elif option == 'access_key':
        monkeypatch.setenv('ALICLOUD_SECRET_KEY', SECRET)
    else:
        monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'AK')
    full = option if option in ('sts_endpoint', 'oss_signature_version') else 'alicloud_' + option
    for name in names:
        monkeypatch.setenv(name, value(name))
        resolved = _resolve({})
        attribute = 'oss_signature_version' if option == 'oss_signature_version' else option
        if option not in ('secret_key', 'security_token'):
            assert resolved[attribute] == value(name)
        assert resolved['env_used'][full] == name
    given = 'v4' if option == 'oss_signature_version' else 'from-option'
    if option == 'profile':
        # A profile set in the task comes before the keys of the environment, so it is read (and is not in any file).
        failed, result = run_module(_params_main, {full: given})
        assert failed and "alicloud_profile 'from-option' (from the option alicloud_profile)" in result['msg']
        return
    resolved = _resolve({full: given})
    if option not in ('secret_key', 'security_token'):
        assert resolved['oss_signature_version' if option == 'oss_signature_version' else option] == given
    assert full not in resolved['env_used']


def test_env_names_match_the_contract():
    assert ENV_FALLBACKS['alicloud_access_key'] == ['ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_ID']
    assert ENV_FALLBACKS['alicloud_secret_key'] == ['ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET']
    assert ENV_FALLBACKS['alicloud_security_token'] == ['ALICLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_SECURITY_TOKEN']
    assert ENV_FALLBACKS['alicloud_region'] == ['ALICLOUD_REGION', 'ALICLOUD_REGION_ID', 'ALIBABA_CLOUD_REGION', 'ALIBABA_CLOUD_REGION_ID']
    assert ENV_FALLBACKS['alicloud_profile'] == ['ALICLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE']
    assert ENV_FALLBACKS['alicloud_shared_credentials_file'] == ['ALICLOUD_SHARED_CREDENTIALS_FILE']
    assert ENV_FALLBACKS['alicloud_ecs_role_name'] == ['ALICLOUD_ECS_ROLE_NAME', 'ALIBABA_CLOUD_ECS_METADATA']
    assert ENV_FALLBACKS['sts_endpoint'] == ['ALICLOUD_STS_ENDPOINT']
    assert ENV_FALLBACKS['oss_signature_version'] == ['ALICLOUD_OSS_SIGNATURE_VERSION']


def test_defaults_of_the_new_options():
    resolved = _resolve({'alicloud_access_key': 'AK', 'alicloud_secret_key': SECRET})
    assert resolved['oss_signature_version'] == 'v4'
    assert resolved['shared_credentials_file'].endswith('/.aliyun/config.json')
    assert not resolved['shared_credentials_file'].startswith('~')
    assert resolved['assume_role'] is None and resolved['ecs_role_name'] is None and resolved['profile'] is None
    role = _resolve({'alicloud_access_key': 'AK', 'alicloud_secret_key': SECRET,
                     'assume_role': {'role_arn': 'acs:ram::1:role/x'}})['assume_role']
    assert role == {'role_arn': 'acs:ram::1:role/x', 'session_name': None, 'session_expiration': 3600, 'policy': None}


def test_assume_role_arn_from_env_alone_asks_for_the_role(monkeypatch):
    monkeypatch.setenv('ALICLOUD_ASSUME_ROLE_ARN', 'acs:ram::1:role/from-env')
    failed, result = run_module(_params_main, {'alicloud_access_key': 'AK', 'alicloud_secret_key': SECRET})
    assert not failed, result
    assert result['resolved']['assume_role']['role_arn'] == 'acs:ram::1:role/from-env'
    assert 'the environment variable ALICLOUD_ASSUME_ROLE_ARN' in result['source']
    given = _resolve({'alicloud_access_key': 'AK', 'alicloud_secret_key': SECRET,
                      'alicloud_assume_role': {'role_arn': 'acs:ram::1:role/given', 'session_expiration': 900}})
    assert given['assume_role']['role_arn'] == 'acs:ram::1:role/given'


def test_secret_fallback_order(monkeypatch):
    monkeypatch.setenv('ALICLOUD_ACCESS_KEY', 'AK1')
    monkeypatch.setenv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'sdk-secret')
    monkeypatch.setenv('ALICLOUD_SECRET_KEY', 'alicloud-secret')
    failed, result = run_module(_params_main, {})
    assert not failed
    # the secret is resolved from ALICLOUD_SECRET_KEY, and masked in what the module returns
    assert 'alicloud-secret' not in json.dumps(result)
    assert 'sdk-secret' not in json.dumps(result)
    params = AlicloudParams.from_params({'alicloud_secret_key': None})
    assert params.secret_key is None


def test_aliases_and_endpoints(monkeypatch):
    monkeypatch.setenv('ALICLOUD_OSS_ENDPOINT', 'http://127.0.0.1:1')
    resolved = _resolve({'access_key_id': 'AK', 'access_key_secret': 'x', 'region': 'cn-beijing',
                         'alidns_endpoint': 'http://127.0.0.1:2'})
    assert resolved['access_key'] == 'AK'
    assert resolved['region'] == 'cn-beijing'
    assert resolved['oss_endpoint'] == 'http://127.0.0.1:1'
    assert resolved['alidns_endpoint'] == 'http://127.0.0.1:2'


def test_no_key_means_default_chain():
    assert AlicloudParams.from_params({}).source().kind == 'default'
    assert AlicloudParams.from_params({'alicloud_access_key': 'AK', 'alicloud_secret_key': 's'}).source().kind == 'static'


@pytest.mark.parametrize('args, field', [
    ({'alicloud_access_key': 'AK'}, 'alicloud_secret_key'),
    ({'alicloud_secret_key': SECRET}, 'alicloud_access_key'),
    ({'alicloud_security_token': TOKEN}, 'alicloud_security_token'),
    ({'api_retries': 99}, 'api_retries'),
    ({'api_timeout': 0}, 'api_timeout'),
    ({'alicloud_assume_role': {'session_name': 'x1'}}, 'role_arn'),
    ({'alicloud_assume_role': {'role_arn': 'acs:ram::1:role/r', 'session_expiration': 899}}, 'session_expiration'),
    ({'alicloud_assume_role': {'role_arn': 'acs:ram::1:role/r', 'session_expiration': 43201}}, 'session_expiration'),
    ({'alicloud_assume_role': {'role_arn': 'arn:aws:iam::1:role/r'}}, 'role_arn'),
    ({'alicloud_assume_role': {'role_arn': 'acs:ram::1:role/r', 'policy': '{not json'}}, 'policy'),
    ({'alicloud_assume_role': {'role_arn': 'acs:ram::1:role/r', 'session_name': 'a b'}}, 'session_name'),
    ({'sts_endpoint': 'http://sts.aliyuncs.com'}, 'sts_endpoint'),
    ({'alicloud_ecs_role_name': 'bad/role'}, 'alicloud_ecs_role_name'),
    ({'oss_signature_version': 'v2'}, 'oss_signature_version'),
])
def test_contradictory_options_fail_naming_the_field(args, field):
    failed, result = run_module(_params_main, args)
    assert failed
    assert result['msg'].startswith(field) or field in result['msg']
    assert SECRET not in json.dumps(result) and TOKEN not in json.dumps(result)


# --- secrets never leak ------------------------------------------------------------------------------------------

def _failing_main():
    module = AnsibleModule(argument_spec=alicloud_argument_spec())
    params = AlicloudParams.from_module(module)
    error = AlicloudAuthError('SignatureDoesNotMatch', 'string to sign used %s and token %s' % (params.secret_key, params.security_token),
                              request_id='RID-1', http_status=403)
    fail_with_error(module, error, msg='Could not list the bindings:', secrets=params.secrets(), echoed=params.secret_key)


def test_secret_and_token_masked_in_errors_and_results(monkeypatch):
    monkeypatch.setenv('ALIBABA_CLOUD_SECURITY_TOKEN', TOKEN)
    failed, result = run_module(_failing_main, {'alicloud_access_key': 'AK', 'alicloud_secret_key': SECRET})
    assert failed
    text = json.dumps(result)
    assert SECRET not in text
    assert TOKEN not in text
    assert result['error_code'] == 'SignatureDoesNotMatch'
    assert result['request_id'] == 'RID-1'
    assert result['http_status'] == 403
    assert result['msg'].startswith('Could not list the bindings: SignatureDoesNotMatch')


def test_secret_options_are_no_log():
    spec = alicloud_argument_spec()
    assert spec['alicloud_secret_key']['no_log'] is True
    assert spec['alicloud_security_token']['no_log'] is True


# --- error classification ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('code, status, cls', [
    ('Throttling.User', 400, AlicloudThrottlingError),
    ('Throttling', 503, AlicloudThrottlingError),
    ('ServiceUnavailable', 503, AlicloudServiceError),
    ('InternalError', 500, AlicloudServiceError),
    ('LastOperationNotFinished', 400, AlicloudServiceError),
    ('', 502, AlicloudServiceError),
    ('SignatureDoesNotMatch', 403, AlicloudAuthError),
    ('InvalidAccessKeyId', 403, AlicloudAuthError),
    ('InvalidAccessKeyId.NotFound', 404, AlicloudAuthError),
    ('Forbidden.RAM', 403, AlicloudAuthError),
    ('InvalidArgument', 400, AlicloudValidationError),
    ('NoSuchBucket', 404, AlicloudNotFoundError),
    ('CnameAlreadyExists', 409, AlicloudConflictError),
    ('NeedVerifyDomainOwnership', 403, AlicloudError),
])
def test_error_from_code(code, status, cls):
    error = error_from_code(code, 'message', 'RID', status)
    assert type(error) is cls  # pylint: disable=unidiomatic-typecheck
    assert error.http_status == status
    assert error.request_id == 'RID'


def test_error_string_carries_code_status_and_request_id():
    error = error_from_code('NoSuchBucket', 'The bucket does not exist.', 'ABC123', 404)
    assert str(error) == 'NoSuchBucket: The bucket does not exist. (HTTP 404, request id ABC123)'
    assert error.to_result() == {'error_code': 'NoSuchBucket', 'request_id': 'ABC123', 'http_status': 404}


# --- retry policy ------------------------------------------------------------------------------------------------

class _Flaky(object):
    def __init__(self, errors, result='ok'):
        self.errors = list(errors)
        self.calls = 0
        self.result = result

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.result


def _policy(max_attempts=6, total_timeout=1000.0, rand=lambda: 0.5):
    sleeps = []
    clock = [0.0]

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds

    policy = RetryPolicy(max_attempts=max_attempts, base_delay=0.5, max_delay=8.0, total_timeout=total_timeout,
                         sleep=sleep, clock=lambda: clock[0], rand=rand)
    return policy, sleeps


@pytest.mark.parametrize('error', [
    error_from_code('Throttling.User', 'slow down', http_status=400),
    error_from_code('ServiceUnavailable', 'busy', http_status=503),
    error_from_code('InternalError', 'oops', http_status=500),
    error_from_code('LastOperationNotFinished', 'wait', http_status=400),
    error_from_code('', 'bad gateway', http_status=502),
    AlicloudConnectionError('connection reset', sent=True),
])
def test_retries_retryable_errors_until_success(error):
    policy, sleeps = _policy()
    func = _Flaky([error, error, error])
    assert policy.run(func) == 'ok'
    assert func.calls == 4
    assert policy.attempts == 4 and policy.retried
    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[1] < sleeps[2]


@pytest.mark.parametrize('code, status', [
    ('SignatureDoesNotMatch', 403), ('InvalidAccessKeyId', 403), ('Forbidden.RAM', 403), ('InvalidArgument', 400),
])
def test_never_retries_permanent_errors(code, status):
    policy, sleeps = _policy()
    func = _Flaky([error_from_code(code, 'no', http_status=status)])
    with pytest.raises(AlicloudError) as excinfo:
        policy.run(func)
    assert excinfo.value.code == code
    assert func.calls == 1 and sleeps == []
    assert not is_retryable(excinfo.value)


def test_stops_at_attempt_bound():
    policy, sleeps = _policy(max_attempts=3)
    func = _Flaky([error_from_code('ServiceUnavailable', 'busy', http_status=503)] * 10)
    with pytest.raises(AlicloudServiceError):
        policy.run(func)
    assert func.calls == 3
    assert len(sleeps) == 2


def test_stops_at_total_time_bound():
    policy, sleeps = _policy(max_attempts=50, total_timeout=10.0)
    func = _Flaky([error_from_code('Throttling', 'slow', http_status=503)] * 50)
    with pytest.raises(AlicloudThrottlingError):
        policy.run(func)
    assert sum(sleeps) <= 10.0
    assert func.calls < 50


def test_a_retry_starts_only_when_it_can_end_within_the_total_time_bound():
    # Each attempt takes 4 s (of an api_timeout of 5): the last one must be able to end by the 20 s bound, however long
    # it takes, so no attempt starts after 15 s (issue 15: every API call honours the overall deadline).
    clock = [0.0]
    starts = []

    def sleep(seconds):
        clock[0] += seconds

    def slow_and_throttled():
        starts.append(clock[0])
        clock[0] += 4.0
        raise error_from_code('Throttling', 'slow', http_status=503)

    policy = RetryPolicy(max_attempts=50, base_delay=0.5, max_delay=1.0, total_timeout=20.0, attempt_timeout=5.0,
                         sleep=sleep, clock=lambda: clock[0], rand=lambda: 0.5)
    with pytest.raises(AlicloudThrottlingError):
        policy.run(slow_and_throttled)
    assert len(starts) > 1
    assert starts[-1] + 5.0 <= 20.0
    assert clock[0] <= 20.0


def test_the_module_options_give_the_request_timeout_to_the_retry_policy():
    policy = AlicloudParams(retries=3, timeout=7.5).retry_policy()
    assert policy.max_attempts == 4 and policy.attempt_timeout == 7.5


def test_throttling_does_not_use_up_the_attempts():
    policy, sleeps = _policy(max_attempts=3)
    throttled = error_from_code('Throttling.User', 'slow down', http_status=400)
    busy = error_from_code('ServiceUnavailable', 'busy', http_status=503)
    func = _Flaky([throttled, busy, throttled, throttled, throttled, busy, throttled])
    assert policy.run(func) == 'ok'
    assert func.calls == 8
    assert len(sleeps) == 7


def test_transient_errors_still_stop_at_the_attempt_bound_between_throttles():
    policy, _sleeps = _policy(max_attempts=3)
    throttled = error_from_code('Throttling', 'slow down', http_status=503)
    busy = error_from_code('InternalError', 'oops', http_status=500)
    func = _Flaky([busy, throttled, busy, throttled, busy, busy])
    with pytest.raises(AlicloudServiceError):
        policy.run(func)
    assert func.calls == 5


def test_last_operation_not_finished_does_not_use_up_the_attempts():
    # Alidns refuses a write while the zone's previous write is applied: "too early", retried like throttling.
    policy, sleeps = _policy(max_attempts=2)
    early = error_from_code('LastOperationNotFinished', 'Last operation is not finished, please try again later.', http_status=400)
    func = _Flaky([early] * 5)
    assert policy.run(func) == 'ok'
    assert func.calls == 6 and len(sleeps) == 5
    policy, _sleeps = _policy(max_attempts=1)
    with pytest.raises(AlicloudServiceError):
        policy.run(_Flaky([early]))


def test_a_too_early_answer_is_retried_after_a_short_delay_that_grows():
    # The zone's previous write takes a fraction of a second to apply: the first retry waits 0.1-0.2 s, not 0.25-0.5 s.
    policy, sleeps = _policy(max_attempts=3, rand=lambda: 1.0)
    early = error_from_code('LastOperationNotFinished', 'Last operation is not finished, please try again later.', http_status=400)
    assert policy.run(_Flaky([early] * 4)) == 'ok'
    assert sleeps == [0.2, 0.4, 0.8, 1.6]
    policy, sleeps = _policy(max_attempts=3, rand=lambda: 1.0)
    assert policy.run(_Flaky([error_from_code('ServiceUnavailable', 'busy', http_status=503)])) == 'ok'
    assert sleeps == [0.5]  # other transient errors keep the policy's base delay


def test_throttling_is_not_retried_when_retries_are_off():
    policy, sleeps = _policy(max_attempts=1)
    func = _Flaky([error_from_code('Throttling.User', 'slow down', http_status=400)])
    with pytest.raises(AlicloudThrottlingError):
        policy.run(func)
    assert func.calls == 1 and sleeps == []


def test_oss_request_rate_503_is_throttling():
    error = error_from_code('ServiceUnavailable', 'Please reduce your request rate.', http_status=503)
    assert isinstance(error, AlicloudThrottlingError)
    assert error.code == 'ServiceUnavailable'
    other = error_from_code('ServiceUnavailable', 'Service is temporarily unavailable, please try again later.', http_status=503)
    assert isinstance(other, AlicloudServiceError) and not isinstance(other, AlicloudThrottlingError)


def test_delays_grow_to_the_cap_and_are_jittered():
    low = _policy(max_attempts=10, rand=lambda: 0.0)[0]
    high = _policy(max_attempts=10, rand=lambda: 1.0)[0]
    assert [low.delay(number) for number in range(9)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    assert [high.delay(number) for number in range(9)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    import random
    rng = random.Random(7)
    jittered = _policy(max_attempts=10, rand=rng.random)[0]
    values = [jittered.delay(number) for number in range(9)]
    assert len(set(values)) == len(values)
    for number, value in enumerate(values):
        ceiling = min(8.0, 0.5 * 2 ** number)
        assert ceiling / 2 <= value <= ceiling


def test_retry_after_is_honoured():
    policy, sleeps = _policy()
    error = AlicloudThrottlingError('Throttling.User', 'slow', http_status=400, retry_after=3.0)
    assert policy.run(_Flaky([error])) == 'ok'
    assert 3.0 <= sleeps[0] <= 3.75


def test_params_build_policy_from_api_retries():
    assert AlicloudParams(retries=0).retry_policy().max_attempts == 1
    assert AlicloudParams(retries=4).retry_policy().max_attempts == 5


# --- endpoints ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('given, expected', [
    ('oss-cn-hangzhou.aliyuncs.com', ('https', 'oss-cn-hangzhou.aliyuncs.com')),
    ('http://127.0.0.1:8080', ('http', '127.0.0.1:8080')),
    ('HTTP://127.0.0.1:8080/', ('http', '127.0.0.1:8080')),
    (' 127.0.0.1:8443 ', ('https', '127.0.0.1:8443')),
])
def test_split_endpoint(given, expected):
    assert split_endpoint(given, 'oss_endpoint') == expected


@pytest.mark.parametrize('given', ['ftp://host', 'http://host/path', 'http://', 'host name', 'http://[::1]:9000'])
def test_split_endpoint_refuses_naming_the_option(given):
    with pytest.raises(AlicloudValidationError) as excinfo:
        split_endpoint(given, 'alidns_endpoint')
    assert excinfo.value.message.startswith('alidns_endpoint: ')
