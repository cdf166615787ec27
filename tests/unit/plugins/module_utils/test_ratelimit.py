# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import json
import multiprocessing
import os
import shutil
import stat
import threading
import time

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _ratelimit
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudParams
from ansible_collections.alicloud_oss.domains.plugins.module_utils._ratelimit import (
    DEFAULT_RATES, RateLimiter, account_identity, default_directory, key_name, limiter_for, rates_from_params, schedule,
)
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import FakeClock, run_processes

KEY_ID = 'LTAI5tTestKeyIdDoNotStore01'
KEY = (KEY_ID, 'alidns', 'write')


def approx(value):
    # Clock readings near 1.7e9 s keep about 0.2 microseconds of precision in a float.
    return pytest.approx(value, abs=1e-6)


@pytest.fixture(autouse=True)
def fresh_process_state():
    # Each test acts as a new process: no limiter or in-process schedule left from another test.
    _ratelimit.reset_limiters()
    _ratelimit._STATES.clear()
    yield
    _ratelimit.reset_limiters()
    _ratelimit._STATES.clear()


@pytest.fixture
def clock():
    return FakeClock(1700000000.0)


def limiter(directory, clock, rate=10, burst=1, key=KEY):
    return RateLimiter(rate, burst=burst, key=key, directory=str(directory), clock=clock, sleep=clock.sleep)


def read_state(limiter_):
    with open(limiter_.path) as handle:
        return json.load(handle)


# -- the arithmetic ----------------------------------------------------------------------------------------------------

def test_schedule_first_call_starts_now():
    assert schedule(None, None, 100.0, 0.1, 0.0) == (0.0, approx(100.1))


def test_schedule_queues_behind_the_theoretical_arrival_time():
    wait, tat = schedule(100.3, 100.0, 100.0, 0.1, 0.0)
    assert wait == approx(0.3)
    assert tat == approx(100.4)


def test_schedule_in_the_past_starts_now():
    assert schedule(50.0, 49.0, 100.0, 0.1, 0.0) == (0.0, approx(100.1))


def test_schedule_tolerance_lets_a_burst_through():
    # burst 3 at 10/s: tolerance 0.2 s; a TAT 0.2 s ahead still passes, 0.3 s ahead waits 0.1 s.
    assert schedule(100.2, 100.0, 100.0, 0.1, 0.2)[0] == approx(0.0)
    assert schedule(100.3, 100.0, 100.0, 0.1, 0.2)[0] == approx(0.1)


def test_schedule_far_future_is_clamped():
    wait, tat = schedule(100.0 + 7200, 100.0, 100.0, 0.1, 0.0)
    assert wait == 0.0
    assert tat == approx(100.1)


def test_schedule_within_the_hour_is_kept():
    assert schedule(100.0 + 3000, 100.0, 100.0, 0.1, 0.0)[0] == approx(3000)


def test_schedule_clock_set_back_keeps_the_queue_length():
    # Written at 1000 with 0.5 s queued; the clock now reads 900: still 0.5 s queued, not 100.5 s.
    wait, tat = schedule(1000.5, 1000.0, 900.0, 0.1, 0.0)
    assert wait == approx(0.5)
    assert tat == approx(900.6)


# -- one limiter -------------------------------------------------------------------------------------------------------

def test_slots_are_spaced_by_the_interval(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10)
    assert [lim.reserve() for dummy in range(4)] == [0.0, approx(0.1), approx(0.2), approx(0.3)]
    assert lim.shared is True
    assert lim.fallback_reason is None
    assert lim.calls == 4
    assert lim.waited == approx(0.6)


def test_acquire_sleeps_outside_and_returns_the_wait(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=4)
    assert lim.acquire() == 0.0
    assert lim.acquire() == approx(0.25)
    assert lim.acquire() == approx(0.25)
    assert clock.slept == [approx(0.25), approx(0.25)]  # no sleep(0) for the free slot


def test_idle_time_is_not_saved_up_beyond_the_burst(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10, burst=2)
    assert [lim.reserve() for dummy in range(3)] == [0.0, 0.0, approx(0.1)]
    clock.now += 60
    assert [lim.reserve() for dummy in range(3)] == [0.0, 0.0, approx(0.1)]


