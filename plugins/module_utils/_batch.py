# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Many items in one module run: a thread pool in which one item's failure is its own, and reads shared by items.

- run_items() calls one function on every item concurrently and returns one ItemResult per item, in input order.
  An exception is that item's error; the other items go on. API errors (AlicloudError) and refused input
  (ValueError, DomainError, ...) are kept as they are, since their messages are written for the user; anything else
  is a bug or an SDK surprise, wrapped in an ItemError that names the item and keeps the traceback. Only
  KeyboardInterrupt and SystemExit (module.fail_json() called from a worker) stop the run; the items not started
  are then dropped.
- run_interleaved() works on items that each go in steps with waits between them (the writes of one DNS zone, spaced by
  the zone's pace): the workers take turns on whichever item is ready first, so that no worker sleeps through one
  item's waits while another item could go on, and the items end together instead of one by one.
  A step may also wait for another item's step instead of a time (Parking: park(key) until wake(key)).
- group_by() groups items by a key (bucket, zone) in first-seen order: results and API calls follow the input.
- Once and Memo share one read among the items that need it (one ListCname per bucket, one zone listing per zone):
  the first caller computes it, callers that arrive meanwhile wait for that same result, and an error is shared too
  (every item of the bucket fails with the bucket's error, and the read is not repeated per item).

The functions run in threads: the API clients they use must be safe to share, or be made per thread.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import heapq
import threading
import time
import traceback

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudError

DEFAULT_MAX_WORKERS = 8
# Exceptions whose message is written for the user: they become the item's error unchanged.
KEPT_ERRORS = (AlicloudError, ValueError)


class ItemError(Exception):
    """An unexpected exception raised for one item: the message names the item and the exception.

    `cause` is the original exception, `traceback` its formatted traceback (for a module's `exception` result).
    """

    code = 'UnexpectedError'

    def __init__(self, label, cause, trace=None):
        message = '%s: unexpected error %s: %s' % (label, type(cause).__name__, cause)
        super(ItemError, self).__init__(message)
        self.label = label
        self.cause = cause
        self.traceback = trace
        self.message = message

    def to_result(self):
        return dict(error_code=self.code)


class ItemResult(object):
    """What one item gave: `value` (func's return) or `error` (an exception), with its input position and item."""

    __slots__ = ('index', 'item', 'value', 'error')

    def __init__(self, index, item, value=None, error=None):
        self.index = index
        self.item = item
        self.value = value
        self.error = error

    @property
    def ok(self):
        return self.error is None

    @property
    def failed(self):
        return self.error is not None

    def __eq__(self, other):
        if not isinstance(other, ItemResult):
            return NotImplemented
        return (self.index, self.item, self.value, self.error) == (other.index, other.item, other.value, other.error)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __repr__(self):
        if self.error is not None:
            return 'ItemResult(%d, %r, error=%r)' % (self.index, self.item, self.error)
        return 'ItemResult(%d, %r, value=%r)' % (self.index, self.item, self.value)


def describe_item(item, index):
    """How an error message names an item: its name (or domain, record, bucket) when it has one, else its position."""
    if isinstance(item, dict):
        for field in ('name', 'domain', 'record', 'bucket'):
            if item.get(field):
                return '%s %s' % ('item' if field == 'name' else field, item[field])
    elif isinstance(item, str):
        return 'item %s' % item
    return 'item %d' % (index + 1)


def error_result(index, item, describe, error):
    """An exception raised for one item, as its ItemResult. API errors and refused input (KEPT_ERRORS) are kept as they
    are; anything else becomes an ItemError that names the item and keeps the traceback."""
    if isinstance(error, KEPT_ERRORS):
        return ItemResult(index, item, error=error)
    # One item's surprise must not take the other items down: it becomes that item's error, named.
    trace = ''.join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        label = describe(item, index)
    except Exception:  # pylint: disable=broad-exception-caught
        label = 'item %d' % (index + 1)  # a naming bug must not hide the item's own error
    return ItemResult(index, item, error=ItemError(label, error, trace))


def _run_one(func, index, item, describe):
    """func(item) as an ItemResult; KeyboardInterrupt and SystemExit pass through (they are not Exception)."""
    try:
        return ItemResult(index, item, value=func(item))
    except Exception as exc:  # pylint: disable=broad-exception-caught
        return error_result(index, item, describe, exc)


def run_items(items, func, max_workers=DEFAULT_MAX_WORKERS, describe=describe_item, on_result=None):
    """Call func(item) for every item, up to max_workers at a time; return [ItemResult] in input order.

    describe(item, index) names an item in the message of an unexpected error. on_result(result), when given, is
    called in the calling thread as each item finishes (in completion order), for progress.
    With max_workers <= 1 or a single item, everything runs in the calling thread.
    """
    items = list(items)
    results = [None] * len(items)
    workers = min(int(max_workers or 1), len(items))
    if workers <= 1:
        for index, item in enumerate(items):
            results[index] = _run_one(func, index, item, describe)
            if on_result is not None:
                on_result(results[index])
        return results
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix='alicloud-item')
    pending = set()
    try:
        for index, item in enumerate(items):
            pending.add(executor.submit(_run_one, func, index, item, describe))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()  # re-raises KeyboardInterrupt / SystemExit raised by func in a worker
                results[result.index] = result
                if on_result is not None:
                    on_result(result)
    except BaseException:
        # Interrupted (or a worker exited): drop the items not started; the running ones end with their current call.
        for future in pending:
            future.cancel()
        executor.shutdown(wait=False)
        raise
    executor.shutdown(wait=True)
    return results


class Parking(object):
    """Lets the items of run_interleaved() wait for work done elsewhere (another thread, another pool) without holding a
    worker: a step generator that yields parking.park(key) is set aside until parking.wake(key) is called, from any
    thread (a wake that comes before the park is kept for it; a spurious wake is possible, so the item looks again at
    what it waits for). close() wakes every parked item and makes park() return at once: the caller calls it when no
    wake can come any more, and the items must then see that what they waited for will not come (`closed`)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hooks = None      # (wake, wake_all) of the run, once it started
        self._early = {}        # key -> wakes before the run started
        self.closed = False

    @staticmethod
    def park(key):
        return _Park(key)

    def wake(self, key):
        with self._lock:
            if self._hooks is None:
                self._early[key] = self._early.get(key, 0) + 1
                return
            wake = self._hooks[0]
        wake(key)

    def close(self):
        with self._lock:
            self.closed = True
            hooks = self._hooks
        if hooks is not None:
            hooks[1]()

    def attach(self, wake, wake_all):
        """run_interleaved(): route the wakes to the run; returns the wakes that came before it."""
        with self._lock:
            self._hooks = (wake, wake_all)
            early, self._early = self._early, {}
        return early


class _Park(object):
    __slots__ = ('key',)

    def __init__(self, key):
        self.key = key


def run_interleaved(items, start, max_workers=DEFAULT_MAX_WORKERS, describe=describe_item, clock=None, sleep=None, parking=None):
    """Work on items that go in steps, the steps of all items interleaved; return [ItemResult] in input order.

    start(item) returns a generator that works on the item up to its next step and then yields the time (clock()) at
    which that step may begin (None or a past time: at once), or parking.park(key) to wait for another item's step (see
    Parking); it returns when the item is done, and its return value is the ItemResult's value. Up to max_workers
    threads each take the waiting item that is ready first, once its time has come, and run its next step; a worker
    holds no item while it waits, so an item put back with an earlier time is taken first. An exception is that item's
    error, as in run_items(); KeyboardInterrupt and SystemExit stop the run.
    With max_workers <= 1 everything runs in the calling thread. clock and sleep may be injected (tests).
    """
    clock = clock or time.time
    items = list(items)
    results = [None] * len(items)
    steps = {}
    waiting = [(0.0, index) for index in range(len(items))]  # a heap of (ready time, index)
    parked = {}      # key -> [index] of the items waiting for wake(key)
    early = {}       # key -> wakes that came before the park
    state = dict(busy=0, stop=None)
    turn = threading.Condition()

    def wake(key):
        with turn:
            if parked.get(key):
                heapq.heappush(waiting, (0.0, parked[key].pop(0)))
                if not parked[key]:
                    del parked[key]
                turn.notify_all()
            else:
                early[key] = early.get(key, 0) + 1

    def wake_all():
        with turn:
            for indexes in parked.values():
                for index in indexes:
                    heapq.heappush(waiting, (0.0, index))
            parked.clear()
            turn.notify_all()

    def put_back(index, ready):
        """(turn held) An item after its step: into the heap, or parked until its key is woken."""
        if isinstance(ready, _Park):
            if early.get(ready.key):
                early[ready.key] -= 1
            elif parking is not None and not parking.closed:
                parked.setdefault(ready.key, []).append(index)
                return
            ready = 0.0
        heapq.heappush(waiting, (ready, index))

    if parking is not None:
        with turn:
            for key, count in parking.attach(wake, wake_all).items():
                early[key] = early.get(key, 0) + count

    def wait_for(delay):
        """Wait (turn held) until the first waiting item is ready or another item is put back: a waiting worker holds no
        item, so that an item that becomes ready earlier is taken at once."""
        if sleep is None or sleep is time.sleep:
            turn.wait(delay)
        else:  # an injected clock (tests): sleep on it, then look again
            turn.release()
            try:
                sleep(delay)
            finally:
                turn.acquire()

    def advance(index):
        """One step of the item: (None, result) when it ended, else (ready time of its next step, None)."""
        try:
            if index not in steps:
                steps[index] = start(items[index])
            ready = next(steps[index])
        except StopIteration as end:
            return None, ItemResult(index, items[index], value=end.value)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            return None, error_result(index, items[index], describe, exc)
        return (ready if isinstance(ready, _Park) else (ready or 0.0)), None

    def take():
        """The next item whose step may begin now (turn held), or None when the run is over."""
        while state['stop'] is None:
            if waiting:
                delay = waiting[0][0] - clock()
                if delay <= 0:
                    state['busy'] += 1
                    return heapq.heappop(waiting)[1]
                wait_for(delay)
            elif state['busy'] or parked:
                turn.wait()  # an item being worked on may be put back; a parked one woken (wake(), close())
            else:
                return None
        return None

    def worker():
        while True:
            with turn:
                index = take()
            if index is None:
                return
            try:
                ready, result = advance(index)
            except BaseException as exc:  # KeyboardInterrupt, SystemExit: every worker stops after its current step
                with turn:
                    state['stop'] = exc
                    state['busy'] -= 1
                    turn.notify_all()
                raise
            with turn:
                state['busy'] -= 1
                if result is not None:
                    results[index] = result
                else:
                    put_back(index, ready)
                turn.notify_all()

    workers = min(int(max_workers or 1), len(items))
    if workers <= 1:
        worker()
        return results
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix='alicloud-step')
    futures = [executor.submit(worker) for dummy in range(workers)]
    try:
        for future in futures:
            future.result()  # re-raises KeyboardInterrupt / SystemExit raised in a worker
    except BaseException as exc:
        with turn:
            state['stop'] = state['stop'] or exc
            turn.notify_all()
        executor.shutdown(wait=False)
        raise
    executor.shutdown(wait=True)
    return results


def group_by(items, keyfunc):
    """{key: [items]} with the keys in first-seen order and each group in input order."""
    groups = {}
    for item in items:
        groups.setdefault(keyfunc(item), []).append(item)
    return groups


class Once(object):
    """func(*args, **kwargs) computed at most once, by the first caller of get(); callers that arrive while it runs
    wait for it and get the same value, or the same exception raised again."""

    def __init__(self, func, *args, **kwargs):
        self._func = func
        self._args = args
        self._kwargs = kwargs
        self._lock = threading.Lock()
        self._done = False
        self._value = None
        self._error = None

    @property
    def done(self):
        return self._done

    @property
    def error(self):
        return self._error

    def get(self):
        if not self._done:
            with self._lock:
                if not self._done:
                    self._compute()
        if self._error is not None:
            raise self._error
        return self._value

    def _compute(self):
        try:
            value = self._func(*self._args, **self._kwargs)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # Kept and raised again to every caller: the items that share this read share its failure.
            # KeyboardInterrupt / SystemExit are not kept: they end the run, and nothing is left half done.
            self._error = exc
        else:
            self._value = value
        self._done = True

    def set(self, value):
        """Give the value from elsewhere (a listing that answered for this key too); no-op once computed."""
        with self._lock:
            if not self._done:
                self._value = value
                self._done = True


class Memo(object):
    """func(key) computed once per key (a Once per key): one read shared by every item that needs it.

    `computed` counts the calls of func (for tests and call counts). forget(key) drops a value, after a write made it
    stale; prime(key, value) gives a value read by another call.
    """

    def __init__(self, func):
        self._func = func
        self._lock = threading.Lock()
        self._entries = {}
        self._computed = 0

    def _counted(self, key):
        with self._lock:
            self._computed += 1
        return self._func(key)

    def _entry(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = Once(self._counted, key)
            return entry

    def get(self, key):
        return self._entry(key).get()

    __call__ = get

    def prime(self, key, value):
        self._entry(key).set(value)

    def forget(self, key):
        with self._lock:
            self._entries.pop(key, None)

    def known(self, key):
        """Whether key has a value or an error already (get() would not call func)."""
        with self._lock:
            entry = self._entries.get(key)
        return entry is not None and entry.done

    def keys(self):
        with self._lock:
            return list(self._entries)

    @property
    def computed(self):
        with self._lock:
            return self._computed
