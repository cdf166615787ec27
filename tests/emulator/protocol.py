# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plain request/response objects shared by the HTTP layer and the API implementations."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import json
import os
from urllib.parse import parse_qsl, urlsplit

DROP = object()  # close the connection without answering


class Request:
    def __init__(self, method, raw_path, headers, body):
        parts = urlsplit(raw_path)
        self.method = method
        self.path = parts.path or '/'
        self.raw_query = parts.query
        self.query = parse_qsl(parts.query, keep_blank_values=True)
        self.params = dict(self.query)
        self.headers = headers
        self.body = body
        host = (headers.get('Host') or '').lower()
        self.host = host.rsplit(':', 1)[0] if ':' in host and not host.endswith(']') else host

    def json(self):
        if not self.body:
            return {}
        return json.loads(self.body.decode('utf-8'))


class Response:
    def __init__(self, status, body=b'', headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode('utf-8')
        self.headers = headers or {}


def json_response(status, document, headers=None):
    merged = {'Content-Type': 'application/json'}
    merged.update(headers or {})
    return Response(status, json.dumps(document, sort_keys=True), merged)


def http_date(timestamp=None):
    return email.utils.formatdate(timestamp, usegmt=True)


def oss_request_id():
    return os.urandom(12).hex().upper()
