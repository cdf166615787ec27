# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where the credentials of a module run come from, decided in one place for both SDKs.

Base sources, the first that is set wins: static keys (options or environment variables), an aliyun CLI profile, an
ECS instance RAM role, OIDC (RRSA) from the SDK's environment variables, and last the default chain of
alibabacloud-credentials; of the first three, one set in the task comes before one set only in the environment.
alicloud_assume_role applies on top of whichever base was chosen.

choose_source() is plain Python: it picks the source, reads and checks a CLI profile, and says what is wrong (naming
the option, environment variable, profile or file) before any API call. RunCredentials turns the source into one
credentials provider of alibabacloud-credentials (>= 1.0) and hands it to oss2 (OssCredentialsProvider, asked for
every request it signs) and to the Alidns SDK (TeaCredentialClient, the `credential` of its Config). The providers
cache what they fetch only until it goes stale and then fetch again, so expiring credentials are never used past
their life; nothing here keeps a copy.

alibabacloud-credentials is imported only when a source needs it (it costs about half a second, with Tea and aiohttp):
static keys, the common case for OSS modules, use the small provider below instead.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    ASSUME_ROLE_ARN_ENV, DEFAULT_SESSION_EXPIRATION, DEFAULT_SHARED_CREDENTIALS_FILE, ENV_FALLBACKS, AlicloudAuthError,
    AlicloudValidationError, redact, remember_secrets, split_endpoint,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._requirements import MissingRequirement, require

# The SDK's own names for OIDC / RRSA (what ack-pod-identity-webhook injects into a pod).
OIDC_ROLE_ARN_ENV = 'ALIBABA_CLOUD_ROLE_ARN'
OIDC_PROVIDER_ARN_ENV = 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN'
OIDC_TOKEN_FILE_ENV = 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'
ROLE_SESSION_NAME_ENV = 'ALIBABA_CLOUD_ROLE_SESSION_NAME'

DEFAULT_SESSION_NAME = 'ansible-alicloud-oss-domains'
MIN_SESSION_EXPIRATION = 900
MAX_SESSION_EXPIRATION = 43200
IMDS_HOST = '100.100.100.200'
PROFILE_MODES = ('AK', 'StsToken', 'RamRoleArn', 'EcsRamRole', 'ChainableRamRoleArn', 'OIDC')

_ROLE_ARN = re.compile(r'^acs:ram::[0-9]+:role/[A-Za-z0-9._@/-]+$')
_SESSION_NAME = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')
_ROLE_NAME = re.compile(r'^[A-Za-z0-9._@-]{1,64}$')

_SDK = {}


class CredentialConfigError(ValueError):
    """The credential options cannot work; the message names the option, variable, profile or file, and the fix."""


def _load_sdk():
    """Import alibabacloud-credentials once; AlicloudAuthError when it (1.0 or later) is not installed."""
    if not _SDK:
        try:
            dummy, providers, http = require('credentials')
        except MissingRequirement as exc:
            raise AlicloudAuthError('MissingLibrary', 'The Python package %s is needed for this credential source and could not be '
                                                      'used (%s). Install it with pip install "%s", or give static keys.'
                                    % (exc, exc.trace.strip().splitlines()[-1], str(exc).replace(' ', '')))
        HttpOptions = http.HttpOptions  # pylint: disable=invalid-name
        import logging  # pylint: disable=import-outside-toplevel
        # The SDK logs refresh failures, with the server's answer, straight to stderr through its own handler; the
        # module reports them itself (masked), so keep the SDK quiet.
        logging.getLogger('credentials').disabled = True
        _SDK.update(providers=providers, HttpOptions=HttpOptions)
    return _SDK


# ---------------------------------------------------------------------------------------------------------------------
# The source, as plain data

