# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare the --check --diff run of each scenario with its real run (test helper of the check_mode_promise target).

usage: compare.py DIR SCENARIO...   reads DIR/<scenario>.check.json and DIR/<scenario>.real.json (see promise_record.py)

For every task, in the order they ran (matched by name and occurrence), check mode must have predicted what the real
run did: the same changed, the same failed (and error_code), and the same diff (before and after). The exceptions are
the ones the collection documents:
- A value check mode cannot know is null in its prediction, and the real run has it: the keys in UNKNOWABLE (what the
  server assigns or returns on a write: timestamps, record ids, an uploaded certificate's id and validity read back, a
  new ownership token and its expiry). Any other difference of a value is a broken promise.
- A real run may fail where check mode succeeded only when check mode said, in a warning, that it cannot know whether
  OSS will accept the change (ICP filing, a binding held by another account): only the cloud knows these.
- A task that check mode skipped (or that the real run skipped) must report no change and no failure in the other run.
Exits 1 naming the scenario, the task and the field of each difference.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import sys

# Values only the server knows after the write. Check mode shows them as null; the real run shows what OSS or Alidns
# assigned: the time of the change, the id of a new record, the id and validity of an uploaded certificate (as OSS
# reads it back), a new token and its expiry.
UNKNOWABLE = frozenset(['last_modified', 'creation_date', 'expire_time', 'record_id', 'id', 'cert_id', 'fingerprint',
                        'valid_start_date', 'valid_end_date', 'token'])
# How alidns_record shows, in check mode, a value it was given empty because the task that produces it (a new ownership
# token) ran in check mode too (_records.UNKNOWN_VALUE): it matches whatever value the real run wrote.
UNKNOWN_VALUE = '(not known in check mode)'
CANNOT_KNOW = 'check mode cannot know'


def differences(check, real, path, key=None):
    """The paths where real differs from the prediction check (a None check value under an UNKNOWABLE key matches)."""
    if (check is None and key in UNKNOWABLE) or check == UNKNOWN_VALUE:
        return []
    if isinstance(check, dict) and isinstance(real, dict):
        found = []
        for name in sorted(set(check) | set(real), key=str):
            if name not in real or name not in check:
                found.append('%s.%s: %s in check mode, %s for real'
                             % (path, name, 'present' if name in check else 'absent', 'present' if name in real else 'absent'))
                continue
            found.extend(differences(check[name], real[name], '%s.%s' % (path, name), name))
        return found
    if isinstance(check, list) and isinstance(real, list):
        if len(check) != len(real):
            return ['%s: %d entries in check mode, %d for real' % (path, len(check), len(real))]
        found = []
        for index, (one, other) in enumerate(zip(check, real)):
            found.extend(differences(one, other, '%s[%d]' % (path, index), key))
        return found
    if check != real:
        return ['%s: %s in check mode, %s for real' % (path, json.dumps(check), json.dumps(real))]
    return []


def keyed(records):
    """{(name, occurrence): record} and the keys in order."""
    seen = {}
    order = []
    by_key = {}
    for record in records:
        count = seen.get(record['name'], 0)
        seen[record['name']] = count + 1
        key = (record['name'], count)
        order.append(key)
        by_key[key] = record
    return by_key, order


def compare(scenario, check_records, real_records):
    problems = []
    checks, order = keyed(check_records)
    reals, real_order = keyed(real_records)
    for key in real_order:
        if key not in checks:
            order.append(key)
    compared = 0
    for key in order:
        check, real = checks.get(key), reals.get(key)
        where = '%s: task %r%s' % (scenario, key[0], ' (#%d)' % (key[1] + 1) if key[1] else '')
        ran = [record for record in (check, real) if record is not None and record['status'] != 'skipped']
        if len(ran) < 2:
            # Skipped (or not reached) in one run: the other must have changed nothing and not failed.
            for record, run in ((check, 'check mode'), (real, 'the real run')):
                if record is not None and record['status'] != 'skipped' and (record['changed'] or record['failed']):
                    problems.append('%s: ran only in %s, where it was %s' % (where, run, 'failed' if record['failed'] else 'changed'))
            continue
        compared += 1
        if check['failed'] != real['failed']:
            if real['failed'] and not check['failed'] and any(CANNOT_KNOW in warning for warning in check['warnings']):
                continue  # documented: only the cloud knows, and check mode said so
            problems.append('%s: failed is %s in check mode, %s for real (%s)'
                            % (where, check['failed'], real['failed'], (real['msg'] or check['msg'] or '')[:300]))
            continue
        if check['failed']:
            if check['error_codes'] != real['error_codes']:
                problems.append('%s: error_code %s in check mode, %s for real' % (where, check['error_codes'], real['error_codes']))
            continue
        if check['changed'] != real['changed']:
            problems.append('%s: changed is %s in check mode, %s for real' % (where, check['changed'], real['changed']))
        problems.extend('%s: diff%s' % (where, text) for text in differences(check['diffs'], real['diffs'], ''))
    if not compared:
        problems.append('%s: no task was compared (did the scenario run?)' % scenario)
    return problems, compared


def self_test():
    """The comparison finds each kind of broken promise, and accepts what is documented."""
    def task(**fields):
        record = dict(name='t', action='x', status='ok', changed=True, failed=False, error_codes=[], diffs=[], warnings=[], msg=None)
        record.update(fields)
        return [record]
    token = [dict(before=dict(token=None), after=dict(token=None))]
    real_token = [dict(before=dict(token=None), after=dict(token='abc'))]
    cases = [
        ('changed differs', task(), task(changed=False), True),
        ('failed differs', task(), task(failed=True, status='failed'), True),
        ('failed, warned', task(warnings=['check mode cannot know whether OSS will accept x']), task(failed=True, status='failed'), False),
        ('error code differs', task(failed=True, error_codes=['A']), task(failed=True, error_codes=['B']), True),
        ('diff differs', task(diffs=[dict(after=dict(ttl=600))]), task(diffs=[dict(after=dict(ttl=60))]), True),
        ('unknown token', task(diffs=token), task(diffs=real_token), False),
        ('wrong token', task(diffs=real_token), task(diffs=[dict(before=dict(token=None), after=dict(token='other'))]), True),
        ('unknown value', task(diffs=[dict(after=dict(value=UNKNOWN_VALUE))]), task(diffs=[dict(after=dict(value='abc'))]), False),
        ('null value', task(diffs=[dict(after=dict(value=None))]), task(diffs=[dict(after=dict(value='abc'))]), True),
        ('skipped vs changed', task(status='skipped', changed=False), task(), True),
        ('same', task(), task(), False),
    ]
    wrong = [name for name, check, real, broken in cases if bool(compare('self-test', check, real)[0]) != broken]
    if wrong:
        print('compare.py self-test failed: %s' % ', '.join(wrong))
        return 1
    return 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    directory = sys.argv[1]
    problems = []
    for scenario in sys.argv[2:]:
        with open(os.path.join(directory, scenario + '.check.json'), encoding='utf-8') as handle:
            check = json.load(handle)
        with open(os.path.join(directory, scenario + '.real.json'), encoding='utf-8') as handle:
            real = json.load(handle)
        found, compared = compare(scenario, check, real)
        print('%-28s %2d tasks compared, %s' % (scenario, compared, '%d differences' % len(found) if found else 'as predicted'))
        problems.extend(found)
    for problem in problems:
        print('BROKEN PROMISE ' + problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
