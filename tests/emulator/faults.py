# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection (latency, errors, throttling, dropped connections, LastOperationNotFinished), the pace of writes
to one Alidns zone, and call counts."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import copy
import random
import threading
import time

# In throttle_rps: one limit shared by every write action (PutCname, AddDomainRecord, ...), on top of per-action limits;
# "writes:<api>" (writes:oss, writes:alidns, writes:cas): one limit shared by the write actions of that API only. Alibaba
# Cloud throttles each product on its own (OSS's request limits, Alidns' flow control), which "writes:<api>" models;
# "writes" is the stricter test of a client that writes to both.
WRITES_KEY = 'writes'
APIS = ('oss', 'alidns', 'cas')
DEFAULTS = {
    'latency_ms': 0, 'jitter_ms': 0, 'error_rate': {'*': 0.0}, 'throttle_rps': {},
    'drop_before_write': 0.0, 'drop_after_write': 0.0, 'last_operation_not_finished': 0.0, 'seed': None,
}
# The signature schemes GET /_emulator/calls reports in by_signature.
SCHEMES = ('oss_v1', 'oss_v4', 'acs3', 'rpc_v2', 'anonymous', 'unknown')


class FaultConfigError(ValueError):
    pass


def _number(key, value, upper=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (upper is not None and value > upper):
        raise FaultConfigError('%s must be a number%s' % (key, ' in [0, %s]' % upper if upper is not None else ' >= 0'))
    return value


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.config = copy.deepcopy(DEFAULTS)
        self.rng = random.Random()
        self.windows = {}
        self.inflight = {}
        self.tickets = 0
        self.zone_writes = {}   # zone -> monotonic time its last write was accepted

    def get(self):
        with self.lock:
            return copy.deepcopy(self.config)

    def clear(self):
        with self.lock:
            self.config = copy.deepcopy(DEFAULTS)
            self.rng = random.Random()
            self.windows = {}
            self.zone_writes = {}

    def merge(self, patch):
        if not isinstance(patch, dict):
            raise FaultConfigError('faults must be a JSON object')
        unknown = set(patch) - set(DEFAULTS)
        if unknown:
            raise FaultConfigError('unknown fault keys: %s' % ', '.join(sorted(unknown)))
        with self.lock:
            new = copy.deepcopy(self.config)
            for key, value in patch.items():
                if key in ('error_rate', 'throttle_rps'):
                    if not isinstance(value, dict):
                        raise FaultConfigError('%s must be an object {action: value}' % key)
                    for action, number in value.items():
                        if key == 'throttle_rps' and action.startswith(WRITES_KEY + ':') and action.split(':', 1)[1] not in APIS:
                            raise FaultConfigError('throttle_rps.%s: the API after "writes:" is one of %s' % (action, ', '.join(APIS)))
                        new[key][action] = _number('%s.%s' % (key, action), number, 1 if key == 'error_rate' else None)
                elif key == 'seed':
                    new[key] = value
                else:
                    new[key] = _number(key, value, None if key.endswith('_ms') else 1)
            self.config = new
            if 'seed' in patch:
                self.rng = random.Random(patch['seed'])
            if 'throttle_rps' in patch:
                self.windows = {}

    def _chance(self, probability):
        return probability > 0 and self.rng.random() < probability

    def delay(self):
        with self.lock:
            latency, jitter = self.config['latency_ms'], self.config['jitter_ms']
            extra = self.rng.uniform(0, jitter) if jitter else 0
        return (latency + extra) / 1000.0

    def throttled(self, action, write=False, api=None):
        """Refuse this call? The limit of its action (or "*"), and for a write also the limit "writes" that all write
        actions share and the limit "writes:<api>" that the write actions of its API share; a call refused by any limit
        takes no place in any window."""
        with self.lock:
            limits = self.config['throttle_rps']
            checks = []
            rps = limits.get(action, limits.get('*'))
            if rps is not None:
                checks.append((action, rps))
            if write and WRITES_KEY in limits:
                checks.append((' all writes', limits[WRITES_KEY]))
            api_key = '%s:%s' % (WRITES_KEY, api)
            if write and api and api_key in limits:
                checks.append((' ' + api_key, limits[api_key]))
            now = time.monotonic()
            windows = []
            for key, rps in checks:
                window = self.windows.setdefault(key, collections.deque())
                while window and now - window[0] >= 1.0:
                    window.popleft()
                if len(window) >= rps:
                    return True
                windows.append(window)
            for window in windows:
                window.append(now)
            return False

    def injected_error(self, action):
        with self.lock:
            rates = self.config['error_rate']
            if self._chance(rates.get(action, rates.get('*', 0.0))):
                return self.rng.choice(('ServiceUnavailable', 'InternalError'))
        return None

    def drop(self, when):
        with self.lock:
            return self._chance(self.config['drop_%s_write' % when])

    # ------------------------------------------------------------------ writes in flight per zone
    def enter(self, zone):
        """(ticket, busy): busy when another write to the zone is in flight as this one arrives."""
        with self.lock:
            self.tickets += 1
            waiting = self.inflight.setdefault(zone, [])
            busy = bool(waiting)
            waiting.append(self.tickets)
            return self.tickets, busy

    def leave(self, zone, ticket):
        with self.lock:
            waiting = self.inflight.get(zone, [])
            if ticket in waiting:
                waiting.remove(ticket)
            if not waiting:
                self.inflight.pop(zone, None)

    def last_operation_not_finished(self):
        """For a write that arrived while another write to its zone was in flight: refuse it?"""
        with self.lock:
            return self._chance(self.config['last_operation_not_finished'])

    # ------------------------------------------------------------------ the pace of writes to one zone
    def admit_zone_write(self, zone, interval):
        """(admitted, previous): refuse a write that comes within `interval` seconds (the setting zone_write_interval) of
        the last accepted write to its zone. An admitted write counts from now; give `previous` to release_zone_write if it
        is then refused."""
        with self.lock:
            now = time.monotonic()
            previous = self.zone_writes.get(zone)
            if interval and previous is not None and now - previous < interval:
                return False, previous
            self.zone_writes[zone] = now
            return True, previous

    def release_zone_write(self, zone, previous):
        """A write that was admitted and then refused (invalid, duplicate, ...) started no operation."""
        with self.lock:
            if previous is None:
                self.zone_writes.pop(zone, None)
            else:
                self.zone_writes[zone] = previous


class Calls:
    """Calls per action and per account, classified read or write; and per signature scheme and account.

    by_signature_total is by_signature since the process started: resets (which every integration target makes)
    leave it alone, so that a whole test run can be checked for V1-signed requests afterwards.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.by_account = {}
        self.by_signature = {}
        self.by_signature_total = {}
        self.refusals = {}

    def refusal(self, action, code):
        """Count an answer that refuses a call so that it be retried (Throttling, LastOperationNotFinished, an injected
        ServiceUnavailable or InternalError), by action and code: what the extra attempts of a run were."""
        with self.lock:
            per_code = self.refusals.setdefault(action, {})
            per_code[code] = per_code.get(code, 0) + 1

    def record(self, action, account, write, scheme=None, signer=None):
        """Count one API call. `scheme` (one of SCHEMES) also counts it in by_signature, under the account of its
        access key (`signer`, known even when the call was refused), else "anonymous" for an unsigned call and
        "unknown" for a key that is not known."""
        with self.lock:
            entry = self.by_account.setdefault(account or 'anonymous', {}).setdefault(action, {'reads': 0, 'writes': 0})
            entry['writes' if write else 'reads'] += 1
            if scheme is not None:
                scheme = scheme if scheme in SCHEMES else 'unknown'
                who = signer or account or ('anonymous' if scheme == 'anonymous' else 'unknown')
                for counts in (self.by_signature, self.by_signature_total):
                    per_account = counts.setdefault(scheme, {})
                    per_account[who] = per_account.get(who, 0) + 1

    def refuse(self, action, account):
        """A call already counted by record() was refused for want of a RAM permission: count it as refused too (a test
        of least privilege asserts that every write of a run was refused: writes == refused)."""
        with self.lock:
            entry = self.by_account.setdefault(account or 'anonymous', {}).setdefault(action, {'reads': 0, 'writes': 0})
            entry['refused'] = entry.get('refused', 0) + 1

    def reset(self):
        with self.lock:
            self.by_account = {}
            self.by_signature = {}
            self.refusals = {}

    def snapshot(self):
        with self.lock:
            refusals = copy.deepcopy(self.refusals)
            by_account = copy.deepcopy(self.by_account)
            by_signature = copy.deepcopy(self.by_signature)
            by_signature_total = copy.deepcopy(self.by_signature_total)
        by_action = {}
        for actions in by_account.values():
            for action, entry in actions.items():
                total = by_action.setdefault(action, {'reads': 0, 'writes': 0})
                total['reads'] += entry['reads']
                total['writes'] += entry['writes']
                if entry.get('refused'):
                    total['refused'] = total.get('refused', 0) + entry['refused']
        return {'reads': sum(e['reads'] for e in by_action.values()), 'writes': sum(e['writes'] for e in by_action.values()),
                'refused': sum(e.get('refused', 0) for e in by_action.values()), 'by_action': by_action, 'by_account': by_account, 'by_signature': by_signature,
                'by_signature_total': by_signature_total, 'refusals': refusals}