class Source(object):
    """One base source (kind, how messages name it, what the provider needs) plus the role assumed on top of it."""

    def __init__(self, kind, label, **fields):
        self.kind = kind          # static, profile, ecs_role, oidc, default
        self.label = label        # names the source without any secret; the access key id may appear
        self.fields = fields
        self.assume = None        # alicloud_assume_role, checked, or None
        self.assume_from = None   # how messages name where the role ARN came from
        self.sts_endpoint = None  # host[:port], or None for the SDK's default
        self.region = None        # from a CLI profile
        self.region_from = None
        self.secrets = []
        self.warnings = []

    def describe(self):
        if not self.assume:
            return self.label
        return 'the RAM role %s, assumed (%s) with %s' % (self.assume['role_arn'], self.assume_from, self.label)


def _listing(names):
    names = list(names)
    return names[0] if len(names) == 1 else '%s and %s' % (', '.join(names[:-1]), names[-1])


def _origin(params, options):
    """'the options a and b', 'the environment variables X and Y', or a mix, for the options that are set."""
    given = [option for option in options if option not in params.env_used]
    env = [params.env_used[option] for option in options if option in params.env_used]
    parts = []
    if given:
        parts.append('the option%s %s' % ('s' if len(given) > 1 else '', _listing(given)))
    if env:
        parts.append('the environment variable%s %s' % ('s' if len(env) > 1 else '', _listing(env)))
    return ' and '.join(parts)


def _choices(option):
    return '%s (or one of the environment variables %s)' % (option, ', '.join(ENV_FALLBACKS[option]))


def _static_source(params):
    if params.access_key and not params.secret_key:
        raise CredentialConfigError(
            'alicloud_secret_key is missing: the access key id %s came from %s, but no secret key was given. Set %s, or remove '
            'the access key to use another source (alicloud_profile, alicloud_ecs_role_name, OIDC or the default chain).'
            % (params.access_key, _origin(params, ['alicloud_access_key']), _choices('alicloud_secret_key')))
    if params.secret_key and not params.access_key:
        raise CredentialConfigError(
            'alicloud_access_key is missing: a secret key came from %s, but no access key id was given. Set %s.'
            % (_origin(params, ['alicloud_secret_key']), _choices('alicloud_access_key')))
    if params.security_token and not params.access_key:
        raise CredentialConfigError(
            'alicloud_security_token needs alicloud_access_key and alicloud_secret_key: the STS token from %s is only valid '
            'together with the temporary key pair it was issued with.' % _origin(params, ['alicloud_security_token']))
    if params.access_key.startswith('STS.') and not params.security_token:
        # Temporary keys from STS only work with their token; OSS would answer "the security token is invalid".
        raise CredentialConfigError(
            'alicloud_security_token is missing: the access key %s (from %s) is a temporary STS key, which only works together '
            'with the security token it was issued with. Set %s.'
            % (params.access_key, _origin(params, ['alicloud_access_key']), _choices('alicloud_security_token')))
    options = ['alicloud_access_key', 'alicloud_secret_key']
    what = 'the access key %s' % params.access_key
    if params.security_token:
        options.append('alicloud_security_token')
        what = 'the STS token of the temporary access key %s' % params.access_key
    source = Source('static', '%s (from %s)' % (what, _origin(params, options)), access_key_id=params.access_key,
                    access_key_secret=params.secret_key, security_token=params.security_token)
    return source


# -- aliyun CLI profiles (~/.aliyun/config.json) -------------------------------------------------------------------------

def _read_cli_config(path, where):
    if not os.path.isfile(path):
        raise CredentialConfigError(
            '%s: the aliyun CLI configuration file %s does not exist. Set alicloud_shared_credentials_file (or '
            'ALICLOUD_SHARED_CREDENTIALS_FILE) to the file that holds the profile, or create it with aliyun configure.'
            % (where, path))
    try:
        with open(path, 'rb') as handle:
            config = json.loads(handle.read().decode('utf-8'))
    except (IOError, OSError) as exc:
        raise CredentialConfigError('%s: the aliyun CLI configuration file %s cannot be read (%s).' % (where, path, exc.strerror or exc))
    except ValueError as exc:
        # json's message gives the position only, never the text around it (which may hold a secret).
        raise CredentialConfigError('%s: the aliyun CLI configuration file %s is not valid JSON (%s).'
                                    % (where, path, getattr(exc, 'msg', 'undecodable') + _position(exc)))
    if not isinstance(config, dict) or not isinstance(config.get('profiles', []), list):
        raise CredentialConfigError('%s: %s is not an aliyun CLI configuration file (no "profiles" list).' % (where, path))
    return config