def test_burst(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10, burst=3)
    waits = [lim.reserve() for dummy in range(6)]
    assert waits == [0.0, 0.0, 0.0, approx(0.1), approx(0.2), approx(0.3)]


def test_call_waits_then_calls(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=2)
    assert lim.call(lambda a, b=0: a + b, 1, b=2) == 3
    assert lim.call(lambda: clock.now) == approx(clock.now)
    assert clock.slept == [approx(0.5)]


@pytest.mark.parametrize('rate', [None, 0, 0.0])
def test_unlimited_does_no_file_io(tmp_path, clock, rate):
    directory = tmp_path / 'never'
    lim = RateLimiter(rate, key=KEY, directory=str(directory), clock=clock, sleep=clock.sleep)
    assert lim.unlimited
    assert [lim.acquire() for dummy in range(5)] == [0.0] * 5
    assert clock.slept == []
    assert not directory.exists()
    assert lim.shared is False


@pytest.mark.parametrize('rate, burst', [(-1, 1), ('10', 1), (True, 1), (float('nan'), 1), (10, 0), (10, 1.5), (10, True)])
def test_bad_rate_or_burst(tmp_path, rate, burst):
    with pytest.raises(ValueError):
        RateLimiter(rate, burst=burst, key=KEY, directory=str(tmp_path))


def test_threads_of_one_process_get_distinct_slots(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=100)
    waits = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker():
        start.wait(5)
        for dummy in range(10):
            wait = lim.reserve()
            with lock:
                waits.append(round(wait, 6))

    threads = [threading.Thread(target=worker) for dummy in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # The clock stands still: every slot 0, 10 ms, ..., 390 ms is handed out exactly once.
    assert sorted(waits) == [round(index * 0.01, 6) for index in range(40)]


# -- sharing through the file ------------------------------------------------------------------------------------------

def test_two_limiters_on_one_key_share_the_schedule(tmp_path, clock):
    first = limiter(tmp_path, clock, rate=10)
    second = limiter(tmp_path, clock, rate=10)
    assert first.path == second.path
    assert first.reserve() == 0.0
    assert second.reserve() == approx(0.1)
    assert first.reserve() == approx(0.2)


def test_the_file_carries_the_schedule_between_processes(tmp_path, clock):
    first = limiter(tmp_path, clock, rate=10)
    first.reserve()
    first.reserve()
    state = read_state(first)
    assert state['tat'] == approx(clock.now + 0.2)
    assert state['updated'] == approx(clock.now)
    _ratelimit._STATES.clear()  # as if the next limiter lived in another process: only the file is shared
    second = limiter(tmp_path, clock, rate=10)
    assert second._state is not first._state
    assert second.reserve() == approx(0.2)


def test_other_keys_have_their_own_schedule(tmp_path, clock):
    writes = limiter(tmp_path, clock, rate=10, key=(KEY_ID, 'alidns', 'write'))
    reads = limiter(tmp_path, clock, rate=10, key=(KEY_ID, 'alidns', 'read'))
    other_account = limiter(tmp_path, clock, rate=10, key=('LTAI5tAnotherKey', 'alidns', 'write'))
    assert len(set([writes.path, reads.path, other_account.path])) == 3
    writes.reserve()
    assert reads.reserve() == 0.0
    assert other_account.reserve() == 0.0
    assert writes.reserve() == approx(0.1)


def test_the_key_on_disk_is_a_hash(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10)
    lim.reserve()
    expected = hashlib.sha256(KEY_ID.encode('utf-8')).hexdigest() + '-alidns-write'
    assert os.listdir(str(tmp_path)) == [expected]
    assert lim.name == expected == key_name(KEY)
    for name in os.listdir(str(tmp_path)):
        assert KEY_ID not in name
        with open(os.path.join(str(tmp_path), name), 'rb') as handle:
            assert KEY_ID.encode('utf-8') not in handle.read()
    assert KEY_ID not in repr(lim)


def test_key_name_of_a_string_and_odd_parts():
    assert key_name('some key') == hashlib.sha256(b'some key').hexdigest()
    assert key_name(('k', '../OSS', 'Write!')).endswith('-oss-write')
    with pytest.raises(ValueError):
        key_name(('k', 'oss'))


def test_file_mode_is_private(tmp_path, clock):
    lim = limiter(tmp_path, clock)
    lim.reserve()
    assert stat.S_IMODE(os.stat(lim.path).st_mode) & 0o077 == 0


# -- robustness --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('content', [
    b'', b'{', b'not json', b'\xff\xfe\x00', b'[]', b'{"tat": "soon", "updated": 1}', b'{"tat": 1}', b'null',
    b'{"tat": NaN, "updated": 1}', b'{"tat": Infinity, "updated": 1}',
])
def test_a_corrupt_file_starts_over(tmp_path, clock, content):
    lim = limiter(tmp_path, clock, rate=10)
    with open(lim.path, 'wb') as handle:
        handle.write(content)
    assert lim.reserve() == 0.0
    assert lim.shared is True
    assert read_state(lim)['tat'] == approx(clock.now + 0.1)
    assert lim.reserve() == approx(0.1)


