# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One pace for the API calls of every thread and every module process of a controller, per account, API and kind.

Why: a fleet runs many module processes at once (Ansible forks, all on the controller), and a module in list mode
runs its items in threads. Each of them retrying on its own after a throttling answer costs several attempts per
accepted write when a cap binds; a schedule they all share keeps the calls below the cap in the first place.

How: GCRA (the generic cell rate algorithm, a token bucket kept as one number). A limiter of `rate` calls per second
and `burst` allows a call at time t when t >= TAT - (burst - 1) / rate, and then moves the "theoretical arrival time"
TAT to max(TAT, t) + 1 / rate. The caller reserves its slot (reads TAT, computes its start, writes the new TAT) under
a lock, then sleeps until the start outside the lock, so that waiting callers do not hold each other up and the slots
are handed out in order. TAT lives in a small file per key, in a per-user directory (mode 0700) under the temporary
directory; fcntl.flock serialises the processes, a threading.Lock the threads of one process (one lock per file,
shared by every limiter object of the key). The file holds the clock at its last update too, so a clock set back
keeps the queue length instead of the absolute time; a TAT more than an hour ahead (a clock set far back, a file
from elsewhere) and an unreadable file start over. When no file can be used (no fcntl, a directory that is not
writable, not ours or open to others) the limiter falls back to pacing the threads of this process only, and says
so (`shared` false, `fallback_reason`).

Key: (account, API, kind). The account is the access key id (or the profile, ECS role, role ARN or account id that
stands for it) and the endpoint when one is given (so that a local emulator and the real service are not paced
together); it reaches the disk only as a SHA-256 digest. API is 'oss' or 'alidns', kind 'read' or 'write'.

Default rates (calls per second, every call counts, retries too), chosen below the documented limits:

