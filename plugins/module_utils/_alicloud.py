# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared layer: the common options, credential resolution, the error hierarchy and the retry policy.

Nothing here imports an Alibaba Cloud SDK; the SDK wrappers (_oss.py, _alidns.py) translate their
exceptions into the classes below, so that modules branch on one vocabulary of codes.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import random
import re
import time

from ansible.module_utils.basic import env_fallback

COLLECTION_VERSION = '0.1.0'
USER_AGENT = 'AnsibleCollection/alicloud_oss.domains/%s' % COLLECTION_VERSION

DEFAULT_RETRIES = 8
DEFAULT_TIMEOUT = 30.0
DEFAULT_SHARED_CREDENTIALS_FILE = '~/.aliyun/config.json'
SIGNATURE_VERSIONS = ('v4', 'v1')

# First set wins: the option itself, then the names of alibaba.alicloud and Terraform's alicloud provider, then the
# SDKs' own names. The doc fragment (plugins/doc_fragments/alicloud.py) lists the same names in the same order.
ENV_FALLBACKS = {
    'alicloud_access_key': ['ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_ID'],
    'alicloud_secret_key': ['ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
    'alicloud_security_token': ['ALICLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_SECURITY_TOKEN'],
    'alicloud_region': ['ALICLOUD_REGION', 'ALICLOUD_REGION_ID', 'ALIBABA_CLOUD_REGION', 'ALIBABA_CLOUD_REGION_ID'],
    'alicloud_profile': ['ALICLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE'],
    'alicloud_shared_credentials_file': ['ALICLOUD_SHARED_CREDENTIALS_FILE'],
    'alicloud_ecs_role_name': ['ALICLOUD_ECS_ROLE_NAME', 'ALIBABA_CLOUD_ECS_METADATA'],
    'sts_endpoint': ['ALICLOUD_STS_ENDPOINT'],
    'oss_signature_version': ['ALICLOUD_OSS_SIGNATURE_VERSION'],
    'oss_endpoint': ['ALICLOUD_OSS_ENDPOINT'],
    'alidns_endpoint': ['ALICLOUD_ALIDNS_ENDPOINT'],
}
# alicloud_assume_role.role_arn; read by AlicloudParams, because it also applies when alicloud_assume_role is not given.
ASSUME_ROLE_ARN_ENV = 'ALICLOUD_ASSUME_ROLE_ARN'
DEFAULT_SESSION_EXPIRATION = 3600

# Which environment variable filled which option in this module run, so that a credential error can name it
# ("the access key from ALICLOUD_ACCESS_KEY_ID ..."). Ansible does not tell; the fallback below records it. Reset by
# alicloud_argument_spec(), which every module calls once, right before AnsibleModule() runs the fallbacks.
_ENV_USED = {}


def _fallback(option):
    """(strategy, names) for the argument spec: env_fallback that also records which variable it read."""
    def recording_env_fallback(*names):
        value = env_fallback(*names)  # raises AnsibleFallbackNotFound when none is set
        _ENV_USED[option] = next(name for name in names if name in os.environ)
        return value
    return (recording_env_fallback, ENV_FALLBACKS[option])


def alicloud_argument_spec():
    """The options every API module shares; documented by the alicloud_oss.domains._alicloud fragment."""
    _ENV_USED.clear()
    return dict(
        alicloud_access_key=dict(type='str', aliases=['access_key', 'access_key_id'], no_log=False,
                                 fallback=_fallback('alicloud_access_key')),
        alicloud_secret_key=dict(type='str', aliases=['secret_key', 'access_key_secret'], no_log=True,
                                 fallback=_fallback('alicloud_secret_key')),
        alicloud_security_token=dict(type='str', aliases=['security_token'], no_log=True,
                                     fallback=_fallback('alicloud_security_token')),
        alicloud_region=dict(type='str', aliases=['region'], fallback=_fallback('alicloud_region')),
        alicloud_profile=dict(type='str', aliases=['profile'], fallback=_fallback('alicloud_profile')),
        alicloud_shared_credentials_file=dict(type='path', aliases=['shared_credentials_file'],
                                              default=DEFAULT_SHARED_CREDENTIALS_FILE,
                                              fallback=_fallback('alicloud_shared_credentials_file')),
        alicloud_assume_role=dict(type='dict', aliases=['assume_role'], options=dict(
            role_arn=dict(type='str'),
            session_name=dict(type='str'),
            session_expiration=dict(type='int', default=DEFAULT_SESSION_EXPIRATION),
            policy=dict(type='str'),
        )),
        alicloud_ecs_role_name=dict(type='str', aliases=['ecs_role_name'], fallback=_fallback('alicloud_ecs_role_name')),
        sts_endpoint=dict(type='str', fallback=_fallback('sts_endpoint')),
        oss_signature_version=dict(type='str', choices=list(SIGNATURE_VERSIONS), default='v4',
                                   fallback=_fallback('oss_signature_version')),
        oss_endpoint=dict(type='str', fallback=_fallback('oss_endpoint')),
        alidns_endpoint=dict(type='str', fallback=_fallback('alidns_endpoint')),
        api_retries=dict(type='int', default=DEFAULT_RETRIES),
        api_timeout=dict(type='float', default=DEFAULT_TIMEOUT),
        # Calls per second for every thread and fork of the controller (see _ratelimit.py); None: its default rates.
        api_read_rate=dict(type='float'),
        api_write_rate=dict(type='float'),
    )


class AlicloudParams(object):
    """The shared options of one module run, resolved and checked.

    The credential options are only stored here; plugins/module_utils/_credentials.py picks the source (and reads an
    aliyun CLI profile) in problem(), before any API call, and builds the one credentials provider of the run in
    credentials().
    """

    def __init__(self, access_key=None, secret_key=None, security_token=None, region=None,
                 oss_endpoint=None, alidns_endpoint=None, retries=DEFAULT_RETRIES, timeout=DEFAULT_TIMEOUT,
                 profile=None, shared_credentials_file=None, assume_role=None, ecs_role_name=None, sts_endpoint=None,
                 oss_signature_version='v4', env_used=None, environ=None, api_read_rate=None, api_write_rate=None):
        self.access_key = access_key or None
        self.secret_key = secret_key or None
        self.security_token = security_token or None
        self.region = region or None
        self.oss_endpoint = oss_endpoint or None
        self.alidns_endpoint = alidns_endpoint or None
        self.retries = retries
        self.timeout = timeout
        self.profile = profile or None
        self.shared_credentials_file = shared_credentials_file or None
        self.ecs_role_name = ecs_role_name or None
        self.sts_endpoint = sts_endpoint or None
        self.oss_signature_version = oss_signature_version or 'v4'
        # Calls per second (None: _ratelimit's defaults, 0: no limit); _ratelimit.limiter_for() reads them from here.
        self.api_read_rate = api_read_rate
        self.api_write_rate = api_write_rate
        # option name -> environment variable that set it (empty when every value came from the task)
        self.env_used = dict(env_used or {})
        self.environ = os.environ if environ is None else environ
        self.assume_role = self._assume_role(assume_role)
        self.region_from = None
        self._source = None
        self._credentials = None

    def _assume_role(self, given):
        """alicloud_assume_role with its defaults; ALICLOUD_ASSUME_ROLE_ARN alone also asks for a role."""
        env_arn = self.environ.get(ASSUME_ROLE_ARN_ENV) or None
        if given is None and not env_arn:
            return None
        role = dict(role_arn=None, session_name=None, session_expiration=DEFAULT_SESSION_EXPIRATION, policy=None)
        role.update((key, value) for key, value in (given or {}).items() if value not in (None, ''))
        if not role['role_arn'] and env_arn:
            role['role_arn'] = env_arn
            self.env_used['alicloud_assume_role.role_arn'] = ASSUME_ROLE_ARN_ENV
        return role

    @classmethod
    def from_params(cls, params, env_used=None):
        return cls(
            access_key=params.get('alicloud_access_key'),
            secret_key=params.get('alicloud_secret_key'),
            security_token=params.get('alicloud_security_token'),
            region=params.get('alicloud_region'),
            oss_endpoint=params.get('oss_endpoint'),
            alidns_endpoint=params.get('alidns_endpoint'),
            retries=params.get('api_retries', DEFAULT_RETRIES),
            timeout=params.get('api_timeout', DEFAULT_TIMEOUT),
            profile=params.get('alicloud_profile'),
            shared_credentials_file=params.get('alicloud_shared_credentials_file'),
            assume_role=params.get('alicloud_assume_role'),
            ecs_role_name=params.get('alicloud_ecs_role_name'),
            sts_endpoint=params.get('sts_endpoint'),
            oss_signature_version=params.get('oss_signature_version') or 'v4',
            env_used=env_used,
            api_read_rate=params.get('api_read_rate'),
            api_write_rate=params.get('api_write_rate'),
        )

    @classmethod
    def from_module(cls, module):
        """Build from module.params; fails the module (before any API call) when the options contradict."""
        params = cls.from_params(module.params, env_used=_ENV_USED)
        problem = params.problem()
        if problem:
            module.fail_json(msg=redact(problem, params.secrets()), error_code='InvalidParameter')
        # Keys read from a CLI profile are secrets Ansible did not see as options: mask them in every result.
        module.no_log_values.update(params.secrets())
        for warning in params.source().warnings:
            module.warn(warning)
        return params

    def problem(self):
        """A message naming the field (or environment variable, or profile) and the fix, or None when usable."""
        if self.retries is not None and not 0 <= self.retries <= 50:
            return 'api_retries must be between 0 and 50, got %s.' % self.retries
        if self.timeout is not None and not 0 < self.timeout <= 600:
            return 'api_timeout must be more than 0 and at most 600 seconds, got %s.' % self.timeout
        for option in ('api_read_rate', 'api_write_rate'):
            rate = getattr(self, option)
            if rate is not None and not 0 <= rate <= 100000:
                return '%s must be a number of calls per second from 0 (no limit) to 100000, got %s.' % (option, rate)
        if self.oss_signature_version not in SIGNATURE_VERSIONS:
            return 'oss_signature_version must be v4 or v1, got %r.' % self.oss_signature_version
        from ansible_collections.alicloud_oss.domains.plugins.module_utils import _credentials  # pylint: disable=import-outside-toplevel
        try:
            self.source()
        except _credentials.CredentialConfigError as exc:
            return str(exc)
        return None

    def source(self):
        """The chosen credential source (plain data, no SDK); raises _credentials.CredentialConfigError."""
        if self._source is None:
            from ansible_collections.alicloud_oss.domains.plugins.module_utils import _credentials  # pylint: disable=import-outside-toplevel
            self._source = _credentials.choose_source(self)
            if not self.region and self._source.region:
                self.region = self._source.region
                self.region_from = self._source.region_from
        return self._source

    def credentials(self):
        """The credentials provider of this run, shared by the OSS and Alidns clients (one AssumeRole, not two)."""
        if self._credentials is None:
            from ansible_collections.alicloud_oss.domains.plugins.module_utils import _credentials  # pylint: disable=import-outside-toplevel
            self._credentials = _credentials.RunCredentials(self)
        return self._credentials

    def secrets(self):
        """Values that must never appear in output (the credentials fetched at run time are added by redact())."""
        values = [self.secret_key, self.security_token]
        if self._source is not None:
            values.extend(self._source.secrets)
        return [value for value in values if value]

    def retry_policy(self, **kwargs):
        kwargs.setdefault('attempt_timeout', self.timeout)
        return RetryPolicy(max_attempts=(self.retries or 0) + 1, **kwargs)


_HOST_PORT = re.compile(r'^[A-Za-z0-9_.-]+(:[0-9]{1,5})?$')


def split_endpoint(endpoint, field):
    """(scheme, host[:port]) of an endpoint option given as `host`, `host:port` or an http(s) URL without a path.

    A bare host gets https. Both SDKs put the host into what they sign, so anything else is refused here, naming the
    option, rather than failing later as a signature mismatch. IPv6 literals are refused too (oss2 cannot use them).
    """
    text = endpoint.strip()
    scheme = 'https'
    if '://' in text:
        scheme, text = text.split('://', 1)
        scheme = scheme.lower()
        if scheme not in ('http', 'https'):
            raise AlicloudValidationError('InvalidParameter', '%s: %r has the scheme %s; use http:// or https://, or give just '
                                                              'host[:port].' % (field, endpoint, scheme))
    text = text.rstrip('/')
    if not _HOST_PORT.match(text):
        raise AlicloudValidationError('InvalidParameter', '%s: %r is not host, host:port or an http(s) URL without a path, for '
                                                          'example https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:8080.'
                                      % (field, endpoint))
    return scheme, text


# ---------------------------------------------------------------------------------------------------------------------
# Errors

THROTTLING_CODES = frozenset([
    'Throttling', 'Throttling.User', 'Throttling.Api', 'Throttling.System', 'ServiceUnavailable.Throttling',
    'RequestLimitExceeded', 'TooManyRequests', 'SlowDown',
])
TRANSIENT_CODES = frozenset([
    'ServiceUnavailable', 'InternalError', 'LastOperationNotFinished', 'RequestTimeout', 'Unavailable',
    'ServiceTemporarilyUnavailable', 'InternalServerError',
])
# Transient answers that say the request came too early (Alidns refuses a write while the zone's previous one is being
# applied), not that something broke: like throttling, retried until the time bound without using up api_retries.
TOO_EARLY_CODES = frozenset(['LastOperationNotFinished'])
TOO_EARLY_BASE_DELAY = 0.2  # seconds: the first retry after a too-early answer waits 0.1 to 0.2 s, then the delay doubles
AUTH_CODES = frozenset([
    'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'InvalidAccessKeyId.NotFound', 'InvalidAccessKeyId.Inactive',
    'Forbidden.RAM', 'Forbidden', 'AccessDenied', 'NoPermission', 'NotAuthorized',
    'InvalidSecurityToken', 'InvalidSecurityToken.Expired', 'InvalidSecurityToken.Malformed',
    'InvalidSecurityToken.MismatchWithAccessKey', 'SecurityTokenExpired', 'InvalidTimeStamp.Expired',
    'RequestTimeTooSkewed', 'IncompleteSignature', 'MissingCredentials', 'InvalidCredentials',
])
NOT_FOUND_CODES = frozenset(['NoSuchBucket', 'NoSuchCname', 'CnameTokenNotFound', 'InvalidDomainName.NoExist',
                             'DomainRecordNotBelongToUser', 'InvalidRR.NoExist', 'NotFound'])
CONFLICT_CODES = frozenset(['CnameAlreadyExists', 'DomainRecordConflict', 'DomainRecordDuplicate', 'Conflict'])


class AlicloudError(Exception):
    """An error reported by an Alibaba Cloud API (or met on the way to it)."""

    def __init__(self, code, message, request_id=None, http_status=None, details=None):
        super(AlicloudError, self).__init__(message)
        self.code = code or 'Unknown'
        self.message = message or ''
        self.request_id = request_id or None
        self.http_status = http_status
        self.details = details or {}

    def __str__(self):
        text = '%s: %s' % (self.code, self.message)
        if self.http_status:
            text += ' (HTTP %s' % self.http_status
            text += ', request id %s)' % self.request_id if self.request_id else ')'
        elif self.request_id:
            text += ' (request id %s)' % self.request_id
        return text

    def to_result(self):
        result = dict(error_code=self.code, request_id=self.request_id, http_status=self.http_status)
        # A refusal for want of a RAM permission (see _permissions.py): the action, the resource, the ready policies.
        if self.details.get('missing_permission'):
            result['missing_permission'] = self.details['missing_permission']
        return result


class AlicloudAuthError(AlicloudError):
    """Signature, key, token or permission problems: retrying cannot help."""


class AlicloudValidationError(AlicloudError):
    """The request was refused as malformed or invalid."""


class AlicloudNotFoundError(AlicloudError):
    """The bucket, zone, record, binding or token does not exist."""


class AlicloudConflictError(AlicloudError):
    """The request clashes with existing state."""


class AlicloudThrottlingError(AlicloudError):
    """Rate limited. `retry_after` (seconds) is set when the service said how long to wait."""

    def __init__(self, code, message, request_id=None, http_status=None, details=None, retry_after=None):
        super(AlicloudThrottlingError, self).__init__(code, message, request_id, http_status, details)
        self.retry_after = retry_after


class AlicloudServiceError(AlicloudError):
    """A transient server-side failure (5xx, busy, unfinished operation)."""


class AlicloudConnectionError(AlicloudError):
    """The request did not get an answer. `sent` is True when it may have reached the service (so a write may have
    happened): callers reconcile by reading before they trust a retry's error."""

    def __init__(self, message, sent=True, details=None):
        super(AlicloudConnectionError, self).__init__('ConnectionError', message, details=details)
        self.sent = sent


def error_from_code(code, message, request_id=None, http_status=None, details=None, retry_after=None):
    """Pick the error class for a service error code and HTTP status."""
    code = code or ''
    # OSS answers a request rate above the bucket's limit with 503 ServiceUnavailable "Please reduce your request rate".
    throttled_5xx = http_status == 503 and 'reduce your request rate' in (message or '').lower()
    if code in THROTTLING_CODES or code.startswith('Throttling') or http_status == 429 or throttled_5xx:
        return AlicloudThrottlingError(code or 'Throttling', message, request_id, http_status, details, retry_after)
    if code in AUTH_CODES or code.startswith('Forbidden') or code.startswith('InvalidAccessKeyId'):
        return AlicloudAuthError(code, message, request_id, http_status, details)
    if code in TRANSIENT_CODES or (http_status is not None and http_status >= 500):
        return AlicloudServiceError(code or 'ServiceUnavailable', message, request_id, http_status, details)
    if code in NOT_FOUND_CODES:
        return AlicloudNotFoundError(code, message, request_id, http_status, details)
    if code in CONFLICT_CODES:
        return AlicloudConflictError(code, message, request_id, http_status, details)
    if code.startswith('Invalid') or code.startswith('Malformed') or code.startswith('Missing') or http_status == 400:
        return AlicloudValidationError(code, message, request_id, http_status, details)
    return AlicloudError(code, message, request_id, http_status, details)


def is_retryable(error):
    """Whether another attempt can succeed: throttling, transient service errors and lost connections only."""
    return isinstance(error, (AlicloudThrottlingError, AlicloudServiceError, AlicloudConnectionError))


# ---------------------------------------------------------------------------------------------------------------------
# Retries

class RetryPolicy(object):
    """Jittered exponential backoff with a bound on attempts and on total time.

    The n-th delay is drawn from [d/2, d] with d = min(max_delay, base_delay * 2**n) ("equal jitter"): it grows,
    never collapses to zero, and spreads out the forks of a fleet that were throttled together.

    Throttling answers do not use up the attempts (max_attempts - 1 retries after transient errors and lost
    connections): they say the request is valid and only came too early, so they are retried until the total time
    bound, as long as retries are allowed at all (max_attempts > 1). A fleet that keeps a rate-limited API busy then
    slows down instead of failing hosts.

    The total time bound is a deadline for the whole call: a retry starts only when it can end within it, its wait
    plus attempt_timeout (the longest one request may take: api_timeout).
    """

    def __init__(self, max_attempts=DEFAULT_RETRIES + 1, base_delay=0.5, max_delay=8.0, total_timeout=120.0,
                 sleep=time.sleep, clock=time.monotonic, rand=random.random, attempt_timeout=0.0):
        self.max_attempts = max(1, int(max_attempts))
        self.attempt_timeout = float(attempt_timeout or 0.0)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.total_timeout = total_timeout
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self.attempts = 0
        self.errors = []

    def delay(self, retry_number, error=None):
        """Seconds to wait before retry number `retry_number` (0 for the first retry)."""
        retry_after = getattr(error, 'retry_after', None)
        if retry_after:
            return min(self.max_delay, float(retry_after)) * (1.0 + 0.25 * self._rand())
        base = self.base_delay
        if getattr(error, 'code', None) in TOO_EARLY_CODES:
            # The zone's previous write is being applied: that takes a fraction of a second, so start short (and grow).
            base = min(base, TOO_EARLY_BASE_DELAY)
        ceiling = min(self.max_delay, base * (2 ** retry_number))
        return ceiling / 2.0 + self._rand() * ceiling / 2.0

    def run(self, func, *args, **kwargs):
        """Call func until it succeeds, fails for good, or the bounds are reached; re-raise the last error.

        After run(), `attempts` is how many calls were made and `errors` the retryable errors met, so a caller
        can tell that a write was repeated (and reconcile, for example a duplicate after a lost answer).
        """
        self.attempts = 0
        self.errors = []
        counted = 0
        started = self._clock()
        while True:
            self.attempts += 1
            try:
                return func(*args, **kwargs)
            except AlicloudError as exc:
                if not isinstance(exc, AlicloudThrottlingError) and exc.code not in TOO_EARLY_CODES:
                    counted += 1
                if not is_retryable(exc) or self.max_attempts == 1 or counted >= self.max_attempts:
                    raise
                wait = self.delay(self.attempts - 1, exc)
                if self._clock() - started + wait + self.attempt_timeout > self.total_timeout:
                    raise
                self.errors.append(exc)
                self._sleep(wait)

    @property
    def retried(self):
        return self.attempts > 1


# ---------------------------------------------------------------------------------------------------------------------
# Reporting

# Credentials fetched while the module runs (STS, ECS role, OIDC): _credentials.py registers every secret it hands to
# an SDK, so that a message that echoes one (an SDK error, a server's error document) is masked like the options are.
_RUNTIME_SECRETS = set()


def remember_secrets(*values):
    # Real secrets are 30 characters and tokens hundreds: a short value would mask ordinary words in every message.
    _RUNTIME_SECRETS.update(value for value in values if value and len(value) >= 8)


def redact(text, secrets):
    """Replace every secret in text by a mask; used on any message that echoes service or SDK text."""
    if not text:
        return text
    for secret in sorted(set(secrets or ()) | _RUNTIME_SECRETS, key=len, reverse=True):
        if secret:
            text = text.replace(secret, '********')
    return text


def fail_with_error(module, error, msg=None, secrets=None, **result):
    """Fail the module with an API error: message, code, request id and status, secrets masked."""
    message = str(error) if msg is None else '%s %s' % (msg, error)
    result.update(error.to_result())
    module.fail_json(msg=redact(message, secrets), **result)
