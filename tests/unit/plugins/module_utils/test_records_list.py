# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_records list mode: plans of many domains from one zone listing, and the writes of a zone one after the other."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _records
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudServiceError
from ansible_collections.alicloud_oss.domains.plugins.module_utils._ratelimit import ZoneTurns
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import FakeClock, run_processes
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import (
    PlanError, Record, StepItem, ZonePacer, plan_cname, plan_cname_removal, plan_txt, plan_txt_removal, run_zone,
)

TARGET = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'


class FakeZoneAPI(object):
    """Zones of records; counts listings and writes; a write can fail for one name."""

    def __init__(self):
        self.zones = {'example.com': []}
        self.listings = []
        self.writes = []
        self.next_id = 100
        self.fail_rr = None
        self.sneak = None  # a record another writer adds right after our first create

    def seed(self, rr, rtype, value, ttl=600, line='default', locked=False, zone='example.com'):
        self.next_id += 1
        record = Record(rr, rtype, _records.canonical_value(rtype, value), ttl=ttl, line=line, record_id=str(self.next_id), locked=locked)
        self.zones.setdefault(zone, []).append(record)
        return record

    def list_zone_records(self, zone, rtype=None):
        self.listings.append(zone)
        return [record.copy() for record in self.zones[zone]]

    def _write(self, kind, record):
        self.writes.append((kind, record.rr, record.type, record.value))
        if self.fail_rr == record.rr:
            raise AlicloudServiceError('ServiceUnavailable', 'busy', http_status=503)

    def add_record(self, zone, record):
        self._write('add', record)
        self.next_id += 1
        record_id = str(self.next_id)
        self.zones[zone].append(record.copy(record_id=record_id))
        if self.sneak is not None:
            sneak, self.sneak = self.sneak, None
            self.seed(*sneak)
        return record_id

    def update_record(self, zone, record):
        self._write('update', record)
        self.zones[zone] = [record.copy() if have.record_id == record.record_id else have for have in self.zones[zone]]

    def delete_record(self, zone, record):
        self._write('delete', record)
        self.zones[zone] = [have for have in self.zones[zone] if have.record_id != record.record_id]


def item(name, phase='bound', **settings):
    entry = dict(name=name, zone='example.com', dns='alidns', phase=phase, target=TARGET, state='present' if phase != 'unbound' else 'absent')
    entry.update(settings.pop('entry', {}))
    base = dict(ttl=600, line='default', replace_records=False, keep_ownership_record=False)
    base.update(settings)
    return StepItem(entry, base)


def listing_of(api):
    return [record.copy() for record in api.zones['example.com']]


# -- pure plans -------------------------------------------------------------------------------------------------------

def test_plan_cname_creates_then_nothing_to_do():
    api = FakeZoneAPI()
    plan = plan_cname('example.com', 'www', TARGET, listing_of(api))
    assert [step[0] for step in plan.steps] == ['create'] and plan.steps[0][1].value == TARGET
    api.seed('www', 'CNAME', TARGET)
    assert not plan_cname('example.com', 'www', TARGET + '.', listing_of(api)).changed
    assert [step[0] for step in plan_cname('example.com', 'www', TARGET, listing_of(api), ttl=60).steps] == ['update']


def test_a_cname_to_a_cdn_is_refused_without_replace_records():
    api = FakeZoneAPI()
    cdn = api.seed('www', 'CNAME', 'www.cdn.example.net')
    with pytest.raises(PlanError) as info:
        plan_cname('example.com', 'www', TARGET, listing_of(api))
    assert info.value.code == 'DomainRecordConflict'
    assert 'points elsewhere' in info.value.message and 'www.cdn.example.net' in info.value.message
    assert [record.record_id for record in info.value.records] == [cdn.record_id]


