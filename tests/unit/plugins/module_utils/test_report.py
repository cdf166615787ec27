# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_report: progress -> results, summary lines, the external records as zone-file fragment and CSV, the failure message."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import csv
import io

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _report

TARGET = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'


def entry(name, index, **extra):
    base = dict(index=index, name=name, name_unicode=name, bucket='demo-assets', region='cn-hangzhou', state='present',
                dns='alidns', zone='example.com', target=TARGET, phase='resolved', failed=False, msg='', error_code=None,
                changed=True, steps=[{'step': 'bind', 'changed': True, 'msg': 'bound', 'elapsed': 0.5},
                                     {'step': 'records', 'changed': True, 'msg': 'published', 'elapsed': 0.25}],
                binding={'domain': name, 'status': 'Enabled', 'certificate': None}, ownership_record=None,
                records=[{'record': name, 'type': 'CNAME', 'value': [TARGET], 'ttl': 600, 'line': 'default'}],
                records_to_add=[], records_to_remove=[], conflicts=[], replaced=[], notes=[],
                waits=[{'what': 'the CNAME record', 'step': 'records', 'done': True, 'elapsed': 2.0, 'checks': 3}])
    base.update(extra)
    return base


def progress():
    return {
        'b.example.com': entry('b.example.com', 1),
        'a.example.com': entry('a.example.com', 0, replaced=[{'record': 'a.example.com', 'type': 'CNAME', 'value': 'cdn.example.net',
                                                              'ttl': 600, 'line': 'default'}]),
        'bad.example.com': entry('bad.example.com', 2, phase='failed', failed=True, error_code='TargetDoesNotResolve',
                                 msg='the bucket endpoint x.oss-cn-hangzou.aliyuncs.com does not resolve: wrong region or bucket?',
                                 binding=None, waits=[]),
        'ext.example.org': entry('ext.example.org', 3, dns='external', zone=None, phase='records_published',
                                 records_to_add=[{'name': 'ext.example.org', 'type': 'CNAME', 'value': TARGET, 'ttl': 600}],
                                 records_to_remove=[{'name': '_dnsauth.ext.example.org', 'type': 'TXT', 'value': 'tok"en', 'ttl': 600}],
                                 ownership_record={'record': '_dnsauth.ext.example.org', 'type': 'TXT', 'value': ['tok"en'], 'ttl': 600},
                                 waits=[]),
        'own.example.org': entry('own.example.org', 4, dns='external', zone=None, phase='ownership_pending', binding=None,
                                 records_to_add=[{'name': '_dnsauth.own.example.org', 'type': 'TXT', 'value': 'token-1', 'ttl': 600}],
                                 waits=[]),
        'gone.example.com': entry('gone.example.com', 5, state='absent', phase='removed', binding=None, waits=[]),
    }


def test_results_are_in_input_order_with_the_keys_of_custom_domain_result():
    results = _report.results(progress())
    assert [r['domain'] for r in results] == ['a.example.com', 'b.example.com', 'bad.example.com', 'ext.example.org',
                                              'own.example.org', 'gone.example.com']
    keys = {'domain', 'bucket', 'region', 'state', 'status', 'changed', 'check_mode', 'dns', 'zone', 'target', 'binding',
            'certificate', 'ownership_verified', 'records_to_add', 'records_to_remove', 'waits', 'notes', 'elapsed', 'failed',
            'msg', 'error_code', 'domain_unicode'}
    assert keys <= set(results[0])
    assert [r['status'] for r in results] == ['resolves', 'resolves', 'failed', 'records_to_add', 'waiting_for_ownership_record',
                                              'unbound']
    assert results[0]['elapsed'] == 0.8  # the steps' own times
    assert results[3]['ownership_verified'] and not results[4]['ownership_verified']
    stale = entry('s.example.com', 0, ownership_record={'record': '_dnsauth.s.example.com', 'type': 'TXT', 'value': ['x'], 'stale': True})
    assert not _report.result_of(stale)['ownership_verified']  # a record left by an earlier run proves nothing now


def test_check_mode_status_and_failed_stays_failed():
    results = _report.results(progress(), check_mode=True)
    assert [r['status'] for r in results] == ['check_mode', 'check_mode', 'failed', 'check_mode', 'check_mode', 'check_mode']
    assert all(r['check_mode'] for r in results)


