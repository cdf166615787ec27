# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report of a custom-domain run: the `progress` of the last step turned into what a person and a playbook use.

- results(): one entry per domain, in input order, with the keys of the role's custom_domain_result (domain, bucket,
  region, state, status, changed, check_mode, dns, zone, target, binding, certificate, ownership_verified,
  records_to_add, records_to_remove, waits, notes, elapsed) plus failed, msg, error_code and domain_unicode.
- summary_line(): one line per domain that says where it stands and, when it failed, why.
- external_rows(), zone_fragment(), csv_text(): the records people must change at other DNS providers, for all
  domains at once, as one zone-file fragment and as CSV.
- failure_message(): the message that names every failed domain with its reason.

Everything here is a pure function of plain data (no file, no module, no API): the action plugin
custom_domain_report does the writing and the printing, and the unit tests call these directly.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import csv
import io
import os
import tempfile

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import to_unicode
from ansible_collections.alicloud_oss.domains.plugins.module_utils._txt import TxtError, zone_text

# The status of a domain as custom_domain_result has always said it, plus `failed` and `bound`.
STATUSES = ('resolves', 'published', 'records_to_add', 'bound', 'unbound', 'waiting_for_ownership_record',
            'check_mode', 'pending', 'failed')
FAILED_PHASES = ('failed', 'invalid')
UNBOUND_PHASES = ('unbound', 'removed')
OWNERSHIP_PHASES = ('needs_ownership', 'ownership_pending')
DEFAULT_TTL = 600
CSV_COLUMNS = ('action', 'domain', 'name', 'type', 'ttl', 'value')
# How many failed domains the failure message names one by one before it counts the rest.
MESSAGE_MAX_DOMAINS = 20


def _list(value):
    return list(value) if isinstance(value, (list, tuple)) else []


def _waiting_for_ownership(entry):
    """Whether the domain stops at the ownership proof: OSS asked for it and the domain is not bound (yet)."""
    phase = entry.get('phase')
    if phase in OWNERSHIP_PHASES:
        return True
    if phase != 'waiting':
        return False
    waits = _list(entry.get('waits'))
    return bool(waits) and waits[-1].get('step') == 'ownership'


def status_of(entry, check_mode=False):
    """The status word of one progress entry (see STATUSES)."""
    phase = entry.get('phase')
    if entry.get('failed') or phase in FAILED_PHASES:
        return 'failed'
    if check_mode:
        return 'check_mode'
    if phase in UNBOUND_PHASES:
        return 'unbound'
    if _waiting_for_ownership(entry):
        return 'waiting_for_ownership_record'
    if phase == 'resolved':
        return 'resolves'
    if phase in ('records_published', 'waiting'):
        if entry.get('dns') == 'external' and _list(entry.get('records_to_add')):
            return 'records_to_add'
        return 'published'
    if phase == 'bound':
        return 'bound'
    return 'pending'


def _elapsed(entry):
    """Seconds spent on the domain: the steps' own times when they say, else the time spent waiting."""
    steps = [step.get('elapsed') for step in _list(entry.get('steps')) if isinstance(step, dict)]
    if any(isinstance(value, (int, float)) for value in steps):
        total = sum(value for value in steps if isinstance(value, (int, float)))
    else:
        total = sum(wait.get('elapsed') or 0 for wait in _list(entry.get('waits')) if isinstance(wait, dict))
    return round(float(total), 1)


def result_of(entry, check_mode=False):
    """The custom_domain_result of one progress entry."""
    binding = entry.get('binding') or None
    status = status_of(entry, check_mode)
    name = entry.get('name')
    failed = status == 'failed'
    return dict(
        domain=name,
        domain_unicode=entry.get('name_unicode') or to_unicode(name),
        bucket=entry.get('bucket'),
        region=entry.get('region'),
        state=entry.get('state') or 'present',
        status=status,
        phase=entry.get('phase'),
        changed=bool(entry.get('changed')),
        check_mode=bool(check_mode),
        dns=entry.get('dns'),
        zone=entry.get('zone'),
        target=entry.get('target'),
        binding=binding,
        certificate=(binding or {}).get('certificate') if isinstance(binding, dict) else None,
        ownership_verified=bool(entry.get('ownership_record')) and not (entry.get('ownership_record') or {}).get('stale') and bool(binding)
        and not failed
        and entry.get('phase') not in OWNERSHIP_PHASES + UNBOUND_PHASES,
        records_to_add=_list(entry.get('records_to_add')),
        records_to_remove=_list(entry.get('records_to_remove')),
        replaced=_list(entry.get('replaced')),
        waits=_list(entry.get('waits')),
        notes=[note for note in _list(entry.get('notes')) if note],
        elapsed=_elapsed(entry),
        failed=failed,
        msg=entry.get('msg') or ('' if not failed else 'failed (no reason was recorded)'),
        error_code=entry.get('error_code'),
    )