def _position(exc):
    return ' at line %s, column %s' % (exc.lineno, exc.colno) if hasattr(exc, 'lineno') else ''


def _profile_names(config):
    return [str(item.get('name')) for item in config.get('profiles') or [] if isinstance(item, dict) and item.get('name')]


def _find_profile(config, name, path, where):
    for item in config.get('profiles') or []:
        if isinstance(item, dict) and item.get('name') == name:
            return item
    names = _profile_names(config)
    raise CredentialConfigError(
        '%s: there is no profile named %r in %s; %s. Create it with aliyun configure --profile %s, or set alicloud_profile to '
        'one of those.' % (where, name, path, ('it has: %s' % ', '.join(names)) if names else 'it has no profiles', name))


def _profile_duration(profile, name, path):
    value = profile.get('expired_seconds') or 0
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = -1
    if value == 0:
        return DEFAULT_SESSION_EXPIRATION  # the CLI writes 0 for "not set"
    if not MIN_SESSION_EXPIRATION <= value <= MAX_SESSION_EXPIRATION:
        raise CredentialConfigError('the profile %r in %s: expired_seconds must be between %d and %d, got %r.'
                                    % (name, path, MIN_SESSION_EXPIRATION, MAX_SESSION_EXPIRATION, profile.get('expired_seconds')))
    return value


def _profile_spec(config, name, path, where, seen=()):
    """What the provider of one profile needs, checked: a dict with `mode` and the fields of that mode."""
    profile = _find_profile(config, name, path, where)
    mode = profile.get('mode') or 'AK'
    label = 'the profile %r (mode %s) in %s' % (name, mode, path)
    required = {
        'AK': ['access_key_id', 'access_key_secret'],
        'StsToken': ['access_key_id', 'access_key_secret', 'sts_token'],
        'RamRoleArn': ['access_key_id', 'access_key_secret', 'ram_role_arn'],
        'EcsRamRole': [],
        'ChainableRamRoleArn': ['source_profile', 'ram_role_arn'],
        'OIDC': ['ram_role_arn', 'oidc_provider_arn', 'oidc_token_file'],
    }.get(mode)
    if required is None:
        raise CredentialConfigError('%s: %s uses a mode this collection does not read; use one of %s (aliyun configure '
                                    '--mode ...), or give the credentials another way.' % (where, label, ', '.join(PROFILE_MODES)))
    missing = [field for field in required if not profile.get(field)]
    if missing:
        raise CredentialConfigError('%s: %s has no %s; complete it with aliyun configure --profile %s --mode %s.'
                                    % (where, label, _listing(missing), name, mode))
    spec = dict(mode=mode, name=name, label=label, secrets=[profile.get('access_key_secret'), profile.get('sts_token')])
    for field in ('access_key_id', 'access_key_secret', 'sts_token', 'ram_role_arn', 'ram_role_name', 'oidc_provider_arn',
                  'oidc_token_file', 'external_id', 'policy'):
        spec[field] = profile.get(field) or None
    spec['session_name'] = profile.get('ram_session_name') or profile.get('role_session_name') or None
    spec['sts_region'] = profile.get('sts_region') or None
    if mode in ('RamRoleArn', 'ChainableRamRoleArn', 'OIDC'):
        spec['duration'] = _profile_duration(profile, name, path)
    if mode == 'ChainableRamRoleArn':
        source_name = profile['source_profile']
        if source_name in seen or source_name == name:
            raise CredentialConfigError('%s: %s names source_profile %r, which leads back to itself.' % (where, label, source_name))
        spec['source'] = _profile_spec(config, source_name, path, where, seen + (name,))
        spec['secrets'].extend(spec['source']['secrets'])
    if mode == 'OIDC':
        spec['secrets'].append(_read_oidc_token(spec['oidc_token_file'], '%s: %s, oidc_token_file' % (where, label)))
    return spec


