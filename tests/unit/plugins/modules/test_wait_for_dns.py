# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from unittest import mock

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _dns, _wait
from ansible_collections.alicloud_oss.domains.plugins.modules import wait_for_dns
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import FakeClock


class ScriptedResolver(object):
    """Stands in for the DNS side only: answers per (name, type) become right after `ready_after` rounds."""

    instances = []

    def __init__(self, resolvers, port=53, query_timeout=5.0, query_retries=2, nameservers=None):
        self.resolvers = resolvers
        self.nameservers = nameservers
        self.port = port
        self.query_timeout = query_timeout
        self.query_retries = query_retries
        self.queries = 0
        self.rounds = 0
        self.closed = False
        self.asked = []
        ScriptedResolver.instances.append(self)

    ready_after = {}  # (name, type) -> rounds before the right answer shows; missing = never
    wrong = {}  # (name, type) -> what the servers say until then
    missing_zones = ()

    def check_round(self, specs):
        self.rounds += 1
        outcomes = []
        for spec in specs:
            self.asked.append(spec.name)
            self.queries += 2
            if spec.name.endswith(self.missing_zones) and self.missing_zones:
                raise _dns.ZoneNotFoundError('records[{0}] ({1}): no DNS zone serves {2}'.format(spec.index, spec.label(), spec.name))
            key = (spec.name, spec.rtype)
            ready = key in self.ready_after and self.rounds > self.ready_after[key]
            answer = list(spec.expected) if ready else self.wrong.get(key, [])
            nameservers = {'ns1.example.org': answer, 'ns2.example.org': answer if ready else 'SERVFAIL'}
            outcomes.append(_wait.Outcome(ready, nameservers))
        return outcomes

    def close(self):
        self.closed = True


@pytest.fixture
def fake(monkeypatch):
    clock = FakeClock()
    ScriptedResolver.instances = []
    ScriptedResolver.ready_after = {}
    ScriptedResolver.wrong = {}
    ScriptedResolver.missing_zones = ()
    monkeypatch.setattr(_wait, 'RecordChecker', ScriptedResolver)
    monkeypatch.setattr(_wait.time, 'monotonic', clock.monotonic)
    monkeypatch.setattr(_wait.time, 'sleep', clock.sleep)
    return clock


def args(**kwargs):
    base = dict(records=[dict(name='CDN.example.org.', type='CNAME', value='Bucket.oss-cn-hangzhou.aliyuncs.com.')],
                resolvers=['127.0.0.1:5399'], port=5399)
    base.update(kwargs)
    return base


def test_done_after_rounds(fake, tmp_path):
    ScriptedResolver.ready_after = {('cdn.example.org', 'CNAME'): 2, ('_dnsauth.cdn.example.org', 'TXT'): 0}
    progress = tmp_path / 'progress.log'
    failed, result = run_module(wait_for_dns.main, args(
        records=[dict(name='CDN.example.org.', type='CNAME', value='Bucket.oss-cn-hangzhou.aliyuncs.com.'),
                 dict(name='_dnsauth.cdn.example.org', type='TXT', values=['"tok" "en"'], mode='subset')],
        progress_file=str(progress), query_timeout=2, query_retries=1))
    assert not failed, result
    assert result['changed'] is False
    assert result['rounds'] == 3
    assert result['completed'] == 2
    assert result['queries'] == 2 * (2 + 1 + 1)
    assert result['elapsed'] == pytest.approx(0.25 + 0.3125, abs=1e-3)  # poll_interval, then 1.25 times longer
    first, second = result['records']
    target = ['bucket.oss-cn-hangzhou.aliyuncs.com']
    assert first == dict(name='cdn.example.org', name_unicode='cdn.example.org', type='CNAME', mode='equals', expected=target, done=True,
                         checks=3, elapsed=0.562, nameservers={'ns1.example.org': target, 'ns2.example.org': target})
    assert second['checks'] == 1 and second['done'] is True and second['expected'] == ['token']
    resolver = ScriptedResolver.instances[0]
    assert resolver.resolvers == [('127.0.0.1', 5399)]
    assert (resolver.port, resolver.query_timeout, resolver.query_retries) == (5399, 2, 1)
    assert resolver.closed
    assert resolver.asked == ['cdn.example.org', '_dnsauth.cdn.example.org', 'cdn.example.org', 'cdn.example.org']
    lines = progress.read_text().splitlines()
    assert len(lines) == 3
    assert ' round=1 elapsed=0.00s done=1/2 queries=4 waiting: cdn.example.org CNAME' in lines[0]
    assert 'ns2.example.org said SERVFAIL' in lines[0]
    assert ' round=3 ' in lines[2] and 'done=2/2' in lines[2]


