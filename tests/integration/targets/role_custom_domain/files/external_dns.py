#!/usr/bin/env python
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: act on the records file the role custom_domain writes, as a person managing the external zone.

    external_dns.py EMULATOR_URL RECORDS_FILE DELAY TIMEOUT

Each record of records_to_add is published DELAY seconds after it first appears (POST <emulator>/external/records);
each record of records_to_remove is deleted. Ends once a CNAME record was published, or after TIMEOUT seconds (rc 1).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import sys
import time
from urllib.request import Request, urlopen

import yaml


def send(url, method, body):
    request = Request(url + '/external/records', data=json.dumps(body).encode(), method=method,
                      headers={'Content-Type': 'application/json'})
    with urlopen(request, timeout=10) as response:
        response.read()


def main(url, path, delay, timeout):
    seen, done, start = {}, set(), time.time()
    while time.time() - start < timeout:
        try:
            with open(path) as handle:
                wanted = yaml.safe_load(handle) or {}
        except (OSError, ValueError, yaml.YAMLError):
            wanted = {}
        changes = [('POST', r) for r in wanted.get('records_to_add') or []]
        changes += [('DELETE', r) for r in wanted.get('records_to_remove') or []]
        for method, record in changes:
            key = (method, record['name'], record['type'], str(record.get('value')))
            if key in done or time.time() - seen.setdefault(key, time.time()) < delay:
                continue
            value = str(record.get('value'))
            if record['type'] == 'CNAME':
                value = value.rstrip('.') + '.'
            body = {'name': record['name'], 'type': record['type'], 'value': value, 'ttl': int(record.get('ttl') or 300)}
            send(url, method, body)
            done.add(key)
            print('%.1f %s %s %s %s' % (time.time() - start, method, record['name'], record['type'], value))
            if method == 'POST' and record['type'] == 'CNAME':
                return 0
        time.sleep(0.3)
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1].rstrip('/'), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
