# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""wait_for_dns: wait until DNS names resolve as expected on every authoritative nameserver (the DNS is in _dns).

Everything that decides (comparison modes, the backoff schedule, the waiting loops, list mode) is a pure function or
takes its clock/sleep/check function as an argument, so that it is unit tested without a network and without sleeping.
"""

import time
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow
from ansible_collections.alicloud_oss.domains.plugins.module_utils._dns import (
    DNSPYTHON_IMPORT_ERROR, DNSPYTHON_REQUIREMENT, HAS_DNSPYTHON, NO_TIME_LEFT, DNSWaitError, Resolver, TransientDNSError, ZoneNotFoundError, normalize_name,
    module_resolvers, normalize_value, parse_resolver, valid_subnet)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import to_unicode

RECORD_TYPES = ('A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'PTR', 'SRV', 'TXT')
MODES = ('equals', 'subset', 'superset')
HOST_TYPES = ('CNAME', 'NS', 'PTR')
BACKOFF_FACTOR = 1.25  # slow growth: a record published in the first 5 s is seen within 1.5 s

COMPARISONS = {
    'equals': lambda expected, actual: expected == actual,
    'subset': lambda expected, actual: expected <= actual,  # every expected value is published (others may exist)
    'superset': lambda expected, actual: actual <= expected,  # every published value is expected (none published is fine)
    'excludes': lambda expected, actual: not expected & actual,  # list mode, a removed record: none is published any more
}


def matches(mode, expected, actual):
    """Compare normalised value lists by ``mode`` (see COMPARISONS)."""
    if mode not in COMPARISONS:
        raise ValueError('unknown comparison mode {0!r}'.format(mode))
    return COMPARISONS[mode](set(expected), set(actual))


def backoff_schedule(initial=0.25, factor=BACKOFF_FACTOR, maximum=10.0):
    """Yield the delays between rounds: ``initial``, growing by ``factor``, capped at ``maximum``. Never ends."""
    delay = min(float(initial), float(maximum))
    while True:
        yield delay
        delay = min(delay * factor, float(maximum))


def format_answer(answer):
    """Render one nameserver's answer (a list of values or an error string) for a message."""
    if isinstance(answer, list):
        return '[{0}]'.format(', '.join(answer)) if answer else 'no record (NXDOMAIN/NODATA)'
    return '{0}'.format(answer)


# ---------------------------------------------------------------------------------------------------------
# The waiting loop (no DNS here: check_round is injected)
# ---------------------------------------------------------------------------------------------------------

class RecordSpec:
    """One record to wait for; ``expected`` holds normalised values."""

    def __init__(self, name, rtype, expected, mode='equals', target_resolves=False, index=0, line=None, subnet=None):
        self.name = name
        self.rtype = rtype
        self.expected = sorted(set(expected))
        self.mode = mode
        self.target_resolves = target_resolves
        self.index = index
        # A record line other than default is answered only to clients of that network: the nameservers are asked
        # with an EDNS Client Subnet option of that network (subnet), see line_subnet().
        self.line = line
        self.subnet = subnet

    def label(self):
        return '{0} {1}'.format(self.name, self.rtype)


class Outcome:
    """What one check of one record found.

    ``nameservers`` maps each authoritative server to its answer (list of normalised values) or an error string;
    ``target`` (CNAME with target_resolves) is a dict ``{name, done, nameservers}`` or None; ``error`` a note.
    """

    def __init__(self, done, nameservers=None, target=None, error=None, unobservable=None, fatal=None, settle=1):
        self.done = done
        self.nameservers = nameservers or {}
        self.target = target
        self.error = error
        # Why the answer the record waits for cannot be seen from here (a line the nameservers do not answer for us).
        self.unobservable = unobservable
        # Why waiting longer cannot help (no zone serves the name, the CNAME target does not exist).
        self.fatal = fatal
        # How many checks in a row must find it unobservable before the wait stops.
        self.settle = settle