def test_timeout_fails_with_detail(fake):
    ScriptedResolver.wrong = {('cdn.example.org', 'CNAME'): ['old-bucket.oss-cn-hangzhou.aliyuncs.com']}
    failed, result = run_module(wait_for_dns.main, args(timeout=5, max_poll_interval=1))
    assert failed
    assert result['changed'] is False
    assert result['completed'] == 0
    assert result['elapsed'] == pytest.approx(5)
    schedule = [min(0.25 * 1.25 ** step, 1) for step in range(len(fake.sleeps))]
    assert fake.sleeps[:-1] == pytest.approx(schedule[:-1])  # growing by a quarter, capped at max_poll_interval
    assert fake.sleeps[-1] < schedule[-1]  # the last pause is cut at the deadline
    assert max(fake.sleeps) == 1
    record = result['records'][0]
    assert record['done'] is False and record['checks'] == result['rounds'] > 3
    assert record['nameservers'] == {'ns1.example.org': ['old-bucket.oss-cn-hangzhou.aliyuncs.com'], 'ns2.example.org': 'SERVFAIL'}
    assert result['msg'].startswith('Timeout after 5.0s (timeout 5.0s): 1 of 1 record(s) not as expected')
    assert ('cdn.example.org CNAME: expected equals [bucket.oss-cn-hangzhou.aliyuncs.com] - '
            'ns1.example.org said [old-bucket.oss-cn-hangzhou.aliyuncs.com]; ns2.example.org said SERVFAIL') in result['msg']


def test_zone_not_found_fails_cleanly(fake):
    ScriptedResolver.missing_zones = ('.nowhere.test',)
    records = [dict(name='a.example.org', type='A', value='192.0.2.1'), dict(name='x.nowhere.test', type='TXT', value='t')]
    failed, result = run_module(wait_for_dns.main, args(records=records))
    assert failed
    assert result['msg'] == 'Cannot wait for these records: records[1] (x.nowhere.test TXT): no DNS zone serves x.nowhere.test'
    assert ScriptedResolver.instances[0].closed


def test_check_mode_is_the_same(fake):
    ScriptedResolver.ready_after = {('cdn.example.org', 'CNAME'): 0}
    failed, result = run_module(wait_for_dns.main, args(_ansible_check_mode=True))
    assert not failed and result['changed'] is False and result['completed'] == 1 and result['rounds'] == 1


@pytest.mark.parametrize('override, message', [
    (dict(records=[dict(name='ok.example.org', type='A', value='192.0.2.1'), dict(name='bad..example.org', type='A', value='192.0.2.1'),
                   dict(name='ok2.example.org', type='A', value='192.0.2.1'), dict(name='x y.example.org', type='A', value='192.0.2.1')]),
     "records[1].name: 'bad..example.org' has an empty label"),
    (dict(records=[dict(name='a.example.org', type='TXT', value='x', values=['x'])]), 'records[0]: set either value or values, not both'),
    (dict(records=[dict(name='a.example.org', type='TXT')]), 'records[0]: one of value or values is required'),
    (dict(records=[dict(name='a.example.org', type='TXT', value='x', target_resolves=True)]),
     'records[0].target_resolves: only valid for type CNAME (got TXT)'),
    (dict(resolvers=['127.0.0.1', 'resolver.example.net']), "resolvers[1]: 'resolver.example.net' is not an IP address"),
    (dict(query_timeout=0), 'query_timeout: must be > 0 (got 0.0)'),
    (dict(timeout=-1), 'timeout: must be >= 0 (got -1.0)'),
    (dict(port=0), 'port: 0 is out of range'),
])
def test_validation_errors_name_the_field(fake, override, message):
    failed, result = run_module(wait_for_dns.main, args(**override))
    assert failed
    assert result['msg'].startswith(message), result['msg']
    assert ScriptedResolver.instances == []


def test_unknown_type_rejected_by_argspec(fake):
    failed, result = run_module(wait_for_dns.main, args(records=[dict(name='a.example.org', type='SPF', value='x')]))
    assert failed and 'type' in result['msg'] and 'SPF' in result['msg']


