# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_wait list mode: per-domain waits with their own deadlines and diagnoses, resumed across slices through progress."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from contextlib import closing

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow, _report, _wait
from ansible_collections.alicloud_oss.domains.plugins.module_utils._wait import Outcome, run_list
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import FakeClock

TARGET = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'


class World(object):
    """What the nameservers say: name -> round from which the record is right; targets that do not exist."""

    def __init__(self, clock, ready=None, missing_targets=(), no_zone=(), ignore_ecs=False):
        self.clock = clock
        self.ready = dict(ready or {})
        self.missing_targets = set(missing_targets)
        self.no_zone = set(no_zone)
        self.ignore_ecs = ignore_ecs
        self.rounds = 0
        self.asked = []

    def check_round(self, specs):
        self.rounds += 1
        self.clock.now += 0.05
        outcomes = []
        for spec in specs:
            self.asked.append((self.rounds, spec.name, spec.rtype, spec.subnet))
            if spec.name in self.no_zone:
                outcomes.append(Outcome(False, error='no zone', fatal='no DNS zone serves %s' % spec.name))
                continue
            if spec.subnet and self.ignore_ecs:
                outcomes.append(Outcome(False, {'ns1.example.com': []}, unobservable=_wait.ecs_ignored_note(spec, ['ns1.example.com'])))
                continue
            ready = spec.name in self.ready and self.rounds >= self.ready[spec.name]
            if spec.mode == 'excludes':
                answer = [] if ready else list(spec.expected)
                outcomes.append(Outcome(ready, {'ns1.example.com': answer}))
                continue
            answer = list(spec.expected) if ready else []
            target = None
            done = ready
            if ready and spec.target_resolves:
                missing = spec.expected[0] in self.missing_targets
                target = {'name': spec.expected[0], 'done': not missing, 'nameservers': {'ns1.aliyuncs.com': [] if missing else ['127.0.0.5']}}
                if missing:
                    target['nxdomain'] = True
                    outcomes.append(Outcome(False, {'ns1.example.com': answer}, target=target, fatal=_wait.target_missing_message(target)))
                    continue
            outcomes.append(Outcome(done, {'ns1.example.com': answer}, target=target))
        return outcomes


def entry(name, index, phase='records_published', dns='alidns', line='default', target=TARGET, **extra):
    base = dict(index=index, name=name, name_unicode=name, dns=dns, zone='example.com' if dns == 'alidns' else None, phase=phase,
                failed=False, target=target, state='present', steps=[], notes=[], waits=[],
                records=[dict(record=name, type='CNAME', value=[target], ttl=600, line=line)], records_to_add=[])
    base.update(extra)
    return base


def settings(**by_name):
    def settings_of(entry):
        return by_name.get(entry['name'], {'wait': True, 'wait_timeout': 600})
    return settings_of