class RecordState:
    def __init__(self, spec):
        self.spec = spec
        self.done = False
        self.checks = 0
        self.elapsed = 0.0
        self.last = Outcome(False)

    def as_dict(self):
        result = {
            'name': self.spec.name,
            'name_unicode': to_unicode(self.spec.name),
            'type': self.spec.rtype,
            'mode': self.spec.mode,
            'expected': list(self.spec.expected),
            'done': self.done,
            'checks': self.checks,
            'nameservers': dict(self.last.nameservers),
            'elapsed': round(self.elapsed, 3),
        }
        if self.spec.target_resolves:
            result['target'] = self.last.target
        if self.last.error:
            result['error'] = self.last.error
        return result

    def describe(self):
        """One line: what was expected and what each server said."""
        parts = ['{0}: expected {1} [{2}]'.format(self.spec.label(), self.spec.mode, ', '.join(self.spec.expected))]
        if self.last.error:
            parts.append(self.last.error)
        if self.last.nameservers:
            parts.append('; '.join('{0} said {1}'.format(ns, format_answer(answer)) for ns, answer in sorted(self.last.nameservers.items())))
        elif not self.last.error:
            parts.append('no nameserver answered yet')
        target = self.last.target
        if self.last.fatal or self.last.unobservable:
            parts.append(self.last.fatal or self.last.unobservable)
        elif target and not target.get('done'):
            said = '; '.join('{0} said {1}'.format(ns, format_answer(answer)) for ns, answer in sorted((target.get('nameservers') or {}).items()))
            parts.append('the CNAME target {0} does not resolve to an address yet{1}'.format(target.get('name'), (': ' + said) if said else ''))
        return ' - '.join(parts)


class WaitResult:
    def __init__(self, states, rounds, elapsed, timed_out):
        self.states = states
        self.rounds = rounds
        self.elapsed = elapsed
        self.timed_out = timed_out

    @property
    def completed(self):
        return sum(1 for state in self.states if state.done)

    def records(self):
        return [state.as_dict() for state in self.states]

    def timeout_message(self, timeout):
        pending = [state for state in self.states if not state.done]
        return 'Timeout after {0:.1f}s (timeout {1}s): {2} of {3} record(s) not as expected after {4} round(s): {5}'.format(
            self.elapsed, timeout, len(pending), len(self.states), self.rounds, ' | '.join(state.describe() for state in pending))


def informative(outcome):
    """Whether a check found anything: not when every query of it was cut by the deadline (no time left), so that the
    last answers of the nameservers, not "no time left", are what the result and the timeout message show."""
    if outcome.done or outcome.fatal or outcome.unobservable or outcome.target:
        return True
    said = list(outcome.nameservers.values()) + ([outcome.error] if outcome.error else [])
    return not said or not all(isinstance(answer, str) and NO_TIME_LEFT in answer for answer in said)


def _last_round_sleep(delay, remaining, reserve):
    """The pause before the next round: the round that would start at the deadline starts `reserve` seconds before it, so
    that its queries have time to be answered (once: a pause already within the reserve runs to the deadline)."""
    if delay >= remaining > reserve > 0:
        return remaining - reserve
    return min(delay, remaining)


def wait_for_records(specs, check_round, timeout, delays=None, clock=time.monotonic, sleep=time.sleep, on_round=None, reserve=0.0):
    """Check ``specs`` in rounds until all are done or ``timeout`` seconds passed.

    ``check_round(pending_specs)`` returns one Outcome per spec (same order). Done records are not asked again.
    A round always runs at least once (``timeout=0`` means "check once"); the sleep before the next round follows
    ``delays`` (an iterator, default ``backoff_schedule()``) and never runs past the deadline.
    ``on_round(rounds, elapsed, states)`` is called after each round. Errors from check_round propagate.
    ``reserve``: the last round starts that long before the deadline (the queries get what is left of the timeout).
    """
    if delays is None:
        delays = backoff_schedule()
    start = clock()
    states = [RecordState(spec) for spec in specs]
    rounds = 0
    while True:
        pending = [state for state in states if not state.done]
        outcomes = check_round([state.spec for state in pending])
        rounds += 1
        elapsed = clock() - start
        for state, outcome in zip(pending, outcomes):
            state.checks += 1
            if informative(outcome) or state.checks == 1:
                state.last = outcome
            state.elapsed = elapsed
            if outcome.done:
                state.done = True
        if on_round is not None:
            on_round(rounds, elapsed, states)
        if all(state.done for state in states):
            return WaitResult(states, rounds, elapsed, False)
        remaining = timeout - elapsed
        if remaining <= 0:
            return WaitResult(states, rounds, elapsed, True)
        sleep(max(0.0, _last_round_sleep(next(delays), remaining, reserve)))


def progress_line(rounds, elapsed, states, queries, now=None):
    """One line of the progress file."""
    now = time.time() if now is None else now
    pending = [state for state in states if not state.done]
    line = '{0:.3f} round={1} elapsed={2:.2f}s done={3}/{4} queries={5}'.format(
        now, rounds, elapsed, len(states) - len(pending), len(states), queries)
    if pending:
        line += ' waiting: ' + pending[0].describe()
        if len(pending) > 1:
            line += ' (+{0} more)'.format(len(pending) - 1)
    return line


