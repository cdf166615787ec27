# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator process: one HTTP port for OSS, Alidns and /_emulator/, plus its own named.

Run through emulatorctl.py; `python tests/emulator/server.py --help` for the options.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import collections
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dns_backend
import world
from alidns_api import AlidnsApi
from control import Control
from faults import Calls, Faults
from oss_api import OssApi
from protocol import DROP, Request, http_date
from state import State


class Timings:
    """Server-side handling time of API calls (the emulator's own share of a call's latency)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.samples = collections.defaultdict(lambda: collections.deque(maxlen=20000))

    def add(self, action, seconds):
        with self.lock:
            self.samples[action].append(seconds)

    def reset(self):
        with self.lock:
            self.samples.clear()

    @staticmethod
    def _stats(values):
        values = sorted(values)
        if not values:
            return {'count': 0}
        return {'count': len(values), 'median_ms': round(values[len(values) // 2] * 1000, 3),
                'p95_ms': round(values[min(len(values) - 1, int(len(values) * 0.95))] * 1000, 3)}

    def summary(self):
        with self.lock:
            everything = [v for d in self.samples.values() for v in d]
            by_action = dict((a, self._stats(d)) for a, d in self.samples.items())
        result = self._stats(everything)
        result['by_action'] = by_action
        return result


class Emulator:
    def __init__(self, state_dir, dns_port, fresh=False):
        self.pid = os.getpid()
        self.dns_version = 0
        self.state = State(os.path.join(state_dir, 'state.json'))
        if fresh or not self.state.load():
            self.state.data = world.default_world()
            self.state.save()
        self.bind = dns_backend.Bind(state_dir, dns_port)
        self.faults = Faults()
        self.calls = Calls()
        self.timings = Timings()
        self.oss = OssApi(self)
        self.alidns = AlidnsApi(self)
        self.control = Control(self)

    def snapshot(self, zones):
        """Versioned contents of some zones (the caller holds the state lock); push() sends them to BIND."""
        self.dns_version += 1
        return [(zone, dns_backend.zone_content(self.state.data, zone), self.dns_version) for zone in zones]

    def push(self, snapshots):
        """Publish snapshots (without the state lock, so that reads go on while BIND applies an update)."""
        for zone, content, version in snapshots:
            self.bind.sync(zone, content, version)

    def publish(self, zones):
        """Push the state of some zones to BIND (the caller holds the state lock)."""
        if all(z in self.bind.published for z in zones):
            self.push(self.snapshot(zones))
        else:
            self.publish_all()

    def publish_all(self):
        self.dns_version += 1
        self.bind.apply(dns_backend.all_contents(self.state.data), self.dns_version)

    def run(self, api, req):
        """One API call: authenticate, count, inject faults, execute."""
        started = time.monotonic()
        call, early = api.prepare(req)
        self.calls.record(call.action, call.account, call.write)
        ticket, busy = self.faults.enter(call.zone) if call.zone and early is None else (None, False)
        delay = 0.0
        try:
            delay = self.faults.delay()
            if delay:
                time.sleep(delay)
            if early is not None:
                return early
            if self.faults.throttled(call.action, call.write):
                return api.injected(call, 'Throttling')
            code = self.faults.injected_error(call.action)
            if code:
                return api.injected(call, code)
            if busy and self.faults.last_operation_not_finished():
                return api.injected(call, 'LastOperationNotFinished')
            if call.write and self.faults.drop('before'):
                return DROP
            response = api.execute(call, req)
            if call.write and response.status == 200 and self.faults.drop('after'):
                return DROP
            return response
        finally:
            if ticket:
                self.faults.leave(call.zone, ticket)
            self.timings.add(call.action, time.monotonic() - started - delay)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_name = 'AliyunOSS'
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_name

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write('%s %s\n' % (self.log_date_time_string(), format % args))

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        req = Request(self.command, self.path, self.headers, body)
        emu = self.server.emulator
        if req.path.startswith('/_emulator/') or req.path == '/_emulator':
            self.server_name = 'emulator'
            response = emu.control.handle(req)
        elif req.path == '/' and (req.headers.get('x-acs-action') or 'Action' in req.params):
            self.server_name = 'Jetty(7.2.2.v20101205)'
            response = emu.run(emu.alidns, req)
        else:
            self.server_name = 'AliyunOSS'
            response = emu.run(emu.oss, req)
        if response is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(response.body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(response.body)

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header('Server', self.version_string())
        self.send_header('Date', http_date())

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--dns-port', type=int, required=True)
    parser.add_argument('--fresh', action='store_true', help='start from the default world')
    parser.add_argument('--faults', help='JSON object or @file with the initial faults')
    parser.add_argument('--verbose', action='store_true')
    args = parser.parse_args(argv)
    os.makedirs(args.state_dir, exist_ok=True)
    emu = Emulator(args.state_dir, args.dns_port, fresh=args.fresh)
    if args.faults:
        text = args.faults
        if text.startswith('@'):
            with open(text[1:], 'r', encoding='utf-8') as handle:
                text = handle.read()
        emu.faults.merge(json.loads(text))
    emu.publish_all()
    emu.state.start_writer()
    server = Server(('127.0.0.1', args.port), Handler)
    server.emulator = emu
    server.verbose = args.verbose

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pid_file = os.path.join(args.state_dir, 'server.pid')
    with open(pid_file, 'w', encoding='utf-8') as handle:
        handle.write(str(os.getpid()))
    sys.stderr.write('emulator listening on 127.0.0.1:%d, named on 127.0.0.1:%d\n' % (args.port, args.dns_port))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        emu.state.stop_writer()
        emu.bind.stop()
        if os.path.exists(pid_file):
            os.unlink(pid_file)
    return 0


if __name__ == '__main__':
    sys.exit(main())
