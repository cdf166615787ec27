# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wait_for_dns in slices: a module cannot print while it runs, so a long wait runs as several module runs of at most
SLICE seconds each, and this plugin prints between them how many domains (or records) are done and what the others
wait for, and where. The whole task keeps its `timeout` as a deadline: each slice gets the time left, capped at the
slice. When everything resolves in the first slice, the module runs exactly once.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _report
from ansible_collections.alicloud_oss.domains.plugins.module_utils._wait import concerned

display = Display()

SLICE = 30.0
DEFAULT_TIMEOUT = 600.0
# A slice shorter than this is not worth a module run: the time is treated as up.
MIN_SLICE = 0.5
# How many names a progress line lists per provider before it counts the rest.
NAMES_SHOWN = 8


def _names(items, shown=NAMES_SHOWN):
    words = []
    for item in items:
        for record in item.get('waiting_for') or []:
            words.append('%s %s' % (record.get('type'), record.get('name')))
    text = ', '.join(words[:shown])
    if len(words) > shown:
        text += ', and %d more' % (len(words) - shown)
    return text


def list_progress_line(results, elapsed, time_left, step=None):
    """What the list mode stands at: domains done and waiting, and what the waiting ones wait for, per provider."""
    concerned = [item for item in results if item.get('status') in ('resolved', 'waiting', 'failed', 'pending')]
    waiting = [item for item in concerned if item.get('status') == 'pending']
    resolved = [item for item in concerned if item.get('status') == 'resolved']
    failed = [item for item in concerned if item.get('status') == 'failed']
    stopped = [item for item in concerned if item.get('status') == 'waiting']
    head = 'wait_for_dns%s: %.0f s: %d of %d domain(s) done (%d resolve%s%s), %d waiting' % (
        ' (%s)' % step if step else '', elapsed, len(concerned) - len(waiting), len(concerned), len(resolved),
        ', %d failed' % len(failed) if failed else '', ', %d not resolving yet, left for a later run' % len(stopped) if stopped else '',
        len(waiting))
    if time_left is not None:
        head += ', up to %.0f s more' % max(0.0, time_left)
    lines = [head]
    providers = []
    by_provider = {}
    for item in waiting:
        provider = item.get('provider') or 'DNS'
        if provider not in by_provider:
            providers.append(provider)
            by_provider[provider] = []
        by_provider[provider].append(item)
    for provider in providers:
        items = by_provider[provider]
        lines.append('  %d waiting for %s at %s' % (len(items), _names(items), provider))
    return '\n'.join(lines)


def records_progress_line(result, elapsed, time_left):
    """What the single-item mode stands at: records done, and what the others still answer."""
    records = result.get('records') or []
    done = [record for record in records if record.get('done')]
    head = 'wait_for_dns: %.0f s: %d of %d record(s) resolve as expected' % (elapsed, len(done), len(records))
    if time_left is not None:
        head += ', up to %.0f s more' % max(0.0, time_left)
    lines = [head]
    for text in (result.get('waiting') or [])[:NAMES_SHOWN]:
        lines.append('  waiting: %s' % text)
    return '\n'.join(lines)


def handover_rows(progress):
    """The records to change at other DNS providers for every domain of progress (what custom_domain_report writes)."""
    return _report.external_rows(_report.results(progress or {}))


def external_block(progress, step, rows=None):
    """The records to add that the domains waiting in this step wait for, in zone-file form, or None."""
    rows = handover_rows(progress) if rows is None else rows
    waiting = set(name for name, entry in (progress or {}).items()
                  if isinstance(entry, dict) and entry.get('dns') != 'alidns' and concerned(entry, step or 'records'))
    adds = [row for row in rows if row['action'] == 'add' and row['domain'] in waiting]
    if not adds:
        return None
    lines = ['ADD these records at the DNS provider of each domain; the wait goes on until every authoritative nameserver serves them:']
    lines.extend('  %s. %s IN %s %s' % (row['name'], row['ttl'], row['type'], _report.zone_value(row['type'], row['value'])) for row in adds)
    return '\n'.join(lines)