class RecordChecker(Resolver):
    """The Resolver that checks RecordSpecs: what every authoritative server answers, compared with what is expected."""

    def check(self, spec):
        """Check one RecordSpec once. Returns an Outcome; raises ZoneNotFoundError (fatal) only."""
        try:
            answers, dummy, dummy, ecs = self.lookup(spec.name, spec.rtype, spec.subnet)
        except TransientDNSError as exc:
            return Outcome(False, error='{0}'.format(exc))
        except ZoneNotFoundError as exc:
            raise ZoneNotFoundError('records[{0}] ({1}): {2}'.format(spec.index, spec.label(), exc))
        done = bool(answers) and all(isinstance(values, list) and matches(spec.mode, spec.expected, values) for values in answers.values())
        if spec.subnet and not done:
            ignoring = sorted(ns_name for ns_name, used in ecs.items() if used is False)
            if ignoring:
                return Outcome(False, answers, unobservable=ecs_ignored_note(spec, ignoring))
            flat = sorted(ns_name for ns_name, used in ecs.items() if used == 0 and not (
                isinstance(answers.get(ns_name), list) and matches(spec.mode, spec.expected, answers[ns_name])))
            if flat:
                # Scope 0: the same answer for every network, and without the record: the line is not served apart. Only
                # after a few checks, in case the record is still on its way to the nameservers.
                return Outcome(False, answers, unobservable=ecs_flat_note(spec, flat), settle=ECS_FLAT_CHECKS)
        target = None
        if done and spec.target_resolves:
            targets = sorted(set(value for values in answers.values() for value in values))
            if len(targets) != 1:
                return Outcome(False, answers, error='expected exactly one CNAME target to resolve, found {0}'.format(targets))
            try:
                target = self.resolve_address(targets[0])
            except TransientDNSError as exc:
                target = {'name': targets[0], 'done': False, 'nameservers': {}, 'error': '{0}'.format(exc)}
            except ZoneNotFoundError as exc:
                raise ZoneNotFoundError('records[{0}] ({1}): the CNAME target {2}: {3}'.format(spec.index, spec.label(), targets[0], exc))
            done = target['done']
            if target.get('nxdomain'):
                return Outcome(False, answers, target=target, fatal=target_missing_message(target))
        return Outcome(done, answers, target=target)

    def check_round(self, specs):
        """Check every spec in parallel; returns Outcomes in order."""
        return self.map(self.check, specs)

    def check_each(self, spec):
        """check(), with a name that no zone serves as that record's own outcome (list mode: one domain's problem)."""
        try:
            return self.check(spec)
        except ZoneNotFoundError as exc:
            return Outcome(False, error='{0}'.format(exc), fatal='{0}'.format(exc).split(': ', 1)[-1])

    def check_round_each(self, specs):
        """check_round() for list mode: per-record outcomes, never an exception for one record."""
        return self.map(self.check_each, specs)


# ---------------------------------------------------------------------------------------------------------
# List mode: per-domain waits with their own deadlines, resumed across module runs through `progress`
# ---------------------------------------------------------------------------------------------------------

# Alibaba Cloud DNS answers a record of a line other than `default` only to clients of that network, which it recognises
# by the address of the recursive resolver or by the EDNS Client Subnet option the resolver sends (RFC 7871; see
# https://www.alibabacloud.com/help/en/dns/pubz-intelligent-analysis). To see the answer of a line from here, its
# nameservers are asked with a subnet of that network: these are the networks of well-known public resolvers of each
# line (option line_subnets adds others or replaces these).
LINE_SUBNETS = {
    'telecom': '202.96.128.0/24',   # China Telecom, Guangdong (the 202.96.128.x resolvers)
    'unicom': '202.106.0.0/24',     # China Unicom, Beijing (the 202.106.0.20 resolver)
    'mobile': '211.136.192.0/24',   # China Mobile, Guangdong (the 211.136.192.6 resolver)
    'edu': '202.112.0.0/24',        # CERNET, the China Education and Research Network
    'oversea': '8.8.8.0/24',        # outside mainland China (Google Public DNS)
}
DEFAULT_LINE = 'default'

PHASE_PUBLISHED = 'records_published'
PHASE_REMOVED = 'removed'
STEPS = ('ownership', 'records')
WHAT = {
    'ownership': 'the ownership TXT record',
    'records': 'the CNAME record',
    'removal': _flow.REMOVAL_WAIT,
}
STEP_LABELS = {'ownership': 'wait_ownership', 'records': 'wait'}


def line_subnet(line, overrides=None):
    """The client subnet whose view shows the records of ``line``; None for the default line or an unknown line."""
    if not line or line == DEFAULT_LINE:
        return None
    table = dict(LINE_SUBNETS)
    table.update(overrides or {})
    return table.get(line)