def test_waiting_after_the_ownership_wait_is_waiting_for_the_ownership_record():
    item = entry('w.example.org', 0, dns='external', phase='waiting', binding=None,
                 waits=[{'what': 'the ownership TXT record', 'step': 'ownership', 'done': False, 'elapsed': 0, 'checks': 1}])
    assert _report.status_of(item) == 'waiting_for_ownership_record'
    item = entry('w.example.com', 0, phase='waiting', waits=[{'what': 'the CNAME record', 'step': 'records', 'done': False, 'checks': 1}])
    assert _report.status_of(item) == 'published'


def test_summary_lines_say_why_a_domain_failed_and_what_was_replaced():
    report = _report.build(progress())
    lines = dict((line.split(':', 1)[0], line) for line in report['summary'])
    assert lines['bad.example.com'].startswith('bad.example.com: FAILED (present, bucket demo-assets (cn-hangzhou)): the bucket endpoint')
    assert '(TargetDoesNotResolve)' in lines['bad.example.com']
    assert 'replaced CNAME a.example.com cdn.example.net' in lines['a.example.com']
    assert 'resolves on every authoritative nameserver' in lines['a.example.com']
    assert 'in Alibaba Cloud DNS zone example.com' in lines['a.example.com']
    assert 'waited 2.0 s' in lines['a.example.com']
    assert lines['ext.example.org'].endswith('changed, 0.8 s')
    assert 'add at the DNS provider: ext.example.org CNAME' in lines['ext.example.org']
    assert 'add _dnsauth.own.example.org TXT at the DNS provider, then run again' in lines['own.example.org']
    assert 'NOT bound yet' in lines['own.example.org']
    assert 'the records pointing at it are gone from Alibaba Cloud DNS' in lines['gone.example.com']


def test_failure_message_names_each_failed_domain_with_its_reason():
    results = _report.results(progress())
    message = _report.failure_message(results)
    assert message.startswith('custom_domain: 1 of 6 domain(s) failed (bad.example.com). bad.example.com: the bucket endpoint')
    assert _report.failure_message([r for r in results if not r['failed']]) is None


def test_failure_message_counts_beyond_the_first_domains():
    many = dict(('d%02d.example.com' % i, entry('d%02d.example.com' % i, i, phase='failed', failed=True, msg='no'))
                for i in range(25))
    message = _report.failure_message(_report.results(many))
    assert '25 of 25' in message and 'and 5 more (see results)' in message


def test_zone_fragment_is_one_block_for_all_domains():
    report = _report.build(progress())
    text = report['zone_fragment']
    assert 'ext.example.org. 600 IN CNAME %s.' % TARGET in text
    assert '_dnsauth.own.example.org. 600 IN TXT "token-1"' in text
    # removals are comments: a zone file cannot remove
    assert '; _dnsauth.ext.example.org. 600 IN TXT "tok\\"en"' in text
    assert text.index('ADD these 2 record(s)') < text.index('REMOVE these 1 record(s)')
    assert text.count('; ext.example.org') == 2  # the domain heads its records in both blocks


def test_zone_fragment_when_nothing_is_external():
    text = _report.zone_fragment([])
    assert 'Nothing to change' in text


def test_csv_has_a_header_and_one_row_per_value():
    rows = _report.external_rows(_report.results(progress()))
    text = _report.csv_text(rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ['action', 'domain', 'name', 'type', 'ttl', 'value']
    assert ['add', 'ext.example.org', 'ext.example.org', 'CNAME', '600', TARGET] in parsed
    assert ['remove', 'ext.example.org', '_dnsauth.ext.example.org', 'TXT', '600', 'tok"en'] in parsed


@pytest.mark.parametrize('value, expected', [
    ('plain', '"plain"'),
    ('quo"te', '"quo\\"te"'),
    ('x' * 300, '"%s" "%s"' % ('x' * 255, 'x' * 45)),
])
def test_txt_zone_value_uses_the_one_grammar(value, expected):
    assert _report.zone_value('TXT', value) == expected
    assert _report._escape_text(value) == expected


def test_outcome_fails_unless_told_and_sets_facts():
    params = dict(progress=progress(), records_file='/tmp/x.zone', records_csv=None, fail_on_error=True, summary=True, single=False,
                  variable_prefix='custom_domain_')
    result, files = _report.outcome(params)
    assert result['failed'] and 'bad.example.com' in result['msg']
    assert list(files) == ['/tmp/x.zone']
    assert len(result['ansible_facts']['custom_domain_results']) == 6
    params.update(fail_on_error=False, single=True, progress={'a.example.com': entry('a.example.com', 0)})
    result, files = _report.outcome(params)
    assert not result.get('failed')
    assert result['ansible_facts']['custom_domain_result']['domain'] == 'a.example.com'
    params.update(variable_prefix='')
    result, files = _report.outcome(params)
    assert 'ansible_facts' not in result
