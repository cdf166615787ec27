# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudError, AlicloudNotFoundError
from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import (
    ItemError, ItemResult, Memo, Once, Parking, describe_item, group_by, run_interleaved, run_items,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import DomainError
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import FakeClock

TIMEOUT = 10


# -- run_items ---------------------------------------------------------------------------------------------------------

def test_results_in_input_order_whatever_the_completion_order():
    items = list(range(8))

    def slow_first(item):
        time.sleep((len(items) - item) * 0.002)
        return item * 10

    results = run_items(items, slow_first, max_workers=8)
    assert [result.index for result in results] == items
    assert [result.item for result in results] == items
    assert [result.value for result in results] == [item * 10 for item in items]
    assert all(result.ok and not result.failed for result in results)


def test_items_run_concurrently():
    # Four items that can only finish together: sequential execution would break the barrier.
    barrier = threading.Barrier(4, timeout=TIMEOUT)
    results = run_items(range(4), lambda item: barrier.wait(), max_workers=4)
    assert all(result.ok for result in results)


def test_max_workers_bounds_concurrency():
    lock = threading.Lock()
    state = dict(running=0, peak=0)

    def work(item):
        with lock:
            state['running'] += 1
            state['peak'] = max(state['peak'], state['running'])
        time.sleep(0.003)
        with lock:
            state['running'] -= 1
        return item

    assert [result.value for result in run_items(range(12), work, max_workers=3)] == list(range(12))
    assert 1 <= state['peak'] <= 3


@pytest.mark.parametrize('max_workers', [1, 0, None])
def test_one_worker_runs_in_the_calling_thread(max_workers):
    threads = []
    results = run_items(['a', 'b'], lambda item: threads.append(threading.current_thread()) or item.upper(),
                        max_workers=max_workers)
    assert [result.value for result in results] == ['A', 'B']
    assert threads == [threading.current_thread()] * 2


def test_a_single_item_runs_in_the_calling_thread():
    results = run_items([1], lambda item: threading.current_thread())
    assert results[0].value is threading.current_thread()


def test_no_items():
    assert run_items([], lambda item: item) == []
    assert run_items(iter(()), lambda item: item, max_workers=4) == []


def test_items_may_be_any_iterable():
    assert [result.value for result in run_items((x for x in 'abc'), str.upper)] == ['A', 'B', 'C']


def test_each_failure_is_its_own():
    api_error = AlicloudNotFoundError('NoSuchBucket', 'The specified bucket does not exist.', request_id='RID')
    domain_error = DomainError('domains[2].name', 'is not a domain name')
    value_error = ValueError('ttl: 1 is below the minimum 600')
    bug = KeyError('certificate')
    raised = {'api': api_error, 'domain': domain_error, 'value': value_error, 'bug': bug}
    items = [dict(name='%s.example.com' % name) for name in ('ok1', 'api', 'domain', 'value', 'bug', 'ok2')]

    def work(item):
        label = item['name'].split('.')[0]
        if label in raised:
            raise raised[label]
        return label

    results = run_items(items, work, max_workers=4)
    assert [result.value for result in results] == ['ok1', None, None, None, None, 'ok2']
    assert results[1].error is api_error
    assert results[2].error is domain_error
    assert results[3].error is value_error
    wrapped = results[4].error
    assert isinstance(wrapped, ItemError)
    assert not isinstance(wrapped, AlicloudError)
    assert wrapped.cause is bug
    assert str(wrapped) == "item bug.example.com: unexpected error KeyError: 'certificate'"
    assert 'KeyError' in wrapped.traceback and 'in work' in wrapped.traceback
    assert wrapped.to_result() == dict(error_code='UnexpectedError')
    assert [result.failed for result in results] == [False, True, True, True, True, False]


def test_describe_can_be_given():
    results = run_items([dict(bucket='b', domain='d')], lambda item: 1 / 0, describe=lambda item, index: 'the binding of d')
    assert str(results[0].error).startswith('the binding of d: unexpected error ZeroDivisionError')


def test_a_failing_describe_falls_back_to_the_position():
    results = run_items(['a', 'b'], lambda item: {}[item], describe=lambda item, index: {}['no'])
    assert str(results[1].error) == "item 2: unexpected error KeyError: 'b'"


@pytest.mark.parametrize('item, index, expected', [
    (dict(name='www.example.com', bucket='b'), 0, 'item www.example.com'),
    (dict(domain='www.example.com'), 0, 'domain www.example.com'),
    (dict(record='_dnsauth.example.com'), 0, 'record _dnsauth.example.com'),
    (dict(bucket='assets'), 0, 'bucket assets'),
    (dict(name=''), 4, 'item 5'),
    ('www.example.com', 1, 'item www.example.com'),
    (42, 2, 'item 3'),
])
def test_describe_item(item, index, expected):
    assert describe_item(item, index) == expected


@pytest.mark.parametrize('exception', [KeyboardInterrupt, SystemExit])
def test_interrupts_propagate_and_stop_the_rest(exception):
    release = threading.Event()
    started = []
    lock = threading.Lock()

    def work(item):
        with lock:
            started.append(item)
        if item == 0:
            raise exception()
        release.wait(TIMEOUT)
        return item

    try:
        with pytest.raises(exception):
            run_items(range(40), work, max_workers=2)
    finally:
        release.set()
    time.sleep(0.01)
    assert len(started) < 40


@pytest.mark.parametrize('exception', [KeyboardInterrupt, SystemExit])
def test_interrupts_propagate_in_the_calling_thread_too(exception):
    calls = []

    def work(item):
        calls.append(item)
        raise exception()

    with pytest.raises(exception):
        run_items(range(3), work, max_workers=1)
    assert calls == [0]


def test_on_result_sees_every_item_in_the_calling_thread():
    seen = []
    callers = set()

    def on_result(result):
        seen.append(result.index)
        callers.add(threading.current_thread())

    run_items(range(6), lambda item: item, max_workers=3, on_result=on_result)
    assert sorted(seen) == list(range(6))
    assert callers == set([threading.current_thread()])


def test_item_result_equality_and_repr():
    assert ItemResult(0, 'a', value=1) == ItemResult(0, 'a', value=1)
    assert ItemResult(0, 'a', value=1) != ItemResult(0, 'a', value=2)
    assert ItemResult(0, 'a', value=1) != 'something else'
    assert 'value=1' in repr(ItemResult(0, 'a', value=1))
    assert 'error=' in repr(ItemResult(0, 'a', error=ValueError('x')))


# -- group_by ----------------------------------------------------------------------------------------------------------

# -- run_interleaved ---------------------------------------------------------------------------------------------------

def paced(log, fake, name, steps, gap):
    """An item of `steps` steps, each at least `gap` after the one before (like a zone's writes)."""
    last = None
    for number in range(steps):
        yield (last + gap) if last is not None else 0.0
        last = fake.clock()
        log.append((name, number, last))
    return '%s done' % name


def test_interleaved_items_take_turns_and_end_together():
    fake = FakeClock()
    log = []
    results = run_interleaved(['a', 'b', 'c'], lambda name: paced(log, fake, name, 4, 1.0), max_workers=1,
                              clock=fake.clock, sleep=fake.sleep)
    assert [result.value for result in results] == ['a done', 'b done', 'c done']
    # one worker, three zones each needing 1 s between its writes: the zones take turns, so 12 writes take ~3 s of
    # waits, not the 9 s of one zone after the other
    assert [entry[0] for entry in log[:6]] == ['a', 'b', 'c', 'a', 'b', 'c']
    assert fake.now == pytest.approx(3.0)
    for name in 'abc':
        times = [entry[2] for entry in log if entry[0] == name]
        assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[1:]))


