# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wait_for_dns action plugin: slices of at most 30 s, progress printed between them, the task's timeout a deadline."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from unittest import mock

import pytest

from ansible_collections.alicloud_oss.domains.plugins.action import wait_for_dns as plugin
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import FakeClock


def item(name, status, provider='Alibaba Cloud DNS zone example.com', rtype='CNAME'):
    return dict(name=name, status=status, provider=provider,
                waiting_for=[dict(name=name, type=rtype)] if status == 'pending' else [])


class ListModule(object):
    """Stands in for the module in list mode: each run takes its `timeout`; items resolve after a number of runs."""

    def __init__(self, clock, resolve_after, remaining=600.0):
        self.clock = clock
        self.resolve_after = resolve_after  # name -> run number at which it resolves
        self.remaining = remaining
        self.calls = []

    def __call__(self, args):
        self.calls.append(dict(args))
        self.clock.now += args['timeout'] if len(self.calls) < max(self.resolve_after.values()) else 1.0
        run = len(self.calls)
        results = [item(name, 'resolved' if run >= after else 'pending') for name, after in sorted(self.resolve_after.items())]
        pending = [r for r in results if r['status'] == 'pending']
        progress = dict(args.get('progress') or {})
        progress['run%d' % run] = True
        return dict(changed=False, progress=progress, results=results, remaining=self.remaining if pending else 0,
                    queries=3, rounds=2)


def test_everything_resolved_in_the_first_slice_is_one_module_run():
    clock = FakeClock(1000.0)
    module = ListModule(clock, {'a.example.com': 1})
    shown = []
    result = plugin.SlicedWait(dict(domains=[{'name': 'a.example.com'}], step='records', progress={}), module, shown.append,
                               clock=clock).run()
    assert len(module.calls) == 1
    assert shown == []
    assert module.calls[0]['timeout'] == 30 and module.calls[0]['time_left'] == 600
    assert result['slices'] == 1 and result['queries'] == 3


def test_slices_pass_progress_on_and_print_what_waits_where():
    clock = FakeClock(1000.0)
    module = ListModule(clock, {'a.example.com': 1, 'b.example.com': 3, 'c.example.org': 2})
    shown = []
    result = plugin.SlicedWait(dict(domains=[], step='records', progress={'start': 1}), module, shown.append, clock=clock).run()
    assert len(module.calls) == 3
    assert module.calls[0]['progress'] == {'start': 1}
    assert module.calls[1]['progress'] == {'start': 1, 'run1': True}
    assert module.calls[2]['progress'] == {'start': 1, 'run1': True, 'run2': True}
    assert [call['time_left'] for call in module.calls] == [600, 570, 540]
    assert len(shown) == 2
    assert shown[0].splitlines()[0] == 'wait_for_dns (records): 30 s: 1 of 3 domain(s) done (1 resolve), 2 waiting, up to 570 s more'
    assert '  2 waiting for CNAME b.example.com, CNAME c.example.org at Alibaba Cloud DNS zone example.com' in shown[0]
    assert result['slices'] == 3 and result['queries'] == 9 and result['rounds'] == 6
    assert result['elapsed'] == 61.0


def test_the_task_timeout_is_a_deadline_for_all_slices():
    clock = FakeClock(1000.0)
    module = ListModule(clock, {'a.example.com': 99})
    plugin.SlicedWait(dict(domains=[], timeout=70), module, lambda line: None, clock=clock).run()
    assert [call['timeout'] for call in module.calls] == [30, 30, 10]
    assert [call['time_left'] for call in module.calls] == [70, 40, 10]


def test_items_left_waiting_by_the_module_end_the_loop():
    clock = FakeClock(1000.0)
    module = ListModule(clock, {'a.example.com': 99}, remaining=0)
    plugin.SlicedWait(dict(domains=[]), module, lambda line: None, clock=clock).run()
    assert len(module.calls) == 1


def test_a_failed_list_mode_run_without_progress_is_returned_at_once():
    calls = []

    def module(args):
        calls.append(args)
        return dict(failed=True, msg='domains[0].name: bad')

    result = plugin.SlicedWait(dict(domains=[{}]), module, lambda line: None, clock=FakeClock(1000.0)).run()
    assert len(calls) == 1 and result['failed'] and result['msg'] == 'domains[0].name: bad'