def _profile_source(params):
    path = os.path.expanduser(params.shared_credentials_file or DEFAULT_SHARED_CREDENTIALS_FILE)
    where = 'alicloud_profile %r (from %s)' % (params.profile, _origin(params, ['alicloud_profile']))
    config = _read_cli_config(path, where)
    spec = _profile_spec(config, params.profile, path, where)
    label = 'the aliyun CLI profile %r (mode %s) in %s, chosen by %s' % (params.profile, spec['mode'], path,
                                                                         _origin(params, ['alicloud_profile']))
    if spec['mode'] in ('AK', 'StsToken'):
        label = '%s, access key %s' % (label, spec['access_key_id'])
    source = Source('profile', label, profile=spec)
    source.secrets = [value for value in spec['secrets'] if value]
    region = _find_profile(config, params.profile, path, where).get('region_id')
    if region:
        source.region = region
        source.region_from = 'the profile %r in %s' % (params.profile, path)
    return source


# -- ECS instance RAM role, OIDC, default chain --------------------------------------------------------------------------

def _ecs_source(params):
    name = params.ecs_role_name.strip()
    origin = _origin(params, ['alicloud_ecs_role_name'])
    if not _ROLE_NAME.match(name):
        raise CredentialConfigError('alicloud_ecs_role_name %r (from %s) is not a RAM role name: use letters, digits and . _ @ -, '
                                    'at most 64 characters.' % (name, origin))
    return Source('ecs_role', 'the ECS instance RAM role %r (from %s), through the instance metadata service at %s'
                  % (name, origin, IMDS_HOST), role_name=name)


def _read_oidc_token(path, where):
    try:
        with open(os.path.expanduser(path), 'rb') as handle:
            token = handle.read().decode('utf-8').strip()
    except (IOError, OSError) as exc:
        raise CredentialConfigError('%s: the OIDC token file %s cannot be read (%s).' % (where, path, exc.strerror or exc))
    except UnicodeError:
        raise CredentialConfigError('%s: the OIDC token file %s is not text.' % (where, path))
    if not token:
        raise CredentialConfigError('%s: the OIDC token file %s is empty.' % (where, path))
    return token


def oidc_environment(environ):
    """The OIDC variables that are set, when the environment asks for OIDC (a provider ARN or a token file)."""
    names = (OIDC_ROLE_ARN_ENV, OIDC_PROVIDER_ARN_ENV, OIDC_TOKEN_FILE_ENV)
    found = dict((name, environ.get(name)) for name in names if environ.get(name))
    if not (found.get(OIDC_PROVIDER_ARN_ENV) or found.get(OIDC_TOKEN_FILE_ENV)):
        return None
    return found


def _oidc_source(params, found):
    missing = [name for name in (OIDC_ROLE_ARN_ENV, OIDC_PROVIDER_ARN_ENV, OIDC_TOKEN_FILE_ENV) if name not in found]
    if missing:
        raise CredentialConfigError('OIDC (RRSA) credentials need %s, %s and %s; %s %s not set (the others are).'
                                    % (OIDC_ROLE_ARN_ENV, OIDC_PROVIDER_ARN_ENV, OIDC_TOKEN_FILE_ENV, _listing(missing),
                                       'is' if len(missing) == 1 else 'are'))
    token = _read_oidc_token(found[OIDC_TOKEN_FILE_ENV], 'OIDC (%s)' % OIDC_TOKEN_FILE_ENV)
    source = Source('oidc', 'the OIDC role %s with the provider %s and the token file %s (from the environment variables %s, %s '
                            'and %s)' % (found[OIDC_ROLE_ARN_ENV], found[OIDC_PROVIDER_ARN_ENV], found[OIDC_TOKEN_FILE_ENV],
                                         OIDC_ROLE_ARN_ENV, OIDC_PROVIDER_ARN_ENV, OIDC_TOKEN_FILE_ENV),
                    role_arn=found[OIDC_ROLE_ARN_ENV], provider_arn=found[OIDC_PROVIDER_ARN_ENV],
                    token_file=found[OIDC_TOKEN_FILE_ENV], session_name=params.environ.get(ROLE_SESSION_NAME_ENV) or None)
    source.secrets = [token]
    return source