def ecs_ignored_note(spec, nameservers):
    return ('{0} is on the Alibaba Cloud DNS line "{1}", which is answered only to resolvers of that network (by their address '
            'or the EDNS Client Subnet they send); {2} ignored the client subnet {3} sent from here, so from this machine '
            'only the default line can be seen: not waited for. Check it from that network, for example: dig @{4} {5} {6}'
            .format(spec.label(), spec.line, ', '.join(nameservers), spec.subnet, nameservers[0], spec.name, spec.rtype))


ECS_FLAT_CHECKS = 3


def ecs_flat_note(spec, nameservers):
    return ('{0} is on the Alibaba Cloud DNS line "{1}"; asked with the client subnet {2} of that network, {3} answered the same '
            'for every network (EDNS Client Subnet scope 0) and without the record, so {4} does not serve that line apart (the '
            'local emulator serves the default line only): not waited for.'
            .format(spec.label(), spec.line, spec.subnet, ', '.join(nameservers), 'it' if len(nameservers) == 1 else 'they'))


def unknown_line_note(name, rtype, line):
    return ('{0} {1} is on the Alibaba Cloud DNS line "{2}", which is answered only to resolvers of that network (by their address '
            'or the EDNS Client Subnet they send), and no client subnet of that network is known here: not waited for. Give one '
            'in line_subnets (for example {{"{2}": "192.0.2.0/24"}}) to wait for it.'.format(name, rtype, line))


def target_missing_message(target):
    said = ', '.join(sorted(target.get('nameservers') or {})) or 'its nameservers'
    return ('the bucket endpoint {0} does not resolve (NXDOMAIN from {1}): wrong region or bucket? The CNAME itself is served '
            'as expected; check the bucket\'s region, or the target.'.format(target.get('name'), said))


class WaitItem:
    """The records one domain waits for in one step, until ``deadline`` (seconds since the epoch), or one check."""

    def __init__(self, key, specs, deadline, once=False, provider=None, what=None, notes=None):
        self.key = key
        self.specs = specs
        self.deadline = deadline
        self.once = once
        self.provider = provider
        self.what = what
        self.notes = list(notes or [])
        self.states = [RecordState(spec) for spec in specs]
        self.status = 'pending' if specs else 'unobservable'
        self.checks = 0
        self.reason = None
        self.finished_at = None

    def finish(self, status, reason=None, at=None):
        self.status = status
        self.reason = reason
        self.finished_at = at

    def waiting_for(self):
        return [dict(name=state.spec.name, name_unicode=to_unicode(state.spec.name), type=state.spec.rtype,
                     value=list(state.spec.expected), line=state.spec.line or DEFAULT_LINE)
                for state in self.states if not state.done]

    def describe(self):
        return ' | '.join(state.describe() for state in self.states if not state.done)


def wait_items(items, check_round, timeout, final=True, clock=time.time, sleep=time.sleep, delays=None, reserve=0.0):
    """Check the pending items in rounds until each is resolved, failed, unobservable or past its deadline, or until
    ``timeout`` seconds (this module run) are over. Returns the number of rounds.

    Items whose deadline passed, and those that check once, end as 'timeout' after their last check. With ``final``
    (no later module run will go on), the items still pending when the time is over end as 'timeout' too.
    """
    if delays is None:
        delays = backoff_schedule()
    start = clock()
    end = start + max(0.0, timeout)
    rounds = 0
    while True:
        active = [item for item in items if item.status == 'pending']
        if not active:
            break
        pairs = [(item, state) for item in active for state in item.states if not state.done]
        outcomes = check_round([state.spec for dummy, state in pairs]) if pairs else []
        rounds += 1
        now = clock()
        for (item, state), outcome in zip(pairs, outcomes):
            state.checks += 1
            if informative(outcome) or state.checks == 1:
                state.last = outcome
            state.elapsed = now - start
            state.done = bool(outcome.done)
        for item in active:
            item.checks += 1
            if all(state.done for state in item.states):
                item.finish('resolved', at=now)
                continue
            fatal = [state.last.fatal for state in item.states if not state.done and state.last.fatal]
            unobservable = [state.last.unobservable for state in item.states if not state.done and state.last.unobservable
                            and state.checks >= (state.last.settle or 1)]
            if fatal:
                item.finish('failed', fatal[0], at=now)
            elif unobservable:
                item.finish('unobservable', unobservable[0], at=now)
            elif item.once or now >= item.deadline:
                item.finish('timeout', at=now)
        pending = [item for item in items if item.status == 'pending']
        if not pending:
            break
        if now >= end:
            if final:
                for item in pending:
                    item.finish('timeout', at=now)
            break
        wake = _last_round_sleep(min([next(delays)] + [item.deadline - now for item in pending]), end - now, reserve)
        sleep(max(0.0, wake))
    return rounds


