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
import threading
import time

from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import run_interleaved
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import DomainError, normalize_domain, to_unicode
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow
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
# No Alidns edition has a minimum TTL above this (free and personal editions: 600 s); a smaller TTL is checked against the
# zone's own minimum (DescribeDomainInfo MinTtl) before the first write.
EDITION_MIN_TTL_CEILING = 600
# Check mode: a value that is empty because the task that produces it did not run (it made no change in check mode).
UNKNOWN_VALUE = '(not known in check mode)'
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

    Raised before any write. `code` is a short machine-readable reason; `records` are the records in the way; `field`
    the option to change, when one is to blame (ttl below the zone's minimum).
    """

    def __init__(self, code, message, records=None, field=None):
        super(PlanError, self).__init__(message)
        self.code = code
        self.message = message
        self.records = records or []
        self.field = field


def ttl_refusal(ttl, fqdn, zone, info, written=False, service_message=None):
    """The message for a TTL below the minimum of the zone's edition (info: _alidns.AlidnsAPI.zone_info()), before any
    write or for a late QuotaExceeded.TTL; it names the option, the edition and its minimum."""
    edition = info.get('edition_name') or info.get('edition')
    if edition:
        edition = '"%s"%s' % (edition, ' (%s)' % info['edition'] if info.get('edition') and info.get('edition') != edition else '')
    min_ttl = info.get('min_ttl')
    if min_ttl:
        what = ('%s is below the minimum TTL of the zone %s: the zone is on the Alibaba Cloud DNS edition %s, whose minimum TTL is '
                '%s seconds (the maximum is 86400)' % (ttl, zone, edition or '(unknown)', min_ttl))
        fix = 'Set ttl to %s or more, or move the zone to an edition that allows shorter TTLs.' % min_ttl
    else:
        what = ('%s is refused by the zone %s: TTLs must lie in the range of the zone\'s edition, from 600 seconds (free and '
                'personal editions), 60 (enterprise standard) or 1 (enterprise ultimate), up to 86400' % (ttl, zone))
        fix = 'Set ttl within that range, or move the zone to an edition that allows it.'
    done = '' if written else ' Nothing was changed.'
    return 'ttl: %s, for the record set of %s.%s %s%s' % (what, fqdn, done, fix, ' (%s)' % service_message if service_message else '')


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
    if value is None:
        raise RecordError(field, 'an empty value is not allowed.')
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
    """Return (rr, fqdn) for a host record relative to zone; `@` or empty is the apex, `*` and `*.sub` wildcards.

    A full name that ends with the zone (`www.example.com` or `www.example.com.` in example.com) is taken as that name,
    as people who paste a full name mean it; a name with a trailing dot outside the zone is refused.
    """
    text = (rr or '').strip()
    if text not in ('', APEX):
        try:
            full = normalize_domain(text, field=field, allow_wildcard=True, allow_underscore=True, fqdn=False)
        except DomainError:
            full = None
        inside = split_name(full, zone) if full else None
        if inside is not None:
            return inside, full
    if text.endswith('.'):
        raise RecordError(field, '%r ends with a dot, so it is a full name, and it is not in the zone %s: give the host relative to '
                                 'the zone (for example www), or the full name of a record in the zone.' % (rr, zone))
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
    """What the user asked for, validated. zone and rr are None until the zone is discovered (record given alone).

    ttl None (single mode, not given): records keep their TTL and new ones take the set's (600 for a new set).
    with_set_status (single mode): new values take the status of a set whose records are all paused.
    unknown: the fields (value[0], ...) of values check mode cannot know (UNKNOWN_VALUE stands for them).
    """

    def __init__(self, fqdn, zone, rr, rtype, values, ttl, line, state, on_existing, with_set_status=False, unknown=None):
        self.fqdn = fqdn
        self.zone = zone
        self.rr = rr
        self.type = rtype
        self.values = values          # list of (value, priority), canonical and without duplicates
        self.ttl = ttl
        self.line = line
        self.state = state
        self.on_existing = on_existing
        self.with_set_status = with_set_status
        self.unknown = list(unknown or [])

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


def build_spec(params, check_mode=False):
    """Validate the options of alidns_record (a dict like module.params) and return a RecordSetSpec.

    Raises RecordError naming the field; nothing has been sent to the API at that point. In check mode an empty value
    is taken as unknown (the task that produces it did not run): it stands as UNKNOWN_VALUE, named in spec.unknown.
    """
    rtype = params.get('type')
    rtype = rtype.strip().upper() if isinstance(rtype, str) else rtype
    if rtype not in RECORD_TYPES:
        raise RecordError('type', 'unknown record type %r; use one of %s.' % (params.get('type'), ', '.join(RECORD_TYPES)))
    fqdn, zone, rr = parse_name(params.get('record'), params.get('zone'), params.get('rr'))
    state = params.get('state') or 'present'
    ttl = params.get('ttl')
    if ttl is not None and not TTL_MIN <= ttl <= TTL_MAX:
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
    unknown = []
    for index, raw in enumerate(raw_values):
        field = 'value[%d]' % index
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(raw)  # as a list of strings would have converted it
        if check_mode and state == 'present' and (raw is None or (isinstance(raw, str) and not raw.strip())):
            unknown.append(field)
            if (UNKNOWN_VALUE, None) not in values:
                values.append((UNKNOWN_VALUE, priority if rtype == 'MX' else None))
            continue
        if rtype == 'CNAME' and isinstance(raw, str) and len(raw.strip().split()) > 1:
            raise RecordError(field, '%r contains spaces; a CNAME value is one host name, such as '
                                     'bucket.oss-cn-hangzhou.aliyuncs.com.' % raw)
        # With state=absent an MX value may name the host alone: it matches whatever preference the record has.
        mx_any = rtype == 'MX' and state == 'absent' and priority is None
        value, value_priority = normalize_value(rtype, raw, field=field, priority=0 if mx_any else priority)
        if rtype == 'CNAME' and value == fqdn:
            raise RecordError(field, 'the CNAME %s points at itself (%r), which no resolver can follow; give the name it stands for, '
                                     'such as bucket.oss-cn-hangzhou.aliyuncs.com.' % (fqdn, raw))
        key = Record(rr, rtype, value).key
        if key not in seen:
            seen.add(key)
            values.append((value, None if mx_any else value_priority))
    if rtype == 'CNAME' and len(values) > 1:
        raise RecordError('value', 'a CNAME record has exactly one value, got %d (%s). A name with a CNAME can have no other '
                                   'record; to spread load use A/AAAA records instead.' % (len(values), ', '.join(v for v, dummy in values)))
    return RecordSetSpec(fqdn, zone, rr, rtype, values, ttl, line, state, on_existing, with_set_status=True, unknown=unknown)


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
        self.note = None    # what to tell when there was nothing to do for a reason worth saying

    @property
    def changed(self):
        return bool(self.updates or self.creates or self.deletes)


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
    warnings = []
    if spec.ttl is None:
        # ttl not given: records keep their own TTL; new values take the set's (a record set has one TTL), or the default.
        set_ttl = existing[0].ttl if existing and existing[0].ttl else DEFAULT_TTL
        pairs = [(have, want.copy(ttl=have.ttl)) for have, want in pairs]
        missing = [want.copy(ttl=set_ttl) for want in missing]
    if spec.with_set_status and existing and missing and all(record.status == 'DISABLE' for record in existing):
        # A paused set stays paused: new values are created paused too, rather than published alone.
        missing = [want.copy(status='DISABLE') for want in missing]
        warnings.append('The %s record set of %s is paused (status DISABLE): the new values %s paused too. Enable the set in the '
                        'Alibaba Cloud DNS console to publish it.' % (spec.type, spec.fqdn, 'are added'))
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
    if extra and spec.on_existing == 'keep_and_fail':
        raise PlanError('RecordSetExists', 'The %s record set of %s already has other values: %s. Nothing was changed. Set '
                                           'on_existing=replace to replace them, or keep to add the new values next to them.'
                        % (spec.type, spec.fqdn, _values_text(extra)), extra)
    if spec.on_existing == 'replace':
        reusable = [record for record in extra if not record.locked] + [record for record in extra if record.locked]
        for want in missing:
            if reusable:
                have = reusable.pop(0)
                new = want.copy(record_id=have.record_id, status=have.status, locked=have.locked,
                                ttl=have.ttl if spec.ttl is None else want.ttl)
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
        entry = dict(value=record.value, ttl=record.ttl, status=record.status)
        if record.type == 'MX':
            entry['priority'] = record.priority
        entries.append(entry)
    return dict(record=spec.fqdn, type=spec.type, line=spec.line, records=entries)


def apply_plan(api, zone, plan, done=None, pacer=None, recorder=None):
    """Carry out the plan with api (update_record, add_record, delete_record); new records get their ids.

    `done` (a list) collects the writes made so far, so a caller can report partial progress after an error. With a
    ZonePacer each write takes its turn and pace (the writes of other processes to the zone, `recorder` telling the
    pacer about refusals).
    """
    done = [] if done is None else done

    def write(action, record, call):
        try:
            if pacer is not None:
                pacer.begin()
            value = call()
        finally:
            if pacer is not None:
                pacer.after_write(recorder.take() if recorder is not None else 0)
        done.append((action, record))
        return value

    for dummy, new in plan.updates:
        write('update', new, lambda new=new: api.update_record(zone, new))
    for new in plan.creates:
        new.record_id = write('create', new, lambda new=new: api.add_record(zone, new))
        if new.status == 'DISABLE':
            # AddDomainRecord has no status: a value added to a paused set is paused right after.
            write('status', new, lambda new=new: api.set_record_status(zone, new))
    for old in plan.deletes:
        write('delete', old, lambda old=old: api.delete_record(zone, old))
    return done


ZONE_MISSING = 'InvalidDomainName.NoExist'


def ensure_record_set(api, spec, check_mode=False, done=None, recorder=None):
    """Find the zone if needed, read the name, plan, and (unless check_mode) write. Returns the Plan.

    Before the first write a TTL below 600 is checked against the minimum of the zone's edition (PlanError naming ttl).
    With state=absent, a zone that is not in the account has nothing to remove (an empty plan with a note).
    """
    try:
        if spec.zone is None:
            spec.set_zone(api.find_zone(spec.fqdn))
        records = api.list_name_records(spec.zone, spec.rr, line=spec.line)
    except Exception as exc:  # pylint: disable=broad-except
        if spec.state != 'absent' or getattr(exc, 'code', None) != ZONE_MISSING:
            raise
        plan = Plan([], [])
        plan.note = 'nothing to remove: %s' % getattr(exc, 'message', exc)
        return plan
    plan = plan_record_set(spec, records)
    for field in spec.unknown:
        plan.warnings.append('%s is empty, so it is not known in check mode (the task that produces it, such as '
                             'alicloud_oss.domains.oss_domain_ownership, made no change in check mode): the prediction takes it '
                             'as a new value; a real run writes the value it gets, and fails if it is still empty.' % field)
    if plan.changed:
        check_zone_ttl(api, spec, plan)
    if plan.changed and not check_mode:
        apply_plan(api, spec.zone, plan, done, zone_pacer(api, spec.zone, time.time, time.sleep), recorder)
    return plan


def check_zone_ttl(api, spec, plan):
    """PlanError (QuotaExceeded.TTL, naming ttl) when the plan writes a TTL below the minimum of the zone's edition; the
    edition is read (DescribeDomainInfo) only for a TTL below 600, the highest minimum of any edition."""
    written = [new for dummy, new in plan.updates] + list(plan.creates)
    low = [record for record in written if record.ttl is not None and record.ttl < EDITION_MIN_TTL_CEILING]
    if not low:
        return
    info = api.zone_info(spec.zone)
    min_ttl = info.get('min_ttl')
    below = [record for record in low if min_ttl and record.ttl < min_ttl]
    if below:
        raise PlanError('QuotaExceeded.TTL', ttl_refusal(below[0].ttl, spec.fqdn, spec.zone, info), field='ttl')


# ---------------------------------------------------------------------------------------------------------------------
# List mode: the records of many domains, planned from one listing of their zone
#
# alidns_record in list mode reads each zone once (DescribeDomainRecords, all pages) and plans every domain of that
# zone from that listing: its CNAME to the bucket, its ownership TXT, or their removal. The plans are pure functions of
# the listing; ItemPlan.steps are the writes in the order they must be made (records in the way first).

OWNERSHIP_RR_PREFIX = '_dnsauth'


class ItemPlan(object):
    """The writes of one domain in one zone, in order: ('delete', old), ('update', old, new) or ('create', new).

    before/after are the records of the names the plan touches (for diff); replaced the records that gave way to the
    domain's CNAME (records in the way, or a CNAME that pointed elsewhere); kept the CNAMEs left alone on a removal.
    """

    def __init__(self, zone):
        self.zone = zone
        self.steps = []
        self.before = []
        self.after = []
        self.replaced = []
        self.kept = []
        self.warnings = []

    @property
    def changed(self):
        return bool(self.steps)

    def add(self, plan):
        """Append the writes of a Plan (updates keep ids, then creates, then deletes)."""
        self.steps.extend(('update', old, new) for old, new in plan.updates)
        self.steps.extend(('create', new) for new in plan.creates)
        self.steps.extend(('delete', old) for old in plan.deletes)
        self.warnings.extend(plan.warnings)

    def touched(self, records, after):
        for record in records:
            if record not in self.before:
                self.before.append(record)
        for record in after:
            if record not in self.after:
                self.after.append(record)


def records_at(listing, rr):
    """The records of the listing at exactly rr (every type and line)."""
    return [record for record in listing if record.rr == rr]


def ownership_rr(rr):
    """The host record of the ownership TXT of the domain at rr: _dnsauth.<rr> (or _dnsauth at the apex)."""
    return OWNERSHIP_RR_PREFIX if rr == APEX else '%s.%s' % (OWNERSHIP_RR_PREFIX, rr)


def _spec(zone, rr, rtype, values, ttl, line, state='present', on_existing='replace'):
    return RecordSetSpec(fqdn_of(rr, zone), zone, rr, rtype, values, ttl, line, state, on_existing)


def plan_cname(zone, rr, target, listing, ttl=DEFAULT_TTL, line=DEFAULT_LINE, replace_records=False):
    """The writes that make rr a CNAME to target on line, from the zone listing.

    Records in the way (every other type at the name and line, but MX and TXT at the apex) and a CNAME that points
    elsewhere (a CDN, another bucket) give way only with replace_records: they are then deleted first, or the CNAME is
    updated in place (it keeps its id and the name never stops resolving), and listed in `replaced`. Without it,
    PlanError (DomainRecordConflict) names them; nothing is written. A second CNAME is never created: extra CNAMEs at
    the name and line (duplicates left by an earlier run, for example) are deleted.
    """
    plan = ItemPlan(zone)
    target = canonical_value('CNAME', target)
    spec = _spec(zone, rr, 'CNAME', [(target, None)], ttl, line)
    at_name = records_at(listing, rr)
    conflicts = cname_conflicts(spec, at_name)
    cnames = record_set(spec, at_name)
    elsewhere = [record for record in cnames if record.value != target]
    ours = [record for record in cnames if record.value == target]
    if (conflicts or elsewhere) and not replace_records:
        in_way = conflicts + elsewhere
        if elsewhere and not conflicts:
            what = 'has a CNAME that points elsewhere: %s%s' % (_values_text(elsewhere), ' (next to the CNAME to %s)' % target if ours else '')
        else:
            what = 'has records a CNAME cannot live with: %s' % _values_text(in_way)
        raise PlanError('DomainRecordConflict', '%s (line %s) %s. Nothing was changed. Set replace_records to replace %s with the CNAME '
                                                'to %s, or remove %s first.'
                        % (spec.fqdn, line, what, 'it' if len(in_way) == 1 else 'them', target, 'it' if len(in_way) == 1 else 'them'),
                        in_way)
    locked = [record for record in conflicts if record.locked]
    if locked:
        raise PlanError('DomainRecordLocked', 'Cannot replace %s at %s (line %s): it is locked. Nothing was changed. Unlock it in the '
                                              'Alibaba Cloud DNS console.' % (_values_text(locked), spec.fqdn, line), locked)
    plan.steps.extend(('delete', record) for record in conflicts)
    plan.replaced.extend(conflicts)
    if ours:
        # Duplicates of our CNAME (several answered at random is what "never a second CNAME" prevents): keep the first.
        remaining = [ours[0]]
        plan.steps.extend(('delete', record) for record in ours[1:] + elsewhere)
        plan.replaced.extend(elsewhere)
        after_rest = plan_record_set(spec, [record for record in at_name if record not in conflicts + ours[1:] + elsewhere])
        plan.add(after_rest)
        plan.touched(conflicts + cnames, list(after_rest.after) or remaining)
        return plan
    rest = [record for record in at_name if record not in conflicts]
    set_plan = plan_record_set(spec, rest)
    plan.add(set_plan)
    plan.replaced.extend(elsewhere)
    plan.touched(conflicts + cnames, set_plan.after)
    return plan


def plan_txt(zone, rr, values, listing, ttl=DEFAULT_TTL, line=DEFAULT_LINE):
    """The writes that make the TXT set at rr exactly values (the ownership record: an older token is replaced)."""
    plan = ItemPlan(zone)
    spec = _spec(zone, rr, 'TXT', [(txt_value(value), None) for value in values], ttl, line)
    set_plan = plan_record_set(spec, records_at(listing, rr))
    plan.add(set_plan)
    plan.touched(set_plan.before, set_plan.after)
    return plan


def plan_cname_removal(zone, rr, target, listing):
    """Delete the CNAMEs at rr (every line) that point at target; the CNAMEs that point elsewhere are kept (`kept`)."""
    plan = ItemPlan(zone)
    target = canonical_value('CNAME', target)
    cnames = [record for record in records_at(listing, rr) if record.type == 'CNAME']
    ours = [record for record in cnames if record.value == target]
    plan.kept = [record for record in cnames if record.value != target]
    locked = [record for record in ours if record.locked]
    if locked:
        raise PlanError('DomainRecordLocked', 'Cannot remove %s at %s: it is locked. Nothing was changed. Unlock it in the Alibaba Cloud '
                                              'DNS console.' % (_values_text(locked), fqdn_of(rr, zone)), locked)
    plan.steps.extend(('delete', record) for record in ours)
    plan.touched(ours, [])
    return plan


def plan_txt_removal(zone, rr, listing):
    """Delete every TXT record at rr (every line): the ownership record, once OSS no longer needs it."""
    plan = ItemPlan(zone)
    txts = [record for record in records_at(listing, rr) if record.type == 'TXT']
    locked = [record for record in txts if record.locked]
    if locked:
        raise PlanError('DomainRecordLocked', 'Cannot remove %s at %s: it is locked. Nothing was changed. Unlock it in the Alibaba Cloud '
                                              'DNS console.' % (_values_text(locked), fqdn_of(rr, zone)), locked)
    plan.steps.extend(('delete', record) for record in txts)
    plan.touched(txts, [])
    return plan


def merge_plans(zone, plans):
    """One ItemPlan of several (a domain's CNAME removal and TXT removal, say), in order."""
    merged = ItemPlan(zone)
    for plan in plans:
        merged.steps.extend(plan.steps)
        merged.replaced.extend(plan.replaced)
        merged.kept.extend(plan.kept)
        merged.warnings.extend(plan.warnings)
        merged.touched(plan.before, plan.after)
    return merged


def apply_listing(listing, plan):
    """The listing as it is after the plan (the prediction of check mode, and what later plans of the run read)."""
    result = list(listing)
    for step in plan.steps:
        if step[0] == 'delete':
            result = [record for record in result if record is not step[1] and
                      not (step[1].record_id and record.record_id == step[1].record_id)]
        elif step[0] == 'update':
            result = [step[2] if (record is step[1] or (step[1].record_id and record.record_id == step[1].record_id)) else record
                      for record in result]
        else:
            result.append(step[1])
    return result


def record_view(record, zone):
    """A record as results and diffs show it: name, type, value, ttl, line."""
    return dict(record=fqdn_of(record.rr, zone), type=record.type, value=record.value, ttl=record.ttl, line=record.line)


def plan_view(plan):
    """{'before': [...], 'after': [...]} of the names the plan touches."""
    return dict(before=[record_view(record, plan.zone) for record in plan.before],
                after=[record_view(record, plan.zone) for record in plan.after])


def run_steps(api, plan, done=None):
    """Make the writes of an ItemPlan, in order; new records get their ids. `done` collects what was written."""
    done = [] if done is None else done
    for step in plan.steps:
        if step[0] == 'delete':
            api.delete_record(plan.zone, step[1])
            done.append(('delete', step[1]))
        elif step[0] == 'update':
            api.update_record(plan.zone, step[2])
            done.append(('update', step[2]))
        else:
            step[1].record_id = api.add_record(plan.zone, step[1])
            done.append(('create', step[1]))
    return done


# ---------------------------------------------------------------------------------------------------------------------
# List mode: the steps of alidns_record (ownership, records, cleanup) over the progress of many domains

STEPS = ('ownership', 'records', 'cleanup')
ZONE_GAP_MAX = 2.0
ZONE_GAP_STEP = 0.1


class ZonePacer(object):
    """Spaces the writes to one zone: Alibaba Cloud DNS refuses a write to a zone while its previous write is being applied
    (LastOperationNotFinished). The writes of a zone are made one after the other, and the gap between them learns from
    the refusals: `floor` is the largest gap that was refused (it fades slowly, in case the zone got faster); after a
    refusal the gap grows by half at least, or to halfway to the time the accepted retry took; after an accepted write it
    shrinks towards a tenth above the floor. The gap settles just above what the zone needs, so that few writes need a
    retry.

    With `turns` (_ratelimit.ZoneTurns) the writers of every process of the controller that write to the zone take
    turns, and the gap, the floor and the end of the zone's last write are theirs together: Ansible forks that each write
    one domain of a zone pace each other as the threads of one list-mode run do. A write goes between begin() and
    after_write().
    """

    def __init__(self, clock, sleep, turns=None):
        self.clock = clock
        self.sleep = sleep
        self.turns = turns
        self.gap = 0.0
        self.floor = 0.0
        self.last = None
        self.refusals = 0

    def _learned(self, pace):
        """Take the pace the other writers of the zone left (ZoneTurns), when it is newer than this pacer's; a pace without
        `last` (the account's, the zone has none yet) only when this pacer has learned nothing yet."""
        if not pace:
            return
        if pace['last'] is None:
            if self.last is None and not self.refusals:
                self.gap, self.floor = pace['gap'], pace['floor']
        elif self.last is None or pace['last'] >= self.last:
            self.last, self.gap, self.floor = pace['last'], pace['gap'], pace['floor']

    def ready_at(self):
        """The time (clock) at which the zone's next write may go: 0.0 before the first write. Without a gap it is the
        time of the last write (already past), so that among zones that may all write now, the one that wrote longest
        ago goes first (the zones take turns instead of one zone writing until it is refused)."""
        if self.turns is not None and not self.turns.held:
            self._learned(self.turns.peek())
        if self.last is None:
            return 0.0
        return self.last + max(self.gap, 0.0)

    def before_write(self):
        wait = self.ready_at() - self.clock()
        if wait > 0:
            self.sleep(wait)

    def begin(self):
        """Right before a write: take the zone's turn (with `turns`), then wait until the zone's pace lets the write go."""
        if self.turns is not None:
            self._learned(self.turns.take())
        self.before_write()

    def after_write(self, refused):
        now = self.clock()
        since, self.last = (now - self.last if self.last is not None else None), now
        if refused:
            self.refusals += refused
            self.floor = max(self.floor, self.gap)
            # The gap was too short; the retry that was accepted came `since` after the previous write: what the zone needs
            # lies in between.
            middle = (self.gap + since) / 2.0 if since is not None else 0.0
            self.gap = min(ZONE_GAP_MAX, max(ZONE_GAP_STEP, self.gap * 1.5, middle))
        else:
            self.floor *= 0.999
            self.gap = max(self.floor * 1.1, self.gap * 0.9)
        if self.turns is not None:
            self.turns.give({'last': self.last, 'gap': self.gap, 'floor': self.floor})


def zone_pacer(api, zone, clock, sleep):
    """The ZonePacer of a zone; its writers take turns with the other processes of the controller when the API can say
    whose account it is (AlidnsAPI.zone_turns)."""
    turns_of = getattr(api, 'zone_turns', None)
    return ZonePacer(clock, sleep, turns_of(zone, clock, sleep) if turns_of is not None else None)


class PolicyRecorder(object):
    """A retry-policy factory that remembers, per thread, the policies it made: after a write, take() tells whether
    the service answered LastOperationNotFinished to one of its attempts (the ZonePacer learns from it)."""

    def __init__(self, factory):
        self._factory = factory
        self._local = threading.local()

    def __call__(self, **kwargs):
        policy = self._factory(**kwargs)
        policies = getattr(self._local, 'policies', None)
        if policies is None:
            policies = self._local.policies = []
        policies.append(policy)
        return policy

    def take(self):
        policies = getattr(self._local, 'policies', None) or []
        self._local.policies = []
        return sum(1 for policy in policies for error in getattr(policy, 'errors', []) if getattr(error, 'code', None) == 'LastOperationNotFinished')


class StepItem(object):
    """One domain of the step: its progress entry (updated in place) and its settings (ttl, line, replace_records,
    keep_ownership_record, wait), with what the step decided for it."""

    def __init__(self, entry, settings):
        self.entry = entry
        self.settings = settings
        self.name = entry.get('name')
        self.action = None      # publish_txt, publish_cname, remove, cleanup
        self.plan = None
        self.done = []
        self.error = None
        self.msg = None
        self.notes = []
        self.changed = False
        self.phase = None       # the new phase, when the step moves the item on
        self.stale = None       # an ownership TXT record left by an earlier run, found by the step

    @property
    def zone(self):
        return self.entry.get('zone')


def records_in_same_run(params, flow, diff, check_mode, secrets=None, pipeline=None):
    """The records step for the domains of Alibaba Cloud DNS whose turn it is, in the run of the step before it
    (oss_bucket_cname's publish_records: one module run less per domain). The domains of other DNS providers are left
    to the records step, which asks DNS what already resolves. progress and diff (keys `records of <domain>`) are
    updated in place; returns the results of the records step (alidns_record's `results`).

    pipeline: the RecordsPipeline whose zone work was done while the bind step wrote (its domains are only finished
    here, and its API client and pacing are reused)."""
    worked = pipeline.worked if pipeline is not None else {}
    progress = dict((name, entry) for name, entry in flow.progress.items()
                    if isinstance(entry, dict) and entry.get('dns') == 'alidns'
                    and (name in worked or step_concerns(entry, 'records', flow.settings_of(entry))))
    if not progress:
        return []
    if pipeline is not None:
        api, recorder = pipeline.api, pipeline.recorder
    else:
        from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudError  # pylint: disable=import-outside-toplevel
        try:
            api, recorder = records_api(params)
        except AlicloudError as exc:  # the step before used the same account: only a credential that stopped working
            for entry in progress.values():
                _flow.fail(entry, exc, step=STEP_LABELS['records'], secrets=secrets)
            return []
    results, records_diff = run_list_step(api, progress, 'records', flow.settings_of, check_mode=check_mode, concurrency=flow.concurrency,
                                          recorder=recorder, secrets=secrets, worked=worked,
                                          started=pipeline.started if pipeline is not None else None)
    for side in ('before', 'after'):
        for name, view in records_diff[side].items():
            diff[side]['records of %s' % name] = view
    return results


def records_api(params):
    """The AlidnsAPI of the records step, with the PolicyRecorder through which each write tells its zone's pacer whether
    the service answered LastOperationNotFinished."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns import AlidnsAPI  # pylint: disable=import-outside-toplevel
    recorder = PolicyRecorder(params.retry_policy)
    return AlidnsAPI(params, policy_factory=recorder), recorder


class RecordsPipeline(object):
    """The records step of the domains of Alibaba Cloud DNS, made while the step before it (bind) still writes.

    Without it the bind step makes every PutCname first and then every CNAME record: two phases one after the other, each
    held to its own API's rate limit. With it the bindings are written by one pool of workers (as before) and, by another,
    each zone's records as soon as its domains are bound (run()), so the writes to OSS and to Alibaba Cloud DNS overlap.
    What is written, and in which order within a zone, is what records_in_same_run() would write after the bind step:
    the zone is read once before its first domain, the domains are taken in input order, each plan reads the listing as
    the plans before it left it, and the writes of one zone are paced as in run_list_step(). The domains are finished
    (phase, messages, results) by records_in_same_run(pipeline=...), after the bind step has finished them.
    """

    def __init__(self, api, recorder, settings_of, clock=None, sleep=None):
        self.api = api
        self.recorder = recorder
        self.settings_of = settings_of
        self.clock = clock or time.time
        self.sleep = sleep or time.sleep
        self.started = self.clock()
        self.worked = {}   # name -> StepItem, filled by the workers (one zone per worker at a time; distinct keys)
        self.parking = None
        self._zones = {}   # zone -> [entry of each domain, in input order]
        self._bound = {}   # name -> True (bound: go on) / False (not bound: skip), set by bound()
        self._taken = {}   # zone -> [StepItem] its worker took (one worker per zone at a time)

    def add(self, zone, entry):
        """A domain whose records the pipeline publishes once bound() says it is bound."""
        self._zones.setdefault(zone, []).append(entry)

    def bound(self, entry, ok):
        """The bind write of the domain is done (ok: bound, its records may go; else they are skipped). Any thread."""
        self._bound[entry['name']] = bool(ok)
        self.parking.wake(entry['zone'])

    def run(self, concurrency, bind):
        """Run bind() (the writes of the step before, which call bound() for each domain added) in this thread while the
        zones' records are written by up to `concurrency` workers of another; return bind()'s return value once both are
        done. KeyboardInterrupt and SystemExit raised in either pass through."""
        from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import Parking  # pylint: disable=import-outside-toplevel
        self.parking = Parking()
        zones = list(self._zones)
        outcome = {}

        def records():
            try:
                run_interleaved(zones, self.zone_work, max_workers=concurrency, describe=lambda zone, index: 'zone %s' % zone,
                                clock=self.clock, sleep=self.sleep, parking=self.parking)
            except BaseException as exc:  # pylint: disable=broad-except
                outcome['error'] = exc
        thread = threading.Thread(target=records, name='alicloud-records', daemon=True)
        thread.start()
        try:
            value = bind()
        finally:
            self.parking.close()
            thread.join()
        if 'error' in outcome:
            raise outcome['error']
        return value

    def _ready(self, zone):
        """The zone's domains that are bound, in input order, as StepItems; while the next one is not yet bound, a wait
        (Parking.park) for run_interleaved."""
        for entry in self._zones[zone]:
            while entry['name'] not in self._bound and not self.parking.closed:
                yield self.parking.park(zone)
            if self._bound.get(entry['name']):
                item = StepItem(entry, self.settings_of(entry) or {})
                self.worked[item.name] = item
                self._taken.setdefault(zone, []).append(item)
                yield item

    def zone_work(self, zone):
        """run_interleaved()'s generator for one zone: zone_work() over the zone's domains as they are bound. When the zone
        cannot be read (or anything else goes wrong here), its domains get the error, those bound later too."""
        feed = self._ready(zone)
        try:
            yield from zone_work(self.api, zone, feed, 'records', False, zone_pacer(self.api, zone, self.clock, self.sleep), self.recorder)
        except Exception as exc:  # pylint: disable=broad-except
            for item in self._taken.get(zone, []):
                if item.plan is None and item.error is None:
                    item.error = exc
            for item in feed:
                if isinstance(item, StepItem):
                    item.error = exc
                else:
                    yield item


def step_concerns(entry, step, settings):
    """Whether it is the step's turn for the progress entry (the flow's next step; see _flow.next_step)."""
    if _flow.next_step(entry, settings) != STEP_LABELS[step]:
        return False
    if step == 'ownership':
        return bool(ownership_values(entry))
    return True


def ownership_values(entry):
    """The token(s) of the entry's ownership record, whatever form the record has ({record, value: [...]} or {name, value})."""
    record = entry.get('ownership_record') or {}
    values = record.get('value')
    values = values if isinstance(values, list) else [values]
    return [value for value in values if value]


def ownership_record_name(entry):
    record = entry.get('ownership_record') or {}
    return record.get('record') or record.get('name') or ownership_name(entry['name'])


def desired_records(entry, settings):
    """The records the domain must have: progress `records` (as the bind step put them), else its CNAME to the target."""
    records = [record for record in (entry.get('records') or []) if isinstance(record, dict) and record.get('type')]
    if records:
        return records
    if not entry.get('target'):
        return []
    return [dict(record=entry.get('name'), type='CNAME', value=[entry['target']], ttl=settings.get('ttl') or DEFAULT_TTL,
                 line=settings.get('line') or DEFAULT_LINE)]


def _rr_of(fqdn, zone):
    rr = split_name(fqdn, zone)
    if rr is None:
        raise PlanError('NotInZone', '%s is not in the zone %s that the bind step found for it; run the flow again from the bind '
                                     'step.' % (fqdn, zone))
    return rr


def plan_item(item, step, listing):
    """The ItemPlan of one alidns domain from its zone's listing (PlanError when records are in the way)."""
    entry, settings, zone = item.entry, item.settings, item.zone
    rr = _rr_of(entry['name'], zone)
    if step == 'ownership':
        record = entry['ownership_record']
        item.action = 'publish_txt'
        txt_rr = _rr_of(normalize_domain(ownership_record_name(entry), field='ownership_record.record', allow_underscore=True), zone)
        return plan_txt(zone, txt_rr, ownership_values(entry), listing, ttl=record.get('ttl') or settings.get('ttl') or DEFAULT_TTL)
    if step == 'records' and entry.get('phase') == 'bound':
        item.action = 'publish_cname'
        stale = [record for record in records_at(listing, ownership_rr(rr)) if record.type == 'TXT']
        if stale and not entry.get('ownership_record'):
            item.stale = dict(record=fqdn_of(ownership_rr(rr), zone), type='TXT', value=[record.value for record in stale],
                              ttl=stale[0].ttl, stale=True)
        plans = []
        for record in desired_records(entry, settings):
            values = record.get('value')
            values = values if isinstance(values, list) else [values]
            record_rr = _rr_of(normalize_domain(record.get('record') or entry['name'], field='records.record', allow_underscore=True), zone)
            ttl = record.get('ttl') or settings.get('ttl') or DEFAULT_TTL
            line = record.get('line') or settings.get('line') or DEFAULT_LINE
            if (record.get('type') or '').upper() == 'CNAME':
                plans.append(plan_cname(zone, record_rr, values[0], listing, ttl=ttl, line=line,
                                        replace_records=bool(settings.get('replace_records'))))
            else:
                rtype = record['type'].upper()
                spec = _spec(zone, record_rr, rtype, [normalize_value(rtype, value) for value in values], ttl, line)
                sub = ItemPlan(zone)
                set_plan = plan_record_set(spec, records_at(listing, record_rr))
                sub.add(set_plan)
                sub.touched(set_plan.before, set_plan.after)
                plans.append(sub)
            listing = apply_listing(listing, plans[-1])
        return merge_plans(zone, plans)
    if step == 'records':
        item.action = 'remove'
        plans = [plan_cname_removal(zone, rr, entry.get('target') or '', listing) if entry.get('target') else ItemPlan(zone),
                 plan_txt_removal(zone, ownership_rr(rr), listing)]
        return merge_plans(zone, plans)
    item.action = 'cleanup'
    return plan_txt_removal(zone, ownership_rr(rr), listing)


def ownership_name(name):
    return '%s.%s' % (OWNERSHIP_RR_PREFIX, name)


def _describe_step(step):
    if step[0] == 'update':
        return 'update %s -> %s' % (step[1].describe(), step[2].describe())
    return '%s %s' % (step[0], step[1].describe())


def _write_views(zone, done):
    return [dict(action=action, **record_view(record, zone)) for action, record in done]


def reconcile_cnames(api, zone, items, pacer=None, recorder=None):
    """Read the zone back once after CNAMEs were created in it, and remove a second CNAME at any of those names
    (reconcile_work(), its writes spaced by the pacer)."""
    for dummy in reconcile_work(api, zone, items, pacer, recorder):
        if pacer is not None:
            pacer.before_write()


def reconcile_work(api, zone, items, pacer=None, recorder=None):
    """reconcile_cnames() as a generator that yields, before each write, the time the pacer lets it go.

    Alibaba Cloud DNS accepts several CNAMEs at one name and line (weighted round robin), so two runs, or a retry after a
    lost answer, could leave two. A duplicate of the same value is deleted (the record created here goes when an older one
    exists); a CNAME to another value that appeared meanwhile makes the item fail, and the one created here is removed.
    """
    created = [(item, record) for item in items for action, record in item.done if action == 'create' and record.type == 'CNAME']
    if not created:
        return
    try:
        listing = api.list_zone_records(zone)
    except Exception as exc:  # pylint: disable=broad-except
        for item in set(item for item, dummy in created):
            item.notes.append('the zone %s could not be read back to check for a second CNAME: %s' % (zone, exc))
        return
    for item, record in created:
        same = [have for have in listing if have.type == 'CNAME' and have.rr == record.rr and have.line.lower() == record.line.lower()]
        others = [have for have in same if have.value != record.value]
        dupes = [have for have in same if have.value == record.value and have.record_id != record.record_id]
        extra = []
        if others:
            extra = [have for have in same if have.record_id == record.record_id]
            item.error = PlanError('DomainRecordConflict', 'While this ran, another CNAME appeared at %s (line %s): %s. The CNAME to %s '
                                                           'created here was removed again, so that the name has one CNAME; run again once '
                                                           'the other writer is done.' % (fqdn_of(record.rr, zone), record.line,
                                                                                          _values_text(others), record.value), others)
        elif dupes:
            extra = [have for have in same if have.record_id == record.record_id]
            item.notes.append('a CNAME to %s already existed at %s (an earlier or concurrent run): the duplicate created here was removed'
                              % (record.value, fqdn_of(record.rr, zone)))
        for have in extra:
            yield pacer.ready_at() if pacer is not None else 0.0
            try:
                if pacer is not None:
                    pacer.begin()
                api.delete_record(zone, have)
            except Exception as exc:  # pylint: disable=broad-except
                item.error = exc
                break
            finally:
                if pacer is not None:
                    pacer.after_write(recorder.take() if recorder is not None else 0)
            item.done.append(('delete', have))


def run_zone(api, zone, items, step, check_mode=False, pacer=None, recorder=None):
    """Plan every item of one zone from one listing, then (unless check mode) make the writes, one after the other.

    Each item's plan reads the listing as the plans before it left it, so check mode predicts what the real run writes.
    A PlanError or an API error is the item's own (item.error); the next items go on. (zone_work() is the same as a
    generator: run_list_step() interleaves the writes of many zones.)
    """
    for dummy in zone_work(api, zone, items, step, check_mode, pacer, recorder):
        if pacer is not None:
            pacer.before_write()
    return items


def zone_work(api, zone, items, step, check_mode=False, pacer=None, recorder=None):
    """run_zone() as a generator: before each write it yields the time at which the zone's pacer lets the write go, so
    that the caller can work on other zones meanwhile instead of sleeping. `items` may be an iterator that yields the
    zone's domains as they become ready (RecordsPipeline); what it yields that is not a StepItem (a wait for the next
    domain) is yielded on to the caller."""
    listing = api.list_zone_records(zone)
    seen = []
    for item in items:
        if not isinstance(item, StepItem):
            yield item
            continue
        seen.append(item)
        try:
            plan = plan_item(item, step, listing)
        except (PlanError, RecordError, DomainError) as exc:
            item.error = exc
            continue
        item.plan = plan
        listing = apply_listing(listing, plan)
        if check_mode or not plan.changed:
            continue
        for write in plan.steps:
            single = ItemPlan(zone)
            single.steps.append(write)
            yield pacer.ready_at() if pacer is not None else 0.0
            try:
                if pacer is not None:
                    pacer.begin()
                run_steps(api, single, item.done)
            except Exception as exc:  # pylint: disable=broad-except
                if write[0] == 'create' and getattr(exc, 'code', None) == 'DomainRecordDuplicate':
                    # Alibaba Cloud DNS refuses only an identical record: another run (or a person) created exactly this
                    # one since the zone was read. The record is as wanted; nothing is left to do for it.
                    item.notes.append('%s was created meanwhile by another writer (DomainRecordDuplicate): it is as wanted'
                                      % write[1].describe())
                    continue
                item.error = exc
                break
            finally:
                if pacer is not None:
                    pacer.after_write(recorder.take() if recorder is not None else 0)
    if not check_mode:
        yield from reconcile_work(api, zone, [item for item in seen if item.error is None], pacer, recorder)
    return seen


STEP_LABELS = {'ownership': 'publish_ownership', 'records': 'records', 'cleanup': 'cleanup'}


_note = _flow.note


def _external_record(name, rtype, value, ttl=None):
    record = dict(name=name, type=rtype, value=value)
    if ttl is not None:
        record['ttl'] = ttl
    return record


def _merge_records(existing, new):
    """existing + the records of new not already in it (same name, type and value)."""
    result = list(existing or [])
    keys = set((r.get('name'), r.get('type'), str(r.get('value'))) for r in result)
    for record in new:
        key = (record.get('name'), record.get('type'), str(record.get('value')))
        if key not in keys:
            keys.add(key)
            result.append(record)
    return result


def _answers_resolve(answers, expected):
    return bool(answers) and all(set(values) == set(expected) for values in answers)


def external_step(item, step, probe):
    """What the step means for a domain whose DNS is elsewhere: records to add or to remove (nothing is written).

    probe(queries) -> {(name, type): [values per authoritative nameserver] or None when DNS could not tell}: records that
    already resolve as wanted are not asked for again, and records that exist are offered for removal.
    """
    entry, settings = item.entry, item.settings
    name = entry['name']
    txt_name = ownership_record_name(entry)
    if step == 'ownership':
        record = entry['ownership_record']
        values = ownership_values(entry)
        wanted = [_external_record(txt_name, 'TXT', value, record.get('ttl') or settings.get('ttl') or DEFAULT_TTL) for value in values]
        answers = probe([(txt_name, 'TXT')]).get((txt_name, 'TXT'))
        if answers is not None and all(set(values) <= set(ns) for ns in answers) and answers:
            item.msg = 'the ownership TXT record %s is already served by every authoritative nameserver' % txt_name
            return
        entry['records_to_add'] = _merge_records(entry.get('records_to_add'), wanted)
        item.msg = 'add the ownership TXT record %s at the DNS provider' % txt_name
        return
    if step == 'records' and entry.get('phase') == 'bound':
        item.phase = 'records_published'
        wanted = []
        for record in desired_records(entry, settings):
            values = record.get('value') if isinstance(record.get('value'), list) else [record.get('value')]
            rtype = (record.get('type') or 'CNAME').upper()
            rname = record.get('record') or name
            answers = probe([(rname, rtype)]).get((rname, rtype))
            expected = [canonical_value(rtype, value) for value in values]
            if answers is not None and _answers_resolve(answers, expected):
                _note(entry, '%s %s already resolves to %s at the DNS provider: nothing to add' % (rtype, rname, ', '.join(expected)))
                continue
            wanted.extend(_external_record(rname, rtype, value, record.get('ttl') or settings.get('ttl') or DEFAULT_TTL)
                          for value in expected)
        # Once bound, the ownership TXT record is no longer to be added (the cleanup step offers it for removal).
        entry['records_to_add'] = wanted
        if not entry.get('ownership_record'):
            answers = probe([(txt_name, 'TXT')]).get((txt_name, 'TXT'))
            if answers and any(answers):
                item.stale = dict(record=txt_name, type='TXT', value=sorted(set(v for ns in answers for v in ns)), ttl=None, stale=True)
        item.msg = ('add %s at the DNS provider' % ', '.join('%s %s' % (r['type'], r['name']) for r in wanted)) if wanted \
            else 'the records already resolve as wanted'
        return
    removals = []
    target = entry.get('target')
    if step == 'records':
        item.phase = 'removed'
        if target:
            answers = probe([(name, 'CNAME')]).get((name, 'CNAME'))
            if answers is None or any(canonical_value('CNAME', target) in ns for ns in answers):
                removals.append(_external_record(name, 'CNAME', canonical_value('CNAME', target)))
            elif any(answers):
                _note(entry, 'CNAME left alone: %s points at %s, not at %s' % (name, ', '.join(sorted(set(v for ns in answers for v in ns))), target))
    answers = probe([(txt_name, 'TXT')]).get((txt_name, 'TXT'))
    if answers is None:
        if step == 'records' or entry.get('ownership_record'):
            removals.append(_external_record(txt_name, 'TXT', '(any value)'))
    elif any(answers):
        stale = not entry.get('ownership_record') or bool(entry['ownership_record'].get('stale'))
        removals.extend(_external_record(txt_name, 'TXT', value) for value in sorted(set(v for ns in answers for v in ns)))
        if stale and step == 'cleanup':
            _note(entry, 'the ownership TXT record %s, left by an earlier run, is no longer needed: remove it at the DNS provider' % txt_name)
    entry['records_to_remove'] = _merge_records(entry.get('records_to_remove'), removals)
    if step == 'cleanup':
        # What is to be removed is no longer to be added.
        entry['records_to_add'] = [r for r in (entry.get('records_to_add') or []) if r.get('name') != txt_name]
    item.msg = ('remove %s at the DNS provider' % ', '.join('%s %s' % (r['type'], r['name']) for r in removals)) if removals \
        else 'nothing to remove at the DNS provider'


def finish_alidns_item(item, step, check_mode, wait):
    """Write the outcome of an alidns domain into its progress entry (phase, notes, replaced, conflicts); a failure is
    left in item.error for run_list_step to record."""
    entry = item.entry
    plan = item.plan
    zone = item.zone
    item.changed = bool(item.done) if not check_mode else bool(plan is not None and plan.changed)
    if item.error is not None:
        if item.done and not check_mode:
            item.msg = ' (already written for this domain: %s)' % ', '.join('%s %s' % (action, record.describe()) for action, record in item.done)
        entry['conflicts'] = [record_view(record, zone) for record in getattr(item.error, 'records', None) or []]
        return
    for note in item.notes:
        _note(entry, note)
    for warning in plan.warnings:
        _note(entry, warning)
    if plan.replaced:
        views = [record_view(record, zone) for record in plan.replaced]
        entry['replaced'] = (entry.get('replaced') or []) + [view for view in views if view not in (entry.get('replaced') or [])]
        for view in views:
            said = [note for note in entry.get('notes') or [] if view['record'] in note and view['value'] in note and 'replaced' in note]
            if not said:  # the bind step says it already when it saw the record in the way
                _note(entry, '%s %s %s (line %s) %s replaced by the CNAME to the bucket' % (
                    view['type'], view['record'], view['value'], view['line'], 'would be' if check_mode else 'was'))
    for record in plan.kept:
        _note(entry, 'CNAME left alone: %s points at %s (line %s), not at %s'
              % (fqdn_of(record.rr, zone), record.value, record.line, entry.get('target')))
    verb = 'would be' if check_mode else ''
    if item.action == 'publish_txt':
        item.msg = 'the ownership TXT record %s' % ('is already published' if not plan.changed else '%s published' % (verb or 'was'))
    elif item.action == 'publish_cname':
        item.phase = 'records_published'
        item.msg = 'the CNAME record %s' % ('is already in place' if not plan.changed else '%s published' % (verb or 'was'))
    elif item.action == 'remove':
        item.phase = 'removed'
        deleted = [step_[1] for step_ in plan.steps if step_[0] == 'delete' and step_[1].type == 'CNAME']
        if plan.changed:
            item.msg = '%s %s' % ('would remove' if check_mode else 'removed', ', '.join(write[1].describe() for write in plan.steps))
        else:
            item.msg = 'no record pointing at the bucket to remove'
        if deleted and wait and not check_mode:
            # wait_for_dns (step records) waits until the removed CNAME is gone from every nameserver.
            entry.setdefault('waits', []).append(dict(what=_flow.REMOVAL_WAIT, step='records', done=False, elapsed=0.0, checks=0))
    else:
        stale = not entry.get('ownership_record') or bool(entry['ownership_record'].get('stale'))
        if plan.changed:
            item.msg = 'the ownership TXT record %s removed%s' % ('would be' if check_mode else 'was',
                                                                  ' (left by an earlier run)' if stale else '')
            if stale:
                _note(entry, 'a stale ownership TXT record, left by an earlier run, %s removed' % ('would be' if check_mode else 'was'))
        else:
            item.msg = 'no ownership TXT record to remove'


def run_list_step(api, progress, step, settings_of, check_mode=False, concurrency=8, probe=None, clock=None, sleep=None,
                  recorder=None, secrets=None, worked=None, started=None):
    """alidns_record in list mode: one step (ownership, records or cleanup) for every domain whose turn it is.

    Alibaba Cloud DNS is read once per zone (and the zone list once, when a domain has no zone yet); the zones are worked
    on concurrently and their writes interleaved, the writes of one zone one after the other (ZonePacer). External domains get records to add or to
    remove. progress is updated in place; returns (results in input order, diff {'before': {...}, 'after': {...}}).

    worked: {name: StepItem} of domains whose zone work (plan and writes) was already done in this run (the bind step's
    pipeline, see records_pipeline()); they are only finished here, with the others.
    """
    clock = clock or time.time
    sleep = sleep or time.sleep
    started = clock() if started is None else started
    worked = worked or {}
    entries = sorted((entry for entry in progress.values() if isinstance(entry, dict)),
                     key=lambda entry: entry.get('index') if isinstance(entry.get('index'), int) else 1 << 30)
    items = []
    for entry in entries:
        settings = settings_of(entry) or {}
        if entry.get('name') in worked:
            items.append(worked[entry['name']])
        elif step_concerns(entry, step, settings):
            items.append(StepItem(entry, settings))
    alidns = [item for item in items if item.entry.get('dns') == 'alidns' and item.entry.get('name') not in worked]
    external = [item for item in items if item.entry.get('dns') != 'alidns']
    for item in alidns:
        if not item.zone:
            try:
                item.entry['zone'] = api.find_zone(item.name)
                item.entry['zone_unicode'] = to_unicode(item.entry['zone'])
            except Exception as exc:  # pylint: disable=broad-except
                item.error = exc
    zones = []
    for item in alidns:
        if item.error is None and item.zone not in zones:
            zones.append(item.zone)

    def work(zone):
        return zone_work(api, zone, [item for item in alidns if item.zone == zone and item.error is None], step, check_mode,
                         zone_pacer(api, zone, clock, sleep), recorder)

    # The zones take turns: a worker writes to whichever zone may take its next write first, instead of sleeping
    # through one zone's pace while other zones could go on (so the zones end together, not one after the other).
    for outcome in run_interleaved(zones, work, max_workers=concurrency, describe=lambda zone, index: 'zone %s' % zone,
                                   clock=clock, sleep=sleep):
        if outcome.failed:  # the zone listing itself failed: every domain of the zone shares the error
            for item in alidns:
                if item.zone == outcome.item and item.error is None and item.plan is None:
                    item.error = outcome.error
    for item in external:
        try:
            external_step(item, step, probe or (lambda queries: {}))
        except (ValueError, RecordError, DomainError) as exc:
            item.error = exc
    now = clock()
    results = []
    diff = dict(before={}, after={})
    for item in items:
        entry = item.entry
        if entry.get('dns') == 'alidns':
            finish_alidns_item(item, step, check_mode, item.settings.get('wait', True) is not False)
        if item.error is not None:
            message = _flow.error_fields(item.error, secrets)[0] + (item.msg or '')
            _flow.fail(entry, item.error, step=STEP_LABELS[step], secrets=secrets, msg=message, elapsed=now - started)
            if item.changed:
                entry['changed'] = True
            item.msg = entry['msg']
        else:
            if item.phase:
                _flow.set_phase(entry, item.phase)
            if item.stale is not None:
                # cleanup (next step once resolved) removes it: see _flow.next_step
                entry['ownership_record'] = item.stale
                _note(entry, 'the ownership TXT record %s is left from an earlier run; the cleanup step offers it for removal'
                      % item.stale['record'])
            _flow.record_step(entry, STEP_LABELS[step], item.changed, item.msg, now - started)
        if item.plan is not None and item.plan.changed:
            view = plan_view(item.plan)
            diff['before'][entry['name']] = view['before']
            diff['after'][entry['name']] = view['after']
        results.append(dict(
            name=entry['name'], name_unicode=entry.get('name_unicode') or to_unicode(entry['name']), dns=entry.get('dns'),
            zone=entry.get('zone'), phase=entry.get('phase'), changed=item.changed, failed=bool(entry.get('failed')),
            msg=item.msg, error_code=entry.get('error_code') if entry.get('failed') else None,
            writes=[dict(action=action, **record_view(record, item.zone)) for action, record in item.done] if not check_mode else
            ([dict(action=s[0], **record_view(s[-1], item.zone)) for s in item.plan.steps] if item.plan is not None else []),
            records_to_add=entry.get('records_to_add') or [], records_to_remove=entry.get('records_to_remove') or [],
            replaced=[record_view(record, item.zone) for record in item.plan.replaced] if item.plan is not None else [],
            conflicts=(entry.get('conflicts') or []) if entry.get('failed') else [],
        ))
    return results, diff
