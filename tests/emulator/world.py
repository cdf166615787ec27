# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The default world and seeding (POST /_emulator/seed uses the same code)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import re
import secrets
import time
import uuid

import certs
import default_roles
import ram
import records
from default_keys import (LEGACY_ACCESS_KEY, LEGACY_SECRET_KEY, MAIN_ACCESS_KEY, MAIN_SECRET_KEY, OTHER_ACCESS_KEY,
                          OTHER_SECRET_KEY, RAM_READONLY_ACCESS_KEY, RAM_READONLY_SECRET_KEY)

# VersionCode -> (VersionName, MinTtl)
EDITIONS = {
    'mianfei': ('Alibaba Cloud DNS', 600),
    'version_personal': ('Personal Edition', 600),
    'version_enterprise_basic': ('Enterprise Standard Edition', 60),
    'version_enterprise_advanced': ('Enterprise Ultimate Edition', 1),
}

DEFAULT_SEED = {
    'accounts': {
        'main': {
            'uid': '1234567890123456', 'access_key': MAIN_ACCESS_KEY, 'secret_key': MAIN_SECRET_KEY,
            'certificates': {
                '10000001-cn-hangzhou': {'type': 'CAS', 'names': ['*.example.com', 'example.com']},
                '10000002-cn-hangzhou': {'type': 'CAS', 'names': ['*.example.net', 'example.net']},
            },
            'buckets': {'demo-assets': {'region': 'cn-hangzhou'}, 'demo-media': {'region': 'cn-hangzhou'},
                        'demo-eu': {'region': 'eu-central-1'}},
            'zones': {
                'example.com': {'edition': 'version_enterprise_advanced', 'records': [
                    {'rr': 'www', 'type': 'A', 'value': '192.0.2.10', 'ttl': 600},
                    {'rr': 'old', 'type': 'CNAME', 'value': 'legacy-site.oss-cn-hangzhou.aliyuncs.com', 'ttl': 600},
                ]},
                'example.net': {'edition': 'mianfei'},
            },
            # RAM identities for the credential sources (STS AssumeRole, AssumeRoleWithOIDC, ECS instance role).
            'roles': {default_roles.ROLE_NAME: {'max_session_duration': 43200,
                                                'trusted_oidc_providers': [default_roles.OIDC_PROVIDER_NAME]},
                      default_roles.ECS_ROLE_NAME: {}},
            'oidc_providers': {default_roles.OIDC_PROVIDER_NAME: {}},
            # A RAM user allowed only the read actions (EMULATOR_RAM_READONLY_ACCESS_KEY): audits, and proof that the
            # modules that write are refused.
            'users': {default_roles.READONLY_USER: {'user_id': default_roles.READONLY_USER_ID,
                                                    'access_key': RAM_READONLY_ACCESS_KEY,
                                                    'secret_key': RAM_READONLY_SECRET_KEY,
                                                    'policies': [default_roles.READONLY_POLICY]}},
        },
        'other': {
            'uid': '1876543210987654', 'access_key': OTHER_ACCESS_KEY, 'secret_key': OTHER_SECRET_KEY,
            'certificates': {'20000001-cn-hangzhou': {'type': 'CAS', 'names': ['old.example.com']}},
            'buckets': {'legacy-site': {'region': 'cn-hangzhou', 'cnames': ['old.example.com']}},
        },
        # An account from before 2025-03-01: OSS still accepts its V1 signatures (every other account gets
        # 403 with EC 0002-00000080), so the collection's V1 option has something to work against.
        'legacy': {
            'uid': '1555555555555555', 'access_key': LEGACY_ACCESS_KEY, 'secret_key': LEGACY_SECRET_KEY, 'legacy': True,
            'buckets': {'legacy-assets': {'region': 'cn-hangzhou'}},
        },
    },
    'external': {'example.org': []},
    'domain_policy': {'icp_filed': ['example.com', 'example.net', 'example.org']},
    'ecs_instance': {'account': 'main', 'role': default_roles.ECS_ROLE_NAME},
}


class SeedError(ValueError):
    pass


def empty_world():
    return {'version': 1, 'clock_offset': 0, 'seq': 0, 'accounts': {}, 'sts': {}, 'buckets': {}, 'zones': {},
            'external': {}, 'policy': {'icp_filed': [], 'risky': [], 'denied': [], 'image_processing': []}}


def default_world():
    data = empty_world()
    apply_seed(data, DEFAULT_SEED, time.time())
    return data


