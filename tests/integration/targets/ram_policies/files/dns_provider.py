#!/usr/bin/env python
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plays the DNS provider of a domain whose zone is not in Alibaba Cloud DNS, watching the emulator's state (not what
the role prints): once OSS holds an ownership token for the domain, publish _dnsauth.<domain> TXT <token>; once the
domain is bound, publish its CNAME record to the bucket. Exits 0 when both are published, 1 at the deadline.

Usage: dns_provider.py EMULATOR_URL BUCKET DOMAIN SECONDS
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import sys
import time
import urllib.request

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(url, method='GET', body=None):
    data = None if body is None else json.dumps(body).encode('utf-8')
    request = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
    with OPENER.open(request, timeout=10) as response:
        return json.loads(response.read().decode('utf-8'))


def main(url, bucket, domain, seconds):
    deadline = time.time() + float(seconds)
    published = set()
    while time.time() < deadline:
        state = call(url + '/state')
        entry = state['buckets'][bucket]
        token = entry['tokens'].get(domain)
        if token and 'TXT' not in published:
            call(url + '/external/records', 'POST', {'name': '_dnsauth.' + domain, 'type': 'TXT', 'value': token['token'], 'ttl': 60})
            published.add('TXT')
        if domain in entry['cnames'] and 'CNAME' not in published:
            target = '%s.oss-%s.aliyuncs.com.' % (bucket, entry['region'])
            call(url + '/external/records', 'POST', {'name': domain, 'type': 'CNAME', 'value': target, 'ttl': 60})
            published.add('CNAME')
        if published == set(['TXT', 'CNAME']):
            return 0
        time.sleep(0.5)
    sys.stderr.write('published only %s before the deadline\n' % sorted(published))
    return 1


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:5]))
