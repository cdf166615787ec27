#!/usr/bin/env python
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Play the person who manages an external DNS zone, for the demo and the tests (emulator only).

It watches the records files that the custom_domain role writes (custom_domain_records_csv), and like a person
reading them, a few seconds after a record shows up it adds it (or removes it) at the "other provider": the
emulator's external zones, through its control API (POST/DELETE <emulator>/external/records).

    pretend_dns_provider.py --emulator-url URL [--delay 4] [--timeout 300] [--until-cname] FILE [FILE...]

It ends after --timeout seconds, or, with --until-cname, once it has published a CNAME record from every file.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import csv
import json
import os
import sys
import time

try:
    from urllib.request import Request, urlopen
except ImportError:  # Python 2 is not supported by the emulator anyway
    sys.exit('Python 3 is required')

import yaml


def call(url, method, body):
    request = Request(url, data=json.dumps(body).encode(), method=method, headers={'Content-Type': 'application/json'})
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode() or '{}')


def read_wanted(path):
    """{records_to_add, records_to_remove} from a records file: the CSV of custom_domain_records_csv (columns action,
    domain, name, type, ttl, value), or a YAML mapping with those two keys."""
    with open(path, newline='') as handle:
        if not path.endswith('.csv'):
            return yaml.safe_load(handle) or {}
        wanted = {'records_to_add': [], 'records_to_remove': []}
        for row in csv.DictReader(handle):
            key = 'records_to_add' if row.get('action') == 'add' else 'records_to_remove'
            wanted[key].append({'name': row['name'], 'type': row['type'], 'value': row['value'], 'ttl': row.get('ttl')})
        return wanted


def as_published(record):
    """The record as a person would type it at the provider: host names absolute (with the final dot)."""
    value = str(record['value'])
    if record['type'].upper() in ('CNAME', 'NS', 'MX', 'SRV') and not value.endswith('.'):
        value += '.'
    return {'name': record['name'], 'type': record['type'], 'value': value, 'ttl': int(record.get('ttl') or 300)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--emulator-url', required=True)
    parser.add_argument('--delay', type=float, default=4.0, help='seconds a "person" takes to act on a new record')
    parser.add_argument('--timeout', type=float, default=300.0)
    parser.add_argument('--until-cname', action='store_true')
    parser.add_argument('files', nargs='+')
    args = parser.parse_args()
    url = args.emulator_url.rstrip('/') + '/external/records'
    seen = {}        # (action, name, type, value) -> time first seen
    done = set()
    cname_done = set()
    start = time.time()
    while time.time() - start < args.timeout:
        for path in args.files:
            if not os.path.exists(path):
                continue
            try:
                wanted = read_wanted(path)
            except (OSError, ValueError, csv.Error, yaml.YAMLError):
                continue    # being written; read it again next time
            todo = [('add', r) for r in wanted.get('records_to_add') or []]
            todo += [('remove', r) for r in wanted.get('records_to_remove') or []]
            for action, record in todo:
                key = (action, record['name'], record['type'], str(record.get('value')))
                if key in done:
                    continue
                first = seen.setdefault(key, time.time())
                if time.time() - first < args.delay:
                    continue
                if action == 'add':
                    call(url, 'POST', as_published(record))
                    if record['type'].upper() == 'CNAME':
                        cname_done.add(path)
                else:
                    body = {'name': record['name'], 'type': record['type']}
                    if record.get('value') and not str(record['value']).startswith('('):
                        body['value'] = as_published(record)['value']
                    call(url, 'DELETE', body)
                done.add(key)
                verb = 'added  ' if action == 'add' else 'removed'
                print('%5.1fs  %s %s %s %s' % (time.time() - start, verb, record['name'], record['type'], record.get('value')))
                sys.stdout.flush()
        if args.until_cname and len(cname_done) == len(args.files):
            return 0
        time.sleep(0.5)
    print('timeout after %.0f s; done: %d record change(s)' % (args.timeout, len(done)))
    return 0 if not args.until_cname else 1


if __name__ == '__main__':
    sys.exit(main())