def _ordered(progress):
    entries = [entry for entry in (progress or {}).values() if isinstance(entry, dict)]
    return sorted(entries, key=lambda entry: (entry.get('index') if isinstance(entry.get('index'), int) else 1 << 30,
                                              entry.get('name') or ''))


def results(progress, check_mode=False):
    """One result per domain of `progress` (a dict keyed by domain name), in input order (the entries' index)."""
    return [result_of(entry, check_mode) for entry in _ordered(progress)]


# ---------------------------------------------------------------------------------------------------------------------
# Lines for people

def _record_words(records):
    return ', '.join('%s %s' % (record.get('name'), record.get('type')) for record in records)


def _describe_record(record):
    value = record.get('value')
    if isinstance(value, (list, tuple)):
        value = ', '.join(str(item) for item in value)
    name = record.get('name') or record.get('record')
    text = '%s %s %s' % (record.get('type'), name, value) if name else '%s %s' % (record.get('type'), value)
    if record.get('line') and record.get('line') != 'default':
        text += ' (line %s)' % record['line']
    return text


def summary_line(result):
    """One line: what became of the domain, where its records are, and why it failed when it did."""
    status = result['status']
    where = '%s (%s)' % (result.get('bucket'), result.get('region'))
    present = result.get('state') != 'absent'
    parts = []
    if status == 'failed':
        reason = result.get('msg') or 'failed'
        if result.get('error_code') and result['error_code'] not in reason:
            reason = '%s (%s)' % (reason, result['error_code'])
        parts.append('FAILED (%s, bucket %s): %s' % ('present' if present else 'absent', where, reason))
    else:
        head = {
            'resolves': 'bound to ', 'published': 'bound to ', 'records_to_add': 'bound to ', 'bound': 'bound to ',
            'unbound': 'unbound from ', 'pending': 'pending for ',
            'waiting_for_ownership_record': 'NOT bound yet (needs the ownership TXT record) to ',
            'check_mode': ('would be ' if result.get('changed') else '') + ('bound to ' if present else 'unbound from '),
        }[status]
        parts.append(head + where + (' after proving ownership' if result.get('ownership_verified') else ''))
        if present and status not in ('waiting_for_ownership_record', 'pending') and result.get('target'):
            if result.get('dns') == 'alidns':
                parts.append('CNAME -> %s in Alibaba Cloud DNS zone %s' % (result['target'], result.get('zone')))
            else:
                parts.append('CNAME -> %s at the external DNS provider' % result['target'])
        certificate = result.get('certificate')
        if isinstance(certificate, dict) and (certificate.get('cert_id') or certificate.get('fingerprint')):
            parts.append('certificate %s' % (certificate.get('cert_id') or certificate.get('fingerprint')))
        parts.append(_status_words(result))
    if result.get('replaced'):
        parts.append('replaced %s' % '; '.join(_describe_record(record) for record in result['replaced']))
    waited = [wait for wait in result.get('waits') or [] if isinstance(wait, dict) and wait.get('checks')]
    if waited:
        parts.append('waited %.1f s' % sum(float(wait.get('elapsed') or 0) for wait in waited))
    parts.extend(result.get('notes') or [])
    parts.append('%s, %.1f s' % ('changed' if result.get('changed') else 'no change', result.get('elapsed') or 0))
    return '%s: %s' % (result.get('domain_unicode') or result.get('domain'), '; '.join(part for part in parts if part))