- Alidns: the API quota page, https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-quota, lists per
  account AddDomainRecord, UpdateDomainRecord and DeleteDomainRecord at 60/s, DescribeDomainRecords at 100/s and
  DescribeSubDomainRecords at 300/s; since 2025-01-15 Alibaba Cloud DNS also throttles adaptively
  (https://www.alibabacloud.com/en/notice/notice_on_api_throttling_of_alibaba_cloud_dns_444). Writes 40/s, reads
  80/s: two thirds of the write quota and four fifths of the smallest read quota, which leaves room for other tools
  of the account and for the adaptive throttling while a fleet of 200 domains still publishes its records in seconds.
- OSS: 10,000 QPS per Alibaba Cloud account in total
  (https://www.alibabacloud.com/help/en/oss/user-guide/limits, error 0004-00000302); no separate figure is
  published for the CNAME API (PutCname, ListCname, CreateCnameToken, ...). Writes 50/s and reads 100/s: far below
  the account total, which the account's data traffic shares.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import errno
import hashlib
import json
import math
import os
import re
import stat
import tempfile
import threading
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not on a POSIX controller: pace the threads of the process only
    fcntl = None
    HAS_FCNTL = False

APIS = ('oss', 'alidns')
KINDS = ('read', 'write')
DEFAULT_RATES = {
    ('alidns', 'write'): 40,
    ('alidns', 'read'): 80,
    ('oss', 'write'): 50,
    ('oss', 'read'): 100,
}
# The options (module parameters) that override the defaults, for both APIs; 0 means no limit.
RATE_OPTIONS = {'read': 'api_read_rate', 'write': 'api_write_rate'}
DEFAULT_BURST = 1
DIRECTORY_PREFIX = 'alicloud_oss_domains-ratelimit-'
# A schedule further ahead than this cannot come from callers queueing (that would be thousands of waiting calls): a
# clock that was set back, or a file written elsewhere. Waiting for it would hang every run, so it starts over.
STALE_AHEAD = 3600.0
FILE_VERSION = 1

_SAFE_PART = re.compile(r'[^a-z0-9_]+')


def default_directory():
    """The per-user directory of the schedule files: <tempdir>/alicloud_oss_domains-ratelimit-<uid>."""
    uid = os.getuid() if hasattr(os, 'getuid') else 'user'
    return os.path.join(tempfile.gettempdir(), '%s%s' % (DIRECTORY_PREFIX, uid))


def digest(text):
    """SHA-256 of an account identity: what reaches the disk instead of it."""
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def key_name(key):
    """The file name of a key: (account, api, kind) -> '<sha256(account)>-<api>-<kind>'; a string key is hashed whole.

    The account never appears in the name; api and kind do (reduced to [a-z0-9_]), so a person can tell the files
    apart."""
    if key is None:
        key = ('', 'any', 'any')
    if isinstance(key, (tuple, list)):
        if len(key) != 3:
            raise ValueError('a rate limiter key is (account, api, kind), got %d parts' % len(key))
        account, api, kind = key
        parts = [_SAFE_PART.sub('_', str(part).lower()).strip('_') or 'x' for part in (api, kind)]
        return '%s-%s-%s' % (digest(str(account or '')), parts[0], parts[1])
    return digest(str(key))


def _numbers(data, names):
    """{name: float} of a state file's bytes (JSON); None when missing, empty, unreadable, or a number is NaN or infinite
    (a corrupt file: start over)."""
    try:
        state = json.loads(data.decode('utf-8'))
        numbers = dict((name, float(state[name])) for name in names)
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError):
        return None
    if not all(math.isfinite(value) for value in numbers.values()):
        return None
    return numbers


def _parse_state(data):
    """(tat, updated) from a schedule file's bytes; (None, None) when missing, empty or unreadable."""
    state = _numbers(data, ('tat', 'updated'))
    return (state['tat'], state['updated']) if state else (None, None)


def schedule(tat, updated, now, interval, tolerance):
    """(wait, new_tat) for one call arriving at `now` (GCRA).

    tat/updated: the shared schedule and the clock when it was written (None when there is none). interval = 1/rate,
    tolerance = (burst - 1) * interval. The call may start at max(now, tat - tolerance); the schedule moves on to
    max(tat, now) + interval.
    """
    if tat is not None and updated is not None and now < updated:
        # The clock was set back since the last call: keep how far ahead the schedule was, not where it was.
        tat -= updated - now
    if tat is None or tat > now + STALE_AHEAD:
        tat = now
    start = max(tat, now)
    wait = max(0.0, start - tolerance - now)
    return wait, start + interval


class _KeyState(object):
    """What the limiters of one file share inside a process: the thread lock, and the last schedule seen (which the
    in-process fallback continues from)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.tat = None
        self.updated = None


_STATES = {}
_STATES_LOCK = threading.Lock()


def _key_state(path):
    with _STATES_LOCK:
        state = _STATES.get(path)
        if state is None:
            state = _STATES[path] = _KeyState()
        return state


def _read_all(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            return b''.join(chunks)
        chunks.append(chunk)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def open_file(path):
    """A schedule file for reading and writing (made 0600 if missing; a symlink in its place is not followed)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
    return os.open(path, flags, 0o600)


def prepare_file(directory, path, default_directory):
    """Make the directory (0700) and the file at path; None when the file can be shared, else why not."""
    if not HAS_FCNTL:
        return 'fcntl (file locks) is not available on this system'
    try:
        os.makedirs(directory, 0o700)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            return 'the directory %s cannot be created (%s)' % (directory, exc.strerror or exc)
    problem = directory_problem(directory, default_directory)
    if problem:
        return problem
    try:
        os.close(open_file(path))
    except (IOError, OSError) as exc:
        return 'the file %s cannot be opened for writing (%s)' % (path, exc.strerror or exc)
    return None


def directory_problem(directory, default_directory):
    """Why the directory must not hold the schedule files, or None.

    The default directory sits in a temporary directory every user can write to: someone else could have made it
    (or a symlink in its place) to feed us a schedule that stalls every run, so it must be a directory of ours that
    nobody else can write. A directory the caller chose is trusted as it is (a team may share one on purpose).
    """
    try:
        info = os.lstat(directory) if default_directory else os.stat(directory)
    except OSError as exc:
        return 'the directory %s cannot be read (%s)' % (directory, exc.strerror or exc)
    if not stat.S_ISDIR(info.st_mode):
        return '%s is not a directory' % directory
    if default_directory and hasattr(os, 'getuid'):
        if info.st_uid != os.getuid():
            return 'the directory %s belongs to another user (uid %s)' % (directory, info.st_uid)
        if stat.S_IMODE(info.st_mode) & 0o077:
            try:
                os.chmod(directory, 0o700)
            except OSError as exc:
                return 'the directory %s is open to other users and cannot be made private (%s)' % (directory, exc.strerror or exc)
    return None


class RateLimiter(object):
    """A GCRA limiter of `rate_per_second` calls (None or 0: no limit) with `burst` calls allowed back to back.

    acquire() reserves the next slot and sleeps until it (outside every lock); it returns the seconds waited.
    `shared` is True while the schedule is kept in the file shared with other processes; False when the limiter is
    unlimited or fell back to pacing the threads of this process only (`fallback_reason` says why).
    """

    def __init__(self, rate_per_second, burst=DEFAULT_BURST, key=None, directory=None, clock=time.time, sleep=time.sleep):
        if rate_per_second is not None and (isinstance(rate_per_second, bool) or not isinstance(rate_per_second, (int, float))
                                            or not rate_per_second >= 0):
            raise ValueError('a rate limit is a number of calls per second >= 0 (0 for no limit), got %r' % (rate_per_second,))
        if isinstance(burst, bool) or int(burst) != burst or burst < 1:
            raise ValueError('a rate limiter burst is a whole number of calls >= 1, got %r' % (burst,))
        self.rate = float(rate_per_second) if rate_per_second else None
        self.burst = int(burst)
        self.name = key_name(key)
        self.directory = directory or default_directory()
        self.path = os.path.join(self.directory, self.name)
        self._default_directory = directory is None
        self._clock = clock
        self._sleep = sleep
        self.shared = False
        self.fallback_reason = None
        self.calls = 0
        self.waited = 0.0
        if self.rate is None:
            self.interval = self.tolerance = 0.0
            self._state = None
            return
        self.interval = 1.0 / self.rate
        self.tolerance = (self.burst - 1) * self.interval
        self._state = _key_state(self.path)
        with self._state.lock:
            self._prepare()

    @property
    def unlimited(self):
        return self.rate is None

    # -- setup ------------------------------------------------------------------------------------------------------

    def _fall_back(self, reason):
        self.shared = False
        self.fallback_reason = '%s; calls are paced within this process only' % reason

    def _prepare(self):
        """Make the directory (0700) and the file, or fall back to the in-process schedule, saying why."""
        problem = prepare_file(self.directory, self.path, self._default_directory)
        if problem:
            self._fall_back(problem)
            return
        self.shared = True

    def _open(self):
        return open_file(self.path)

    # -- reservation -----------------------------------------------------------------------------------------------

    def reserve(self):
        """Reserve the next slot; return the seconds to wait before the call (without sleeping)."""
        if self.rate is None:
            return 0.0
        state = self._state
        with state.lock:
            if self.shared:
                try:
                    wait = self._reserve_in_file(state)
                except (IOError, OSError) as exc:
                    # The directory was removed by a cleaner, the disk is full, ...: keep pacing, within the process.
                    self._fall_back('the file %s could not be updated (%s)' % (self.path, exc.strerror or exc))
                    wait = self._reserve_in_process(state)
            else:
                wait = self._reserve_in_process(state)
            self.calls += 1
            self.waited += wait
        return wait

    def acquire(self):
        """Wait for the next slot of the schedule; return the seconds waited (0.0 when none)."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def call(self, func, *args, **kwargs):
        """func(*args, **kwargs) once its slot has come."""
        self.acquire()
        return func(*args, **kwargs)

    def _reserve_in_process(self, state):
        now = self._clock()
        wait, state.tat = schedule(state.tat, state.updated, now, self.interval, self.tolerance)
        state.updated = now
        return wait

    def _reserve_in_file(self, state):
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                tat, updated = _parse_state(_read_all(fd))
                # Read the clock only once the lock is held, so that the processes' readings are in lock order.
                now = self._clock()
                wait, new_tat = schedule(tat, updated, now, self.interval, self.tolerance)
                data = json.dumps({'v': FILE_VERSION, 'tat': new_tat, 'updated': now}).encode('utf-8')
                os.lseek(fd, 0, os.SEEK_SET)
                _write_all(fd, data)
                os.ftruncate(fd, len(data))
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        state.tat, state.updated = new_tat, now
        return wait

    def __repr__(self):
        return 'RateLimiter(rate=%r, burst=%r, name=%r, shared=%r)' % (self.rate, self.burst, self.name, self.shared)


# ---------------------------------------------------------------------------------------------------------------------
# One write at a time to a zone of Alibaba Cloud DNS, across the processes of the controller

ZONE_TURN_MAX_WAIT = 30.0   # s: a turn held longer (a process hung in a write) is not waited for any longer
ZONE_TURN_POLL = 0.01       # s between two tries to take a turn another process holds
ZONE_STATE_STALE = 3600.0   # s: a zone's pace learned longer ago than this is forgotten (the zone may be faster now)


class ZoneTurns(object):
    """The turns of the writers of one zone: Alibaba Cloud DNS refuses a write to a zone while the zone's previous write
    is being applied (LastOperationNotFinished), so the writers of every process of the controller (Ansible forks, each
    writing the record of its own host) take turns, and share what _records.ZonePacer learned of the zone's pace.

    take() waits (polling, at most `max_wait` seconds) for an exclusive lock on the zone's file and returns the pace kept
    in it ({'last': end of the zone's last write, 'gap': seconds to leave after it, 'floor': the largest gap refused});
    the lock is held through the write and released by give(pace), which stores the new pace. A process that dies during
    its write loses its lock with it (the kernel releases it). peek() reads the pace without a turn (to order the zones of
    a run). A zone with no pace of its own yet starts from the account's (`account_key`): the pace of the last zone of the
    account that was refused a write ({'last': None, ...}), so that each new zone does not learn it again with refusals;
    so does a zone whose writes were never refused (see _with_account()).
    Times are readings of `clock`. The files are kept like the rate limiters' schedules (keys hashed); when they cannot
    be used the turns are not shared (`shared` false, `fallback_reason`) and take() returns None. Turns only spare
    refusals: a writer that cannot get one in time writes anyway, and the retry policy does the rest.
    """

    def __init__(self, key, account_key=None, directory=None, clock=time.time, sleep=time.sleep, max_wait=ZONE_TURN_MAX_WAIT,
                 poll=ZONE_TURN_POLL):
        self.name = key_name(key)
        self.directory = directory or default_directory()
        self.path = os.path.join(self.directory, self.name)
        self.account_path = os.path.join(self.directory, key_name(account_key)) if account_key is not None else None
        self._clock = clock
        self._sleep = sleep
        self.max_wait = max_wait
        self.poll = poll
        self._fd = None
        self.waited = 0.0      # seconds spent waiting for turns held by other writers
        self.timeouts = 0      # turns not got within max_wait (written anyway)
        problem = prepare_file(self.directory, self.path, directory is None)
        self.shared = problem is None
        self.fallback_reason = ('%s; the writes to the zone take turns within this process only' % problem) if problem else None

    @property
    def held(self):
        return self._fd is not None

    def _parse(self, data, names=('last', 'gap', 'floor')):
        pace = _numbers(data, names + ('updated',))
        if pace is None:
            return None
        now = self._clock()
        if pace['updated'] > now or now - pace['updated'] > ZONE_STATE_STALE or pace.get('last', now) > now:
            return None  # a clock set back, a file from elsewhere, or a pace learned too long ago: learn again
        if pace['gap'] < 0 or pace['floor'] < 0:
            return None
        del pace['updated']
        return pace

    def _read(self, path, names=('last', 'gap', 'floor')):
        try:
            with open(path, 'rb') as handle:
                return self._parse(handle.read(), names)
        except (IOError, OSError):
            return None

    def _account_pace(self):
        if self.account_path is None:
            return None
        pace = self._read(self.account_path, ('gap', 'floor'))
        if pace is not None:
            pace['last'] = None
        return pace

    def _with_account(self, pace):
        """The zone's pace, completed with the account's: the account's alone when the zone has none; the account's gap
        and floor when the zone's writes were never refused (floor 0: they came far enough apart, which says nothing of
        what the zone needs - the writes of a rate-limited list run, say, before the forks of a per-host run)."""
        account = self._account_pace()
        if pace is None or account is None or pace['floor'] > 0:
            return pace or account
        return dict(pace, gap=max(pace['gap'], account['gap']), floor=account['floor'])

    def peek(self):
        """The zone's pace as its file holds it now, completed with the account's (None: none known, or not shared)."""
        if not self.shared:
            return None
        return self._with_account(self._read(self.path))

    def take(self):
        """Wait for the zone's turn (at most max_wait seconds); return the pace as peek() does (None when none is known,
        the turns are not shared, or the turn could not be had in time)."""
        if not self.shared or self._fd is not None:
            return None
        try:
            fd = open_file(self.path)
        except (IOError, OSError) as exc:
            self.shared = False
            self.fallback_reason = 'the file %s cannot be opened (%s); the writes to the zone take turns within this process only' % (
                self.path, exc.strerror or exc)
            return None
        started = self._clock()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (IOError, OSError) as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    return None
            waited = self._clock() - started
            if waited >= self.max_wait:
                self.timeouts += 1
                self.waited += waited
                os.close(fd)
                return None
            self._sleep(self.poll)
        self.waited += self._clock() - started
        self._fd = fd
        try:
            return self._with_account(self._parse(_read_all(fd)))
        except (IOError, OSError):
            return None

    def give(self, pace):
        """Store the zone's pace ({'last', 'gap', 'floor'}) and end the turn; nothing when no turn is held. A pace with a
        floor (the zone refused a write) becomes the account's too."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            now = self._clock()
            _store(fd, {'v': FILE_VERSION, 'last': pace['last'], 'gap': pace['gap'], 'floor': pace['floor'], 'updated': now})
            if self.account_path is not None and pace['floor'] > 0:
                account = open_file(self.account_path)
                try:
                    fcntl.flock(account, fcntl.LOCK_EX)
                    _store(account, {'v': FILE_VERSION, 'gap': pace['gap'], 'floor': pace['floor'], 'updated': now})
                finally:
                    os.close(account)
        except (IOError, OSError, KeyError, TypeError, ValueError):
            pass  # the pace is only advice: the next writer learns it again
        finally:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __repr__(self):
        return 'ZoneTurns(name=%r, shared=%r)' % (self.name, self.shared)


def _store(fd, state):
    data = json.dumps(state).encode('utf-8')
    os.lseek(fd, 0, os.SEEK_SET)
    _write_all(fd, data)
    os.ftruncate(fd, len(data))


def zone_turns_for(params, zone, clock=time.time, sleep=time.sleep, directory=None):
    """The ZoneTurns of (account of `params` for Alibaba Cloud DNS, zone)."""
    account = account_identity(params, 'alidns')
    return ZoneTurns(('%s\n%s' % (account, (zone or '').lower().rstrip('.')), 'alidns', 'zone'), account_key=(account, 'alidns', 'zones'),
                     directory=directory, clock=clock, sleep=sleep)


# ---------------------------------------------------------------------------------------------------------------------
# One limiter per key in the process

def _get(params, option, attribute=None):
    """An option from module.params (a dict) or from an AlicloudParams-like object (attribute name)."""
    if isinstance(params, dict):
        return params.get(option)
    return getattr(params, attribute or option, None)


_ENDPOINT_OPTIONS = {'oss': 'oss_endpoint', 'alidns': 'alidns_endpoint'}
_ROLE_ACCOUNT = re.compile(r'^acs:ram::([0-9]+):role/', re.IGNORECASE)


def account_identity(params, api):
    """What stands for the account whose quota the calls use (never written to disk as such: see key_name()).

    A role (alicloud_assume_role, or OIDC) names its account in its ARN: every key of that account shares it. Without
    a role: the access key id, else the CLI profile, else the ECS instance role, else the default chain. An endpoint
    given for the API makes a separate schedule (an emulator is not the cloud).
    """
    role = _get(params, 'alicloud_assume_role', 'assume_role') or {}
    environ = getattr(params, 'environ', None) or os.environ
    role_arn = role.get('role_arn') or environ.get('ALICLOUD_ASSUME_ROLE_ARN')
    access_key = _get(params, 'alicloud_access_key', 'access_key')
    profile = _get(params, 'alicloud_profile', 'profile')
    ecs_role = _get(params, 'alicloud_ecs_role_name', 'ecs_role_name')
    oidc_arn = environ.get('ALIBABA_CLOUD_ROLE_ARN') if environ.get('ALIBABA_CLOUD_OIDC_PROVIDER_ARN') else None
    if not role_arn and not (access_key or profile or ecs_role):
        role_arn = oidc_arn
    if role_arn:
        match = _ROLE_ACCOUNT.match(role_arn.strip())
        identity = 'account:%s' % match.group(1) if match else 'role:%s' % role_arn.strip()
    elif access_key:
        identity = 'key:%s' % access_key
    elif profile:
        path = _get(params, 'alicloud_shared_credentials_file', 'shared_credentials_file') or '~/.aliyun/config.json'
        identity = 'profile:%s:%s' % (os.path.expanduser(path), profile)
    elif ecs_role:
        identity = 'ecs:%s' % ecs_role
    else:
        identity = 'default'
    endpoint = _get(params, _ENDPOINT_OPTIONS.get(api, ''))
    if endpoint:
        identity = '%s@%s' % (identity, endpoint.strip().lower())
    return identity


def rates_from_params(params, defaults=None):
    """{(api, kind): calls per second or None} from DEFAULT_RATES (or `defaults`) and the options api_read_rate and
    api_write_rate when set (for both APIs; 0 means no limit). ValueError names an option that is not a rate."""
    rates = dict(DEFAULT_RATES if defaults is None else defaults)
    for kind, option in RATE_OPTIONS.items():
        value = _get(params, option)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValueError('%s must be a number of calls per second >= 0 (0 for no limit), got %r.' % (option, value))
        for api in APIS:
            rates[(api, kind)] = value or None
    return rates


_LIMITERS = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(params, api, kind, rates=None, burst=DEFAULT_BURST, directory=None):
    """The limiter of (account of `params`, api, kind), made once per process and reused.

    params: module.params or an AlicloudParams. rates: {(api, kind): calls per second}; by default
    rates_from_params(params). A pair missing from rates, or a rate of None or 0, is not limited.
    """
    if api not in APIS:
        raise ValueError('unknown API %r for a rate limiter; expected one of %s' % (api, ', '.join(APIS)))
    if kind not in KINDS:
        raise ValueError('unknown kind %r for a rate limiter; expected one of %s' % (kind, ', '.join(KINDS)))
    if rates is None:
        rates = rates_from_params(params)
    rate = rates.get((api, kind)) or None
    account = account_identity(params, api)
    # The registry holds the digest too: nothing keeps the identity itself alive longer than the params do.
    registry_key = (digest(account), api, kind, rate, burst, directory)
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(registry_key)
        if limiter is None:
            limiter = _LIMITERS[registry_key] = RateLimiter(rate, burst=burst, key=(account, api, kind), directory=directory)
        return limiter


def reset_limiters():
    """Forget the limiters of this process (tests; a module run is one process, so nothing else needs it)."""
    with _LIMITERS_LOCK:
        _LIMITERS.clear()