def test_replace_records_updates_the_cdn_cname_in_place_and_says_so():
    api = FakeZoneAPI()
    cdn = api.seed('www', 'CNAME', 'www.cdn.example.net')
    plan = plan_cname('example.com', 'www', TARGET, listing_of(api), replace_records=True)
    assert [step[0] for step in plan.steps] == ['update']
    assert plan.steps[0][2].record_id == cdn.record_id and plan.steps[0][2].value == TARGET
    assert [record.value for record in plan.replaced] == ['www.cdn.example.net']
    view = _records.plan_view(plan)
    assert [r['value'] for r in view['before']] == ['www.cdn.example.net'] and [r['value'] for r in view['after']] == [TARGET]


def test_replace_records_removes_records_in_the_way_before_the_cname_and_diff_shows_both():
    api = FakeZoneAPI()
    api.seed('www', 'A', '192.0.2.1')
    api.seed('www', 'AAAA', '2001:db8::1')
    api.seed('www', 'A', '192.0.2.9', line='telecom')  # another line: not in the way
    with pytest.raises(PlanError) as info:
        plan_cname('example.com', 'www', TARGET, listing_of(api))
    assert 'A 192.0.2.1' in info.value.message and 'replace_records' in info.value.message
    plan = plan_cname('example.com', 'www', TARGET, listing_of(api), replace_records=True)
    assert [(step[0], step[1].type) for step in plan.steps] == [('delete', 'A'), ('delete', 'AAAA'), ('create', 'CNAME')]
    view = _records.plan_view(plan)
    assert sorted(r['type'] for r in view['before']) == ['A', 'AAAA']
    assert [(r['type'], r['value']) for r in view['after']] == [('CNAME', TARGET)]


def test_apex_keeps_mx_and_txt_next_to_the_cname():
    api = FakeZoneAPI()
    api.seed('@', 'MX', 'mx.example.net')
    api.seed('@', 'TXT', 'v=spf1 -all')
    plan = plan_cname('example.com', '@', TARGET, listing_of(api))
    assert [step[0] for step in plan.steps] == ['create']


def test_duplicate_cnames_are_reduced_to_one():
    api = FakeZoneAPI()
    first = api.seed('www', 'CNAME', TARGET)
    api.seed('www', 'CNAME', TARGET)
    plan = plan_cname('example.com', 'www', TARGET, listing_of(api))
    assert [step[0] for step in plan.steps] == ['delete'] and plan.steps[0][1].record_id != first.record_id


def test_locked_record_in_the_way_is_refused():
    api = FakeZoneAPI()
    api.seed('www', 'A', '192.0.2.1', locked=True)
    with pytest.raises(PlanError) as info:
        plan_cname('example.com', 'www', TARGET, listing_of(api), replace_records=True)
    assert info.value.code == 'DomainRecordLocked'


def test_ownership_txt_replaces_an_old_token():
    api = FakeZoneAPI()
    old = api.seed('_dnsauth.www', 'TXT', 'old-token')
    plan = plan_txt('example.com', '_dnsauth.www', ['new-token'], listing_of(api))
    assert [step[0] for step in plan.steps] == ['update'] and plan.steps[0][2].record_id == old.record_id


def test_removal_touches_only_the_cname_to_the_bucket():
    api = FakeZoneAPI()
    ours = api.seed('www', 'CNAME', TARGET)
    api.seed('www', 'CNAME', 'elsewhere.example.net', line='telecom')
    plan = plan_cname_removal('example.com', 'www', TARGET, listing_of(api))
    assert [(step[0], step[1].record_id) for step in plan.steps] == [('delete', ours.record_id)]
    assert [record.value for record in plan.kept] == ['elsewhere.example.net']
    api.seed('_dnsauth.www', 'TXT', 'tok')
    assert [step[1].type for step in plan_txt_removal('example.com', '_dnsauth.www', listing_of(api)).steps] == ['TXT']


# -- a zone: one listing for every domain, writes one after the other ------------------------------------------------