def test_interleaved_a_third_item_is_not_held_back_by_two_slow_ones():
    """Two slow items wait 0.5 s between their steps; the two workers must not sleep through those waits while a third
    item could go on (as one worker per item would): its five steps are done long before the slow items end."""
    done = {}
    begin = time.time()

    def start(item):
        for dummy in range(2 if item.startswith('slow') else 5):
            yield time.time() + (0.5 if item.startswith('slow') else 0.0)
        done[item] = time.time() - begin

    results = run_interleaved(['slow1', 'slow2', 'fast'], start, max_workers=2)
    assert all(result.ok for result in results)
    assert done['fast'] < 0.4 <= min(done['slow1'], done['slow2'])


def test_interleaved_results_in_input_order_with_threads():
    log = []
    lock = threading.Lock()

    def start(item):
        for number in range(3):
            yield None
            with lock:
                log.append((item, number))
            time.sleep(0.001 * (item % 3))
        return item * 10

    results = run_interleaved(range(12), start, max_workers=4)
    assert [result.value for result in results] == [item * 10 for item in range(12)]
    assert [result.index for result in results] == list(range(12))
    assert sorted(log) == sorted((item, number) for item in range(12) for number in range(3))
    for item in range(12):  # each item's steps ran in order
        assert [number for name, number in log if name == item] == [0, 1, 2]


def test_interleaved_each_failure_is_its_own():
    def start(item):
        yield None
        if item == 'api':
            raise AlicloudError('Throttling', 'slow down')
        if item == 'bug':
            raise KeyError('oops')
        yield None
        return item

    results = run_interleaved(['ok', 'api', 'bug', 'fine'], start, max_workers=2, describe=lambda item, index: 'zone %s' % item)
    assert [result.value for result in results] == ['ok', None, None, 'fine']
    assert isinstance(results[1].error, AlicloudError)
    assert isinstance(results[2].error, ItemError)
    assert results[2].error.message.startswith('zone bug: unexpected error KeyError')
    assert 'KeyError' in results[2].error.traceback


