# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Alidns record sets: the record model, validation and normalisation of values, and the plan.

A record set is every record of one name, type and line. The plan compares the normalised desired values with
the normalised records read from the service and lists the fewest writes that reach the desired state: values
that already exist are kept (their TTL or MX preference updated in place when it differs), and with
on_existing=replace the records that are no longer wanted are updated in place to the new values before any
record is created or deleted, so the record id stays and the name never stops resolving.

Nothing here talks to the API or imports an SDK: `plan_record_set` and the checks are pure functions, and
`apply_plan` takes any object with add_record / update_record / delete_record (see _alidns.AlidnsAPI).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import re

from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import DomainError, normalize_domain, to_unicode
from ansible_collections.alicloud_oss.domains.plugins.module_utils._txt import MissingDnspythonError, TxtError, parse_strings as parse_txt_strings

RECORD_TYPES = ('A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SRV', 'CAA', 'REDIRECT_URL', 'FORWARD_URL')
HOST_TYPES = ('CNAME', 'MX', 'NS')
URL_TYPES = ('REDIRECT_URL', 'FORWARD_URL')
ON_EXISTING = ('replace', 'keep', 'keep_and_warn', 'keep_and_fail')
APEX = '@'
DEFAULT_LINE = 'default'
DEFAULT_TTL = 600
TTL_MIN = 1
TTL_MAX = 86400
MX_PRIORITY_MIN = 1
MX_PRIORITY_MAX = 50
# At the apex Alidns lets MX and TXT records live next to a CNAME; everywhere else a CNAME stands alone.
APEX_CNAME_COMPANIONS = ('MX', 'TXT')

_CAA_TAG = re.compile(r'^[a-z0-9]+$')
_URL = re.compile(r'^https?://\S+$', re.IGNORECASE)


class RecordError(ValueError):
    """Input that cannot be used; the message names the field (`value[0]`, `ttl`, ...) and says what to do."""

    def __init__(self, field, message):
        super(RecordError, self).__init__('%s: %s' % (field, message))
        self.field = field


class PlanError(Exception):
    """The plan cannot be carried out without breaking a rule (CNAME exclusivity, keep_and_fail, a locked record).

    Raised before any write. `code` is a short machine-readable reason; `records` are the records in the way.
    """

    def __init__(self, code, message, records=None):
        super(PlanError, self).__init__(message)
        self.code = code
        self.message = message
        self.records = records or []


# ---------------------------------------------------------------------------------------------------------------------
# Values

def _host(value, field):
    if not value or any(char.isspace() for char in value):
        raise RecordError(field, '%r is not a host name: it must not be empty or contain spaces.' % value)
    try:
        return normalize_domain(value, field=field, allow_underscore=True)
    except DomainError as exc:
        raise RecordError(field, str(exc).split(': ', 1)[-1])


def _int_in_range(text, low, high, field, what):
    try:
        number = int(text)
    except (TypeError, ValueError):
        raise RecordError(field, '%s %r is not a whole number.' % (what, text))
    if not low <= number <= high:
        raise RecordError(field, '%s must be between %d and %d, got %d.' % (what, low, high, number))
    return number