DEFAULT_CHAIN_LABEL = ('the default credential chain of alibabacloud-credentials (ALIBABA_CLOUD_* environment variables, '
                       'OIDC, the current profile of ~/.aliyun/config.json, ~/.alibabacloud/credentials.ini, the ECS instance '
                       'RAM role), used because no alicloud_access_key, alicloud_profile, alicloud_ecs_role_name or OIDC '
                       'variable was set')


# -- alicloud_assume_role and sts_endpoint ------------------------------------------------------------------------------

def _check_assume_role(params):
    role = params.assume_role
    if not role:
        return None, None
    origin = 'alicloud_assume_role'
    if params.env_used.get('alicloud_assume_role.role_arn'):
        origin = 'the environment variable %s' % params.env_used['alicloud_assume_role.role_arn']
    if not role.get('role_arn'):
        raise CredentialConfigError('alicloud_assume_role needs role_arn (or the environment variable %s): the ARN of the RAM '
                                    'role to assume, such as acs:ram::1234567890123456:role/domains-automation.'
                                    % ASSUME_ROLE_ARN_ENV)
    if not _ROLE_ARN.match(role['role_arn']):
        raise CredentialConfigError('alicloud_assume_role.role_arn %r (from %s) is not a RAM role ARN; it looks like '
                                    'acs:ram::<account id>:role/<role name>.' % (role['role_arn'], origin))
    expiration = role.get('session_expiration')
    if expiration is None:
        expiration = DEFAULT_SESSION_EXPIRATION
    if not MIN_SESSION_EXPIRATION <= int(expiration) <= MAX_SESSION_EXPIRATION:
        raise CredentialConfigError('alicloud_assume_role.session_expiration must be between %d and %d seconds (and at most the '
                                    'role\'s maximum session duration), got %s.'
                                    % (MIN_SESSION_EXPIRATION, MAX_SESSION_EXPIRATION, expiration))
    session_name = role.get('session_name') or DEFAULT_SESSION_NAME
    if not _SESSION_NAME.match(session_name):
        raise CredentialConfigError('alicloud_assume_role.session_name %r is not valid: use 2 to 64 letters, digits and . @ - _.'
                                    % session_name)
    policy = role.get('policy')
    if policy:
        try:
            parsed = json.loads(policy)
        except ValueError as exc:
            raise CredentialConfigError('alicloud_assume_role.policy is not valid JSON (%s%s); give a RAM policy document.'
                                        % (getattr(exc, 'msg', 'undecodable'), _position(exc)))
        if not isinstance(parsed, dict):
            raise CredentialConfigError('alicloud_assume_role.policy must be a JSON object (a RAM policy document).')
    checked = dict(role_arn=role['role_arn'], session_name=session_name, session_expiration=int(expiration), policy=policy or None)
    return checked, origin


def _check_sts_endpoint(params):
    if not params.sts_endpoint:
        return None
    field = 'sts_endpoint' if 'sts_endpoint' not in params.env_used else 'sts_endpoint (%s)' % params.env_used['sts_endpoint']
    try:
        scheme, host = split_endpoint(params.sts_endpoint, field)
    except AlicloudValidationError as exc:
        raise CredentialConfigError(exc.message)
    if scheme != 'https':
        raise CredentialConfigError('%s: STS is only reached over HTTPS (as alibabacloud-credentials does); give host[:port], '
                                    'for example sts.cn-hangzhou.aliyuncs.com, not %r.' % (field, params.sts_endpoint))
    return host


_ATTRS = {'alicloud_access_key': 'access_key', 'alicloud_secret_key': 'secret_key', 'alicloud_security_token': 'security_token',
          'alicloud_profile': 'profile', 'alicloud_ecs_role_name': 'ecs_role_name'}