def _specs_for(entry, step, line_subnets):
    """(RecordSpecs, notes) of what the domain waits for in ``step``: the ownership TXT, its records, or a removal."""
    specs = []
    notes = []
    name = entry.get('name')
    if step == 'ownership':
        record = entry.get('ownership_record') or {}
        values = record.get('value')
        values = [value for value in (values if isinstance(values, list) else [values]) if value]
        txt_name = record.get('record') or record.get('name') or ('_dnsauth.' + name if name else None)
        if txt_name and values:
            specs.append(RecordSpec(normalize_name(txt_name), 'TXT', [normalize_value('TXT', value) for value in values],
                                    mode='subset', index=len(specs)))
        return specs, notes
    if entry.get('phase') == PHASE_REMOVED:
        target = entry.get('target')
        if name and target:
            specs.append(RecordSpec(normalize_name(name), 'CNAME', [normalize_value('CNAME', target)], mode='excludes'))
        return specs, notes
    records = [record for record in (entry.get('records') or []) if isinstance(record, dict)]
    if not records:
        records = [dict(record=record.get('name'), type=record.get('type'), value=[record.get('value')], ttl=record.get('ttl'))
                   for record in (entry.get('records_to_add') or []) if isinstance(record, dict)
                   and not (record.get('name') or '').startswith('_dnsauth.')]
    for record in records:
        rtype = (record.get('type') or 'CNAME').upper()
        values = record.get('value')
        values = values if isinstance(values, list) else [values]
        values = [normalize_value(rtype, value) for value in values if value]
        rname = normalize_name(record.get('record') or record.get('name') or name)
        line = record.get('line') or DEFAULT_LINE
        subnet = line_subnet(line, line_subnets)
        if line != DEFAULT_LINE and not subnet:
            notes.append(unknown_line_note(rname, rtype, line))
            continue
        specs.append(RecordSpec(rname, rtype, values, mode='equals' if rtype == 'CNAME' else 'subset',
                                target_resolves=rtype == 'CNAME', index=len(specs), line=line, subnet=subnet))
    return specs, notes


def concerned(entry, step, settings=None):
    """Whether it is the turn of ``step`` (ownership or records) for the progress entry (see _flow.next_step).

    A domain whose wait of this step already ended without resolving (phase `waiting`: external DNS, wait false, a line
    that cannot be seen) is left for a later run of the flow: the next slice of the same wait does not start it again.
    """
    if _flow.next_step(entry, settings) != STEP_LABELS[step]:
        return False
    ended = [wait for wait in entry.get('waits') or [] if isinstance(wait, dict) and wait.get('step') == step and wait.get('final')]
    return not (entry.get('phase') == 'waiting' and ended)


def _open_wait(entry, step, what):
    """The unfinished wait of this step that an earlier module run (slice) started, or None."""
    for wait in reversed(entry.get('waits') or []):
        if isinstance(wait, dict) and wait.get('step') == step and wait.get('what') == what and not wait.get('done') \
                and not wait.get('final'):
            return wait
    return None


def provider_of(entry):
    if entry.get('dns') == 'alidns':
        return 'Alibaba Cloud DNS zone {0}'.format(entry.get('zone'))
    return 'the external DNS provider'


def plan_item(entry, step, wait, wait_timeout, now, line_subnets=None, check_mode=False):
    """The WaitItem of one progress entry, resuming the deadline of a wait that an earlier slice started."""
    what = WHAT['removal'] if step == 'records' and entry.get('phase') == PHASE_REMOVED else WHAT[step]
    specs, notes = _specs_for(entry, step, line_subnets)
    opened = _open_wait(entry, step, what)
    started = opened.get('started') if opened and isinstance(opened.get('started'), (int, float)) else now
    once = check_mode or not wait
    deadline = started if once else started + max(0.0, float(wait_timeout or 0))
    item = WaitItem(entry.get('name'), specs, deadline, once=once, provider=provider_of(entry), what=what, notes=notes)
    item.started = started
    item.previous_checks = int(opened.get('checks') or 0) if opened else 0
    if not specs:
        item.finish('unobservable', notes[0] if notes else 'nothing to wait for')
    return item


def timeout_reason(entry, item, step, elapsed):
    """Why the records are not as expected after the wait: the target, or what the nameservers said."""
    for state in item.states:
        target = state.last.target
        if not state.done and state.spec.target_resolves and target and not target.get('done'):
            said = '; '.join('{0} said {1}'.format(ns, format_answer(answer)) for ns, answer in sorted((target.get('nameservers') or {}).items()))
            return ('the CNAME is served, but the bucket endpoint {0} does not resolve to an address{1}: wrong region or bucket?'
                    .format(target.get('name'), (' (' + said + ')') if said else ''))
    where = ('Alibaba Cloud DNS zone {0} has it'.format(entry.get('zone')) if entry.get('dns') == 'alidns'
             else 'add it at the DNS provider of the domain (records_to_add lists it)')
    when = 'yet' if item.once else 'after {0:.0f} s'.format(elapsed)
    return '{0} is not served by every authoritative nameserver {1} ({2}): {3}'.format(item.what, when, where, item.describe())