def _status_words(result):
    status = result['status']
    to_add = result.get('records_to_add') or []
    to_remove = result.get('records_to_remove') or []
    if status == 'resolves':
        return 'resolves on every authoritative nameserver'
    if status == 'published':
        waits = [wait for wait in result.get('waits') or [] if isinstance(wait, dict)]
        if waits and not waits[-1].get('done') and waits[-1].get('checks'):
            return 'published, not served everywhere yet (checked %d time(s))' % waits[-1]['checks']
        return 'published, not waited for'
    if status == 'records_to_add':
        return 'add at the DNS provider: %s' % _record_words(to_add)
    if status == 'bound':
        return 'records not published yet'
    if status == 'waiting_for_ownership_record':
        if to_add:
            return 'add %s at the DNS provider, then run again' % _record_words(to_add)
        return 'the ownership TXT record is not served yet; run again'
    if status == 'check_mode':
        return 'check mode: nothing written, nothing waited for'
    if status == 'unbound':
        if to_remove:
            return 'remove at the DNS provider: %s' % _record_words(to_remove)
        if result.get('dns') == 'alidns':
            return 'the records pointing at it are gone from Alibaba Cloud DNS'
        return 'no record to remove at the DNS provider'
    return 'pending'


def failure_message(result_list, what='custom_domain'):
    """The message naming each failed domain with its reason; None when none failed."""
    failed = [result for result in result_list if result.get('failed')]
    if not failed:
        return None
    shown = failed[:MESSAGE_MAX_DOMAINS]
    reasons = []
    for result in shown:
        reason = result.get('msg') or 'failed'
        if result.get('error_code') and result['error_code'] not in reason:
            reason = '%s (%s)' % (reason, result['error_code'])
        reasons.append('%s: %s' % (result.get('domain_unicode') or result.get('domain'), reason))
    more = len(failed) - len(shown)
    return '%s: %d of %d domain(s) failed (%s). %s%s' % (
        what, len(failed), len(result_list), ', '.join(result.get('domain') for result in failed),
        ' | '.join(reasons), (' | and %d more (see results)' % more) if more else '')


# ---------------------------------------------------------------------------------------------------------------------
# Records for other DNS providers

def external_rows(result_list):
    """[{action, domain, name, type, ttl, value}] for every record still to add or to remove at another DNS provider.

    The records of a domain that resolves are in place, so they are not asked for again. A record with several values
    becomes one row per value. Rows keep the order of the domains, adds before removes.
    """
    rows = []
    for action, key in (('add', 'records_to_add'), ('remove', 'records_to_remove')):
        for result in result_list:
            if action == 'add' and result.get('phase') == 'resolved':
                continue
            for record in result.get(key) or []:
                values = record.get('value')
                values = list(values) if isinstance(values, (list, tuple)) else [values]
                for value in values:
                    rows.append(dict(action=action, domain=result.get('domain'), name=_fqdn(record.get('name') or record.get('record')),
                                     type=(record.get('type') or '').upper(), ttl=record.get('ttl') or DEFAULT_TTL,
                                     value='' if value is None else str(value)))
    return rows


def _fqdn(name):
    return (name or '').lower().rstrip('.')


def _escape_text(data):
    """Zone-file text of TXT content without dnspython: quoted strings of at most 255 bytes, escapes as RFC 1035."""
    raw = data.encode('utf-8')
    strings = [raw[index:index + 255] for index in range(0, len(raw), 255)] or [b'']
    out = []
    for chunk in strings:
        text = []
        for byte in bytearray(chunk):
            char = chr(byte)
            if char in '"\\':
                text.append('\\' + char)
            elif 0x20 <= byte < 0x7f:
                text.append(char)
            else:
                text.append('\\%03d' % byte)
        out.append('"%s"' % ''.join(text))
    return ' '.join(out)


def zone_value(rtype, value):
    """A value in zone-file form: host names absolute (trailing dot), TXT content quoted (the one TXT grammar)."""
    rtype = (rtype or '').upper()
    value = '' if value is None else str(value)
    if rtype == 'TXT':
        try:
            return zone_text(value)
        except TxtError:  # no dnspython on the controller: the same text, quoted here
            return _escape_text(value)
    if rtype in ('CNAME', 'NS', 'PTR') and value and not value.endswith('.'):
        return value + '.'
    return value


