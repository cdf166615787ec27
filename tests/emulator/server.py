# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator process: one HTTP port for OSS, Alidns, /_emulator/ and (as a proxy target) the ECS metadata service,
one HTTPS port for STS, plus its own named.

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
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import certs
import default_roles
import dns_backend
import world
from alidns_api import AlidnsApi
from cas_api import VERSION as CAS_VERSION, CasApi
from control import Control
from faults import Calls, Faults
from imds import Imds
from oss_api import OssApi
from protocol import DROP, Request, http_date
from state import State
from sts_api import StsApi


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
    def __init__(self, state_dir, dns_port, fresh=False, sts_port=None):
        self.pid = os.getpid()
        self.state_dir = state_dir
        self.sts_port = sts_port
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
        self.cas = CasApi(self)
        self.sts = StsApi(self)
        self.imds = Imds(self)
        self.control = Control(self)
        self.write_oidc_token()

    def write_oidc_token(self):
        """Write the default OIDC provider's token to <state-dir>/oidc-token, where a pod's projected service-account
        token would be (ALIBABA_CLOUD_OIDC_TOKEN_FILE). Called at start and whenever the world changes."""
        path = os.path.join(self.state_dir, default_roles.OIDC_TOKEN_FILE)
        with self.state.lock:
            account = next((a for a in self.state.data['accounts'].values() if a['uid'] == default_roles.MAIN_UID), {})
            provider = account.get('oidc_providers', {}).get(default_roles.OIDC_PROVIDER_NAME)
        if provider is None:
            if os.path.exists(path):
                os.unlink(path)
            return
        try:
            with open(path, 'r', encoding='utf-8') as handle:
                if handle.read() == provider['token']:
                    return
        except OSError:
            pass
        fd = os.open(path + '.tmp', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            handle.write(provider['token'])
        os.replace(path + '.tmp', path)

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
        self.calls.record(call.action, call.account, call.write, scheme=getattr(call, 'scheme', None), signer=getattr(call, 'signer', None))
        ticket, busy = self.faults.enter(call.zone) if call.zone and early is None else (None, False)
        delay = 0.0
        try:
            delay = self.faults.delay()
            if delay:
                time.sleep(delay)
            if early is not None:
                return early
            if self.faults.throttled(call.action, call.write, getattr(api, 'api_name', None)):
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

    def _target(self):
        """The request-target in origin form, and the host it is for.

        A client that takes the emulator for its HTTP proxy (HTTP_PROXY, or the credentials SDK's http_options proxy)
        sends an absolute-form target (RFC 9112 3.2.2). Its authority then replaces Host, and the request is served
        here as if it had been sent directly: the emulator never forwards anything. 100.100.100.200 is the ECS
        metadata service."""
        target = self.path
        if target.lower().startswith(('http://', 'https://')):
            parts = urlsplit(target)
            target = (parts.path or '/') + ('?' + parts.query if parts.query else '')
            if parts.netloc:
                del self.headers['Host']
                self.headers['Host'] = parts.netloc
        host = (self.headers.get('Host') or '').lower()
        host = host.rsplit(':', 1)[0] if ':' in host and not host.endswith(']') else host
        return target, host

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        target, host = self._target()
        req = Request(self.command, target, self.headers, body)
        emu = self.server.emulator
        if host == default_roles.IMDS_HOST:
            self.server_name = 'emulator-metadata'
            response = emu.imds.handle(req)
        elif req.path.startswith('/_emulator/') or req.path == '/_emulator':
            self.server_name = 'emulator'
            response = emu.control.handle(req)
        elif req.path == '/' and (req.headers.get('x-acs-action') or 'Action' in req.params):
            self.server_name = 'Jetty(7.2.2.v20101205)'
            # Alidns and Certificate Management Service share the RPC path: the API version tells them apart.
            version = req.headers.get('x-acs-version') or req.params.get('Version')
            response = emu.run(emu.cas if version == CAS_VERSION else emu.alidns, req)
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


class StsHandler(Handler):
    """STS on its own HTTPS port (the credentials SDK always calls STS over https)."""

    timeout = 30  # also bounds the TLS handshake, which runs in this handler's thread

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        self.server_name = 'Jetty(7.2.2.v20101205)'
        response = self.server.emulator.sts.handle(Request(self.command, self.path, self.headers, body))
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(response.body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


class TlsServer(Server):
    """Accepts TLS connections; the handshake happens in the handler thread (do_handshake_on_connect=False), so
    that a client that never completes it cannot stall the accept loop."""

    def __init__(self, address, handler, context):
        self.context = context
        Server.__init__(self, address, handler)

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):
        # A client that gives up during the handshake (or does not trust the CA) is not a server error.
        if isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, socket.timeout)):
            return
        Server.handle_error(self, request, client_address)


def sts_server(emu, port, verbose):
    ca_path, cert_path, key_path = certs.ensure_tls_identity(emu.state_dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    server = TlsServer(('127.0.0.1', port), StsHandler, context)
    server.emulator = emu
    server.verbose = verbose
    return server, ca_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--dns-port', type=int, required=True)
    parser.add_argument('--sts-port', type=int, required=True, help='HTTPS port of STS')
    parser.add_argument('--fresh', action='store_true', help='start from the default world')
    parser.add_argument('--faults', help='JSON object or @file with the initial faults')
    parser.add_argument('--verbose', action='store_true')
    args = parser.parse_args(argv)
    os.makedirs(args.state_dir, exist_ok=True)
    emu = Emulator(args.state_dir, args.dns_port, fresh=args.fresh, sts_port=args.sts_port)
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
    secure, ca_path = sts_server(emu, args.sts_port, args.verbose)
    secure_thread = threading.Thread(target=secure.serve_forever, kwargs={'poll_interval': 0.2}, name='sts', daemon=True)
    secure_thread.start()

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
        threading.Thread(target=secure.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pid_file = os.path.join(args.state_dir, 'server.pid')
    with open(pid_file, 'w', encoding='utf-8') as handle:
        handle.write(str(os.getpid()))
    sys.stderr.write('emulator listening on 127.0.0.1:%d, STS on https://127.0.0.1:%d (CA %s), named on 127.0.0.1:%d\n'
                     % (args.port, args.sts_port, ca_path, args.dns_port))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        secure.shutdown()
        secure.server_close()
        emu.state.stop_writer()
        emu.bind.stop()
        if os.path.exists(pid_file):
            os.unlink(pid_file)
    return 0


if __name__ == '__main__':
    sys.exit(main())
