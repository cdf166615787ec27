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


def _parse_state(data):
    """(tat, updated) from a schedule file's bytes; (None, None) when missing, empty or unreadable."""
    try:
        state = json.loads(data.decode('utf-8'))
        tat = float(state['tat'])
        updated = float(state['updated'])
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError):
        return None, None
    if not (math.isfinite(tat) and math.isfinite(updated)):
        return None, None  # NaN or infinite: a corrupt file, start over
    return tat, updated


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
        if not HAS_FCNTL:
            self._fall_back('fcntl (file locks) is not available on this system')
            return
        try:
            os.makedirs(self.directory, 0o700)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                self._fall_back('the directory %s cannot be created (%s)' % (self.directory, exc.strerror or exc))
                return
        problem = self._directory_problem()
        if problem:
            self._fall_back(problem)
            return
        try:
            os.close(self._open())
        except (IOError, OSError) as exc:
            self._fall_back('the file %s cannot be opened for writing (%s)' % (self.path, exc.strerror or exc))
            return
        self.shared = True

    def _directory_problem(self):
        """Why the directory must not hold the schedule, or None.

        The default directory sits in a temporary directory every user can write to: someone else could have made it
        (or a symlink in its place) to feed us a schedule that stalls every run, so it must be a directory of ours that
        nobody else can write. A directory the caller chose is trusted as it is (a team may share one on purpose).
        """
        try:
            info = os.lstat(self.directory) if self._default_directory else os.stat(self.directory)
        except OSError as exc:
            return 'the directory %s cannot be read (%s)' % (self.directory, exc.strerror or exc)
        if not stat.S_ISDIR(info.st_mode):
            return '%s is not a directory' % self.directory
        if self._default_directory and hasattr(os, 'getuid'):
            if info.st_uid != os.getuid():
                return 'the directory %s belongs to another user (uid %s)' % (self.directory, info.st_uid)
            if stat.S_IMODE(info.st_mode) & 0o077:
                try:
                    os.chmod(self.directory, 0o700)
                except OSError as exc:
                    return 'the directory %s is open to other users and cannot be made private (%s)' % (self.directory, exc.strerror or exc)
        return None

    def _open(self):
        flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
        return os.open(self.path, flags, 0o600)

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