def _certificate(spec, now):
    """Certificate metadata from a seed entry: a PEM pair, or names to make one, or explicit metadata."""
    entry = {'type': spec.get('type', 'CAS'), 'created': spec.get('created', now)}
    if 'fingerprint' in spec:
        entry.update(fingerprint=spec['fingerprint'], valid_start=spec['valid_start'], valid_end=spec['valid_end'],
                     certificate=None, private_key=None, names=spec.get('names', []))
        return entry
    pem, key = spec.get('certificate'), spec.get('private_key')
    if pem is None:
        pem, key = certs.make_self_signed(spec.get('names') or ['example.com'], days=spec.get('days', 825))
    entry.update(certs.describe(pem, key))
    entry.update(certificate=pem, private_key=key)
    return entry


def binding(now, certificate=None, status='Enabled'):
    return {'last_modified': now, 'status': status, 'certificate': certificate}


def bound_certificate(cert_id, cert, now):
    return {'cert_id': cert_id, 'type': cert['type'], 'status': 'Enabled', 'creation': now,
            'fingerprint': cert['fingerprint'], 'valid_start': cert['valid_start'], 'valid_end': cert['valid_end']}


def _record(zone, spec, data, now):
    rtype = records.normalize_type(spec['type'])
    rid = str(spec.get('record_id') or (17606201171800000 + data['seq'] + 1))
    data['seq'] += 1
    return rid, {
        'rr': records.normalize_rr(spec.get('rr', '@')), 'type': rtype,
        'value': records.normalize_value(rtype, spec['value']), 'ttl': int(spec.get('ttl', 600)),
        'line': spec.get('line', 'default'), 'priority': spec.get('priority', 10 if rtype == 'MX' else None),
        'status': spec.get('status', 'ENABLE').upper(), 'locked': bool(spec.get('locked', False)),
        'remark': spec.get('remark'), 'weight': 1, 'created': now, 'updated': now, 'zone': zone,
    }


def _seed_account(data, name, spec, now):
    uid = spec.get('uid') or str(1000000000000000 + len(data['accounts']))
    account = data['accounts'].setdefault(name, {'uid': uid, 'keys': {}, 'certificates': {}})
    if spec.get('uid'):
        account['uid'] = str(spec['uid'])
    if 'legacy' in spec:
        account['legacy'] = bool(spec['legacy'])
    if spec.get('access_key'):
        account['keys'][spec['access_key']] = spec.get('secret_key') or secrets.token_urlsafe(22)[:30]
    for cert_id, cert in spec.get('certificates', {}).items():
        account['certificates'][cert_id] = _certificate(cert, now)
    for zone_name, zone in spec.get('zones', {}).items():
        zone_name = zone_name.lower().rstrip('.')
        owner = data['zones'].get(zone_name, {}).get('account', name)
        if owner != name or zone_name in data['external']:
            raise SeedError('zone %s already belongs to %s' % (zone_name, owner))
        # Seeding merges: a zone that exists keeps its edition unless the seed names one.
        edition = zone.get('edition') or data['zones'].get(zone_name, {}).get('edition') or 'mianfei'
        if edition not in EDITIONS:
            raise SeedError('unknown edition %s (one of %s)' % (edition, ', '.join(sorted(EDITIONS))))
        entry = data['zones'].setdefault(zone_name, {'account': name, 'domain_id': str(uuid.uuid4()), 'records': {},
                                                     'created': now})
        entry['edition'] = edition
        entry['dns_servers'] = zone.get('dns_servers') or entry.get('dns_servers') or ['ns1.' + zone_name]
        for rec in zone.get('records', []):
            rid, record = _record(zone_name, rec, data, now)
            entry['records'][rid] = record
        if zone.get('icp_filed', True) and zone_name not in data['policy']['icp_filed']:
            data['policy']['icp_filed'].append(zone_name)
    for bucket_name, bucket in spec.get('buckets', {}).items():
        owner = data['buckets'].get(bucket_name, {}).get('account', name)
        if owner != name:
            raise SeedError('bucket %s already belongs to %s' % (bucket_name, owner))
        entry = data['buckets'].setdefault(bucket_name, {'account': name, 'region': bucket.get('region', 'cn-hangzhou'),
                                                         'created': now, 'cnames': {}, 'tokens': {}})
        cnames = bucket.get('cnames', [])
        if isinstance(cnames, list):
            cnames = dict((domain, {}) for domain in cnames)
        for domain, spec_binding in cnames.items():
            domain = domain.lower().rstrip('.')
            holder = [b for b in data['buckets'].values() if domain in b['cnames']]
            for other in holder:
                del other['cnames'][domain]
            cert = None
            if spec_binding.get('cert_id'):
                if spec_binding['cert_id'] not in account['certificates']:
                    raise SeedError('unknown certificate %s' % spec_binding['cert_id'])
                cert = bound_certificate(spec_binding['cert_id'], account['certificates'][spec_binding['cert_id']],
                                         spec_binding.get('cert_created', now))
            entry['cnames'][domain] = binding(spec_binding.get('last_modified', now), cert,
                                              spec_binding.get('status', 'Enabled'))
        for domain, token in bucket.get('tokens', {}).items():
            entry['tokens'][domain.lower()] = {'token': token['token'], 'expire': token['expire']}
    for role_name, role in spec.get('roles', {}).items():
        _seed_role(account, role_name, role or {}, now)
    for provider_name, provider in spec.get('oidc_providers', {}).items():
        _seed_oidc_provider(account, provider_name, provider or {}, now)
    for user_name, user in spec.get('users', {}).items():
        _seed_user(data, account, user_name, user or {})