def _strip_quotes(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


# Alibaba Cloud DNS keeps at most this many bytes of a TXT value (511 accepted, 764 refused when DNSControl checked it).
TXT_MAX_BYTES = 511


def txt_value(value, field='value'):
    """The content of a TXT value given by the user (the grammar of _txt), checked against what Alibaba Cloud DNS can store.

    The API takes one text Value and gives it back as it was, except that it removes the double quotes around it and the spaces
    at its end; a value it would change is refused here, so that what is written is what wait_for_dns waits for.
    """
    try:
        data = b''.join(parse_txt_strings(value))
    except MissingDnspythonError:
        raise RecordError(field, '%r starts with a double quote, so it is read as zone-file text, which needs the Python package '
                                 'dnspython on the controller; install it, or give the text without quotes.' % value)
    except TxtError as exc:
        raise RecordError(field, str(exc))
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        raise RecordError(field, '%r is not UTF-8 text once its escapes are read; Alibaba Cloud DNS stores TXT values as text.' % value)
    if not text:
        raise RecordError(field, 'an empty TXT value is not allowed.')
    size = len(text.encode('utf-8'))
    if size > TXT_MAX_BYTES:
        raise RecordError(field, 'the TXT value is %d bytes long; Alibaba Cloud DNS accepts at most %d (it publishes the value as '
                                 'strings of 255 bytes).' % (size, TXT_MAX_BYTES))
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise RecordError(field, '%r contains a control character (such as a tab or a line break); Alibaba Cloud DNS takes TXT '
                                 'values of printable text only.' % value)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        raise RecordError(field, 'the text %r begins and ends with a double quote; Alibaba Cloud DNS removes the quotes around a '
                                 'TXT value, so it cannot be stored as it is.' % text)
    if text != text.rstrip(' '):
        raise RecordError(field, 'the text %r ends with a space; Alibaba Cloud DNS removes spaces at the end of a TXT value, so it '
                                 'cannot be stored as it is.' % text)
    return text


def normalize_value(rtype, value, field='value', priority=None):
    """Validate one value given by the user and return (value, priority) in the form Alidns stores.

    `priority` is the module's priority option: the MX preference, or the priority field of an SRV value given
    as `weight port target`. An MX value may also carry its preference (`10 mx.example.com`).
    """
    if not isinstance(value, str):
        raise RecordError(field, 'must be a string, got %r.' % (value,))
    text = value.strip()
    if not text:
        raise RecordError(field, 'an empty value is not allowed.')
    if rtype == 'A':
        try:
            return str(ipaddress.IPv4Address(text)), None
        except ValueError:
            raise RecordError(field, '%r is not an IPv4 address; an A record holds an address such as 192.0.2.10 '
                                     '(use type AAAA for IPv6, CNAME for a host name).' % value)
    if rtype == 'AAAA':
        try:
            return str(ipaddress.IPv6Address(text)), None
        except ValueError:
            raise RecordError(field, '%r is not an IPv6 address; an AAAA record holds an address such as 2001:db8::1.' % value)
    if rtype in ('CNAME', 'NS'):
        return _host(text, field), None
    if rtype == 'MX':
        parts = text.split()
        if len(parts) == 2:
            return _host(parts[1], field), _int_in_range(parts[0], MX_PRIORITY_MIN, MX_PRIORITY_MAX, field, 'the MX preference')
        if len(parts) != 1:
            raise RecordError(field, '%r is not an MX value; give the mail server host (and the preference in priority), '
                                     'or "10 mx.example.com".' % value)
        if priority is None:
            raise RecordError('priority', 'an MX record needs a preference: set priority (%d to %d), or give the value as '
                                          '"10 %s".' % (MX_PRIORITY_MIN, MX_PRIORITY_MAX, parts[0]))
        return _host(parts[0], field), priority
    if rtype == 'TXT':
        return txt_value(value, field), None
    if rtype == 'SRV':
        parts = text.split()
        if len(parts) == 3 and priority is not None:
            parts = [str(priority)] + parts
        if len(parts) != 4:
            raise RecordError(field, '%r is not an SRV value; give "priority weight port target", for example '
                                     '"10 5 5060 sip.example.com" (or "weight port target" with priority set).' % value)
        numbers = [_int_in_range(part, 0, 65535, field, name) for part, name in zip(parts[:3], ('priority', 'weight', 'port'))]
        return '%d %d %d %s' % (numbers[0], numbers[1], numbers[2], _host(parts[3], field)), None
    if rtype == 'CAA':
        parts = text.split(None, 2)
        if len(parts) != 3:
            raise RecordError(field, '%r is not a CAA value; give "flags tag value", for example \'0 issue "letsencrypt.org"\'.' % value)
        flags = _int_in_range(parts[0], 0, 255, field, 'the CAA flags')
        tag = parts[1].lower()
        if not _CAA_TAG.match(tag):
            raise RecordError(field, 'the CAA tag %r must be letters and digits, such as issue, issuewild or iodef.' % parts[1])
        return '%d %s "%s"' % (flags, tag, _strip_quotes(parts[2].strip())), None
    if rtype in URL_TYPES:
        if not _URL.match(text):
            raise RecordError(field, '%r is not a URL; URL forwarding needs a value such as https://www.example.com/path.' % value)
        return text, None
    raise RecordError('type', 'unknown record type %r; use one of %s.' % (rtype, ', '.join(RECORD_TYPES)))


def canonical_value(rtype, value):
    """The comparable form of a value read from the service; never fails (an odd value stays as it is)."""
    if rtype == 'TXT':
        # The API gives the stored text back as it is (already without surrounding quotes): it is the content itself.
        return value or ''
    text = (value or '').strip()
    try:
        return normalize_value(rtype, text, priority=0)[0]
    except RecordError:
        return text.lower().rstrip('.') if rtype in HOST_TYPES else text


# ---------------------------------------------------------------------------------------------------------------------
# Names

def normalize_rr(rr, zone, field='rr'):
    """Return (rr, fqdn) for a host record relative to zone; `@` or empty is the apex, `*` and `*.sub` wildcards."""
    text = (rr or '').strip()
    if text.endswith('.'):
        raise RecordError(field, '%r ends with a dot: give the host relative to the zone (for example www), or set record '
                                 'to the full name instead.' % rr)
    if text in ('', APEX):
        return APEX, zone
    try:
        fqdn = normalize_domain('%s.%s' % (text, zone), field=field, allow_wildcard=True, allow_underscore=True)
    except DomainError as exc:
        raise RecordError(field, str(exc).split(': ', 1)[-1])
    return fqdn[:-len(zone) - 1], fqdn


def split_name(fqdn, zone):
    """The rr of fqdn within zone, or None when fqdn is not in the zone."""
    if fqdn == zone:
        return APEX
    if fqdn.endswith('.' + zone):
        return fqdn[:-len(zone) - 1]
    return None


def longest_zone(fqdn, zones):
    """The longest zone among zones that contains fqdn (a name is in its own zone), or None."""
    best = None
    for zone in zones:
        if split_name(fqdn, zone) is not None and (best is None or len(zone) > len(best)):
            best = zone
    return best


def api_rr(rr):
    """The host record as the API gives it, in the form names are compared in (an IDN label in punycode); never fails."""
    text = (rr or APEX).strip().lower()
    if text == APEX or all(ord(char) < 128 for char in text):
        return text
    try:
        # The console lets people write labels in Chinese; the API may give them back so. Compare them in punycode.
        return normalize_domain(text, field='RR', allow_wildcard=True, allow_underscore=True, fqdn=False)
    except DomainError:
        return text


def fqdn_of(rr, zone):
    return zone if rr == APEX else '%s.%s' % (rr, zone)


# ---------------------------------------------------------------------------------------------------------------------
# The record model

class Record(object):
    """One Alidns record. `value` is canonical for its type; `priority` is the MX preference (None otherwise)."""

    def __init__(self, rr, rtype, value, ttl=DEFAULT_TTL, line=DEFAULT_LINE, priority=None, record_id=None,
                 status='ENABLE', locked=False):
        self.rr = rr
        self.type = rtype
        self.value = value
        self.ttl = ttl
        self.line = line
        self.priority = priority if rtype == 'MX' else None
        self.record_id = record_id
        self.status = status
        self.locked = locked

    @classmethod
    def from_api(cls, data):
        """Build from an API record object (DescribeSubDomainRecords / DescribeDomainRecords)."""
        rtype = (data.get('Type') or '').upper()
        priority = data.get('Priority')
        return cls(
            rr=api_rr(data.get('RR')),
            rtype=rtype,
            value=canonical_value(rtype, data.get('Value')),
            ttl=int(data['TTL']) if data.get('TTL') is not None else None,
            line=data.get('Line') or DEFAULT_LINE,
            priority=int(priority) if priority not in (None, '') else None,
            record_id=str(data['RecordId']) if data.get('RecordId') is not None else None,
            status=(data.get('Status') or 'ENABLE').upper(),
            locked=bool(data.get('Locked')),
        )

    @property
    def key(self):
        """What identifies a value within its set (host names compare without case)."""
        value = self.value.lower() if self.type in HOST_TYPES + ('AAAA', 'SRV') else self.value
        return (self.type, value)

    def same_name(self, rr, line):
        return self.rr == rr and self.line.lower() == line.lower()

    def differs_from(self, other):
        """Whether an update is needed to turn this record into other (same value)."""
        return self.ttl != other.ttl or (self.type == 'MX' and self.priority != other.priority)

    def copy(self, **changes):
        values = dict(rr=self.rr, rtype=self.type, value=self.value, ttl=self.ttl, line=self.line, priority=self.priority,
                      record_id=self.record_id, status=self.status, locked=self.locked)
        values.update(changes)
        return Record(**values)

    def describe(self):
        """Type and value as a person reads them, for messages."""
        value = '"%s"' % self.value if self.type == 'TXT' else self.value
        if self.type == 'MX' and self.priority is not None:
            value = '%s %s' % (self.priority, value)
        text = '%s %s' % (self.type, value)
        return text + (' (id %s)' % self.record_id if self.record_id else '')

    def to_result(self, zone=None):
        """The returned shape; with zone the name (rr, type, fqdn) is included, as when listing a zone."""
        result = dict(record_id=self.record_id, value=self.value, ttl=self.ttl, line=self.line, priority=self.priority,
                      status=self.status, locked=self.locked)
        if zone is not None:
            fqdn = fqdn_of(self.rr, zone)
            result.update(rr=self.rr, rr_unicode=to_unicode(self.rr), type=self.type, fqdn=fqdn, fqdn_unicode=to_unicode(fqdn))
        return result

    def __repr__(self):
        return 'Record(%s %s %s ttl=%s line=%s id=%s)' % (self.rr, self.type, self.value, self.ttl, self.line, self.record_id)


# ---------------------------------------------------------------------------------------------------------------------
# The desired state

class RecordSetSpec(object):
    """What the user asked for, validated. zone and rr are None until the zone is discovered (record given alone)."""

    def __init__(self, fqdn, zone, rr, rtype, values, ttl, line, state, on_existing):
        self.fqdn = fqdn
        self.zone = zone
        self.rr = rr
        self.type = rtype
        self.values = values          # list of (value, priority), canonical and without duplicates
        self.ttl = ttl
        self.line = line
        self.state = state
        self.on_existing = on_existing

    def set_zone(self, zone):
        self.zone = zone
        self.rr = split_name(self.fqdn, zone)

    def desired(self):
        return [Record(self.rr, self.type, value, ttl=self.ttl, line=self.line, priority=priority)
                for value, priority in self.values]


def parse_name(record=None, zone=None, rr=None):
    """Return (fqdn, zone, rr) from the name options; zone and rr are None when only record is given."""
    if rr is not None and record is not None:
        raise RecordError('rr', 'give either record (the full name) or zone and rr, not record and rr together.')
    if zone is not None:
        try:
            zone = normalize_domain(zone, field='zone')
        except DomainError as exc:
            raise RecordError('zone', str(exc).split(': ', 1)[-1])
    if record is None:
        if zone is None:
            raise RecordError('record', 'give record (the full name, for example www.example.com), or zone and rr.')
        rr, fqdn = normalize_rr(rr, zone)
        return fqdn, zone, rr
    try:
        fqdn = normalize_domain(record, field='record', allow_wildcard=True, allow_underscore=True)
    except DomainError as exc:
        raise RecordError('record', str(exc).split(': ', 1)[-1])
    if zone is None:
        return fqdn, None, None
    rr = split_name(fqdn, zone)
    if rr is None:
        raise RecordError('record', '%s is not in the zone %s; give a name inside the zone, or leave zone out to find the '
                                    'zone in the account.' % (fqdn, zone))
    return fqdn, zone, rr


def build_spec(params):
    """Validate the options of alidns_record (a dict like module.params) and return a RecordSetSpec.

    Raises RecordError naming the field; nothing has been sent to the API at that point.
    """
    rtype = params.get('type')
    if rtype not in RECORD_TYPES:
        raise RecordError('type', 'unknown record type %r; use one of %s.' % (rtype, ', '.join(RECORD_TYPES)))
    fqdn, zone, rr = parse_name(params.get('record'), params.get('zone'), params.get('rr'))
    state = params.get('state') or 'present'
    ttl = params.get('ttl')
    ttl = DEFAULT_TTL if ttl is None else ttl
    if not TTL_MIN <= ttl <= TTL_MAX:
        raise RecordError('ttl', 'must be between %d and %d seconds, got %d (the smallest TTL your DNS edition allows may be '
                                 'higher, for example 600 on the free edition).' % (TTL_MIN, TTL_MAX, ttl))
    priority = params.get('priority')
    if priority is not None:
        if rtype == 'MX':
            _int_in_range(priority, MX_PRIORITY_MIN, MX_PRIORITY_MAX, 'priority', 'the MX preference')
        elif rtype == 'SRV':
            _int_in_range(priority, 0, 65535, 'priority', 'the SRV priority')
        else:
            raise RecordError('priority', 'only MX and SRV records have a priority; remove it for type %s.' % rtype)
    line = (params.get('line') or DEFAULT_LINE).strip()
    if not line or any(char.isspace() for char in line):
        raise RecordError('line', '%r is not a resolution line code such as default, telecom or oversea.' % params.get('line'))
    raw_values = params.get('value')
    if raw_values is None:
        raw_values = []
    if state == 'present' and not raw_values:
        raise RecordError('value', 'state=present needs at least one value.')
    on_existing = params.get('on_existing') or 'replace'
    values = []
    seen = set()
    for index, raw in enumerate(raw_values):
        field = 'value[%d]' % index
        if rtype == 'CNAME' and isinstance(raw, str) and len(raw.strip().split()) > 1:
            raise RecordError(field, '%r contains spaces; a CNAME value is one host name, such as '
                                     'bucket.oss-cn-hangzhou.aliyuncs.com.' % raw)
        # With state=absent an MX value may name the host alone: it matches whatever preference the record has.
        mx_any = rtype == 'MX' and state == 'absent' and priority is None
        value, value_priority = normalize_value(rtype, raw, field=field, priority=0 if mx_any else priority)
        key = Record(rr, rtype, value).key
        if key not in seen:
            seen.add(key)
            values.append((value, None if mx_any else value_priority))
    if rtype == 'CNAME' and len(values) > 1:
        raise RecordError('value', 'a CNAME record has exactly one value, got %d (%s). A name with a CNAME can have no other '
                                   'record; to spread load use A/AAAA records instead.' % (len(values), ', '.join(v for v, dummy in values)))
    return RecordSetSpec(fqdn, zone, rr, rtype, values, ttl, line, state, on_existing)


# ---------------------------------------------------------------------------------------------------------------------
# The plan

class Plan(object):
    """The writes that turn `before` into `after`: updates (old, new) keep the record id, then creates, then deletes."""

    def __init__(self, before, after, updates=None, creates=None, deletes=None, warnings=None):
        self.before = before
        self.after = after
        self.updates = updates or []
        self.creates = creates or []
        self.deletes = deletes or []
        self.warnings = warnings or []

    @property
    def changed(self):
        return bool(self.updates or self.creates or self.deletes)

    @property
    def writes(self):
        return len(self.updates) + len(self.creates) + len(self.deletes)


def record_set(spec, records):
    """The records of the spec's set among records read at its name: same rr, type and line."""
    return [record for record in records if record.same_name(spec.rr, spec.line) and record.type == spec.type]


def _match(desired, existing):
    """Pair desired records with existing ones of the same value; return (pairs, unmatched desired, unmatched existing)."""
    remaining = list(existing)
    pairs = []
    missing = []
    for want in desired:
        found = None
        for have in remaining:
            if have.key == want.key:
                found = have
                break
        if found is None:
            missing.append(want)
        else:
            remaining.remove(found)
            pairs.append((found, want))
    return pairs, missing, remaining


def _values_text(records):
    return ', '.join(record.describe() for record in records)


def plan_record_set(spec, records):
    """The plan for spec against the records read at its name (all types; others are used for the CNAME checks).

    Raises PlanError before any write when the plan would break a rule.
    """
    existing = record_set(spec, records)
    if spec.state == 'absent':
        plan = _plan_absent(spec, existing)
    else:
        plan = _plan_present(spec, existing)
        if plan.creates:
            check_cname_exclusivity(spec, records)
    locked = [old for old, dummy in plan.updates if old.locked] + [old for old in plan.deletes if old.locked]
    if locked:
        raise PlanError('DomainRecordLocked', 'Cannot change the %s record set of %s: the plan would update or delete %s, which '
                                              'is locked. Nothing was changed. Unlock it in the Alibaba Cloud DNS console, or keep '
                                              'its value (add it to value, or use on_existing=keep).'
                        % (spec.type, spec.fqdn, _values_text(locked)), locked)
    return plan


def _plan_present(spec, existing):
    pairs, missing, extra = _match(spec.desired(), existing)
    updates = []
    after = []
    for have, want in pairs:
        if have.differs_from(want):
            new = want.copy(record_id=have.record_id, status=have.status, locked=have.locked)
            updates.append((have, new))
            after.append(new)
        else:
            after.append(have)
    creates = []
    deletes = []
    warnings = []
    if extra and spec.on_existing == 'keep_and_fail':
        raise PlanError('RecordSetExists', 'The %s record set of %s already has other values: %s. Nothing was changed. Set '
                                           'on_existing=replace to replace them, or keep to add the new values next to them.'
                        % (spec.type, spec.fqdn, _values_text(extra)), extra)
    if spec.on_existing == 'replace':
        reusable = [record for record in extra if not record.locked] + [record for record in extra if record.locked]
        for want in missing:
            if reusable:
                have = reusable.pop(0)
                new = want.copy(record_id=have.record_id, status=have.status, locked=have.locked)
                updates.append((have, new))
                after.append(new)
            else:
                creates.append(want)
                after.append(want)
        deletes = reusable
    else:
        if spec.type == 'CNAME' and extra and missing:
            # Alidns itself would take a second CNAME (several at one name are answered by weighted round robin), and
            # the name would then resolve to either target at random: this module never creates one.
            raise PlanError('DomainRecordConflict', 'Cannot add the CNAME %s -> %s: the name already has %s. Alibaba Cloud '
                                                    'DNS would accept a second CNAME and answer with either at random, so '
                                                    'this module keeps one CNAME per name and line. Nothing was changed. Set '
                                                    'on_existing=replace to point it at %s instead, or remove the existing '
                                                    'CNAME first.'
                            % (spec.fqdn, missing[0].value, _values_text(extra), missing[0].value), extra)
        creates = list(missing)
        after.extend(missing)
        after.extend(extra)
        if extra and spec.on_existing == 'keep_and_warn' and missing:
            warnings.append('The %s record set of %s has other values, which were kept: %s. Set on_existing=replace to '
                            'remove them.' % (spec.type, spec.fqdn, _values_text(extra)))
        elif extra and spec.on_existing == 'keep_and_warn':
            warnings.append('The %s record set of %s has other values, which were kept: %s.'
                            % (spec.type, spec.fqdn, _values_text(extra)))
    return Plan(existing, after, updates=updates, creates=creates, deletes=deletes, warnings=warnings)


def _plan_absent(spec, existing):
    if not spec.values:
        return Plan(existing, [], deletes=list(existing))
    wanted = set(Record(spec.rr, spec.type, value).key for value, dummy in spec.values)
    priorities = dict((Record(spec.rr, spec.type, value).key, priority) for value, priority in spec.values)
    deletes = []
    after = []
    for record in existing:
        prio = priorities.get(record.key)
        if record.key in wanted and (prio is None or record.type != 'MX' or prio == record.priority):
            deletes.append(record)
        else:
            after.append(record)
    return Plan(existing, after, deletes=deletes)


def cname_conflicts(spec, records):
    """The records at the spec's name and line that cannot live next to the spec's type (CNAME exclusivity)."""
    at_name = [record for record in records if record.same_name(spec.rr, spec.line) and record.type != spec.type]
    apex = spec.rr == APEX
    if spec.type == 'CNAME':
        return [record for record in at_name if not (apex and record.type in APEX_CNAME_COMPANIONS)]
    if apex and spec.type in APEX_CNAME_COMPANIONS:
        return []
    return [record for record in at_name if record.type == 'CNAME']


def check_cname_exclusivity(spec, records):
    """Raise PlanError listing the conflicting records when adding the spec's records would break CNAME exclusivity."""
    conflicts = cname_conflicts(spec, records)
    if not conflicts:
        return
    where = '%s (line %s)' % (spec.fqdn, spec.line)
    if spec.type == 'CNAME':
        message = ('Cannot create the CNAME %s -> %s: a CNAME must be the only record at its name, and %s already has %s. '
                   'Nothing was changed. Remove %s first (alicloud_oss.domains.alidns_record with state=absent and the type), '
                   'or use another name for the CNAME.'
                   % (spec.fqdn, spec.values[0][0], where, _values_text(conflicts), 'it' if len(conflicts) == 1 else 'them'))
    else:
        message = ('Cannot add %s records at %s: the name has the record %s, and a CNAME must be the only record at its '
                   'name. Nothing was changed. Remove the CNAME first (alicloud_oss.domains.alidns_record with state=absent '
                   'and type=CNAME), or use another name.' % (spec.type, where, _values_text(conflicts)))
    raise PlanError('DomainRecordConflict', message, conflicts)


# ---------------------------------------------------------------------------------------------------------------------
# Output

def set_view(spec, records):
    """The record set as diff mode shows it ({} when empty)."""
    if not records:
        return {}
    entries = []
    for record in sorted(records, key=lambda item: item.key):
        entry = dict(value=record.value, ttl=record.ttl)
        if record.type == 'MX':
            entry['priority'] = record.priority
        entries.append(entry)
    return dict(record=spec.fqdn, type=spec.type, line=spec.line, records=entries)


def apply_plan(api, zone, plan, done=None):
    """Carry out the plan with api (update_record, add_record, delete_record); new records get their ids.

    `done` (a list) collects the writes made so far, so a caller can report partial progress after an error.
    """
    done = [] if done is None else done
    for dummy, new in plan.updates:
        api.update_record(zone, new)
        done.append(('update', new))
    for new in plan.creates:
        new.record_id = api.add_record(zone, new)
        done.append(('create', new))
    for old in plan.deletes:
        api.delete_record(zone, old)
        done.append(('delete', old))
    return done


def ensure_record_set(api, spec, check_mode=False, done=None):
    """Find the zone if needed, read the name, plan, and (unless check_mode) write. Returns the Plan."""
    if spec.zone is None:
        spec.set_zone(api.find_zone(spec.fqdn))
    records = api.list_name_records(spec.zone, spec.rr, line=spec.line)
    plan = plan_record_set(spec, records)
    if plan.changed and not check_mode:
        apply_plan(api, spec.zone, plan, done)
    return plan