def _number(value, default):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class SlicedWait(object):
    """The loop, apart from Ansible: `execute(module_args)` runs one module run and returns its result."""

    # Options of the plugin only: the module gets the rest.
    PLUGIN_OPTIONS = ('records_file', 'records_csv')

    def __init__(self, args, execute, show=display.display, clock=time.monotonic, slice_seconds=SLICE, handover=None):
        self.args = dict(args)
        self.files = dict((key, self.args.pop(key)) for key in self.PLUGIN_OPTIONS if self.args.get(key))
        self.handover = handover
        self.execute = execute
        self.show = show
        self.clock = clock
        self.slice_seconds = slice_seconds
        self.list_mode = self.args.get('records') is None
        self.timeout = _number(self.args.get('timeout'), DEFAULT_TIMEOUT)
        self.runs = 0

    def run(self):
        given = self.args.get('timeout')
        if given is not None and (_number(given, -1.0) < 0 or isinstance(given, bool)):
            # A timeout the module refuses is passed on as it was given, so that the module's message names the option.
            self.runs += 1
            return self.execute(dict(self.args))
        started = self.clock()
        deadline = started + max(0.0, self.timeout)
        queries = rounds = 0
        checks = {}
        offsets = {}
        result = None
        rows = None
        if self.list_mode:
            rows = handover_rows(self.args.get('progress'))
            if self.handover is not None and self.files:
                # Written before the wait, so that people (or their tools) can add the records while it runs.
                self.handover(self.files, rows)
        while True:
            slice_started = self.clock()
            time_left = max(0.0, deadline - slice_started)
            module_args = dict(self.args)
            slice_timeout = min(self.slice_seconds, time_left)
            if time_left - slice_timeout < MIN_SLICE:
                slice_timeout = time_left  # no slice too short to be worth a run after this one: this is the last
            module_args['timeout'] = round(slice_timeout, 3)
            if self.list_mode:
                module_args['time_left'] = round(time_left, 3)
                if result is not None:
                    module_args['progress'] = result.get('progress') or module_args.get('progress') or {}
            result = self.execute(module_args)
            self.runs += 1
            queries += int(result.get('queries') or 0)
            rounds += int(result.get('rounds') or 0)
            if not self.list_mode:
                for index, record in enumerate(result.get('records') or []):
                    checks[index] = checks.get(index, 0) + int(record.get('checks') or 0)
                    record['checks'] = checks[index]
                    if index in offsets:
                        record['elapsed'] = round(offsets[index] + float(record.get('elapsed') or 0), 3)
            now = self.clock()
            if not self._go_on(result, deadline - now):
                break
            if not self.list_mode:
                for index in range(len(result.get('records') or [])):
                    offsets[index] = now - started
            if self.list_mode:
                if self.runs == 1:
                    block = external_block(self.args.get('progress'), self.args.get('step'), rows)
                    if block:
                        self.show(block + (' (also in %s)' % ', '.join(sorted(self.files.values())) if self.files else ''))
                self.show(list_progress_line(result.get('results') or [], now - started, deadline - now, self.args.get('step')))
            else:
                self.show(records_progress_line(result, now - started, deadline - now))
        elapsed = self.clock() - started
        result['elapsed'] = round(elapsed, 3)
        result['queries'] = queries
        result['rounds'] = rounds
        result['slices'] = self.runs
        if not self.list_mode and result.get('timed_out') and self.runs > 1:
            # The message counts the whole wait, not the last slice. ansible-core 2.19 keeps the module's own message in
            # `exception` (an error summary) and shows that one: drop it, so that this message is shown.
            result.pop('exception', None)
            result['msg'] = 'Timeout after {0:.1f}s (timeout {1:g}s): {2} of {3} record(s) not as expected after {4} round(s): {5}'.format(
                elapsed, self.timeout, len(result.get('waiting') or []), len(result.get('records') or []), rounds,
                ' | '.join(result.get('waiting') or []))
        return result

    def _go_on(self, result, time_left):
        if time_left < MIN_SLICE:
            return False
        if self.list_mode:
            # The module says how long its items may still wait (0 when each is resolved, failed or left as it is).
            return 'progress' in result and _number(result.get('remaining'), 0.0) > 0
        return bool(result.get('failed') and result.get('timed_out'))


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        if self._task.async_val:
            # An async task runs once in the background: nothing can be printed in between anyway.
            result.update(self._execute_module(module_name='alicloud_oss.domains.wait_for_dns', module_args=self._task.args,
                                               task_vars=task_vars, wrap_async=True))
            return result

        def execute(module_args):
            return self._execute_module(module_name='alicloud_oss.domains.wait_for_dns', module_args=module_args,
                                        task_vars=task_vars)

        check_mode = bool(self._task.check_mode)

        def handover(files, rows):
            if check_mode:
                return
            texts = {'records_file': _report.zone_fragment(rows), 'records_csv': _report.csv_text(rows)}
            for key, path in files.items():
                try:
                    _report.write_if_changed(path, texts[key])
                except (IOError, OSError) as exc:
                    raise AnsibleError('wait_for_dns: cannot write %s %s: %s' % (key, path, to_native(exc)))

        host = (task_vars or {}).get('inventory_hostname')

        def show(text):
            # Several hosts may wait at once (forks): each line says whose wait it is, as Ansible's own lines do.
            display.display('[%s] %s' % (host, text) if host else text)

        result.update(SlicedWait(self._task.args, execute, show=show, handover=handover).run())
        return result
