# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a kept AnsiballZ module file in this process and measure where its time goes.

    BENCH_PROFILE_OUT=out.json python -X importtime tests/bench/module_profile.py AnsiballZ_x.py

The module runs exactly as Ansible runs it (the AnsiballZ wrapper, its zip payload, its embedded arguments). Around it we
time the socket operations and selector waits (network: API calls and DNS queries) and time.sleep (backoff, polling);
-X importtime writes each import's own time to stderr, which run_bench.py sorts by package. The result goes to the file
named by BENCH_PROFILE_OUT: {"wall": s, "network": s, "sleep": s, "socket_ops": n}.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import runpy
import selectors
import socket
import sys
import threading
import time

STARTED = time.perf_counter()
STATS = {'network': 0.0, 'sleep': 0.0, 'socket_ops': 0}
_LOCK = threading.Lock()
_ACTIVE = {'network': [0, 0.0], 'sleep': [0, 0.0]}   # per key: [operations in progress (any thread), since when]


def _timed(owner, name, key):
    """Wrap owner.name so that STATS[key] adds up the wall time during which at least one thread is inside it."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        with _LOCK:
            active = _ACTIVE[key]
            if active[0] == 0:
                active[1] = time.perf_counter()
            active[0] += 1
            if key == 'network':
                STATS['socket_ops'] += 1
        try:
            return original(*args, **kwargs)
        finally:
            with _LOCK:
                active = _ACTIVE[key]
                active[0] -= 1
                if active[0] == 0:
                    STATS[key] += time.perf_counter() - active[1]

    setattr(owner, name, wrapper)


for _name in ('connect', 'connect_ex', 'send', 'sendall', 'sendto', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into'):
    _timed(socket.socket, _name, 'network')
_timed(socket, 'getaddrinfo', 'network')
for _cls in set([selectors.DefaultSelector, selectors.SelectSelector] + [getattr(selectors, n) for n in (
        'PollSelector', 'EpollSelector') if hasattr(selectors, n)]):
    _timed(_cls, 'select', 'network')
_timed(time, 'sleep', 'sleep')


def _write():
    path = os.environ.get('BENCH_PROFILE_OUT')
    if path:
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(dict(STATS, wall=time.perf_counter() - STARTED), handle)


def main():
    target = sys.argv[1]
    sys.argv = [target]
    try:
        runpy.run_path(target, run_name='__main__')
    finally:
        _write()


if __name__ == '__main__':
    main()