# ---------------------------------------------------------------------------------------------- RAM identities

ROLE_NAME_RE = re.compile(r'^[A-Za-z0-9.-]{1,64}$')  # RAM CreateRole: letters, digits, '.' and '-', up to 64
MAX_SESSION_DURATION = (3600, 43200)  # RAM CreateRole MaxSessionDuration range; default 3600


def _seed_role(account, name, spec, now):
    if not ROLE_NAME_RE.match(name):
        raise SeedError('invalid role name %r (letters, digits, "." and "-", up to 64)' % name)
    roles = account.setdefault('roles', {})
    existing = [n for n in roles if n.lower() == name.lower()]
    role = roles.setdefault(existing[0] if existing else name, {
        'role_id': '3' + ''.join(secrets.choice('0123456789') for _position in range(16)), 'created': now,
        'arn': 'acs:ram::%s:role/%s' % (account['uid'], name.lower()), 'max_session_duration': 3600,
        'trusted_accounts': [], 'trusted_oidc_providers': []})
    if 'max_session_duration' in spec:
        value = spec['max_session_duration']
        if isinstance(value, bool) or not isinstance(value, int) or not MAX_SESSION_DURATION[0] <= value <= MAX_SESSION_DURATION[1]:
            raise SeedError('role %s: max_session_duration must be an integer in [%d, %d]' % ((name,) + MAX_SESSION_DURATION))
        role['max_session_duration'] = value
    if 'policies' in spec:
        role['policies'] = _policies('role %s' % name, spec['policies'])
    # Who may assume it: keys (and STS credentials derived from them) of the role's own account always; the accounts
    # listed (names or uids) too; and, through AssumeRoleWithOIDC, the listed OIDC providers of the role's account.
    for key in ('trusted_accounts', 'trusted_oidc_providers'):
        if key in spec:
            if not isinstance(spec[key], list) or not all(isinstance(v, str) for v in spec[key]):
                raise SeedError('role %s: %s must be a list of names' % (name, key))
            role[key] = list(spec[key])


def _policies(owner, policies):
    """A list of policy documents or system policy names, checked; None (for a role) means unrestricted."""
    if policies is None:
        return None
    if not isinstance(policies, list):
        raise SeedError('%s: policies must be a list of policy documents or system policy names' % owner)
    for index, policy in enumerate(policies):
        try:
            ram.resolve(policy)
        except ram.PolicyError as exc:
            raise SeedError('%s: policies[%d]: %s' % (owner, index, exc))
        if isinstance(policy, dict) and any('Condition' in st for st in policy['Statement']):
            raise SeedError('%s: policies[%d]: Condition is not modelled by the emulator' % (owner, index))
    return [dict(p) if isinstance(p, dict) else p for p in policies]


def _seed_user(data, account, name, spec):
    """A RAM user: keys (access_key + secret_key, and/or access_keys {ak: secret}) and policies. Seeding a user again
    adds keys and replaces its policies when `policies` is given."""
    if not ram.USER_NAME_RE.match(name):
        raise SeedError('invalid RAM user name %r (letters, digits, ".", "_" and "-", up to 64)' % name)
    keys = dict(spec.get('access_keys') or {})
    if spec.get('access_key'):
        keys[spec['access_key']] = spec.get('secret_key') or secrets.token_urlsafe(22)[:30]
    for access_key in keys:
        known = [n for n, a in data['accounts'].items() if access_key in a['keys'] or
                 any(access_key in u['keys'] for un, u in a.get('users', {}).items() if (a is not account or un != name))]
        if known:
            raise SeedError('access key %s already belongs to account %s' % (access_key, known[0]))
    users = account.setdefault('users', {})
    user = users.setdefault(name, {'user_id': '20' + ''.join(secrets.choice('0123456789') for _position in range(16)),
                                   'keys': {}, 'policies': []})
    if spec.get('user_id'):
        user['user_id'] = str(spec['user_id'])
    user['keys'].update(keys)
    if 'policies' in spec:
        user['policies'] = _policies('user %s' % name, spec['policies'] or [])


