#!/usr/bin/env python
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: act on the CSV file the role custom_domain writes (custom_domain_records_csv), as a person managing
the external zone.

    external_dns.py EMULATOR_URL RECORDS_CSV DELAY TIMEOUT

Each row (columns action, domain, name, type, ttl, value) is acted on DELAY seconds after it first appears: `add`
publishes the record (POST <emulator>/external/records), `remove` deletes it. Ends once a CNAME record was published,
or after TIMEOUT seconds (rc 1).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import csv
import json
import sys
import time
from urllib.request import Request, urlopen


def send(url, method, body):
    request = Request(url + '/external/records', data=json.dumps(body).encode(), method=method,
                      headers={'Content-Type': 'application/json'})
    with urlopen(request, timeout=10) as response:
        response.read()


def rows(path):
    try:
        with open(path, newline='') as handle:
            return list(csv.DictReader(handle))
    except (OSError, ValueError, csv.Error):
        return []


def main(url, path, delay, timeout):
    seen, done, start = {}, set(), time.time()
    while time.time() - start < timeout:
        for row in rows(path):
            key = (row['action'], row['name'], row['type'], row['value'])
            if key in done or time.time() - seen.setdefault(key, time.time()) < delay:
                continue
            value = row['value']
            if row['type'] == 'CNAME':
                value = value.rstrip('.') + '.'
            body = {'name': row['name'], 'type': row['type'], 'value': value, 'ttl': int(row.get('ttl') or 300)}
            send(url, 'POST' if row['action'] == 'add' else 'DELETE', body)
            done.add(key)
            print('%.1f %s %s %s %s' % (time.time() - start, row['action'], row['name'], row['type'], value))
            if row['action'] == 'add' and row['type'] == 'CNAME':
                return 0
        time.sleep(0.3)
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1].rstrip('/'), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
