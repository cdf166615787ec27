# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The default world and seeding (POST /_emulator/seed uses the same code)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import secrets
import time
import uuid

import certs
import records
from default_keys import MAIN_ACCESS_KEY, MAIN_SECRET_KEY, OTHER_ACCESS_KEY, OTHER_SECRET_KEY

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
        },
        'other': {
            'uid': '1876543210987654', 'access_key': OTHER_ACCESS_KEY, 'secret_key': OTHER_SECRET_KEY,
            'certificates': {'20000001-cn-hangzhou': {'type': 'CAS', 'names': ['old.example.com']}},
            'buckets': {'legacy-site': {'region': 'cn-hangzhou', 'cnames': ['old.example.com']}},
        },
    },
    'external': {'example.org': []},
    'domain_policy': {'icp_filed': ['example.com', 'example.net', 'example.org']},
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
    if spec.get('access_key'):
        account['keys'][spec['access_key']] = spec.get('secret_key') or secrets.token_urlsafe(22)[:30]
    for cert_id, cert in spec.get('certificates', {}).items():
        account['certificates'][cert_id] = _certificate(cert, now)
    for zone_name, zone in spec.get('zones', {}).items():
        zone_name = zone_name.lower().rstrip('.')
        owner = data['zones'].get(zone_name, {}).get('account', name)
        if owner != name or zone_name in data['external']:
            raise SeedError('zone %s already belongs to %s' % (zone_name, owner))
        edition = zone.get('edition', 'mianfei')
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