def _jwt_part(document):
    return base64.urlsafe_b64encode(json.dumps(document, separators=(',', ':')).encode('utf-8')).rstrip(b'=').decode('ascii')


def _seed_oidc_provider(account, name, spec, now):
    if not ROLE_NAME_RE.match(name):
        raise SeedError('invalid OIDC provider name %r' % name)
    providers = account.setdefault('oidc_providers', {})
    provider = providers.setdefault(name, {'arn': 'acs:ram::%s:oidc-provider/%s' % (account['uid'], name), 'created': now})
    issuer = spec.get('issuer') or provider.get('issuer') or 'https://oidc.emulator.invalid/%s' % name
    subject = spec.get('subject') or provider.get('subject') or 'system:serviceaccount:default:domains'
    client_ids = spec.get('client_ids') or provider.get('client_ids') or ['sts.aliyuncs.com']
    token = spec.get('token')
    issued, expire = spec.get('issued'), spec.get('expire')
    if token is None and 'token' in provider and not any(k in spec for k in ('issuer', 'subject', 'client_ids')):
        token, issued, expire = provider['token'], provider['issued'], provider['expire']
    if token is None:
        # Shaped like a service-account JWT (three base64url parts) so that clients that inspect it see one; the
        # emulator checks it by equality, not by signature.
        issued, expire = int(now), int(now) + 10 * 365 * 86400
        claims = {'iss': issuer, 'sub': subject, 'aud': client_ids, 'iat': issued, 'exp': expire}
        token = '.'.join([_jwt_part({'alg': 'RS256', 'kid': 'emulator', 'typ': 'JWT'}), _jwt_part(claims),
                          base64.urlsafe_b64encode(secrets.token_bytes(64)).rstrip(b'=').decode('ascii')])
    issued = int(now if issued is None else issued)
    expire = int(now + 10 * 365 * 86400 if expire is None else expire)
    if not isinstance(token, str) or not 4 <= len(token) <= 20000:
        raise SeedError('OIDC provider %s: token must be a string of 4 to 20000 characters' % name)
    provider.update(token=token, issuer=issuer, subject=subject, client_ids=client_ids, issued=issued, expire=expire)


def _seed_ecs_instance(data, spec):
    instance = data.get('ecs_instance') or {'instance_id': 'i-emu' + secrets.token_hex(8), 'http_tokens': 'optional',
                                            'region': 'cn-hangzhou', 'credentials': None}
    for key in ('account', 'role', 'http_tokens', 'region', 'instance_id'):
        if key in spec:
            instance[key] = spec[key]
    account = data['accounts'].get(instance.get('account'))
    if account is None:
        raise SeedError('ecs_instance: unknown account %r' % instance.get('account'))
    if instance.get('role') is not None and instance['role'] not in account.get('roles', {}):
        raise SeedError('ecs_instance: account %s has no role %r' % (instance['account'], instance['role']))
    if instance['http_tokens'] not in ('optional', 'required'):
        raise SeedError('ecs_instance: http_tokens must be optional or required')
    if 'role' in spec or 'account' in spec:
        instance['credentials'] = None
    data['ecs_instance'] = instance


def apply_seed(data, seed, now):
    """Merge a seed document into data. Raises SeedError (or records.RecordError, KeyError) on bad input."""
    for name, spec in seed.get('accounts', {}).items():
        _seed_account(data, name, spec, now)
    for zone_name, recs in seed.get('external', {}).items():
        zone_name = zone_name.lower().rstrip('.')
        if zone_name in data['zones']:
            raise SeedError('zone %s is an Alidns zone' % zone_name)
        data['external'].setdefault(zone_name, []).extend(recs)
    for key, values in seed.get('domain_policy', {}).items():
        if key not in data['policy']:
            raise SeedError('unknown domain_policy %s' % key)
        data['policy'][key] = sorted(set(data['policy'][key]) | set(v.lower() for v in values))
    if 'ecs_instance' in seed:
        _seed_ecs_instance(data, seed['ecs_instance'] or {})