def zone_fragment(rows):
    """One zone-file fragment for every domain: the records to add as records, those to remove as comments."""
    adds = [row for row in rows if row['action'] == 'add']
    removes = [row for row in rows if row['action'] == 'remove']
    lines = ['; DNS records to change at the DNS providers of the domains below (alicloud_oss.domains.custom_domain_report).',
             '; Names are absolute; import the lines into each zone, or enter them in the provider\'s console.']
    if not rows:
        lines.append('; Nothing to change: every record is in place, or managed in Alibaba Cloud DNS.')
        return '\n'.join(lines) + '\n'

    def record_line(row):
        return '%s. %s IN %s %s' % (row['name'], row['ttl'], row['type'], zone_value(row['type'], row['value']))

    if adds:
        lines.append('')
        lines.append('; ADD these %d record(s):' % len(adds))
        current = None
        for row in adds:
            if row['domain'] != current:
                current = row['domain']
                lines.append('; %s' % to_unicode(current))
            lines.append(record_line(row))
    if removes:
        lines.append('')
        lines.append('; REMOVE these %d record(s) (a zone file cannot say "remove": delete them at the provider):' % len(removes))
        current = None
        for row in removes:
            if row['domain'] != current:
                current = row['domain']
                lines.append('; %s' % to_unicode(current))
            lines.append('; ' + record_line(row))
    return '\n'.join(lines) + '\n'


def csv_text(rows):
    """The rows as CSV (RFC 4180, a header line first): action, domain, name, type, ttl, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\r\n')
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return buffer.getvalue()


def build(progress, check_mode=False, what='custom_domain'):
    """Everything the report returns: results, summary lines, failed domains, the failure message, the hand-over texts."""
    result_list = results(progress, check_mode)
    rows = external_rows(result_list)
    return dict(
        results=result_list,
        summary=[summary_line(result) for result in result_list],
        failed_domains=[result['domain'] for result in result_list if result['failed']],
        failure=failure_message(result_list, what),
        rows=rows,
        zone_fragment=zone_fragment(rows),
        csv=csv_text(rows),
    )


# ---------------------------------------------------------------------------------------------------------------------
# The options of custom_domain_report (shared by the action plugin and the module's main())

ARGUMENT_SPEC = dict(
    progress=dict(type='dict', required=True),
    records_file=dict(type='path'),
    records_csv=dict(type='path'),
    fail_on_error=dict(type='bool', default=True),
    summary=dict(type='bool', default=True),
    single=dict(type='bool', default=False),
    variable_prefix=dict(type='str', default=''),
)


def facts(variable_prefix, result_list, single=False):
    """The facts the report sets: <prefix>results, and <prefix>result (the one entry) in single-domain mode."""
    if not variable_prefix:
        return {}
    values = {variable_prefix + 'results': result_list}
    if single:
        values[variable_prefix + 'result'] = result_list[0] if result_list else {}
    return values


def outcome(params, check_mode=False):
    """(result dict, files {path: text}) for the options of custom_domain_report; the caller writes the files and fails
    the task when result['failed']."""
    what = 'custom_domain' if params.get('variable_prefix') == 'custom_domain_' else 'custom_domain_report'
    report = build(params.get('progress') or {}, check_mode=check_mode, what=what)
    files = {}
    if params.get('records_file'):
        files[params['records_file']] = report['zone_fragment']
    if params.get('records_csv'):
        files[params['records_csv']] = report['csv']
    result = dict(
        changed=False,
        results=report['results'],
        summary=report['summary'],
        failed_domains=report['failed_domains'],
        records=report['rows'],
        records_file=params.get('records_file'),
        records_csv=params.get('records_csv'),
    )
    ansible_facts = facts(params.get('variable_prefix') or '', report['results'], bool(params.get('single')))
    if ansible_facts:
        result['ansible_facts'] = ansible_facts
    total = len(report['results'])
    if report['failure'] and params.get('fail_on_error', True):
        result.update(failed=True, msg=report['failure'])
    elif report['failure']:
        result['msg'] = report['failure'] + ' (fail_on_error is false: the task does not fail)'
    else:
        result['msg'] = '%d domain(s) reported, none failed' % total
    return result, files


def write_if_changed(path, text):
    """Write text to path atomically; return False (and touch nothing) when the file already holds exactly that."""
    data = to_bytes(text)
    path = os.path.expanduser(path)
    try:
        with open(path, 'rb') as handle:
            if handle.read() == data:
                return False
    except (IOError, OSError):
        pass
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix='.custom_domain_report.')
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.rename(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return True


def run_report(module):
    """custom_domain_report run as a module (without its action plugin, for example by ansible-test): the same result, with
    the files written where the module runs."""
    result, files = outcome(module.params, check_mode=module.check_mode)
    written = []
    if not module.check_mode:
        for path, text in files.items():
            try:
                if write_if_changed(path, text):
                    written.append(path)
            except (IOError, OSError) as exc:
                module.fail_json(msg='cannot write %s: %s' % (path, exc))
    result['files_written'] = written
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