def test_each_domain_resolves_in_its_own_time_and_is_not_asked_again():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'a.example.com': 1, 'b.example.com': 3})
    progress = {'a.example.com': entry('a.example.com', 0), 'b.example.com': entry('b.example.com', 1),
                'c.example.com': entry('c.example.com', 2, phase='bound')}
    results, remaining, rounds = run_list(progress, 'records', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert [r['name'] for r in results] == ['a.example.com', 'b.example.com']  # c is not this step's business
    assert [r['status'] for r in results] == ['resolved', 'resolved']
    assert rounds == 3 and remaining == 0
    assert [name for dummy, name, dummy2, dummy3 in world.asked].count('a.example.com') == 1
    assert progress['a.example.com']['phase'] == 'resolved' and progress['c.example.com']['phase'] == 'bound'
    wait = progress['b.example.com']['waits'][0]
    assert wait['done'] and wait['checks'] == 3 and wait['step'] == 'records' and wait['what'] == 'the CNAME record'
    assert progress['b.example.com']['steps'][-1]['step'] == 'wait'


def test_the_bucket_endpoint_not_resolving_is_its_own_diagnosis_and_fails_at_once():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'a.example.com': 1}, missing_targets={TARGET})
    progress = {'a.example.com': entry('a.example.com', 0)}
    results, remaining, rounds = run_list(progress, 'records', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert rounds == 1 and results[0]['status'] == 'failed'
    item = progress['a.example.com']
    assert item['failed'] and item['phase'] == 'failed' and item['error_code'] == 'TargetDoesNotResolve'
    assert 'the bucket endpoint %s does not resolve' % TARGET in item['msg'] and 'wrong region or bucket?' in item['msg']
    assert 'CNAME was not served' not in item['msg']


def test_timeout_alidns_fails_external_waits_and_what_the_servers_said_is_kept():
    clock = FakeClock(1700000000.0)
    world = World(clock)
    progress = {'a.example.com': entry('a.example.com', 0), 'b.example.org': entry('b.example.org', 1, dns='external')}
    conf = settings(**{'a.example.com': {'wait': True, 'wait_timeout': 5}, 'b.example.org': {'wait': True, 'wait_timeout': 5}})
    results, remaining, rounds = run_list(progress, 'records', conf, world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert [r['status'] for r in results] == ['failed', 'waiting']
    a, b = progress['a.example.com'], progress['b.example.org']
    assert a['error_code'] == 'WaitTimeout' and 'Alibaba Cloud DNS zone example.com has it' in a['msg']
    assert 'ns1.example.com said no record' in a['msg']
    assert b['phase'] == 'waiting' and not b['failed'] and any('add it at the DNS provider' in note for note in b['notes'])
    assert clock.now - 1700000000.0 == pytest.approx(5.0, abs=0.2)  # each its own deadline, not the module's timeout


def test_wait_false_is_checked_once_and_reaches_resolved_when_it_resolves():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'a.example.org': 1})
    progress = {'a.example.org': entry('a.example.org', 0, dns='external',
                                       records_to_add=[{'name': 'a.example.org', 'type': 'CNAME', 'value': TARGET, 'ttl': 600}]),
                'b.example.org': entry('b.example.org', 1, dns='external')}
    results, remaining, rounds = run_list(progress, 'records', settings(**{'a.example.org': {'wait': False}, 'b.example.org': {'wait': False}}),
                                          world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert rounds == 1 and clock.sleeps == []
    assert progress['a.example.org']['phase'] == 'resolved' and len(progress['a.example.org']['records_to_add']) == 1
    assert progress['b.example.org']['phase'] == 'waiting' and not progress['b.example.org']['failed']
    assert any('checked once (wait is false)' in note for note in progress['b.example.org']['notes'])


def test_slices_resume_the_deadline_from_progress():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'a.example.com': 10 ** 6})
    progress = {'a.example.com': entry('a.example.com', 0)}
    conf = settings(**{'a.example.com': {'wait': True, 'wait_timeout': 50}})
    results, remaining, rounds = run_list(progress, 'records', conf, world.check_round, timeout=30, time_left=100, clock=clock, sleep=clock.sleep)
    assert results[0]['status'] == 'pending' and progress['a.example.com']['phase'] == 'records_published'
    assert remaining == pytest.approx(20, abs=0.2)
    started = progress['a.example.com']['waits'][0]['started']
    first_checks = progress['a.example.com']['waits'][0]['checks']
    results, remaining, rounds = run_list(progress, 'records', conf, world.check_round, timeout=30, time_left=70, clock=clock, sleep=clock.sleep)
    wait = progress['a.example.com']['waits']
    assert len(wait) == 1 and wait[0]['started'] == started and wait[0]['checks'] > first_checks
    assert progress['a.example.com']['phase'] == 'failed' and remaining == 0
    assert wait[0]['elapsed'] == pytest.approx(50, abs=0.5)
    assert [step['step'] for step in progress['a.example.com']['steps']] == ['wait']


