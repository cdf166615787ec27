# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start, stop and inspect the emulator (HTTP server + its own named) in the background.

    python tests/emulator/emulatorctl.py start|stop|status|restart [--state-dir .emulator] [--port P]
                                         [--dns-port P] [--sts-port P] [--fresh] [--faults JSON|@file]

start writes <state-dir>/env (shell export lines); running start twice does not start a second copy.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import default_keys
import default_roles

HERE = os.path.dirname(os.path.abspath(__file__))
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _alive(pid, marker):
    """True if pid runs and its command line contains marker (guards against recycled pids)."""
    try:
        os.kill(pid, 0)
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            return marker.encode('utf-8') in handle.read()
    except (OSError, ValueError):
        return False


def _read_int(path):
    try:
        with open(path, 'r', encoding='utf-8') as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def _free(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        sock = socket.socket(socket.AF_INET, kind)
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            return False
        finally:
            sock.close()
    return True


def _pick_port(wanted, previous, avoid=()):
    if wanted:
        return wanted
    if previous and previous not in avoid and _free(previous):
        return previous
    while True:
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()
        if port not in avoid and _free(port):
            return port


def _health(port, timeout=1.0):
    try:
        with OPENER.open('http://127.0.0.1:%d/_emulator/health' % port, timeout=timeout) as response:
            return json.loads(response.read().decode('utf-8')).get('ok') is True
    except (OSError, ValueError, urllib.error.URLError):
        return False


class Paths:
    def __init__(self, state_dir):
        self.dir = os.path.abspath(state_dir)
        self.server_pid = os.path.join(self.dir, 'server.pid')
        self.named_pid = os.path.join(self.dir, 'bind', 'named.proc.pid')
        self.ports = os.path.join(self.dir, 'ports.json')
        self.env = os.path.join(self.dir, 'env')
        self.log = os.path.join(self.dir, 'server.log')

    def read_ports(self):
        try:
            with open(self.ports, 'r', encoding='utf-8') as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    def running(self):
        pid = _read_int(self.server_pid)
        ports = self.read_ports()
        if pid and _alive(pid, 'server.py') and ports.get('port') and _health(ports['port']):
            return pid, ports
        return None, ports


def write_env(paths, port, dns_port):
    url = 'http://127.0.0.1:%d' % port
    lines = [
        ('ALICLOUD_ACCESS_KEY', default_keys.MAIN_ACCESS_KEY), ('ALICLOUD_SECRET_KEY', default_keys.MAIN_SECRET_KEY),
        ('ALICLOUD_REGION', default_keys.DEFAULT_REGION), ('ALICLOUD_OSS_ENDPOINT', url), ('ALICLOUD_ALIDNS_ENDPOINT', url),
        ('ALICLOUD_CAS_ENDPOINT', url),
        ('EMULATOR_URL', url + '/_emulator'), ('EMULATOR_DNS_SERVER', '127.0.0.1'), ('EMULATOR_DNS_PORT', str(dns_port)),
        ('EMULATOR_OTHER_ACCESS_KEY', default_keys.OTHER_ACCESS_KEY), ('EMULATOR_OTHER_SECRET_KEY', default_keys.OTHER_SECRET_KEY),
        ('EMULATOR_LEGACY_ACCESS_KEY', default_keys.LEGACY_ACCESS_KEY), ('EMULATOR_LEGACY_SECRET_KEY', default_keys.LEGACY_SECRET_KEY),
        # RAM user domains-readonly of account main: the read actions only (README.md, "RAM").
        ('EMULATOR_RAM_READONLY_ACCESS_KEY', default_keys.RAM_READONLY_ACCESS_KEY),
        ('EMULATOR_RAM_READONLY_SECRET_KEY', default_keys.RAM_READONLY_SECRET_KEY),
    ]
    lines += _credential_lines(paths, url)
    tmp = paths.env + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(''.join('export %s=%s\n' % item for item in lines))
    os.replace(tmp, paths.env)


def _credential_lines(paths, url):
    """STS (HTTPS, own port, the emulator's CA), the ECS metadata service (through the main port as HTTP proxy) and
    the OIDC provider of the default world."""
    sts_port = paths.read_ports().get('sts_port')
    if not sts_port:
        return []
    return [
        ('EMULATOR_STS_ENDPOINT', '127.0.0.1:%d' % sts_port), ('EMULATOR_CA_FILE', os.path.join(paths.dir, default_roles.CA_FILE)),
        ('EMULATOR_ROLE_ARN', default_roles.ROLE_ARN), ('EMULATOR_ECS_ROLE_NAME', default_roles.ECS_ROLE_NAME),
        ('EMULATOR_IMDS_PROXY', url), ('EMULATOR_OIDC_PROVIDER_ARN', default_roles.OIDC_PROVIDER_ARN),
        ('EMULATOR_OIDC_ROLE_ARN', default_roles.OIDC_ROLE_ARN),
        ('EMULATOR_OIDC_TOKEN_FILE', os.path.join(paths.dir, default_roles.OIDC_TOKEN_FILE)),
    ]


def start(args):
    paths = Paths(args.state_dir)
    pid, ports = paths.running()
    if pid:
        write_env(paths, ports['port'], ports['dns_port'])
        print('emulator already running (pid %d) on http://127.0.0.1:%d; env in %s' % (pid, ports['port'], paths.env))
        return 0
    stop_processes(paths, quiet=True)
    os.makedirs(paths.dir, exist_ok=True)
    port = _pick_port(args.port, ports.get('port'))
    dns_port = _pick_port(args.dns_port, ports.get('dns_port'), avoid=(port,))
    sts_port = _pick_port(args.sts_port, ports.get('sts_port'), avoid=(port, dns_port))
    command = [sys.executable, os.path.join(HERE, 'server.py'), '--state-dir', paths.dir, '--port', str(port),
               '--dns-port', str(dns_port), '--sts-port', str(sts_port)]
    if args.fresh:
        command.append('--fresh')
    if args.faults:
        command += ['--faults', args.faults]
    with open(paths.log, 'ab') as log:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,  # pylint: disable=consider-using-with
                                start_new_session=True, cwd=HERE)
    with open(paths.server_pid, 'w', encoding='utf-8') as handle:
        handle.write(str(proc.pid))
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.stderr.write('emulator exited with status %s; last lines of %s:\n' % (proc.returncode, paths.log))
            with open(paths.log, 'r', encoding='utf-8', errors='replace') as handle:
                sys.stderr.write(''.join(handle.readlines()[-20:]))
            stop_processes(paths, quiet=True)
            return 1
        if _health(port):
            with open(paths.ports, 'w', encoding='utf-8') as handle:
                json.dump({'port': port, 'dns_port': dns_port, 'sts_port': sts_port}, handle)
            write_env(paths, port, dns_port)
            print('emulator running (pid %d) on http://127.0.0.1:%d, STS on https://127.0.0.1:%d, DNS on 127.0.0.1:%d; env in %s'
                  % (proc.pid, port, sts_port, dns_port, paths.env))
            return 0
        time.sleep(0.1)
    sys.stderr.write('emulator did not become healthy within %.0f s; see %s\n' % (args.timeout, paths.log))
    stop_processes(paths, quiet=True)
    return 1


