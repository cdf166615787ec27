# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's state: one JSON document behind one lock, written atomically (temp file + rename) shortly after
every change by a writer thread, and once more on stop.

Layout of `data`:
  clock_offset            seconds added to real time to get the emulator's "now"
  seq                     last number handed out (record ids, certificate ids)
  accounts[name]          {uid, keys: {ak: secret}, certificates: {cert_id: {...}},
                           roles: {name: {role_id, arn, max_session_duration, trusted_accounts, trusted_oidc_providers}},
                           oidc_providers: {name: {arn, token, issuer, subject, client_ids, issued, expire}},
                           users: {name: {user_id, keys: {ak: secret}, policies: [document or system policy name]}}}
                          roles may carry policies too (absent: unrestricted); see ram.py
  sts[ak]                 {account, secret, token, issued, expire[, source, role_arn, session_name, policy]}
  ecs_instance            {account, instance_id, region, role, http_tokens, credentials: ak of the role's current key}
  settings                {name: value}: behaviour settings (settings.py), defaults omitted
  buckets[name]           {account, region, created, cnames: {domain: binding}, tokens: {domain: {token, expire}}}
  zones[name]             {account, domain_id, edition, created, dns_servers, records: {record_id: record}}
  external[zone]          [{name, type, value, ttl}]
  policy                  {icp_filed, risky, denied, image_processing}: lists of domains
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import math
import os
import secrets
import string
import threading
import time

import settings

RECORD_ID_BASE = 17606201171800000
STS_KEEP_EXPIRED = 86400  # an expired STS key stays known (and is refused as expired, not as unknown) this long
STS_MAX_KEYS = 5000  # beyond this, the longest-expired keys are forgotten first
WRITE_DELAY = 0.05  # seconds: changes are written at most this late (and always on a clean stop)


class State:
    def __init__(self, path):
        self.path = path
        self.lock = threading.RLock()
        self.data = {}
        self.dirty = threading.Event()
        self.stopping = False
        self.writer = None

    def load(self):
        """Load the state file; False when there is none (or it is unreadable)."""
        try:
            with open(self.path, 'r', encoding='utf-8') as handle:
                self.data = json.load(handle)
            return True
        except (OSError, ValueError):
            return False

    def replace(self, data):
        with self.lock:
            self.data = data
            self.save()

    def save(self):
        """Note a change: written by the writer thread within WRITE_DELAY, or at once when it is not running."""
        if self.writer is None:
            self.flush()
        else:
            self.dirty.set()

    def flush(self):
        with self.lock:
            text = json.dumps(self.data, separators=(',', ':'), sort_keys=True)
            self.dirty.clear()
            tmp = self.path + '.tmp'
            with open(tmp, 'w', encoding='utf-8') as handle:
                handle.write(text)
            os.replace(tmp, self.path)

    def _write_loop(self):
        while not self.stopping:
            if self.dirty.wait(0.5) and not self.stopping:
                time.sleep(WRITE_DELAY)
                self.flush()

    def start_writer(self):
        self.writer = threading.Thread(target=self._write_loop, name='state-writer', daemon=True)
        self.writer.start()

    def stop_writer(self):
        """Stop the writer and write the state one last time."""
        self.stopping = True
        if self.writer is not None:
            self.dirty.set()
            self.writer.join()
            self.writer = None
        self.flush()

    # ------------------------------------------------------------------ clock and ids
    def now(self):
        return time.time() + self.data.get('clock_offset', 0)

    def next_seq(self):
        self.data['seq'] = self.data.get('seq', 0) + 1
        return self.data['seq']

    def new_record_id(self):
        return str(RECORD_ID_BASE + self.next_seq())

    def setting(self, name):
        return settings.get(self.data, name)

    # ------------------------------------------------------------------ temporary (STS) credentials
    def issue_sts(self, account, duration, **details):
        """Issue an STS key of an account (the caller holds the lock): (access_key, entry).

        Its life is `duration` seconds capped by the credential_lifetime setting; details (source, role_arn, ...)
        are kept with it for /_emulator/state."""
        now = self.now()
        self._prune_sts(now)
        alphabet = string.ascii_letters + string.digits
        access_key = 'STS.N' + ''.join(secrets.choice(alphabet) for _position in range(20))
        life = min(float(duration), float(self.setting('credential_lifetime')))
        # Expiration is reported in whole seconds: end the key's life on the second reported, so that the client and
        # the emulator agree on the instant it expires.
        offset = self.data.get('clock_offset', 0)
        expire = math.floor(now - offset + life) + offset
        entry = {'account': account, 'secret': ''.join(secrets.choice(alphabet) for _position in range(44)),
                 'token': 'CAIS' + secrets.token_urlsafe(120), 'issued': now, 'expire': expire}
        entry.update(details)
        self.data.setdefault('sts', {})[access_key] = entry
        return access_key, entry

    def _prune_sts(self, now):
        keys = self.data.get('sts', {})
        for access_key in [k for k, e in keys.items() if e['expire'] + STS_KEEP_EXPIRED < now]:
            del keys[access_key]
        if len(keys) >= STS_MAX_KEYS:
            for access_key in sorted(keys, key=lambda k: keys[k]['expire'])[:len(keys) - STS_MAX_KEYS + 1]:
                del keys[access_key]

    def client_time(self, emulator_time):
        """An emulator-clock time as the client's clock reads it (clock offset removed).

        Expiration times go to clients in their own clock, so that an SDK that refreshes a credential before its
        Expiration does so before the emulator (whose clock may be advanced) considers it expired."""
        return emulator_time - self.data.get('clock_offset', 0)

    def expiration_text(self, emulator_time):
        """ISO 8601 UTC, whole seconds rounded down, as STS and the ECS metadata service write it."""
        return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(int(self.client_time(emulator_time))))

    # ------------------------------------------------------------------ look-ups
    def credentials(self, access_key):
        """{'account', 'secret', 'sts': None | {'token', 'expire'}, 'user': None | RAM user name} for an access key
        id, or None."""
        for name, account in self.data['accounts'].items():
            if access_key in account['keys']:
                return {'account': name, 'secret': account['keys'][access_key], 'sts': None, 'user': None}
            for user_name, user in account.get('users', {}).items():
                if access_key in user['keys']:
                    return {'account': name, 'secret': user['keys'][access_key], 'sts': None, 'user': user_name}
        sts = self.data.get('sts', {}).get(access_key)
        if sts:
            return {'account': sts['account'], 'secret': sts['secret'], 'sts': sts, 'user': None}
        return None

    def alidns_zone(self, fqdn, account=None):
        """Longest Alidns zone (optionally of one account) that contains fqdn."""
        best = None
        for name, zone in self.data['zones'].items():
            if account is not None and zone['account'] != account:
                continue
            if (fqdn == name or fqdn.endswith('.' + name)) and (best is None or len(name) > len(best)):
                best = name
        return best

    def served_zone(self, fqdn):
        """Longest zone BIND serves (Alidns or external) for fqdn."""
        names = list(self.data['zones']) + list(self.data['external'])
        matches = [n for n in names if fqdn == n or fqdn.endswith('.' + n)]
        return max(matches, key=len) if matches else None

    def find_record(self, record_id):
        for name, zone in self.data['zones'].items():
            record = zone['records'].get(record_id)
            if record is not None:
                return name, record
        return None, None

    def bucket_holding(self, domain):
        for name, bucket in self.data['buckets'].items():
            if domain in bucket['cnames']:
                return name
        return None