def test_a_far_future_file_is_clamped(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10)
    with open(lim.path, 'w') as handle:
        json.dump({'tat': clock.now + 2 * 3600, 'updated': clock.now}, handle)
    assert lim.reserve() == 0.0
    assert read_state(lim)['tat'] == approx(clock.now + 0.1)


def test_a_clock_set_back_does_not_stall(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10)
    lim.reserve()
    lim.reserve()  # TAT is now + 0.2
    clock.now -= 600  # ten minutes back: the old TAT looks ten minutes ahead
    assert lim.reserve() == approx(0.2)


def test_a_longer_file_is_overwritten_whole(tmp_path, clock):
    lim = limiter(tmp_path, clock, rate=10)
    with open(lim.path, 'w') as handle:
        handle.write(json.dumps({'tat': clock.now - 1, 'updated': clock.now - 1, 'padding': 'x' * 500}))
    lim.reserve()
    assert set(read_state(lim)) == set(['v', 'tat', 'updated'])


def test_unwritable_directory_falls_back_to_the_process(tmp_path, clock):
    blocker = tmp_path / 'a-file'
    blocker.write_text(u'not a directory')
    lim = RateLimiter(10, key=KEY, directory=str(blocker / 'sub'), clock=clock, sleep=clock.sleep)
    assert lim.shared is False
    assert 'cannot be created' in lim.fallback_reason
    assert 'within this process' in lim.fallback_reason
    # Still paced, among the threads (and limiters) of this process.
    other = RateLimiter(10, key=KEY, directory=str(blocker / 'sub'), clock=clock, sleep=clock.sleep)
    assert [lim.reserve(), other.reserve(), lim.reserve()] == [0.0, approx(0.1), approx(0.2)]


@pytest.mark.skipif(hasattr(os, 'geteuid') and os.geteuid() == 0, reason='root writes into read-only directories')
def test_read_only_directory_falls_back(tmp_path, clock):
    directory = tmp_path / 'ro'
    directory.mkdir()
    directory.chmod(0o500)
    try:
        lim = limiter(directory, clock)
        assert lim.shared is False
        assert 'cannot be opened' in lim.fallback_reason
        assert lim.reserve() == 0.0
    finally:
        directory.chmod(0o700)


def test_a_symlink_planted_as_the_file_is_not_followed(tmp_path, clock):
    target = tmp_path / 'victim'
    target.write_text(u'precious')
    directory = tmp_path / 'dir'
    directory.mkdir()
    os.symlink(str(target), str(directory / key_name(KEY)))
    lim = limiter(directory, clock)
    assert lim.shared is False
    assert lim.reserve() == 0.0
    assert target.read_text() == u'precious'


def test_directory_removed_mid_run_keeps_pacing(tmp_path, clock):
    directory = tmp_path / 'gone'
    lim = limiter(directory, clock, rate=10)
    assert lim.reserve() == 0.0
    assert lim.shared is True
    shutil.rmtree(str(directory))
    assert lim.reserve() == approx(0.1)  # continues the schedule it last saw
    assert lim.shared is False
    assert 'could not be updated' in lim.fallback_reason
    assert lim.reserve() == approx(0.2)


