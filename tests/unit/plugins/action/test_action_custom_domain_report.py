# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The custom_domain_report action plugin: no module process, files written on the controller (not in check mode)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
from unittest import mock

from ansible_collections.alicloud_oss.domains.plugins.action import custom_domain_report as plugin
from ansible_collections.alicloud_oss.domains.plugins.modules import custom_domain_report as module
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module

TARGET = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'


def progress(failed=False):
    return {
        'ext.example.org': dict(index=0, name='ext.example.org', bucket='demo-assets', region='cn-hangzhou', state='present',
                                dns='external', phase='records_published', changed=True, binding={'domain': 'ext.example.org'},
                                records_to_add=[{'name': 'ext.example.org', 'type': 'CNAME', 'value': TARGET, 'ttl': 600}]),
        'bad.example.com': dict(index=1, name='bad.example.com', bucket='demo-assets', region='cn-hangzhou', state='present',
                                dns='alidns', zone='example.com', phase='failed' if failed else 'resolved', failed=failed,
                                msg='records in the way', error_code='DomainRecordConflict'),
    }


def make_action(args, check_mode=False):
    task = mock.MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = check_mode
    connection = mock.MagicMock()
    play_context = mock.MagicMock()
    play_context.check_mode = check_mode
    return plugin.ActionModule(task, connection, play_context, loader=None, templar=None, shared_loader_obj=None)


def test_report_writes_the_files_once_and_prints_a_line_per_domain(tmp_path):
    zone_file = str(tmp_path / 'records.zone')
    csv_file = str(tmp_path / 'records.csv')
    action = make_action(dict(progress=progress(), records_file=zone_file, records_csv=csv_file))
    shown = []
    with mock.patch.object(plugin.display, 'display', side_effect=shown.append), \
            mock.patch.object(action, '_execute_module', side_effect=AssertionError('no module run')):
        result = action.run(task_vars={})
    assert not result.get('failed') and not result['changed']
    assert sorted(result['files_written']) == sorted([zone_file, csv_file])
    assert 'ext.example.org. 600 IN CNAME %s.' % TARGET in open(zone_file).read()
    assert open(csv_file, newline='').read().startswith('action,domain,name,type,ttl,value\r\n')
    assert [line.split(':')[0] for line in shown] == ['ext.example.org', 'bad.example.com']
    stamp = os.stat(zone_file).st_mtime_ns
    with mock.patch.object(plugin.display, 'display'):
        again = make_action(dict(progress=progress(), records_file=zone_file, records_csv=csv_file)).run(task_vars={})
    assert again['files_written'] == [] and os.stat(zone_file).st_mtime_ns == stamp


def test_report_fails_naming_the_failed_domain_unless_told(tmp_path):
    with mock.patch.object(plugin.display, 'display'):
        result = make_action(dict(progress=progress(failed=True))).run(task_vars={})
        assert result['failed'] and 'bad.example.com: records in the way (DomainRecordConflict)' in result['msg']
        result = make_action(dict(progress=progress(failed=True), fail_on_error=False, summary=False)).run(task_vars={})
    assert not result.get('failed') and result['failed_domains'] == ['bad.example.com']


def test_check_mode_writes_nothing(tmp_path):
    zone_file = str(tmp_path / 'records.zone')
    with mock.patch.object(plugin.display, 'display'):
        result = make_action(dict(progress=progress(), records_file=zone_file), check_mode=True).run(task_vars={})
    assert result['files_written'] == [] and not os.path.exists(zone_file)
    assert [r['status'] for r in result['results']] == ['check_mode', 'check_mode']


def test_role_facts():
    with mock.patch.object(plugin.display, 'display'):
        result = make_action(dict(progress=progress(), variable_prefix='custom_domain_', single=True)).run(task_vars={})
    assert result['ansible_facts']['custom_domain_result']['domain'] == 'ext.example.org'


def test_the_module_main_gives_the_same_result(tmp_path):
    zone_file = str(tmp_path / 'records.zone')
    failed, result = run_module(module.main, dict(progress=progress(failed=True), records_file=zone_file))
    assert failed and 'bad.example.com' in result['msg']
    assert result['files_written'] == [zone_file] and os.path.exists(zone_file)