def apply_item(entry, item, step, wait, check_mode, now, final=True):
    """Write the outcome of one WaitItem into its progress entry; returns the item's result for `results`."""
    opened = _open_wait(entry, step, item.what)
    waits = entry.setdefault('waits', [])
    if opened is None:
        opened = dict(what=item.what, step=step, done=False, elapsed=0.0, checks=0, started=item.started)
        waits.append(opened)
    opened['checks'] = item.previous_checks + item.checks
    opened['elapsed'] = round(max(0.0, (item.finished_at or now) - item.started), 3)
    opened['provider'] = item.provider
    entry.setdefault('notes', [])
    for note in item.notes:
        _flow.note(entry, note)
    status = item.status
    changed_phase = None
    msg = None
    if status in ('timeout', 'unobservable') and check_mode:
        # Check mode predicts the run that waits: what was not published yet (the previous step only planned it) cannot
        # be seen, so the wait is taken to succeed and the steps after it (the cleanup) are predicted too.
        _flow.note(entry, 'check mode: {0} checked once, not waited for; taken to resolve as in a run that waits'.format(item.what))
        status = 'resolved'
    if status == 'resolved':
        opened['done'] = True
        if step == 'records' and entry.get('phase') == PHASE_PUBLISHED:
            changed_phase = 'resolved'
        msg = '{0} resolves on every authoritative nameserver'.format(item.what)
    elif status == 'pending':
        msg = 'still waiting for {0} (up to {1:.0f} s more)'.format(item.what, max(0.0, item.deadline - now))
    else:
        opened['final'] = True
        if status == 'failed':
            msg = '{0}: {1}'.format(item.what, item.reason)
            _flow.fail(entry, None, msg=msg, code='TargetDoesNotResolve' if 'bucket endpoint' in (item.reason or '') else 'DnsZoneNotFound')
        elif status == 'unobservable':
            msg = item.reason
            if item.reason:
                _flow.note(entry, item.reason)
            if entry.get('phase') != PHASE_REMOVED:
                changed_phase = 'waiting'
        else:
            reason = timeout_reason(entry, item, step, (item.finished_at or now) - item.started)
            msg = reason
            if entry.get('phase') == PHASE_REMOVED:
                _flow.note(entry, '{0} (removed from Alibaba Cloud DNS, not yet gone from every nameserver)'.format(reason))
            elif not wait or entry.get('dns') != 'alidns':
                changed_phase = 'waiting'
                _flow.note(entry, '{0} was checked once (wait is false): {1}'.format(item.what, reason) if not wait else reason)
            else:
                _flow.fail(entry, None, msg=reason, code='WaitTimeout')
    if changed_phase:
        _flow.set_phase(entry, changed_phase)
    return dict(name=entry.get('name'), name_unicode=entry.get('name_unicode') or to_unicode(entry.get('name')),
                status='failed' if entry.get('failed') else status if status in ('resolved', 'pending') else 'waiting',
                phase=entry.get('phase'), what=item.what, provider=item.provider, waiting_for=item.waiting_for(),
                checks=opened['checks'], elapsed=opened['elapsed'], msg=msg,
                records=[state.as_dict() for state in item.states])


def run_list(progress, step, settings_of, check_round, timeout, time_left=None, check_mode=False, line_subnets=None,
             clock=time.time, sleep=time.sleep, delays=None, reserve=0.0):
    """wait_for_dns in list mode: wait for the records of the domains ``step`` concerns, each until its own deadline.

    progress: the previous step's progress (updated in place); settings_of(entry) -> {wait, wait_timeout}.
    timeout: the longest this module run waits; time_left: what is left of the whole task (the action plugin runs the
    wait in slices), None when this run is the whole task. Returns (results, remaining seconds, rounds): results per
    domain the step concerns, in input order; remaining is how long the domains still pending may wait (0 when none is).
    """
    started = clock()
    final = time_left is None or time_left <= timeout + 0.001
    entries = [entry for entry in _flow.ordered(progress) if concerned(entry, step, settings_of(entry))]
    items = []
    for entry in entries:
        settings = settings_of(entry) or {}
        wait = settings.get('wait', True) is not False
        items.append(plan_item(entry, step, wait, settings.get('wait_timeout', 600), started, line_subnets, check_mode))
    rounds = wait_items(items, check_round, timeout, final=final, clock=clock, sleep=sleep, delays=delays, reserve=reserve)
    now = clock()
    results = []
    remaining = 0.0
    for entry, item in zip(entries, items):
        settings = settings_of(entry) or {}
        result = apply_item(entry, item, step, settings.get('wait', True) is not False, check_mode, now, final)
        if item.status == 'pending':
            remaining = max(remaining, item.deadline - now)
        else:
            _flow.record_step(entry, STEP_LABELS[step], False, entry['msg'] if entry.get('failed') else result['msg'], result['elapsed'])
        results.append(result)
    if time_left is not None:
        remaining = min(remaining, max(0.0, time_left - (now - started)))
    return results, round(remaining, 3), rounds