def test_interleaved_a_failing_start_is_the_items_error():
    def start(item):
        if item == 2:
            raise ValueError('bad zone')
        return iter([None])

    results = run_interleaved([1, 2, 3], start, max_workers=3)
    assert [result.failed for result in results] == [False, True, False]
    assert str(results[1].error) == 'bad zone'


@pytest.mark.parametrize('max_workers', [1, 3])
@pytest.mark.parametrize('exception', [KeyboardInterrupt, SystemExit])
def test_interleaved_interrupts_propagate_and_stop_the_rest(exception, max_workers):
    steps = []
    lock = threading.Lock()

    def start(item):
        for number in range(50):
            yield None
            with lock:
                steps.append(item)
            if item == 0 and number == 2:
                raise exception()

    with pytest.raises(exception):
        run_interleaved(range(4), start, max_workers=max_workers)
    assert len(steps) < 4 * 50


def test_interleaved_no_items():
    assert run_interleaved([], lambda item: iter(()), max_workers=4) == []


def test_group_by_keeps_first_seen_order():
    items = [dict(name='a', bucket='b2'), dict(name='b', bucket='b1'), dict(name='c', bucket='b2'), dict(name='d', bucket='b3'),
             dict(name='e', bucket='b1')]
    groups = group_by(items, lambda item: item['bucket'])
    assert list(groups) == ['b2', 'b1', 'b3']
    assert [[item['name'] for item in group] for group in groups.values()] == [['a', 'c'], ['b', 'e'], ['d']]


def test_group_by_tuple_keys_and_empty():
    assert group_by([], len) == {}
    groups = group_by(['x.example.com', 'y.example.org', 'z.example.com'], lambda name: tuple(name.split('.')[1:]))
    assert list(groups.items()) == [(('example', 'com'), ['x.example.com', 'z.example.com']), (('example', 'org'), ['y.example.org'])]


# -- Once --------------------------------------------------------------------------------------------------------------

def _gate_calls(result=None, error=None):
    """A function that counts its calls and blocks until released, to make callers arrive while it runs."""
    state = dict(calls=0)
    started = threading.Event()
    release = threading.Event()

    def func(*args):
        state['calls'] += 1
        started.set()
        release.wait(TIMEOUT)
        if error is not None:
            raise error
        return result if result is not None else args

    return func, state, started, release


def _in_threads(count, target):
    outcomes = [None] * count

    def runner(index):
        try:
            outcomes[index] = ('value', target())
        except Exception as exc:  # pylint: disable=broad-exception-caught
            outcomes[index] = ('error', exc)

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def _join(threads):
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()


def test_once_computes_once_for_concurrent_callers():
    listing = ['www.example.com']
    func, state, started, release = _gate_calls(result=listing)
    once = Once(func)
    threads, outcomes = _in_threads(6, once.get)
    assert started.wait(TIMEOUT)
    time.sleep(0.01)  # let the other callers arrive and wait
    assert not once.done
    release.set()
    _join(threads)
    assert state['calls'] == 1
    assert outcomes == [('value', listing)] * 6
    assert all(outcome[1] is listing for outcome in outcomes)
    assert once.done and once.error is None
    assert once.get() is listing
    assert state['calls'] == 1


def test_once_shares_its_error():
    error = AlicloudNotFoundError('NoSuchBucket', 'The specified bucket does not exist.')
    func, state, started, release = _gate_calls(error=error)
    once = Once(func, 'bucket')
    threads, outcomes = _in_threads(4, once.get)
    assert started.wait(TIMEOUT)
    release.set()
    _join(threads)
    assert state['calls'] == 1
    assert all(kind == 'error' and value is error for kind, value in outcomes)
    assert once.error is error
    with pytest.raises(AlicloudNotFoundError):
        once.get()
    assert state['calls'] == 1


def test_once_passes_arguments():
    assert Once(lambda a, b=0: a + b, 1, b=2).get() == 3


@pytest.mark.parametrize('exception', [KeyboardInterrupt, SystemExit])
def test_once_does_not_keep_interrupts(exception):
    calls = []

    def func():
        calls.append(1)
        if len(calls) == 1:
            raise exception()
        return 'second'

    once = Once(func)
    with pytest.raises(exception):
        once.get()
    assert not once.done
    assert once.get() == 'second'


def test_once_set():
    once = Once(lambda: pytest.fail('not called once a value was given'))
    once.set('given')
    assert once.get() == 'given'
    once.set('ignored')
    assert once.get() == 'given'


def test_once_none_is_a_value():
    calls = []
    once = Once(lambda: calls.append(1))
    assert once.get() is None
    assert once.get() is None
    assert calls == [1]


