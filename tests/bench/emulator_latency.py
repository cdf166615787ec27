# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the emulator's own added latency with 20 concurrent clients.

    python tests/bench/emulator_latency.py [--clients 20] [--calls 100] [--think-ms 50]

Starts a fresh emulator in a temporary state dir (unless --state-dir names a running one), then runs N client
processes. Each keeps one HTTP keep-alive connection and signs its own requests (OSS V1, Alidns ACS3), so the
figures contain no SDK overhead: the client-side round trip is what the emulator adds to a call. Between calls a
client "thinks" (an Ansible fork spends far longer than that between two API calls). Prints client round trip and
server-side handling time (median and p95) per action, and as a baseline the round trip of the trivial control call
GET /_emulator/health (what the machine's load alone costs); exits 1 if the overall median round trip is >= 5 ms.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import email.utils
import hashlib
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR_DIR = os.path.join(os.path.dirname(HERE), 'emulator')
sys.path.insert(0, EMULATOR_DIR)

import signatures  # noqa: E402  pylint: disable=wrong-import-position


def read_env(state_dir):
    env = {}
    with open(os.path.join(state_dir, 'env'), 'r', encoding='utf-8') as handle:
        for line in handle:
            key, _sep, value = line.strip()[len('export '):].partition('=')
            env[key] = value
    return env


class Client:
    def __init__(self, env):
        self.host_port = env['ALICLOUD_OSS_ENDPOINT'].split('//', 1)[1]
        self.access_key, self.secret = env['ALICLOUD_ACCESS_KEY'], env['ALICLOUD_SECRET_KEY']
        self.conn = http.client.HTTPConnection(self.host_port, timeout=30)

    def _send(self, method, path, headers, body=b''):
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data

    def oss(self, method, bucket, query, body=b''):
        headers = {'date': email.utils.formatdate(usegmt=True)}
        to_sign = signatures.oss_v1_string_to_sign(method, headers, bucket, '', query)
        headers['authorization'] = 'OSS %s:%s' % (self.access_key, signatures.oss_v1_signature(self.secret, to_sign))
        path = '/%s/?%s' % (bucket, '&'.join('%s=%s' % kv for kv in query))
        return self._send(method, path, headers, body)

    def alidns(self, action, params):
        headers = {'host': self.host_port, 'x-acs-action': action, 'x-acs-version': '2015-01-09',
                   'x-acs-date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                   'x-acs-signature-nonce': uuid.uuid4().hex, 'accept': 'application/json',
                   'x-acs-content-sha256': hashlib.sha256(b'').hexdigest()}
        names = sorted(headers)
        query = sorted(params.items())
        canonical = signatures.acs3_canonical_request('POST', '/', query, headers, names, headers['x-acs-content-sha256'])
        headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (
            self.access_key, ';'.join(names), signatures.acs3_signature(self.secret, canonical))
        return self._send('POST', '/?' + urlencode(query), headers)


BASELINE = '(baseline: GET /health)'


def worker(args):
    env, index, calls, think = args
    client = Client(env)
    samples = []

    def timed(action, func, *fargs):
        started = time.perf_counter()
        status, body = func(*fargs)
        samples.append((action, time.perf_counter() - started, status))
        time.sleep(think)
        return status, body

    record_id = None
    for i in range(calls):
        step = i % 7
        if step == 0:
            timed('ListCname', client.oss, 'GET', 'demo-assets', [('cname', '')])
        elif step == 1:
            timed('GetCnameToken', client.oss, 'GET', 'demo-media', [('cname', 'www.example.com'), ('comp', 'token')])
        elif step == 2:
            timed('DescribeDomainRecords', client.alidns, 'DescribeDomainRecords', {'DomainName': 'example.com', 'PageSize': '20'})
        elif step == 3:
            timed('DescribeSubDomainRecords', client.alidns, 'DescribeSubDomainRecords', {'SubDomain': 'www.example.com'})
        elif step == 4:
            _status, body = timed('AddDomainRecord', client.alidns, 'AddDomainRecord', {
                'DomainName': 'example.com', 'RR': 'bench-%d-%d' % (index, i), 'Type': 'TXT', 'Value': 'v%d' % i, 'TTL': '60'})
            record_id = json.loads(body).get('RecordId')
        elif step == 5 and record_id:
            timed('DeleteDomainRecord', client.alidns, 'DeleteDomainRecord', {'RecordId': record_id})
        elif step == 6:
            timed(BASELINE, client._send, 'GET', '/_emulator/health', {})  # pylint: disable=protected-access
    return samples


def stats(values):
    values = sorted(values)
    return values[len(values) // 2] * 1000, values[min(len(values) - 1, int(len(values) * 0.95))] * 1000


def control(env, method, path):
    conn = http.client.HTTPConnection(env['ALICLOUD_OSS_ENDPOINT'].split('//', 1)[1], timeout=30)
    conn.request(method, '/_emulator/' + path)
    return json.loads(conn.getresponse().read())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--calls', type=int, default=120, help='calls per client')
    parser.add_argument('--think-ms', type=float, default=50.0, help='pause between two calls of one client')
    parser.add_argument('--state-dir', help='use the emulator running with this state dir instead of starting one')
    args = parser.parse_args(argv)
    ctl = [sys.executable, os.path.join(EMULATOR_DIR, 'emulatorctl.py')]
    tmp = None
    state_dir = args.state_dir
    if not state_dir:
        tmp = tempfile.mkdtemp(prefix='emulator-bench-')
        state_dir = tmp
        subprocess.run(ctl + ['start', '--fresh', '--state-dir', state_dir], check=True, stdout=subprocess.DEVNULL)
    try:
        env = read_env(state_dir)
        control(env, 'POST', 'timings/reset')
        load_before = os.getloadavg()
        started = time.time()
        with multiprocessing.Pool(args.clients) as pool:
            results = pool.map(worker, [(env, i, args.calls, args.think_ms / 1000.0) for i in range(args.clients)])
        elapsed = time.time() - started
        server = control(env, 'GET', 'timings')
    finally:
        if tmp:
            subprocess.run(ctl + ['stop', '--state-dir', state_dir], check=False, stdout=subprocess.DEVNULL)
    baseline = [s[1] for r in results for s in r if s[0] == BASELINE]
    samples = [s for r in results for s in r if s[0] != BASELINE]
    bad = [s for s in samples if s[2] >= 500]
    by_action = {}
    for action, seconds, _status in samples:
        by_action.setdefault(action, []).append(seconds)
    print('%d clients x %d calls, think time %.0f ms, %d calls in %.1f s (%.0f calls/s), %d server errors'
          % (args.clients, args.calls, args.think_ms, len(samples), elapsed, len(samples) / elapsed, len(bad)))
    print('%-26s %7s %12s %10s %13s %11s' % ('action', 'calls', 'median ms', 'p95 ms', 'server med', 'server p95'))
    for action in sorted(by_action):
        median, p95 = stats(by_action[action])
        srv = server['by_action'].get(action, {})
        row = (action, len(by_action[action]), median, p95, srv.get('median_ms', 0), srv.get('p95_ms', 0))
        print('%-26s %7d %12.2f %10.2f %13.2f %11.2f' % row)
    median, p95 = stats([s[1] for s in samples])
    row = ('ALL API calls', len(samples), median, p95, server.get('median_ms', 0), server.get('p95_ms', 0))
    print('%-26s %7d %12.2f %10.2f %13.2f %11.2f' % row)
    print('%-26s %7d %12.2f %10.2f' % ((BASELINE, len(baseline)) + stats(baseline)))
    print('load average before/after: %s / %s' % (load_before, os.getloadavg()))
    print('median round trip %.2f ms: %s (limit 5 ms)' % (median, 'OK' if median < 5 else 'TOO SLOW'))
    return 0 if median < 5 and not bad else 1


if __name__ == '__main__':
    sys.exit(main())