def test_provider_groups_in_the_progress_line():
    line = plugin.list_progress_line([item('a.example.com', 'pending'), item('x.example.org', 'pending', 'the external DNS provider', 'TXT'),
                                      item('b.example.com', 'failed'), item('c.example.com', 'waiting')], 45, 120, 'ownership')
    lines = line.splitlines()
    assert lines[0] == ('wait_for_dns (ownership): 45 s: 2 of 4 domain(s) done (0 resolve, 1 failed, 1 not resolving yet, left for a '
                        'later run), 2 waiting, up to 120 s more')
    assert lines[1] == '  1 waiting for CNAME a.example.com at Alibaba Cloud DNS zone example.com'
    assert lines[2] == '  1 waiting for TXT x.example.org at the external DNS provider'


def test_many_names_are_counted():
    line = plugin.list_progress_line([item('d%02d.example.com' % i, 'pending') for i in range(12)], 30, None)
    assert line.endswith('CNAME d07.example.com, and 4 more at Alibaba Cloud DNS zone example.com')


class RecordsModule(object):
    """The single-item mode: a slice that times out fails with timed_out; the record appears in run `ready`."""

    def __init__(self, clock, ready):
        self.clock = clock
        self.ready = ready
        self.calls = []

    def __call__(self, args):
        self.calls.append(dict(args))
        self.clock.now += args['timeout'] if len(self.calls) < self.ready else 2.0
        done = len(self.calls) >= self.ready
        record = dict(index=0, name='a.example.com', done=done, checks=4, elapsed=args['timeout'] if not done else 2.0)
        result = dict(changed=False, records=[record], queries=4, rounds=4, elapsed=record['elapsed'])
        if not done:
            result.update(failed=True, timed_out=True, msg='Timeout after 30.0s (timeout 30s): ...', exception='the summary of this slice',
                          waiting=['a.example.com CNAME: expected equals [x] - ns1 said []'])
        return result


def test_single_mode_goes_on_after_a_slice_that_timed_out():
    clock = FakeClock(1000.0)
    module = RecordsModule(clock, ready=2)
    shown = []
    result = plugin.SlicedWait(dict(records=[{'name': 'a.example.com', 'type': 'CNAME', 'value': 'x'}], timeout=100), module,
                               shown.append, clock=clock).run()
    assert len(module.calls) == 2
    assert 'time_left' not in module.calls[0] and 'progress' not in module.calls[1]
    assert not result.get('failed')
    assert result['records'][0]['checks'] == 8
    assert result['records'][0]['elapsed'] == 32.0
    assert shown[0].startswith('wait_for_dns: 30 s: 0 of 1 record(s) resolve as expected, up to 70 s more')
    assert 'waiting: a.example.com CNAME' in shown[0]


def test_single_mode_timeout_message_counts_the_whole_wait():
    clock = FakeClock(1000.0)
    module = RecordsModule(clock, ready=99)
    result = plugin.SlicedWait(dict(records=[{'name': 'a.example.com'}], timeout=45), module, lambda line: None, clock=clock).run()
    assert [call['timeout'] for call in module.calls] == [30, 15]
    assert result['failed'] and result['msg'].startswith('Timeout after 45.0s (timeout 45s): 1 of 1 record(s) not as expected after 8 round(s)')
    assert 'exception' not in result  # ansible-core 2.19 would show the last slice's message instead


def test_single_mode_other_failures_end_at_once():
    calls = []

    def module(args):
        calls.append(args)
        return dict(failed=True, msg='Cannot wait for these records: no zone')

    result = plugin.SlicedWait(dict(records=[{}]), module, lambda line: None, clock=FakeClock(1000.0)).run()
    assert len(calls) == 1 and result['msg'] == 'Cannot wait for these records: no zone'


@pytest.mark.parametrize('timeout', [-5, 'soon'])
def test_a_timeout_the_module_refuses_reaches_it_as_given(timeout):
    calls = []

    def module(args):
        calls.append(args)
        return dict(failed=True, msg='timeout: must be >= 0 (got -5)')

    result = plugin.SlicedWait(dict(records=[{'name': 'a.example.com'}], timeout=timeout), module, lambda line: None, clock=FakeClock(1000.0)).run()
    assert [call['timeout'] for call in calls] == [timeout]
    assert result['msg'].startswith('timeout:')


