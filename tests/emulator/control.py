# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The control API under /_emulator/ (JSON, unsigned, loopback only)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import time

import dns.exception
import dns.name

import dns_backend
import records
import settings
import world
from faults import FaultConfigError
from protocol import json_response


class ControlError(Exception):
    def __init__(self, status, message):
        super(ControlError, self).__init__(message)
        self.status = status


class Control:
    def __init__(self, emu):
        self.emu = emu
        self.routes = {
            ('GET', 'health'): self.health,
            ('GET', 'calls'): lambda _b, _q: emu.calls.snapshot(),
            ('POST', 'calls/reset'): self.calls_reset,
            ('POST', 'reset'): self.reset,
            ('GET', 'faults'): lambda _b, _q: emu.faults.get(),
            ('PUT', 'faults'): self.faults_put,
            ('POST', 'faults'): self.faults_put,
            ('DELETE', 'faults'): self.faults_delete,
            ('GET', 'clock'): self.clock,
            ('POST', 'clock'): self.clock_post,
            ('GET', 'state'): self.get_state,
            ('POST', 'seed'): self.seed,
            ('GET', 'external/records'): self.external_get,
            ('POST', 'external/records'): self.external_post,
            ('DELETE', 'external/records'): self.external_delete,
            ('POST', 'sts'): self.sts,
            ('GET', 'settings'): self.settings_get,
            ('POST', 'settings'): self.settings_post,
            ('PUT', 'settings'): self.settings_post,
            ('GET', 'timings'): lambda _b, _q: emu.timings.summary(),
            ('POST', 'timings/reset'): self.timings_reset,
        }

    def handle(self, req):
        route = req.path[len('/_emulator/'):].strip('/')
        handler = self.routes.get((req.method, route))
        if handler is None:
            known = sorted(set(r for _m, r in self.routes))
            return json_response(404, {'error': 'no such control endpoint %s %s' % (req.method, req.path), 'endpoints': known})
        try:
            body = req.json()
            return json_response(200, handler(body, req.params))
        except ValueError as exc:
            return json_response(400, {'error': str(exc)})
        except ControlError as exc:
            return json_response(exc.status, {'error': str(exc)})

    # ------------------------------------------------------------------ endpoints
    def health(self, _body, _query):
        if not self.emu.bind.alive():
            raise ControlError(503, 'named is not running')
        return {'ok': True, 'dns_port': self.emu.bind.port, 'sts_port': self.emu.sts_port, 'pid': self.emu.pid}

    def calls_reset(self, _body, _query):
        self.emu.calls.reset()
        return {'ok': True}

    def timings_reset(self, _body, _query):
        self.emu.timings.reset()
        return {'ok': True}

    def reset(self, _body, _query):
        with self.emu.state.lock:
            self.emu.state.data = world.default_world()
            self.emu.publish_all()
            self.emu.state.save()
        self.emu.write_oidc_token()
        self.emu.calls.reset()
        self.emu.faults.clear()
        return {'ok': True}

    def faults_put(self, body, _query):
        try:
            self.emu.faults.merge(body)
        except FaultConfigError as exc:
            raise ControlError(400, str(exc))
        return self.emu.faults.get()

    def faults_delete(self, _body, _query):
        self.emu.faults.clear()
        return self.emu.faults.get()

    def clock(self, _body, _query):
        with self.emu.state.lock:
            return {'now': self.emu.state.now(), 'offset': self.emu.state.data.get('clock_offset', 0)}

    def clock_post(self, body, query):
        with self.emu.state.lock:
            data = self.emu.state.data
            if 'set' in body:
                data['clock_offset'] = float(body['set']) - time.time()
            elif 'advance' in body:
                data['clock_offset'] = data.get('clock_offset', 0) + float(body['advance'])
            elif body.get('reset'):
                data['clock_offset'] = 0
            else:
                raise ControlError(400, 'give {"advance": seconds}, {"set": epoch} or {"reset": true}')
            self.emu.state.save()
        return self.clock(body, query)

    def get_state(self, _body, _query):
        with self.emu.state.lock:
            return copy.deepcopy(self.emu.state.data)

    def seed(self, body, _query):
        with self.emu.state.lock:
            data = copy.deepcopy(self.emu.state.data)
            try:
                world.apply_seed(data, body, self.emu.state.now())
                contents = dns_backend.all_contents(data)
            except (world.SeedError, records.RecordError, KeyError, TypeError, dns.exception.DNSException) as exc:
                raise ControlError(400, 'bad seed: %s' % (getattr(exc, 'message', None) or exc))
            self.emu.state.data = data
            self.emu.bind.apply(contents)
            self.emu.state.save()
        self.emu.write_oidc_token()
        return {'ok': True}

    def sts(self, body, _query):
        """Issue an STS credential for an account: {"account": "main", "duration_seconds": 3600} (the life is capped by
        the credential_lifetime setting, as for every STS key)."""
        with self.emu.state.lock:
            account = body.get('account', 'main')
            if account not in self.emu.state.data['accounts']:
                raise ControlError(400, 'unknown account %s' % account)
            access_key, entry = self.emu.state.issue_sts(account, float(body.get('duration_seconds', 3600)), source='control')
            self.emu.state.save()
            expiration = self.emu.state.expiration_text(entry['expire'])
        return {'AccessKeyId': access_key, 'AccessKeySecret': entry['secret'], 'SecurityToken': entry['token'],
                'Expiration': expiration, 'account': account}

    def settings_get(self, _body, query):
        with self.emu.state.lock:
            if query.get('describe'):
                return settings.describe()
            return settings.current(self.emu.state.data)

    def settings_post(self, body, _query):
        """Merge {name: value} into the settings (null resets one to its default); unknown names and bad values: 400."""
        with self.emu.state.lock:
            try:
                result = settings.merge(self.emu.state.data, body)
            except settings.SettingsError as exc:
                raise ControlError(400, str(exc))
            self.emu.state.save()
        return result

    # ------------------------------------------------------------------ external DNS
    def _external_zone(self, name):
        name = name.lower().rstrip('.')
        zones = [z for z in self.emu.state.data['external'] if name == z or name.endswith('.' + z)]
        if not zones:
            raise ControlError(400, '%s is in no external zone (external zones: %s)' % (
                name, ', '.join(sorted(self.emu.state.data['external']))))
        return max(zones, key=len)

    def external_get(self, _body, query):
        with self.emu.state.lock:
            external = self.emu.state.data['external']
            if query.get('zone'):
                zone = query['zone'].lower().rstrip('.')
                if zone not in external:
                    raise ControlError(404, 'no external zone %s' % zone)
                return {'zone': zone, 'records': copy.deepcopy(external[zone])}
            return {'zones': copy.deepcopy(external)}

    @staticmethod
    def _record_from(body):
        try:
            record = {'name': body['name'].lower().rstrip('.'), 'type': body['type'].upper()}
        except (KeyError, AttributeError):
            raise ControlError(400, 'give at least {"name": ..., "type": ...}')
        if body.get('value') is not None:
            record['value'] = str(body['value'])
        record['ttl'] = int(body.get('ttl', 300))
        return record

    def external_post(self, body, _query):
        record = self._record_from(body)
        if 'value' not in record:
            raise ControlError(400, 'value is required')
        with self.emu.state.lock:
            zone = self._external_zone(record['name'])
            try:
                records.external_rdata(record['type'], record['value'], dns.name.from_text(zone))
            except (dns.exception.DNSException, ValueError) as exc:
                raise ControlError(400, 'invalid %s value %r: %s' % (record['type'], record['value'], exc))
            entries = self.emu.state.data['external'][zone]
            if not any(e['name'] == record['name'] and e['type'] == record['type'] and e['value'] == record['value'] for e in entries):
                entries.append(record)
            self.emu.publish([zone])
            self.emu.state.save()
            return {'zone': zone, 'records': copy.deepcopy(entries)}

    def external_delete(self, body, _query):
        record = self._record_from(body)
        with self.emu.state.lock:
            zone = self._external_zone(record['name'])
            entries = self.emu.state.data['external'][zone]
            keep = [e for e in entries if not (e['name'] == record['name'] and e['type'] == record['type'] and
                                               ('value' not in record or e['value'] == record['value']))]
            removed = len(entries) - len(keep)
            self.emu.state.data['external'][zone] = keep
            self.emu.publish([zone])
            self.emu.state.save()
            return {'zone': zone, 'removed': removed, 'records': copy.deepcopy(keep)}