def test_the_last_slice_ends_every_wait():
    clock = FakeClock(1700000000.0)
    world = World(clock)
    progress = {'a.example.org': entry('a.example.org', 0, dns='external')}
    results, remaining, rounds = run_list(progress, 'records', settings(), world.check_round, timeout=10, time_left=10, clock=clock,
                                          sleep=clock.sleep)
    assert results[0]['status'] == 'waiting' and remaining == 0 and progress['a.example.org']['phase'] == 'waiting'


def test_a_line_whose_answer_cannot_be_seen_is_said_not_waited_for():
    clock = FakeClock(1700000000.0)
    world = World(clock, ignore_ecs=True)
    progress = {'t.example.com': entry('t.example.com', 0, line='telecom'), 'u.example.com': entry('u.example.com', 1, line='cn_telecom_beijing')}
    results, remaining, rounds = run_list(progress, 'records', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert [r['status'] for r in results] == ['waiting', 'waiting'] and rounds == 1 and remaining == 0
    assert world.asked == [(1, 't.example.com', 'CNAME', '202.96.128.0/24')]  # u has no known subnet: not even asked
    t, u = progress['t.example.com'], progress['u.example.com']
    assert not t['failed'] and t['phase'] == 'waiting'
    assert any('line "telecom"' in note and 'ignored the client subnet' in note for note in t['notes'])
    assert any('no client subnet of that network is known' in note and 'line_subnets' in note for note in u['notes'])


def test_line_subnets_can_be_given():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'u.example.com': 1})
    progress = {'u.example.com': entry('u.example.com', 0, line='cn_telecom_beijing')}
    results, dummy, dummy2 = run_list(progress, 'records', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep,
                                      line_subnets={'cn_telecom_beijing': '203.0.113.0/24'})
    assert results[0]['status'] == 'resolved' and world.asked[0][3] == '203.0.113.0/24'


def test_ownership_step_waits_for_the_txt_and_leaves_the_phase_to_the_rebind():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'_dnsauth.a.example.org': 2})
    record = {'record': '_dnsauth.a.example.org', 'type': 'TXT', 'value': ['tok-1'], 'ttl': 600}
    progress = {'a.example.org': entry('a.example.org', 0, dns='external', phase='ownership_pending', ownership_record=record,
                                       records_to_add=[{'name': '_dnsauth.a.example.org', 'type': 'TXT', 'value': 'tok-1', 'ttl': 600}],
                                       steps=[{'step': 'ownership', 'changed': True, 'msg': 'token'}])}
    results, remaining, rounds = run_list(progress, 'ownership', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert results == []  # the TXT record is not published yet: the publish step comes first
    progress['a.example.org']['steps'].append({'step': 'publish_ownership', 'changed': False, 'msg': 'add it at the DNS provider'})
    results, remaining, rounds = run_list(progress, 'ownership', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    item = progress['a.example.org']
    assert results[0]['status'] == 'resolved' and item['phase'] == 'ownership_pending' and len(item['records_to_add']) == 1
    assert world.asked[0][1:3] == ('_dnsauth.a.example.org', 'TXT')
    assert item['waits'][0]['what'] == 'the ownership TXT record' and item['steps'][-1]['step'] == 'wait_ownership'
    assert _flow.next_step(item) == 'rebind'


def test_ownership_not_served_ends_the_run_for_that_domain():
    clock = FakeClock(1700000000.0)
    world = World(clock)
    record = {'record': '_dnsauth.a.example.org', 'type': 'TXT', 'value': ['tok-1'], 'ttl': 600}
    progress = {'a.example.org': entry('a.example.org', 0, dns='external', phase='ownership_pending', ownership_record=record,
                                       steps=[{'step': 'publish_ownership', 'changed': False, 'msg': ''}])}
    results, remaining, rounds = run_list(progress, 'ownership', settings(**{'a.example.org': {'wait': False}}), world.check_round,
                                          timeout=30, clock=clock, sleep=clock.sleep)
    item = progress['a.example.org']
    assert results[0]['status'] == 'waiting' and item['phase'] == 'waiting' and not item['failed']
    assert _flow.next_step(item) is None  # neither the rebind nor the records wait
    assert _report.status_of(item) == 'waiting_for_ownership_record'


def test_check_mode_checks_once():
    clock = FakeClock(1700000000.0)
    world = World(clock)
    progress = {'a.example.com': entry('a.example.com', 0)}
    results, remaining, rounds = run_list(progress, 'records', settings(), world.check_round, timeout=30, check_mode=True, clock=clock,
                                          sleep=clock.sleep)
    # check mode predicts the run that waits: the CNAME it would publish is taken to resolve, so the cleanup is predicted
    assert rounds == 1 and progress['a.example.com']['phase'] == 'resolved' and not progress['a.example.com']['failed']
    assert any('check mode' in note for note in progress['a.example.com']['notes'])


def test_a_name_no_zone_serves_fails_that_domain_only():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'b.example.com': 1}, no_zone={'a.example.nope'})
    progress = {'a.example.nope': entry('a.example.nope', 0, dns='external'), 'b.example.com': entry('b.example.com', 1)}
    results, dummy, dummy2 = run_list(progress, 'records', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert [r['status'] for r in results] == ['failed', 'resolved']
    assert progress['a.example.nope']['error_code'] == 'DnsZoneNotFound'


def test_a_removed_cname_is_waited_for_until_gone():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'a.example.com': 2})
    progress = {'a.example.com': entry('a.example.com', 0, phase='removed', state='absent',
                                       waits=[{'what': 'the removal of the CNAME record', 'step': 'records', 'done': False,
                                               'elapsed': 0.0, 'checks': 0}])}
    results, dummy, rounds = run_list(progress, 'records', settings(), world.check_round, timeout=30, clock=clock, sleep=clock.sleep)
    assert results[0]['status'] == 'resolved' and rounds == 2 and progress['a.example.com']['phase'] == 'removed'
    assert progress['a.example.com']['waits'][0]['done']
    assert world.asked[0][2] == 'CNAME'