# ---------------------------------------------------------------------------------------------------------
# The module
# ---------------------------------------------------------------------------------------------------------

def argument_spec():
    return dict(
        records=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            type=dict(type='str', required=True),  # any case: checked by build_specs
            value=dict(type='str'),
            values=dict(type='list', elements='str'),
            mode=dict(type='str', default='equals', choices=list(MODES)),
            target_resolves=dict(type='bool', default=False),
        )),
        timeout=dict(type='float', default=600),
        query_timeout=dict(type='float', default=5),
        query_retries=dict(type='int', default=2),
        poll_interval=dict(type='float', default=0.25),
        max_poll_interval=dict(type='float', default=10),
        resolvers=dict(type='list', elements='str'),
        nameservers=dict(type='list', elements='str'),
        port=dict(type='int', default=53),
        progress_file=dict(type='path'),
        # List mode (the custom-domain flow): the domains, their progress (list_argument_spec), and the step to wait for.
        time_left=dict(type='float'),
        line_subnets=dict(type='dict'),
        # Handled by the action plugin (hand-over files written before the wait); accepted here so that the module
        # can be run without it.
        records_file=dict(type='path'),
        records_csv=dict(type='path'),
        # The flow passes the same options to every step; this module makes no API call and ignores them.
        api_read_rate=dict(type='float'),
        api_write_rate=dict(type='float'),
        **_flow.list_argument_spec(steps=STEPS, default_step='records')
    )


MUTUALLY_EXCLUSIVE = [('records', 'domains')]
REQUIRED_ONE_OF = [('records', 'domains')]


def build_specs(records):
    """Validate the ``records`` option; returns RecordSpecs or raises ValueError naming the field."""
    specs = []
    for index, record in enumerate(records):
        field = 'records[{0}]'.format(index)
        name = normalize_name(record['name'], field=field + '.name')
        rtype = record['type'].strip().upper()
        if rtype not in RECORD_TYPES:
            raise ValueError('{0}.type: unknown record type {1!r}; use one of {2}'.format(field, record['type'], ', '.join(RECORD_TYPES)))
        if record.get('value') is not None and record.get('values') is not None:
            raise ValueError('{0}: set either value or values, not both'.format(field))
        if record.get('value') is not None:
            raw = [record['value']]
        elif record.get('values') is not None:
            raw = list(record['values'])
        else:
            raise ValueError('{0}: one of value or values is required'.format(field))
        expected = []
        for position, value in enumerate(raw):
            where = '{0}.values[{1}]'.format(field, position)
            if rtype in HOST_TYPES:
                try:
                    normalize_name(value, field=where)
                except ValueError as exc:
                    if value.strip() != '.':
                        raise exc
            try:
                expected.append(normalize_value(rtype, value))
            except ValueError as exc:  # a TXT value that the grammar cannot read
                raise ValueError('{0}: {1}'.format(where, exc))
        if rtype == 'CNAME' and len(set(expected)) > 1 and record['mode'] != 'superset':
            raise ValueError('{0}: a CNAME has a single target; got {1}'.format(field, sorted(set(expected))))
        if record.get('target_resolves') and rtype != 'CNAME':
            raise ValueError('{0}.target_resolves: only valid for type CNAME (got {1})'.format(field, rtype))
        if record.get('target_resolves') and not expected:
            raise ValueError('{0}.target_resolves: needs the expected CNAME target'.format(field))
        specs.append(RecordSpec(name, rtype, expected, record['mode'], bool(record.get('target_resolves')), index))
    return specs


def check_options(module):
    params = module.params
    if not HAS_DNSPYTHON:
        module.fail_json(msg=missing_required_lib(DNSPYTHON_REQUIREMENT), exception=DNSPYTHON_IMPORT_ERROR)
    for key in ('timeout', 'query_timeout', 'poll_interval', 'max_poll_interval'):
        if params[key] < 0 or (key != 'timeout' and params[key] == 0):
            module.fail_json(msg='{0}: must be {1} 0 (got {2})'.format(key, '>=' if key == 'timeout' else '>', params[key]))
    if not 0 < params['port'] < 65536:
        module.fail_json(msg='port: {0} is out of range'.format(params['port']))