def test_default_resolvers_from_resolv_conf(fake):
    ScriptedResolver.ready_after = {('cdn.example.org', 'CNAME'): 0}
    with mock.patch.object(_dns, 'system_resolvers', return_value=[('10.0.0.2', 53)]):
        failed, result = run_module(wait_for_dns.main, args(resolvers=None))
    assert not failed, result
    assert ScriptedResolver.instances[0].resolvers == [('10.0.0.2', 53)]
    with mock.patch.object(_dns, 'system_resolvers', return_value=[]):
        failed, result = run_module(wait_for_dns.main, args(resolvers=None))
    assert failed and result['msg'].startswith('resolvers: not set and no nameserver found')


def test_nameservers_are_the_servers_asked_and_need_no_resolver(fake):
    ScriptedResolver.ready_after = {('cdn.example.org', 'CNAME'): 0}
    with mock.patch.object(_dns, 'system_resolvers', return_value=[]):
        failed, result = run_module(wait_for_dns.main, args(resolvers=None, nameservers=['10.0.0.53', '[2001:db8::53]:5353']))
    assert not failed, result
    assert ScriptedResolver.instances[0].nameservers == [('10.0.0.53', 5399), ('2001:db8::53', 5353)]  # default: the port option
    assert ScriptedResolver.instances[0].resolvers == []
    failed, result = run_module(wait_for_dns.main, args(nameservers=['10.0.0.53', 'ns1.example.org']))
    assert failed and result['msg'].startswith("nameservers[1]: 'ns1.example.org' is not an IP address")


def test_missing_dnspython(fake, monkeypatch):
    monkeypatch.setattr(_wait, 'HAS_DNSPYTHON', False)
    monkeypatch.setattr(_wait, 'DNSPYTHON_IMPORT_ERROR', 'Traceback: no module named dns')
    failed, result = run_module(wait_for_dns.main, args())
    assert failed and 'dnspython' in result['msg'] and result['exception'] == 'Traceback: no module named dns'


# -- list mode ------------------------------------------------------------------------------------------------------------

TARGET = 'bucket.oss-cn-hangzhou.aliyuncs.com'


def list_entry(name, index, dns='alidns', phase='records_published'):
    return dict(index=index, name=name, name_unicode=name, dns=dns, zone='example.org' if dns == 'alidns' else None, phase=phase,
                state='present', failed=False, target=TARGET, steps=[], notes=[], waits=[], records_to_add=[],
                records=[dict(record=name, type='CNAME', value=[TARGET], ttl=600, line='default')])


@pytest.fixture
def wall(fake, monkeypatch):
    monkeypatch.setattr(_wait.time, 'time', lambda: 1700000000.0 + fake.now)
    ScriptedResolver.check_round_each = ScriptedResolver.check_round
    return fake


def list_args(progress, **kwargs):
    base = dict(domains=[dict(name=name) for name in sorted(progress)], progress=progress, step='records',
                resolvers=['127.0.0.1:5399'], port=5399)
    base.update(kwargs)
    return base


def test_list_mode_per_domain_results_and_progress(wall):
    ScriptedResolver.ready_after = {('a.example.org', 'CNAME'): 0, ('b.example.org', 'CNAME'): 2}
    progress = {'a.example.org': list_entry('a.example.org', 0), 'b.example.org': list_entry('b.example.org', 1),
                'c.example.org': list_entry('c.example.org', 2, phase='bound')}
    failed, result = run_module(wait_for_dns.main, list_args(progress))
    assert not failed, result
    assert [r['status'] for r in result['results']] == ['resolved', 'resolved']
    assert result['progress']['b.example.org']['phase'] == 'resolved' and result['progress']['c.example.org']['phase'] == 'bound'
    assert result['remaining'] == 0 and result['changed'] is False
    assert result['pending']['records'] == 1 and result['pending']['wait'] == 0
    assert result['progress']['a.example.org']['waits'][0]['provider'] == 'Alibaba Cloud DNS zone example.org'


def test_list_mode_fails_naming_the_domain_once_nothing_waits_any_more(wall):
    progress = {'a.example.org': list_entry('a.example.org', 0), 'b.example.org': list_entry('b.example.org', 1, dns='external')}
    failed, result = run_module(wait_for_dns.main, list_args(progress, defaults=dict(wait_timeout=5)))
    assert failed and result['failed_domains'] == ['a.example.org']
    assert result['msg'].startswith('1 of 2 domains failed: a.example.org (the CNAME record is not served by every authoritative')
    assert result['progress']['b.example.org']['phase'] == 'waiting'