# -- EDNS Client Subnet against an in-process authoritative server ----------------------------------------------------

dns = pytest.importorskip('dns.message')
import dns.edns  # noqa: E402  pylint: disable=wrong-import-position
import dns.flags  # noqa: E402  pylint: disable=wrong-import-position
import dns.message  # noqa: E402  pylint: disable=wrong-import-position,reimported
import dns.rrset  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.alicloud_oss.domains.tests.unit.plugins.module_utils.test_dns import (  # noqa: E402 pylint: disable=wrong-import-position
    ZONES, FakeAuthoritativeServer, make_resolver,
)


class LineServer(FakeAuthoritativeServer):
    """Answers tel.example.org only to clients of 202.96.128.0/24 (as a line), when it honours ECS; else as BIND does."""

    honour_ecs = True
    flat = False  # echo the option with scope 0 and answer the default view, as BIND (the emulator) does

    def answer(self, wire, transport):
        query = dns.message.from_wire(wire)
        name = query.question[0].name.to_text().rstrip('.').lower()
        ecs = [option for option in query.options if option.otype == dns.edns.ECS]
        if ecs and self.flat:
            response = dns.message.from_wire(super(LineServer, self).answer(wire, transport))
            response.use_edns(0, options=[dns.edns.ECSOption(ecs[0].address, ecs[0].srclen, 0)])
            return response.to_wire()
        if not (self.honour_ecs and ecs):
            return super(LineServer, self).answer(wire, transport)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        response.use_edns(0, options=[dns.edns.ECSOption(ecs[0].address, ecs[0].srclen, 24)])
        if name == 'tel.example.org' and ecs[0].address.startswith('202.96.128.'):
            response.answer.append(dns.rrset.from_text('tel.example.org.', 60, 'IN', 'CNAME', 'bucket.oss-cn-hangzhou.aliyuncs.com.'))
        else:
            return super(LineServer, self).answer(wire, transport)
        return response.to_wire()


@pytest.fixture
def line_server():
    server = LineServer()
    yield server
    server.close()


def line_entry():
    return entry('tel.example.org', 0, dns='external', line='telecom', target='bucket.oss-cn-hangzhou.aliyuncs.com')


