# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper callback: records when each task starts and ends on each host, and the final stats.

Enabled by the benchmark harness only (ANSIBLE_CALLBACKS_ENABLED=bench_timer, ANSIBLE_CALLBACK_PLUGINS=tests/bench/callback_plugins);
writes JSON to the file named by BENCH_TIMER_FILE when the playbook ends. It never records arguments or results, only the
failure message of failed tasks (the suite checks what those messages name).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: bench_timer
type: aggregate
short_description: task timings for the alicloud_oss.domains benchmarks
description: Writes per-host task start/end times and the play stats to the file in BENCH_TIMER_FILE.
requirements: [enabled in callbacks_enabled]
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.path = os.environ.get('BENCH_TIMER_FILE')
        self.started = {}
        self.tasks = []
        self.begin = time.time()

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task._uuid)] = time.time()

    def _done(self, result, status):
        host = result._host.get_name()
        task = result._task
        now = time.time()
        entry = {'host': host, 'task': task.get_name(), 'action': task.action, 'status': status,
                 'start': self.started.pop((host, task._uuid), None), 'end': now,
                 'changed': bool(result._result.get('changed'))}
        if status == 'failed':
            msg = result._result.get('msg')
            entry['msg'] = msg if isinstance(msg, str) else repr(msg)
        self.tasks.append(entry)

    def v2_runner_on_ok(self, result):
        self._done(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._done(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._done(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        if not self.path:
            return
        summary = {}
        for host in sorted(stats.processed.keys()):
            summary[host] = stats.summarize(host)
        data = {'begin': self.begin, 'end': time.time(), 'stats': summary, 'tasks': self.tasks}
        tmp = self.path + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)
