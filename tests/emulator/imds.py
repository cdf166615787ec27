# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ECS instance metadata service (100.100.100.200), as far as RAM role credentials need it.

Clients reach it by using the emulator as their HTTP proxy: a request whose target is http://100.100.100.200/...
is answered here. Normal mode and security hardening mode (a token from PUT /latest/api/token, sent in
X-aliyun-ecs-metadata-token) behave as the ECS docs describe; with http_tokens "required" normal mode gets 403.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import secrets
import threading
import time

from protocol import Response

TOKEN_TTL_HEADER = 'X-aliyun-ecs-metadata-token-ttl-seconds'
TOKEN_HEADER = 'X-aliyun-ecs-metadata-token'
MAX_TOKEN_TTL = 21600
MAX_TOKENS = 10000
CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'
CREDENTIAL_LIFE = 21600  # the ECS docs' example: LastUpdated 03:44:50, Expiration 09:44:50 (capped by credential_lifetime)


def _text(status, text):
    return Response(status, text, {'Content-Type': 'text/plain'})


NOT_FOUND = (404, 'Not Found')


class Imds:
    def __init__(self, emu):
        self.emu = emu
        self.lock = threading.Lock()
        self.tokens = {}  # metadata token -> monotonic expiry (in memory: a restarted instance forgets them too)

    def handle(self, req):
        started = time.monotonic()
        action, account = None, None
        try:
            if req.method == 'PUT' and req.path == '/latest/api/token':
                return self._new_token(req)
            if req.method not in ('GET', 'HEAD'):
                return _text(405, 'Method Not Allowed')
            refused = self._check_token(req)
            if refused:
                return refused
            with self.emu.state.lock:
                instance = self.emu.state.data.get('ecs_instance')
                if not instance:
                    return _text(*NOT_FOUND)
                account = instance['account']
                if req.path.startswith(CREDENTIALS_PATH) and req.path != CREDENTIALS_PATH:
                    action = 'ImdsCredentials'
                    return self._credentials(instance, req.path[len(CREDENTIALS_PATH):])
                return self._item(instance, req.path)
        finally:
            if action:
                self.emu.calls.record(action, account, False)
                self.emu.timings.add(action, time.monotonic() - started)

    # ------------------------------------------------------------------ security hardening mode
    def _new_token(self, req):
        if req.headers.get('X-Forwarded-For') is not None:
            return _text(403, 'Forbidden')
        try:
            ttl = int(req.headers.get(TOKEN_TTL_HEADER) or '')
        except ValueError:
            ttl = 0
        if not 1 <= ttl <= MAX_TOKEN_TTL:
            return _text(400, 'Missing or Invalid Parameters')
        token = secrets.token_urlsafe(40)
        now = time.monotonic()
        with self.lock:
            for old in [t for t, expiry in self.tokens.items() if expiry <= now]:
                del self.tokens[old]
            if len(self.tokens) >= MAX_TOKENS:
                del self.tokens[min(self.tokens, key=self.tokens.get)]
            self.tokens[token] = now + ttl
        return _text(200, token)

    def _check_token(self, req):
        """None if the request may read metadata, else the refusal."""
        token = req.headers.get(TOKEN_HEADER)
        if token is None:
            with self.emu.state.lock:
                required = (self.emu.state.data.get('ecs_instance') or {}).get('http_tokens') == 'required'
            return _text(403, 'Forbidden') if required else None
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None or expiry <= time.monotonic():
            return _text(401, 'Unauthorized')
        return None

    # ------------------------------------------------------------------ metadata items
    def _item(self, instance, path):
        account = self.emu.state.data['accounts'][instance['account']]
        items = {
            '/latest/meta-data/instance-id': instance['instance_id'],
            '/latest/meta-data/region-id': instance['region'],
            '/latest/meta-data/owner-account-id': account['uid'],
            '/latest/meta-data/ram/security-credentials': instance['role'],
            CREDENTIALS_PATH: instance['role'],
        }
        value = items.get(path)
        return _text(200, value) if value else _text(*NOT_FOUND)

    def _credentials(self, instance, role_name):
        """The instance role's current STS key; a new one once less than half of the current one's life is left
        (ASSUMED: ECS rotates well before expiry, the docs do not say when)."""
        state = self.emu.state
        if not instance['role'] or role_name != instance['role']:
            return _text(*NOT_FOUND)
        account = state.data['accounts'][instance['account']]
        role = account['roles'][instance['role']]
        current = state.data.get('sts', {}).get(instance.get('credentials') or '')
        now = state.now()
        if current is None or current['expire'] - now < (current['expire'] - current['issued']) / 2.0:
            access_key, current = state.issue_sts(instance['account'], CREDENTIAL_LIFE, source='ImdsCredentials',
                                                  role_arn=role['arn'])
            instance['credentials'] = access_key
            state.save()
        document = {'AccessKeyId': instance['credentials'], 'AccessKeySecret': current['secret'],
                    'SecurityToken': current['token'], 'Expiration': state.expiration_text(current['expire']),
                    'LastUpdated': state.expiration_text(current['issued']), 'Code': 'Success'}
        return _text(200, json.dumps(document, indent=2))