def test_a_line_is_waited_for_where_it_is_served(line_server):
    with closing(make_resolver(line_server)) as resolver:
        progress = {'tel.example.org': line_entry()}
        results, dummy, rounds = run_list(progress, 'records', settings(), resolver.check_round_each, timeout=5)
    assert results[0]['status'] == 'resolved', results
    assert progress['tel.example.org']['phase'] == 'resolved'


def test_a_server_that_ignores_the_client_subnet_cannot_show_the_line(line_server):
    line_server.honour_ecs = False
    with closing(make_resolver(line_server)) as resolver:
        progress = {'tel.example.org': line_entry()}
        results, dummy, rounds = run_list(progress, 'records', settings(), resolver.check_round_each, timeout=5)
    assert results[0]['status'] == 'waiting' and rounds == 1
    assert any('ignored the client subnet 202.96.128.0/24' in note and 'dig @ns1.example.org tel.example.org CNAME' in note
               for note in progress['tel.example.org']['notes'])


def test_a_server_that_answers_every_network_alike_does_not_serve_the_line(line_server):
    line_server.flat = True
    with closing(make_resolver(line_server)) as resolver:
        progress = {'tel.example.org': line_entry()}
        results, dummy, rounds = run_list(progress, 'records', settings(), resolver.check_round_each, timeout=30,
                                          delays=iter([0.01] * 10))
    assert results[0]['status'] == 'waiting' and rounds == _wait.ECS_FLAT_CHECKS
    assert any('scope 0' in note and 'does not serve that line apart' in note for note in progress['tel.example.org']['notes'])


def test_a_bucket_endpoint_that_does_not_exist_fails_at_once():
    zones = dict(ZONES)
    zones['example.org'] = zones['example.org'] + 'wrong 60 IN CNAME bucket.oss-cn-hangzou.aliyuncs.com.\n'
    server = FakeAuthoritativeServer(zones)
    try:
        with closing(make_resolver(server)) as resolver:
            progress = {'cdn.example.org': entry('cdn.example.org', 0, dns='external', target='bucket.oss-cn-hangzhou.aliyuncs.com'),
                        'wrong.example.org': entry('wrong.example.org', 1, dns='external', target='bucket.oss-cn-hangzou.aliyuncs.com')}
            results, dummy, rounds = run_list(progress, 'records', settings(), resolver.check_round_each, timeout=5)
    finally:
        server.close()
    assert [r['status'] for r in results] == ['resolved', 'failed'] and rounds == 1
    assert progress['wrong.example.org']['msg'].startswith(
        'the CNAME record: the bucket endpoint bucket.oss-cn-hangzou.aliyuncs.com does not resolve (NXDOMAIN from ns1.aliyuncs.com): '
        'wrong region or bucket?')


def test_a_domain_left_waiting_is_not_checked_again_by_the_next_slice():
    clock = FakeClock(1700000000.0)
    world = World(clock, ready={'a.example.com': 10 ** 6})
    progress = {'a.example.com': entry('a.example.com', 0), 'e.example.org': entry('e.example.org', 1, dns='external')}
    conf = settings(**{'a.example.com': {'wait': True, 'wait_timeout': 50}, 'e.example.org': {'wait': False}})
    results, remaining, rounds = run_list(progress, 'records', conf, world.check_round, timeout=30, time_left=100, clock=clock,
                                          sleep=clock.sleep)
    assert [r['status'] for r in results] == ['pending', 'waiting']
    assert progress['e.example.org']['waits'][0]['elapsed'] == pytest.approx(0.05)  # its own time, not the slice's
    asked = len(world.asked)
    results, remaining, rounds = run_list(progress, 'records', conf, world.check_round, timeout=30, time_left=70, clock=clock,
                                          sleep=clock.sleep)
    assert [r['name'] for r in results] == ['a.example.com']
    assert all(name == 'a.example.com' for dummy, name, dummy2, dummy3 in world.asked[asked:])
    assert len(progress['e.example.org']['waits']) == 1 and len(progress['e.example.org']['notes']) == 1