def test_without_fcntl_falls_back(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(_ratelimit, 'HAS_FCNTL', False)
    lim = limiter(tmp_path, clock)
    assert lim.shared is False
    assert 'fcntl' in lim.fallback_reason
    assert os.listdir(str(tmp_path)) == []


# -- the default directory ---------------------------------------------------------------------------------------------

@pytest.fixture
def tempdir(tmp_path, monkeypatch):
    monkeypatch.setattr('tempfile.tempdir', str(tmp_path))
    return tmp_path


def test_default_directory_is_per_user_and_private(tempdir, clock):
    expected = os.path.join(str(tempdir), 'alicloud_oss_domains-ratelimit-%d' % os.getuid())
    assert default_directory() == expected
    lim = RateLimiter(10, key=KEY, clock=clock, sleep=clock.sleep)
    assert lim.directory == expected
    assert lim.shared is True
    assert stat.S_IMODE(os.stat(expected).st_mode) == 0o700


def test_default_directory_open_to_others_is_made_private(tempdir, clock):
    os.mkdir(default_directory())
    os.chmod(default_directory(), 0o777)
    lim = RateLimiter(10, key=KEY, clock=clock, sleep=clock.sleep)
    assert lim.shared is True
    assert stat.S_IMODE(os.stat(default_directory()).st_mode) == 0o700


def test_default_directory_replaced_by_a_symlink_is_refused(tempdir, clock):
    elsewhere = tempdir / 'elsewhere'
    elsewhere.mkdir()
    os.symlink(str(elsewhere), default_directory())
    lim = RateLimiter(10, key=KEY, clock=clock, sleep=clock.sleep)
    assert lim.shared is False
    assert 'is not a directory' in lim.fallback_reason
    assert os.listdir(str(elsewhere)) == []


@pytest.mark.skipif(not hasattr(os, 'geteuid') or os.geteuid() != 0, reason='needs root to give the directory away')
def test_default_directory_of_another_user_is_refused(tempdir, clock):
    os.mkdir(default_directory(), 0o700)
    os.chown(default_directory(), 65534, 65534)
    lim = RateLimiter(10, key=KEY, clock=clock, sleep=clock.sleep)
    assert lim.shared is False
    assert 'belongs to another user' in lim.fallback_reason


# -- limiter_for -------------------------------------------------------------------------------------------------------

def params(**kwargs):
    values = dict(alicloud_access_key=KEY_ID, alicloud_secret_key='secret-not-used-here')
    values.update(kwargs)
    return values


def test_limiter_for_reuses_one_limiter_per_key(tmp_path):
    first = limiter_for(params(), 'alidns', 'write', directory=str(tmp_path))
    again = limiter_for(params(), 'alidns', 'write', directory=str(tmp_path))
    reads = limiter_for(params(), 'alidns', 'read', directory=str(tmp_path))
    oss = limiter_for(params(), 'oss', 'write', directory=str(tmp_path))
    assert first is again
    assert len(set(id(item) for item in (first, reads, oss))) == 3
    assert first.rate == DEFAULT_RATES[('alidns', 'write')]
    assert reads.rate == DEFAULT_RATES[('alidns', 'read')]
    assert first.name == key_name(('key:%s' % KEY_ID, 'alidns', 'write'))


def test_limiter_for_other_account_or_endpoint(tmp_path):
    base = limiter_for(params(), 'oss', 'read', directory=str(tmp_path))
    other_key = limiter_for(params(alicloud_access_key='LTAI5tOther'), 'oss', 'read', directory=str(tmp_path))
    emulator = limiter_for(params(oss_endpoint='http://127.0.0.1:8080'), 'oss', 'read', directory=str(tmp_path))
    alidns_endpoint_only = limiter_for(params(alidns_endpoint='http://127.0.0.1:8080'), 'oss', 'read', directory=str(tmp_path))
    assert len(set([base.path, other_key.path, emulator.path])) == 3
    assert alidns_endpoint_only.path == base.path


def test_limiter_for_rates(tmp_path):
    custom = limiter_for(params(), 'alidns', 'write', rates={('alidns', 'write'): 5}, directory=str(tmp_path))
    assert custom.rate == 5
    missing = limiter_for(params(), 'oss', 'write', rates={}, directory=str(tmp_path))
    assert missing.unlimited
    from_options = limiter_for(params(api_write_rate=7.5), 'oss', 'write', directory=str(tmp_path))
    assert from_options.rate == 7.5
    off = limiter_for(params(api_read_rate=0), 'oss', 'read', directory=str(tmp_path))
    assert off.unlimited


def test_limiter_for_refuses_unknown_api_or_kind(tmp_path):
    with pytest.raises(ValueError, match='unknown API'):
        limiter_for(params(), 'ecs', 'read', directory=str(tmp_path))
    with pytest.raises(ValueError, match='unknown kind'):
        limiter_for(params(), 'oss', 'list', directory=str(tmp_path))


def test_rates_from_params():
    assert rates_from_params({}) == DEFAULT_RATES
    rates = rates_from_params(dict(api_read_rate=100, api_write_rate=0))
    assert rates[('oss', 'read')] == rates[('alidns', 'read')] == 100
    assert rates[('oss', 'write')] is None and rates[('alidns', 'write')] is None
    for bad in (-1, 'fast', True):
        with pytest.raises(ValueError, match='api_write_rate'):
            rates_from_params(dict(api_write_rate=bad))


def test_account_identity_sources():
    assert account_identity(params(), 'oss') == 'key:%s' % KEY_ID
    role = dict(role_arn='acs:ram::1234567890123456:role/domains-automation')
    # A role stands for its account: every key that assumes a role of that account shares the schedule.
    assert account_identity(params(alicloud_assume_role=role), 'oss') == 'account:1234567890123456'
    assert account_identity(dict(alicloud_profile='prod'), 'oss').startswith('profile:')
    assert account_identity(dict(alicloud_ecs_role_name='domains-ecs'), 'oss') == 'ecs:domains-ecs'
    assert account_identity(dict(alidns_endpoint='HTTP://127.0.0.1:1/'), 'alidns') == 'default@http://127.0.0.1:1/'


def test_account_identity_from_alicloud_params():
    oidc = {'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1234567890123456:role/oidc', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'x',
            'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '/nonexistent'}
    assert account_identity(AlicloudParams(access_key=KEY_ID, secret_key='s', environ={}), 'oss') == 'key:%s' % KEY_ID
    assert account_identity(AlicloudParams(environ=oidc), 'oss') == 'account:1234567890123456'
    assert account_identity(AlicloudParams(environ={}), 'oss') == 'default'


# -- processes ---------------------------------------------------------------------------------------------------------

PROCESS_KEY = ('process-test-account', 'oss', 'write')


def _child(directory, rate, count, barrier, queue):
    """Reserve `count` slots; after the first, wait until every child has its first (so they overlap for sure)."""
    try:
        nows = []

        def recording_clock():
            nows.append(time.time())
            return nows[-1]

        lim = RateLimiter(rate, key=PROCESS_KEY, directory=directory, clock=recording_clock)
        records = []
        for index in range(count):
            waited = lim.acquire()
            records.append((nows[-1], waited, time.time()))
            if index == 0:
                barrier.wait(30)
        queue.put((os.getpid(), lim.shared, records))
    except BaseException as exc:  # pylint: disable=broad-exception-caught
        queue.put((os.getpid(), None, repr(exc)))


def test_processes_share_the_schedule(tmp_path):
    # fork is quick; forking a process that runs threads is unsafe (and deprecated since Python 3.12), so spawn then.
    fork = 'fork' in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    context = multiprocessing.get_context('fork' if fork else 'spawn')
    rate, count, processes = 200.0, 15, 3
    interval = 1.0 / rate
    reports = run_processes(context, processes, _child, (str(tmp_path), rate, count))
    for pid, shared, records in reports:
        assert shared is True, records
    reservations = sorted((now, waited, done, pid) for pid, shared, records in reports for now, waited, done in records)
    assert len(reservations) == processes * count

    # Every child reserved its first slot before any reserved a second (the barrier): the first reservations come
    # from different processes, so the schedule below can only hold if the processes share it.
    assert len(set(pid for now, waited, done, pid in reservations[:processes])) == processes

    # Slot starts (clock reading + wait) are at least one interval apart, whichever process holds them.
    starts = sorted(now + waited for now, waited, done, pid in reservations)
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    assert min(gaps) >= interval - 1e-6

    # Real time: n calls cannot finish faster than (n - 1) intervals after the first reservation; and on a loaded
    # machine the aggregate rate still stays within a generous factor of the limit.
    elapsed = max(done for now, waited, done, pid in reservations) - reservations[0][0]
    aggregate = (len(reservations) - 1) / elapsed
    assert aggregate <= rate * 1.02
    assert aggregate >= rate / 10


# -- the turns of a zone's writers ---------------------------------------------------------------------------------------

ZONE_KEY = ('%s\nexample.com' % KEY_ID, 'alidns', 'zone')


def turns(directory, clock, key=ZONE_KEY, max_wait=1.0):
    return _ratelimit.ZoneTurns(key, directory=str(directory), clock=clock, sleep=clock.sleep, max_wait=max_wait, poll=0.01)


def test_a_turn_carries_the_zones_pace_to_the_next_writer(tmp_path, clock):
    first = turns(tmp_path, clock)
    assert first.shared and first.take() is None  # nothing learned yet
    assert first.held
    first.give({'last': clock() - 1, 'gap': 0.25, 'floor': 0.2})
    assert not first.held
    second = turns(tmp_path, clock)
    assert second.peek() == {'last': clock() - 1, 'gap': 0.25, 'floor': 0.2}
    assert second.take() == {'last': clock() - 1, 'gap': 0.25, 'floor': 0.2}
    second.give({'last': clock(), 'gap': 0.3, 'floor': 0.2})
    assert first.peek()['gap'] == 0.3


def test_a_turn_held_elsewhere_is_waited_for_at_most_max_wait(tmp_path, clock):
    holder = turns(tmp_path, clock)
    holder.take()
    waiter = turns(tmp_path, clock, max_wait=0.5)
    assert waiter.take() is None and not waiter.held  # written anyway: turns only spare refusals
    assert waiter.timeouts == 1 and waiter.waited >= 0.5
    assert sum(clock.sleeps) == pytest.approx(0.5, abs=0.011)
    waiter.give({'last': clock(), 'gap': 9.0, 'floor': 9.0})  # no turn held: nothing is stored
    holder.give({'last': clock(), 'gap': 0.2, 'floor': 0.1})
    assert waiter.peek()['gap'] == 0.2
    assert waiter.take() == {'last': clock(), 'gap': 0.2, 'floor': 0.1} and waiter.timeouts == 1


def test_other_zones_and_accounts_have_their_own_turns(tmp_path, clock):
    one = turns(tmp_path, clock)
    one.take()
    other_zone = turns(tmp_path, clock, key=('%s\nexample.net' % KEY_ID, 'alidns', 'zone'))
    other_account = turns(tmp_path, clock, key=('LTAI5tOtherAccountKey0001\nexample.com', 'alidns', 'zone'))
    assert other_zone.take() is None and other_zone.held
    assert other_account.take() is None and other_account.held
    assert clock.sleeps == []
    assert KEY_ID not in other_zone.name and 'example' not in other_zone.name


@pytest.mark.parametrize('content', [b'', b'{', b'{"last": "x", "gap": 1, "floor": 0, "updated": 1}', b'[1]',
                                     b'{"last": 1, "gap": -1, "floor": 0, "updated": 1}', b'{"last": NaN, "gap": 1, "floor": 0, "updated": 1}'])
def test_an_unreadable_pace_is_learned_again(tmp_path, clock, content):
    zone = turns(tmp_path, clock)
    with open(zone.path, 'wb') as handle:
        handle.write(content.replace(b'"updated": 1', b'"updated": %r' % clock()))
    assert zone.peek() is None and zone.take() is None


def test_a_pace_learned_long_ago_or_in_the_future_is_forgotten(tmp_path, clock):
    zone = turns(tmp_path, clock)
    zone.take()
    zone.give({'last': clock(), 'gap': 0.5, 'floor': 0.4})
    assert zone.peek() is not None
    clock.advance(_ratelimit.ZONE_STATE_STALE + 1)
    assert zone.peek() is None  # the zone may be faster now
    zone.take()
    zone.give({'last': clock(), 'gap': 0.5, 'floor': 0.4})
    clock.now -= 60  # the clock was set back: the stored times are in its future
    assert zone.peek() is None


def test_a_zone_never_refused_takes_the_gap_other_zones_of_the_account_needed(tmp_path, clock):
    account = ('%s' % KEY_ID, 'alidns', 'zones')
    calm = _ratelimit.ZoneTurns(ZONE_KEY, account_key=account, directory=str(tmp_path), clock=clock, sleep=clock.sleep)
    calm.take()
    calm.give({'last': clock() - 5, 'gap': 0.0, 'floor': 0.0})  # its writes came far apart: never refused
    assert calm.peek() == {'last': clock() - 5, 'gap': 0.0, 'floor': 0.0}  # nothing is known of the account yet
    busy = _ratelimit.ZoneTurns(('%s\nexample.net' % KEY_ID, 'alidns', 'zone'), account_key=account, directory=str(tmp_path),
                                clock=clock, sleep=clock.sleep)
    assert busy.take() is None
    busy.give({'last': clock(), 'gap': 0.22, 'floor': 0.19})  # refused at 0.19 s: the account's pace now
    assert calm.peek() == {'last': clock() - 5, 'gap': 0.22, 'floor': 0.19}
    assert calm.take() == {'last': clock() - 5, 'gap': 0.22, 'floor': 0.19}
    calm.give({'last': clock(), 'gap': 0.3, 'floor': 0.25})  # a zone that learned its own pace keeps it
    assert calm.peek() == {'last': clock(), 'gap': 0.3, 'floor': 0.25}
    new = _ratelimit.ZoneTurns(('%s\nexample.org' % KEY_ID, 'alidns', 'zone'), account_key=account, directory=str(tmp_path),
                               clock=clock, sleep=clock.sleep)
    assert new.peek() == {'last': None, 'gap': 0.3, 'floor': 0.25}  # a new zone starts from the last refused pace


def test_zone_turns_for_keys_by_account_and_zone(tmp_path):
    params = {'alicloud_access_key': KEY_ID, 'alidns_endpoint': None}
    one = _ratelimit.zone_turns_for(params, 'Example.COM.', directory=str(tmp_path))
    same = _ratelimit.zone_turns_for(params, 'example.com', directory=str(tmp_path))
    other = _ratelimit.zone_turns_for(dict(params, alicloud_access_key='LTAI5tOtherAccountKey0001'), 'example.com', directory=str(tmp_path))
    assert one.path == same.path != other.path
    assert one.name.endswith('-alidns-zone')


def test_zone_turns_fall_back_when_the_directory_cannot_be_used(tmp_path, clock, monkeypatch):
    monkeypatch.setattr(_ratelimit, 'HAS_FCNTL', False)
    zone = turns(tmp_path, clock)
    assert not zone.shared and 'fcntl' in zone.fallback_reason
    assert zone.take() is None and zone.peek() is None and not zone.held
    zone.give({'last': 1.0, 'gap': 1.0, 'floor': 1.0})
    assert not os.path.exists(zone.path) or os.path.getsize(zone.path) == 0


def _hold_a_turn_until_killed(directory, ready):
    zone = _ratelimit.ZoneTurns(ZONE_KEY, directory=directory)
    zone.take()
    ready.set()
    time.sleep(60)


def test_a_writer_killed_during_its_turn_does_not_hold_up_the_others(tmp_path):
    context = multiprocessing.get_context('spawn')
    ready = context.Event()
    child = context.Process(target=_hold_a_turn_until_killed, args=(str(tmp_path), ready))
    child.start()
    try:
        assert ready.wait(60)
        waiter = _ratelimit.ZoneTurns(ZONE_KEY, directory=str(tmp_path), max_wait=0.3)
        assert waiter.take() is None and waiter.timeouts == 1  # held by the child
        child.kill()
        child.join(30)
        waiter.max_wait = 5.0
        started = time.time()
        assert waiter.take() is None and waiter.held  # the kernel released the dead writer's lock
        assert time.time() - started < 1.0
        waiter.give({'last': time.time(), 'gap': 0.0, 'floor': 0.0})
    finally:
        if child.is_alive():
            child.kill()
            child.join(30)