def test_one_listing_for_twenty_domains_and_the_same_prediction_in_check_mode():
    api = FakeZoneAPI()
    api.seed('d03', 'CNAME', TARGET)
    items = [item('d%02d.example.com' % i) for i in range(20)]
    run_zone(api, 'example.com', items, 'records', check_mode=True)
    assert api.listings == ['example.com'] and api.writes == []
    predicted = [[(step[0], step[1].rr) for step in it.plan.steps] for it in items]
    assert predicted[3] == [] and predicted[0] == [('create', 'd00')]
    items = [item('d%02d.example.com' % i) for i in range(20)]
    run_zone(api, 'example.com', items, 'records')
    assert [[(step[0], step[1].rr) for step in it.plan.steps] for it in items] == predicted
    assert len(api.writes) == 19
    assert api.listings == ['example.com', 'example.com', 'example.com']  # check-mode run, real run, read back after creates
    again = [item('d%02d.example.com' % i) for i in range(20)]
    api.listings = []
    run_zone(api, 'example.com', again, 'records')
    assert api.listings == ['example.com'] and len(api.writes) == 19 and not any(it.plan.changed for it in again)


def test_one_domain_failing_does_not_stop_the_others():
    api = FakeZoneAPI()
    api.seed('b', 'A', '192.0.2.1')
    api.fail_rr = 'c'
    items = [item('a.example.com'), item('b.example.com'), item('c.example.com'), item('d.example.com')]
    run_zone(api, 'example.com', items, 'records')
    assert items[0].error is None and items[3].error is None
    assert isinstance(items[1].error, PlanError) and items[1].error.code == 'DomainRecordConflict'
    assert isinstance(items[2].error, AlicloudServiceError)
    assert [write[1] for write in api.writes] == ['a', 'c', 'd']


def test_a_second_cname_that_appears_meanwhile_is_not_left_next_to_ours():
    api = FakeZoneAPI()
    api.sneak = ('a', 'CNAME', 'other.example.net')
    items = [item('a.example.com')]
    run_zone(api, 'example.com', items, 'records')
    assert isinstance(items[0].error, PlanError) and 'another CNAME appeared' in items[0].error.message
    assert [(r.rr, r.value) for r in api.zones['example.com']] == [('a', 'other.example.net')]


def test_an_identical_record_created_meanwhile_by_another_run_is_as_wanted():
    """A concurrent run created the very CNAME after our listing: Alidns answers DomainRecordDuplicate; the domain is done,
    with a note, not failed (the other domains go on)."""
    api = FakeZoneAPI()
    real_add = api.add_record

    def add_record(zone, record):
        if record.rr == 'a':
            api.seed('a', 'CNAME', TARGET)  # the other run's write
            raise AlicloudServiceError('DomainRecordDuplicate', 'The DNS record already exists.', http_status=400)
        return real_add(zone, record)

    api.add_record = add_record
    items = [item('a.example.com'), item('b.example.com')]
    run_zone(api, 'example.com', items, 'records')
    assert items[0].error is None and items[1].error is None
    assert any('created meanwhile by another writer' in note for note in items[0].notes)
    assert items[0].done == [] and [action for action, record in items[1].done] == ['create']
    assert sorted((r.rr, r.value) for r in api.zones['example.com']) == [('a', TARGET), ('b', TARGET)]


def test_unbound_domain_loses_its_cname_and_txt_only():
    api = FakeZoneAPI()
    api.seed('a', 'CNAME', TARGET)
    api.seed('_dnsauth.a', 'TXT', 'tok')
    api.seed('b', 'CNAME', 'cdn.example.net')
    items = [item('a.example.com', phase='unbound'), item('b.example.com', phase='unbound')]
    run_zone(api, 'example.com', items, 'records')
    assert [(w[0], w[1], w[2]) for w in api.writes] == [('delete', 'a', 'CNAME'), ('delete', '_dnsauth.a', 'TXT')]
    assert [r.value for r in items[1].plan.kept] == ['cdn.example.net']