def start(module, resolver_factory):
    """The checker of this module run, whose queries end by the deadline of ``timeout`` (a timeout of 0 checks once: its
    queries may take one query_timeout in all), and the pauses between rounds."""
    params = module.params
    try:
        nameservers = [parse_resolver(text, params['port'], 'nameservers[{0}]'.format(i)) for i, text in enumerate(params.get('nameservers') or [])]
        resolvers = [] if nameservers else module_resolvers(params)
    except ValueError as exc:
        module.fail_json(msg='{0}'.format(exc))
    resolver = resolver_factory(resolvers, port=params['port'], query_timeout=params['query_timeout'], query_retries=params['query_retries'],
                                nameservers=nameservers)
    resolver.deadline = time.monotonic() + (params['timeout'] if params['timeout'] > 0 else params['query_timeout'])
    return resolver, backoff_schedule(params['poll_interval'], BACKOFF_FACTOR, max(params['poll_interval'], params['max_poll_interval']))


def run_module(module, resolver_factory=None, clock=None, sleep=None):
    params = module.params
    resolver_factory = resolver_factory or RecordChecker
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    check_options(module)
    if params.get('records') is None:
        return run_list_module(module, resolver_factory)
    try:
        specs = build_specs(params['records'])
    except ValueError as exc:
        module.fail_json(msg='{0}'.format(exc))
    progress_file = params['progress_file']
    resolver, delays = start(module, resolver_factory)

    def on_round(rounds, elapsed, states):
        if progress_file:
            try:
                with open(progress_file, 'a') as handle:
                    handle.write(progress_line(rounds, elapsed, states, resolver.queries) + '\n')
            except OSError as exc:
                module.warn('Cannot write the progress file {0}: {1}'.format(progress_file, exc))

    started = clock()
    try:
        try:
            result = wait_for_records(specs, resolver.check_round, params['timeout'], delays=delays, clock=clock, sleep=sleep, on_round=on_round,
                                      reserve=min(1.0, params['query_timeout']))
        finally:
            resolver.close()
    except ZoneNotFoundError as exc:
        module.fail_json(msg='Cannot wait for these records: {0}'.format(exc), changed=False, queries=resolver.queries,
                         elapsed=round(clock() - started, 3))
    except DNSWaitError as exc:
        module.fail_json(msg='DNS error: {0}'.format(exc), changed=False, queries=resolver.queries, elapsed=round(clock() - started, 3),
                         exception=traceback.format_exc())
    output = dict(changed=False, records=result.records(), completed=result.completed, elapsed=round(result.elapsed, 3),
                  queries=resolver.queries, rounds=result.rounds)
    if result.timed_out:
        output['timed_out'] = True
        output['waiting'] = [state.describe() for state in result.states if not state.done]
        module.fail_json(msg=result.timeout_message(params['timeout']), **output)
    module.exit_json(msg='All {0} record(s) resolve as expected on every authoritative nameserver'.format(len(specs)), **output)


def run_list_module(module, resolver_factory=None, clock=None, sleep=None):
    """wait_for_dns in list mode: the step's domains of `progress`, each until its own deadline (see run_list)."""
    params = module.params
    resolver_factory = resolver_factory or RecordChecker
    # The wall clock: a domain's wait goes on across module runs (slices), which share no monotonic clock.
    clock = clock or time.time
    sleep = sleep or time.sleep
    try:
        flow = _flow.Flow(params, check_mode=module.check_mode)
    except _flow.FlowError as exc:
        module.fail_json(msg=exc.message, error_code=exc.code)
    subnets = dict((str(line), str(subnet)) for line, subnet in (params.get('line_subnets') or {}).items())
    for line, subnet in subnets.items():
        if not valid_subnet(subnet):
            module.fail_json(msg='line_subnets.{0}: {1!r} is not a client subnet such as 192.0.2.0/24'.format(line, subnet))
    started = clock()
    resolver, delays = start(module, resolver_factory)
    try:
        results, remaining, rounds = run_list(flow.progress, params['step'], flow.settings_of, resolver.check_round_each, params['timeout'],
                                              time_left=params.get('time_left'), check_mode=module.check_mode, line_subnets=subnets,
                                              clock=clock, sleep=sleep, delays=delays, reserve=min(1.0, params['query_timeout']))
    finally:
        resolver.close()
    extra = dict(remaining=remaining, rounds=rounds, queries=resolver.queries, elapsed=round(clock() - started, 3))
    if remaining:
        # Some domains still wait (the action plugin runs the next slice): no failure yet, whatever keep_going says.
        module.exit_json(**flow.result(results, changed=False, **extra))
    flow.finish(module, results, changed=False, **extra)