def test_list_mode_slice_leaves_waits_open_without_failing(wall):
    progress = {'a.example.org': list_entry('a.example.org', 0)}
    failed, result = run_module(wait_for_dns.main, list_args(progress, timeout=3, time_left=100, defaults=dict(wait_timeout=60)))
    assert not failed and result['remaining'] == pytest.approx(57, abs=0.5)
    assert [r['status'] for r in result['results']] == ['pending']
    assert result['progress']['a.example.org']['phase'] == 'records_published'
    assert result['progress']['a.example.org']['waits'][0]['done'] is False


def test_list_mode_bad_subnet_names_the_option(wall):
    failed, result = run_module(wait_for_dns.main, list_args({}, line_subnets={'telecom': 'nope'}))
    assert failed and result['msg'].startswith("line_subnets.telecom: 'nope' is not a client subnet")


# -- the timeout is a deadline for every query (issue 15) ------------------------------------------------------------------

@pytest.fixture
def blackhole():
    """A UDP socket on 127.0.0.1 that reads nothing and never answers: every query to it times out."""
    import socket
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.mark.parametrize('timeout', [1.0, 0.0])
def test_a_server_that_never_answers_ends_at_the_deadline_not_after_query_timeout_times_retries(blackhole, timeout):
    import time
    started = time.monotonic()
    # Without a deadline per query: query_timeout 2 s x 3 attempts = 6 s for the first lookup of the walk alone.
    options = dict(records=[dict(name='www.example.org', type='A', value='192.0.2.1')], resolvers=['127.0.0.1:%d' % blackhole],
                   timeout=timeout, query_timeout=2, query_retries=2)
    failed, result = run_module(wait_for_dns.main, options)
    took = time.monotonic() - started
    assert failed and result.get('timed_out'), result
    # timeout 0 checks once: each query waits at most query_timeout, and no query starts after it.
    assert took < max(timeout, 2.0) + 0.75, took
    assert result['elapsed'] <= max(timeout, 2.0) + 0.5
    assert 'no time left' in result['msg'] or 'timeout after' in result['msg']


def test_list_mode_a_server_that_never_answers_ends_at_the_slice_deadline(blackhole):
    import time
    progress = {'a.example.org': list_entry('a.example.org', 0)}
    started = time.monotonic()
    failed, result = run_module(wait_for_dns.main, list_args(progress, resolvers=['127.0.0.1:%d' % blackhole], timeout=1,
                                                             query_timeout=2, query_retries=2, defaults=dict(wait_timeout=1)))
    took = time.monotonic() - started
    assert failed and result['failed_domains'] == ['a.example.org']
    assert took < 1.75, took


def test_record_type_in_any_case(fake):
    ScriptedResolver.ready_after = {('cdn.example.org', 'CNAME'): 0}
    failed, result = run_module(wait_for_dns.main, args(records=[dict(name='cdn.example.org', type='cname', value='x.example.net')]))
    assert not failed, result
    assert result['records'][0]['type'] == 'CNAME'


def test_a_round_cut_by_the_deadline_keeps_the_last_answers_and_the_last_round_starts_before_it():
    clock = FakeClock()
    answers = iter([{'ns1.example.org': ['old.example.net']}] + [{'ns1.example.org': _wait.NO_TIME_LEFT}] * 50)
    started = []

    def check_round(specs):
        started.append(clock.now)
        return [_wait.Outcome(False, next(answers)) for dummy in specs]

    spec = _wait.RecordSpec('cdn.example.org', 'CNAME', ['new.example.net'])
    result = _wait.wait_for_records([spec], check_round, 5.0, delays=iter([10.0] * 50), clock=clock.monotonic, sleep=clock.sleep,
                                    reserve=1.0)
    assert result.timed_out
    assert started[:2] == [0.0, 4.0]  # the round that would start at the deadline starts 1 s before it
    assert result.states[0].last.nameservers == {'ns1.example.org': ['old.example.net']}
    assert 'said [old.example.net]' in result.timeout_message(5.0) and _wait.NO_TIME_LEFT not in result.timeout_message(5.0)