def choose_source(params):
    """The credential source of a run (see the module docstring for the order); CredentialConfigError when unusable."""
    sts_endpoint = _check_sts_endpoint(params)
    assume, assume_from = _check_assume_role(params)
    # Keys, a profile and an ECS role name, in this order; but a source set in the task beats one that only comes from
    # the environment, so that `alicloud_profile: prod` in a task is not overridden by keys a shell happens to export.
    candidates = [
        (['alicloud_access_key', 'alicloud_secret_key', 'alicloud_security_token'],
         [params.access_key, params.secret_key, params.security_token], _static_source),
        (['alicloud_profile'], [params.profile], _profile_source),
        (['alicloud_ecs_role_name'], [params.ecs_role_name], _ecs_source),
    ]
    present = [(options, build) for options, values, build in candidates if any(values)]
    in_task = [(options, build) for options, values, build in candidates
               if any(value and option not in params.env_used for option, value in zip(options, values))]
    if present:
        options, build = (in_task or present)[0]
        source = build(params)
        for other, _build in present:
            if other is not options:
                ignored = [option for option in other if getattr(params, _ATTRS[option])]
                chosen = [option for option in options if getattr(params, _ATTRS[option])]
                source.warnings.append('%s %s ignored: the source set by %s comes first.'
                                       % (_listing(ignored), 'are' if len(ignored) > 1 else 'is', _origin(params, chosen)))
    else:
        found = oidc_environment(params.environ)
        source = _oidc_source(params, found) if found else Source('default', DEFAULT_CHAIN_LABEL)
    source.assume = assume
    source.assume_from = assume_from
    source.sts_endpoint = sts_endpoint
    return source


# ---------------------------------------------------------------------------------------------------------------------
# Providers

class StaticCredentials(object):
    """The credential interface of alibabacloud-credentials (and of oss2), for keys that never change."""

    def __init__(self, access_key_id, access_key_secret, security_token=None, provider_name='static_ak'):
        self._values = (access_key_id, access_key_secret, security_token)
        self._provider_name = provider_name

    def get_access_key_id(self):
        return self._values[0]

    def get_access_key_secret(self):
        return self._values[1]

    def get_security_token(self):
        return self._values[2]

    def get_expiration(self):
        return None

    def get_provider_name(self):
        return self._provider_name


class StaticProvider(object):
    """An ICredentialsProvider for fixed keys that does not need alibabacloud-credentials (and its half-second import)."""

    def __init__(self, access_key_id, access_key_secret, security_token=None):
        name = 'static_sts' if security_token else 'static_ak'
        self._credentials = StaticCredentials(access_key_id, access_key_secret, security_token, name)

    def get_credentials(self):
        return self._credentials

    async def get_credentials_async(self):
        return self._credentials

    def get_provider_name(self):
        return self._credentials.get_provider_name()


def _http_options(sdk, timeout):
    """Timeouts of the calls to STS and to the metadata service, in milliseconds, within api_timeout."""
    timeout = float(timeout or 30.0)
    return sdk['HttpOptions'](connect_timeout=int(min(timeout, 5.0) * 1000), read_timeout=int(min(timeout, 10.0) * 1000))


def _profile_provider(spec, sts_endpoint, timeout):
    mode = spec['mode']
    if mode in ('AK', 'StsToken'):
        return StaticProvider(spec['access_key_id'], spec['access_key_secret'], spec['sts_token'] if mode == 'StsToken' else None)
    sdk = _load_sdk()
    providers = sdk['providers']
    options = _http_options(sdk, timeout)
    endpoint = sts_endpoint or ('sts.%s.aliyuncs.com' % spec['sts_region'] if spec['sts_region'] else None)
    if mode == 'EcsRamRole':
        return providers.EcsRamRoleCredentialsProvider(role_name=spec['ram_role_name'], http_options=options,
                                                       async_update_enabled=False)
    if mode == 'OIDC':
        return providers.OIDCRoleArnCredentialsProvider(
            role_arn=spec['ram_role_arn'], oidc_provider_arn=spec['oidc_provider_arn'], oidc_token_file_path=spec['oidc_token_file'],
            role_session_name=spec['session_name'] or DEFAULT_SESSION_NAME, duration_seconds=spec['duration'],
            policy=spec['policy'], sts_endpoint=endpoint, http_options=options)
    if mode == 'RamRoleArn':
        base = StaticProvider(spec['access_key_id'], spec['access_key_secret'], spec['sts_token'])
    else:  # ChainableRamRoleArn
        base = _profile_provider(spec['source'], sts_endpoint, timeout)
    return providers.RamRoleArnCredentialsProvider(
        credentials_provider=base, role_arn=spec['ram_role_arn'], role_session_name=spec['session_name'] or DEFAULT_SESSION_NAME,
        duration_seconds=spec['duration'], policy=spec['policy'], external_id=spec['external_id'], sts_endpoint=endpoint,
        http_options=options)