def _terminate(pid, marker, timeout=15.0):
    if not pid or not _alive(pid, marker):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not _alive(pid, marker):
            return True
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    while _alive(pid, marker):
        time.sleep(0.05)
    return True


def stop_processes(paths, quiet=False):
    stopped_server = _terminate(_read_int(paths.server_pid), 'server.py')
    stopped_named = _terminate(_read_int(paths.named_pid), 'named')
    for path in (paths.server_pid, paths.named_pid):
        if os.path.exists(path):
            os.unlink(path)
    if not quiet:
        print('emulator stopped' if stopped_server or stopped_named else 'emulator was not running')
    return 0


def stop(args):
    return stop_processes(Paths(args.state_dir))


def status(args):
    paths = Paths(args.state_dir)
    pid, ports = paths.running()
    if pid:
        print('running: pid %d, http://127.0.0.1:%d, DNS 127.0.0.1:%d, state %s' % (pid, ports['port'], ports['dns_port'], paths.dir))
        return 0
    print('not running (state %s)' % paths.dir)
    return 3


def restart(args):
    stop(args)
    return start(args)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('start', 'stop', 'status', 'restart'))
    parser.add_argument('--state-dir', default='.emulator')
    parser.add_argument('--port', type=int, default=0, help='HTTP port (default: the previous one if free, else any free port)')
    parser.add_argument('--dns-port', type=int, default=0, help='DNS port of named (same default)')
    parser.add_argument('--sts-port', type=int, default=0, help='HTTPS port of STS (same default)')
    parser.add_argument('--fresh', action='store_true', help='discard the saved state and start from the default world')
    parser.add_argument('--faults', help='initial faults: a JSON object, or @file')
    parser.add_argument('--timeout', type=float, default=30.0)
    args = parser.parse_args(argv)
    return {'start': start, 'stop': stop, 'status': status, 'restart': restart}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