def test_cleanup_and_ownership_steps():
    api = FakeZoneAPI()
    items = [item('a.example.com', phase='ownership_pending',
                  entry=dict(ownership_record={'record': '_dnsauth.a.example.com', 'type': 'TXT', 'value': ['tok-1'], 'ttl': 600}))]
    run_zone(api, 'example.com', items, 'ownership')
    assert [(w[0], w[1], w[3]) for w in api.writes] == [('add', '_dnsauth.a', 'tok-1')]
    items = [item('a.example.com', phase='resolved')]
    run_zone(api, 'example.com', items, 'cleanup')
    assert api.writes[-1][:3] == ('delete', '_dnsauth.a', 'TXT')


def test_zone_pacer_learns_the_gap_from_refusals():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pacer = ZonePacer(lambda: now[0], sleep)
    pacer.before_write()
    pacer.after_write(0)
    assert slept == [] and pacer.gap == 0
    pacer.after_write(1)
    assert pacer.gap == _records.ZONE_GAP_STEP
    pacer.after_write(1)
    assert pacer.gap == pytest.approx(_records.ZONE_GAP_STEP * 1.5)
    pacer.before_write()
    assert slept == [pytest.approx(pacer.gap)]
    for dummy in range(100):
        pacer.after_write(1)
    assert pacer.gap == _records.ZONE_GAP_MAX


def test_zone_pacer_settles_so_that_few_writes_are_refused():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    pacer = ZonePacer(lambda: now[0], sleep)
    accepted_at = None
    refusals = 0
    for dummy in range(200):
        pacer.before_write()
        refused = 0
        now[0] += 0.03  # the call
        if accepted_at is not None and now[0] - accepted_at < 0.2:  # the zone's previous write is still being applied
            refused = 1
            now[0] += 0.3 + 0.03  # the policy's retry, accepted
        accepted_at = now[0]
        refusals += refused
        pacer.after_write(refused)
    assert refusals <= 5  # at most 1.025 attempts per write
    assert now[0] < 200 * 0.25  # and not much slower than the zone allows (0.2 s a write)


def test_zone_pacers_with_turns_share_the_zones_pace(tmp_path):
    clock = FakeClock(1700000000.0)

    def pacer():
        return ZonePacer(clock, clock.sleep, ZoneTurns(('key\nexample.com', 'alidns', 'zone'), directory=str(tmp_path), clock=clock,
                                                       sleep=clock.sleep))
    first = pacer()
    for refused in (0, 1, 1):
        first.begin()
        clock.advance(0.03)
        first.after_write(refused)
    assert first.gap == pytest.approx(_records.ZONE_GAP_STEP * 1.5) and not first.turns.held
    # Another process's pacer of the zone starts from what the first one learned, not from nothing.
    second = pacer()
    assert second.ready_at() == pytest.approx(first.last + first.gap)
    clock.sleeps[:] = []
    second.begin()
    assert clock.sleeps == [pytest.approx(first.gap)] and second.turns.held
    clock.advance(0.03)
    second.after_write(0)
    assert first.ready_at() == pytest.approx(second.last + second.gap)  # and the first sees the second's write


def test_zone_pacer_without_turns_shares_nothing(tmp_path):
    now = [0.0]
    one = ZonePacer(lambda: now[0], lambda seconds: None)
    one.begin()
    one.after_write(1)
    other = ZonePacer(lambda: now[0], lambda seconds: None)
    assert one.ready_at() > 0 and other.ready_at() == 0.0