def build_provider(source, timeout=None):
    """The provider of alibabacloud-credentials' interface (get_credentials, get_provider_name) for a source."""
    kind = source.kind
    fields = source.fields
    if kind == 'static':
        base = StaticProvider(fields['access_key_id'], fields['access_key_secret'], fields['security_token'])
    elif kind == 'profile':
        base = _profile_provider(fields['profile'], source.sts_endpoint, timeout)
    else:
        sdk = _load_sdk()
        providers = sdk['providers']
        if kind == 'ecs_role':
            # No background refresh thread: a module run is short, and the provider refreshes on use.
            base = providers.EcsRamRoleCredentialsProvider(role_name=fields['role_name'], http_options=_http_options(sdk, timeout),
                                                           async_update_enabled=False)
        elif kind == 'oidc':
            base = providers.OIDCRoleArnCredentialsProvider(
                role_arn=fields['role_arn'], oidc_provider_arn=fields['provider_arn'], oidc_token_file_path=fields['token_file'],
                role_session_name=fields['session_name'] or DEFAULT_SESSION_NAME, sts_endpoint=source.sts_endpoint,
                http_options=_http_options(sdk, timeout))
        else:
            base = providers.DefaultCredentialsProvider()
    if not source.assume:
        return base
    sdk = _load_sdk()
    role = source.assume
    return sdk['providers'].RamRoleArnCredentialsProvider(
        credentials_provider=base, role_arn=role['role_arn'], role_session_name=role['session_name'],
        duration_seconds=role['session_expiration'], policy=role['policy'], sts_endpoint=source.sts_endpoint,
        http_options=_http_options(sdk, timeout))


# ---------------------------------------------------------------------------------------------------------------------
# The credentials of one run, and what each SDK is given

_SERVER_ANSWER = re.compile(r'(?:http_code: (?P<status>\d+), )?result: (?P<body>\{.*\})\s*$', re.DOTALL)


def _reason(exc):
    """What went wrong when fetching credentials, in words, and the service's error code when it sent one."""
    text = getattr(exc, 'message', None) or str(exc) or type(exc).__name__
    text = str(text)
    match = _SERVER_ANSWER.search(text)
    if match:
        try:
            body = json.loads(match.group('body'))
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get('Code'):
            status = ' (HTTP %s)' % match.group('status') if match.group('status') else ''
            return body['Code'], 'STS answered %s: %s%s' % (body['Code'], body.get('Message') or '', status)
    if type(exc).__name__ not in ('CredentialException', 'ValueError'):
        text = '%s: %s' % (type(exc).__name__, text)
    return None, text