# -- Memo --------------------------------------------------------------------------------------------------------------

def test_memo_one_computation_per_key_under_concurrency():
    lock = threading.Lock()
    calls = []
    release = threading.Event()

    def list_cname(bucket):
        with lock:
            calls.append(bucket)
        release.wait(TIMEOUT)
        return ['%s-domain' % bucket]

    memo = Memo(list_cname)
    asked = ['b%d' % (index % 3) for index in range(12)]
    outcomes = [None] * len(asked)

    def ask(index):
        outcomes[index] = memo.get(asked[index])

    workers = [threading.Thread(target=ask, args=(index,)) for index in range(len(asked))]
    for worker in workers:
        worker.start()
    time.sleep(0.01)  # every thread has asked; three of them are computing, the others wait
    release.set()
    _join(workers)
    assert outcomes == [['%s-domain' % bucket] for bucket in asked]
    assert sorted(calls) == ['b0', 'b1', 'b2']
    assert memo.computed == 3
    assert memo('b1') == ['b1-domain']
    assert memo.computed == 3
    assert set(memo.keys()) == set(['b0', 'b1', 'b2'])


def test_memo_keys_do_not_wait_for_each_other():
    # The read of key a waits until key b has been read: one lock for all keys would deadlock here.
    b_done = threading.Event()

    def read(key):
        if key == 'a':
            if not b_done.wait(TIMEOUT):
                raise RuntimeError('key a waited for key b: the keys share a lock')
            return 'A'
        b_done.set()
        return 'B'

    memo = Memo(read)
    results = run_items(['a', 'b'], memo.get, max_workers=2)
    assert [result.value for result in results] == ['A', 'B']


def test_memo_error_is_shared_by_the_items_of_the_key():
    error = AlicloudNotFoundError('NoSuchBucket', 'The specified bucket does not exist.')
    reads = []

    def list_cname(bucket):
        reads.append(bucket)
        if bucket == 'missing':
            raise error
        return set(['%s.example.com' % name for name in ('a', 'b', 'c', 'd')])

    memo = Memo(list_cname)
    items = [dict(name='%s.example.com' % name, bucket=bucket) for name, bucket in
             (('a', 'assets'), ('b', 'missing'), ('c', 'assets'), ('d', 'missing'), ('e', 'assets'))]
    results = run_items(items, lambda item: item['name'] in memo.get(item['bucket']), max_workers=5)
    assert sorted(reads) == ['assets', 'missing']
    assert [result.value for result in results] == [True, None, True, None, False]
    assert results[1].error is error and results[3].error is error


def test_memo_prime_forget_known():
    calls = []
    memo = Memo(lambda key: calls.append(key) or key.upper())
    assert not memo.known('a')
    memo.prime('a', 'from the zone listing')
    assert memo.known('a')
    assert memo.get('a') == 'from the zone listing'
    assert memo.get('b') == 'B'
    memo.forget('b')
    memo.forget('never-asked')
    assert not memo.known('b')
    assert memo.get('b') == 'B'
    assert calls == ['b', 'b']
    assert memo.computed == 2


def test_memo_error_is_known():
    memo = Memo(lambda key: {}[key])
    with pytest.raises(KeyError):
        memo.get('x')
    assert memo.known('x')
    with pytest.raises(KeyError):
        memo.get('x')
    assert memo.computed == 1


# --- Parking: items of run_interleaved() that wait for work done elsewhere ----------------------------------------------

def test_a_parked_item_holds_no_worker_and_goes_on_when_woken_from_another_thread():
    parking = Parking()
    done = []
    ready = threading.Event()

    def start(item):
        if item == 'waiter':
            while not ready.is_set():
                yield parking.park('k')
            done.append('waiter')
        else:
            done.append(item)
            yield 0.0
            done.append(item + '-2')

    def other():
        time.sleep(0.05)
        ready.set()
        parking.wake('k')
    thread = threading.Thread(target=other)
    thread.start()
    results = run_interleaved(['waiter', 'a'], start, max_workers=1, parking=parking)
    thread.join()
    assert all(result.ok for result in results)
    # With one worker, 'a' ran both its steps while 'waiter' was parked.
    assert done == ['a', 'a-2', 'waiter']


def test_a_wake_before_the_park_is_kept_and_close_releases_every_parked_item():
    parking = Parking()
    parking.wake('early')          # before the run: kept for its park
    seen = []

    def start(item):
        yield parking.park(item)
        seen.append((item, parking.closed))

    def closer():
        time.sleep(0.05)
        parking.close()
    thread = threading.Thread(target=closer)
    thread.start()
    results = run_interleaved(['early', 'never-woken'], start, max_workers=2, parking=parking)
    thread.join()
    assert all(result.ok for result in results)
    assert sorted(seen) == [('early', False), ('never-woken', True)]