def _write_to_zones(directory, services, writes, interval, shared, barrier, queue):
    """A fork that makes `writes` writes to each zone of `services` (zone -> file of the time of the zone's last accepted
    write), one zone after the other: the zone refuses a write within `interval` of the last one it accepted (as Alibaba
    Cloud DNS does), the retry policy retries it, and the pacer learns from the refusals."""
    import fcntl
    import json
    import os
    import time
    spans = {}
    refusals = {}
    barrier.wait()
    for zone, service in sorted(services.items()):
        turns = ZoneTurns(('key\n%s' % zone, 'alidns', 'zone'), account_key=('key', 'alidns', 'zones'), directory=directory) if shared else None
        pacer = ZonePacer(time.time, time.sleep, turns)
        spans[zone], refusals[zone] = [], 0
        for dummy in range(writes):
            pacer.before_write()
            pacer.begin()
            started = time.time()
            refused = 0
            while True:
                time.sleep(0.003)  # the call
                with open(service, 'r+') as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                    last = json.loads(handle.read() or '0')
                    now = time.time()
                    if now - last >= interval:
                        handle.seek(0)
                        handle.write(json.dumps(now))
                        handle.truncate()
                        break
                refused += 1
                time.sleep(0.02)  # the policy's retry after a too-early answer
            spans[zone].append((started, time.time(), os.getpid()))
            refusals[zone] += refused
            pacer.after_write(refused)
    queue.put((spans, refusals))


@pytest.mark.parametrize('shared', [True, False])
def test_forks_writing_to_zones_take_turns_and_are_seldom_refused(tmp_path, shared):
    import multiprocessing
    context = multiprocessing.get_context('spawn')
    services = {}
    for zone in ('a.example', 'b.example'):
        services[zone] = str(tmp_path / zone)
        (tmp_path / zone).write_text('0')
    processes, writes, interval = 4, 8, 0.05
    reports = run_processes(context, processes, _write_to_zones, (str(tmp_path), services, writes, interval, shared), timeout=120)
    overlaps = {}
    refusals = {}
    for zone in services:
        spans = sorted(span for report in reports for span in report[0][zone])
        overlaps[zone] = sum(1 for earlier, later in zip(spans, spans[1:]) if later[0] < earlier[1])
        refusals[zone] = sum(report[1][zone] for report in reports)
    total = processes * writes * len(services)
    if shared:
        assert overlaps == {'a.example': 0, 'b.example': 0}  # one write at a time per zone, whichever process makes it
        # The first zone learns its pace with a few refusals; the second starts from it (the account's pace).
        assert refusals['b.example'] <= 2, refusals
        assert sum(refusals.values()) <= 0.1 * total, refusals  # at most 1.1 attempts per accepted write
    else:
        # Without turns the forks write at once (what the turns are for): this arm shows the other one can fail.
        assert sum(overlaps.values()) > 0 and sum(refusals.values()) > 0.1 * total, refusals


def test_policy_recorder_counts_the_too_early_refusals_of_this_thread():
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import RetryPolicy

    def factory(**kwargs):
        return RetryPolicy(max_attempts=3, sleep=lambda seconds: None)

    recorder = _records.PolicyRecorder(factory)
    policy = recorder()
    calls = []

    def write():
        calls.append(1)
        if len(calls) == 1:
            raise AlicloudServiceError('LastOperationNotFinished', 'too early', http_status=400)
        return 'ok'

    assert policy.run(write) == 'ok'
    assert recorder.take() == 1 and recorder.take() == 0


def test_zones_that_may_all_write_now_take_turns():
    """Before any refusal taught a zone's pacer a gap, every zone may write at once: the zone that wrote longest ago goes
    first, so that the writes alternate between zones instead of one zone writing until Alibaba Cloud DNS refuses it."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import run_interleaved

    api = FakeZoneAPI()
    api.zones['example.net'] = []
    now = [0.0]

    def clock():
        now[0] += 0.01
        return now[0]

    items = {'example.com': [item('a%d.example.com' % i) for i in range(3)],
             'example.net': [item('b%d.example.net' % i, entry=dict(zone='example.net')) for i in range(3)]}
    results = run_interleaved(['example.com', 'example.net'], lambda zone: _records.zone_work(
        api, zone, items[zone], 'records', pacer=ZonePacer(clock, lambda seconds: None)), max_workers=1, clock=clock,
        sleep=lambda seconds: None)
    assert all(result.ok for result in results)
    assert [write[1][0] for write in api.writes if write[0] == 'add'] == ['a', 'b', 'a', 'b', 'a', 'b']