class RunCredentials(object):
    """The credentials provider of one module run, named for messages; shared by the OSS and Alidns clients."""

    def __init__(self, params):
        self.source = params.source()
        self.label = self.source.describe()
        self._timeout = params.timeout
        self._secrets = params.secrets()
        self._provider = None
        self.fetches = 0

    def provider(self):
        if self._provider is None:
            try:
                self._provider = build_provider(self.source, self._timeout)
            except ValueError as exc:  # the SDK checks its arguments in the constructors
                raise AlicloudAuthError('InvalidCredentials', redact('The credentials from %s cannot be used: %s' % (self.label, exc),
                                                                     self._secrets))
        return self._provider

    def get(self):
        """The current credentials (the provider refreshes them when they go stale); AlicloudAuthError naming the source."""
        provider = self.provider()
        try:
            credentials = provider.get_credentials()
        except Exception as exc:  # pylint: disable=broad-except
            raise self._fetch_error(exc)
        if credentials is None or not credentials.get_access_key_id() or not credentials.get_access_key_secret():
            raise AlicloudAuthError('MissingCredentials', 'No credentials came from %s.' % self.label)
        if self.source.kind != 'static' or self.source.assume:  # static keys are in params.secrets() already
            remember_secrets(credentials.get_access_key_secret(), credentials.get_security_token())
        self.fetches += 1
        return credentials

    def check(self):
        """Fetch once before the first API call, so that a source that cannot work fails before anything is written."""
        self.get()

    def _fetch_error(self, exc):
        code, reason = _reason(exc)
        kind = self.source.kind
        if kind == 'default' and not self.source.assume:
            message = ('No credentials: %s, and that chain found none (%s). Set alicloud_access_key and alicloud_secret_key, '
                       'alicloud_profile, alicloud_ecs_role_name or the OIDC variables.' % (self.label, reason))
            code = 'MissingCredentials'
        else:
            message = 'Could not get credentials from %s: %s.' % (self.label, reason.rstrip('.'))
            if self.source.assume:
                message += (' Check that the base credentials may call sts:AssumeRole on %s, that the role\'s trust policy allows '
                            'them, and that session_expiration is within the role\'s maximum session duration.'
                            % self.source.assume['role_arn'])
            elif kind == 'ecs_role':
                message += (' The instance metadata service answers only on an ECS instance, and only for the RAM role attached '
                            'to that instance.')
        return AlicloudAuthError(code or 'CredentialsUnavailable', redact(message, self._secrets))

    def explain(self, error):
        """Add the credential source to an authentication error of OSS or Alidns (a wrong key, an expired token, ...)."""
        if isinstance(error, AlicloudAuthError) and self.label not in (error.message or ''):
            error.message = '%s (credentials: %s)' % ((error.message or error.code).rstrip(), self.label)
        return error

    def for_oss(self):
        return OssCredentialsProvider(self)

    def for_tea(self):
        return TeaCredentialClient(self)


class OssCredentialsProvider(object):
    """oss2's credentials-provider interface over the run's provider.

    oss2's ProviderAuthV4 (and ProviderAuth for V1) calls get_credentials() for every request it signs, and uses
    get_access_key_id / get_access_key_secret / get_security_token of what it gets, which the credentials of
    alibabacloud-credentials provide: a refreshed credential is used from the next request on.
    """

    def __init__(self, run):
        self._run = run

    def get_credentials(self):
        return self._run.get()


class TeaCredentialClient(object):
    """What tea-openapi (the Alidns SDK's base) calls on Config(credential=...): the interface of
    alibabacloud_credentials.client.Client, over the run's provider, fetched for every request."""

    def __init__(self, run):
        self._run = run

    def get_credential(self):
        from alibabacloud_credentials.models import CredentialModel  # pylint: disable=import-outside-toplevel
        credentials = self._run.get()
        return CredentialModel(access_key_id=credentials.get_access_key_id(), access_key_secret=credentials.get_access_key_secret(),
                               security_token=credentials.get_security_token(),
                               type='sts' if credentials.get_security_token() else 'access_key',
                               provider_name=credentials.get_provider_name())

    async def get_credential_async(self):
        return self.get_credential()

    def get_access_key_id(self):
        return self._run.get().get_access_key_id()

    def get_access_key_secret(self):
        return self._run.get().get_access_key_secret()

    def get_security_token(self):
        return self._run.get().get_security_token()

    async def get_access_key_id_async(self):
        return self.get_access_key_id()

    async def get_access_key_secret_async(self):
        return self.get_access_key_secret()

    async def get_security_token_async(self):
        return self.get_security_token()

    def get_type(self):
        # Any type but 'bearer' and 'id_token' makes tea-openapi sign with the key pair (and send the token if any).
        source = self._run.source
        return 'access_key' if source.kind == 'static' and not source.assume and not source.fields.get('security_token') else 'sts'

    def get_bearer_token(self):
        return None