def make_action(args, check_mode=False, async_val=0):
    task = mock.MagicMock()
    task.args = args
    task.async_val = async_val
    task.check_mode = check_mode
    task.action = 'alicloud_oss.domains.wait_for_dns'
    connection = mock.MagicMock()
    connection._shell.tmpdir = '/tmp/x'
    play_context = mock.MagicMock()
    play_context.check_mode = check_mode
    return plugin.ActionModule(task, connection, play_context, loader=None, templar=None, shared_loader_obj=None)


@pytest.mark.parametrize('check_mode', [False, True])
def test_action_runs_the_module_through_execute_module(check_mode):
    action = make_action(dict(domains=[{'name': 'a.example.com'}], step='records', progress={}), check_mode=check_mode)
    with mock.patch.object(action, '_execute_module', return_value=dict(changed=False, progress={'a': 1}, results=[], remaining=0)) as execute:
        result = action.run(task_vars={})
    assert execute.call_count == 1
    kwargs = execute.call_args[1]
    assert kwargs['module_name'] == 'alicloud_oss.domains.wait_for_dns'
    assert kwargs['module_args']['timeout'] == 30
    assert result['progress'] == {'a': 1} and result['slices'] == 1


def test_action_async_runs_once_in_the_background():
    action = make_action(dict(records=[{'name': 'a.example.com'}]), async_val=60)
    with mock.patch.object(action, '_execute_module', return_value=dict(ansible_job_id='1', started=1)) as execute:
        result = action.run(task_vars={})
    assert execute.call_count == 1 and execute.call_args[1]['wrap_async'] is True
    assert result['ansible_job_id'] == '1'


def test_records_for_other_providers_are_handed_over_before_the_wait_and_shown_once(tmp_path):
    clock = FakeClock(1000.0)
    progress = {'ext.example.org': dict(index=0, name='ext.example.org', dns='external', phase='records_published', state='present',
                                        records_to_add=[{'name': 'ext.example.org', 'type': 'CNAME', 'value': 'b.oss-cn-hangzhou.aliyuncs.com',
                                                         'ttl': 600}])}
    module = ListModule(clock, {'ext.example.org': 3})
    handed = []
    shown = []
    files = dict(records_file=str(tmp_path / 'x.zone'), records_csv=str(tmp_path / 'x.csv'))
    args = dict(domains=[{'name': 'ext.example.org'}], step='records', progress=progress, **files)

    def handover(paths, rows):
        handed.append((paths, rows, len(module.calls)))

    plugin.SlicedWait(args, module, shown.append, clock=clock, handover=handover).run()
    assert handed[0][0] == files and handed[0][2] == 0  # before the first module run
    assert [row['name'] for row in handed[0][1]] == ['ext.example.org']
    assert all('records_file' not in call and 'records_csv' not in call for call in module.calls)
    blocks = [text for text in shown if text.startswith('ADD these records')]
    assert len(blocks) == 1 and 'ext.example.org. 600 IN CNAME b.oss-cn-hangzhou.aliyuncs.com.' in blocks[0]
    assert files['records_csv'] in blocks[0]


def test_action_writes_the_handover_files_but_not_in_check_mode(tmp_path):
    progress = {'ext.example.org': dict(index=0, name='ext.example.org', dns='external', phase='records_published', state='present',
                                        records_to_add=[{'name': 'ext.example.org', 'type': 'CNAME', 'value': 'b.example.net', 'ttl': 600}])}
    for check_mode in (True, False):
        path = tmp_path / ('check.csv' if check_mode else 'real.csv')
        action = make_action(dict(domains=[{'name': 'ext.example.org'}], step='records', progress=progress, records_csv=str(path)),
                             check_mode=check_mode)
        with mock.patch.object(action, '_execute_module', return_value=dict(progress=progress, results=[], remaining=0)) as execute:
            action.run(task_vars={})
        assert 'records_csv' not in execute.call_args[1]['module_args']
        assert path.exists() != check_mode
    assert 'add,ext.example.org,ext.example.org,CNAME,600,b.example.net' in (tmp_path / 'real.csv').read_text()
