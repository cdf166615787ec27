# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper of the check_mode_promise target: write what every task reported to the JSON file $PROMISE_OUT.

One record per task in the order they ran: name, action, status (ok, failed, skipped), changed, error_code, the diffs
and the warnings. Tasks tagged promise_setup (emulator reset, seeds, set-up runs) are left out.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

SKIPPED_ACTIONS = ('include_tasks', 'include_role', 'import_tasks', 'import_role', 'meta')


def _warning_texts(values):
    texts = []
    for value in values or []:
        # ansible-core 2.19 keeps WarningSummary objects (the text in .event.msg); 2.16 keeps strings.
        event = getattr(value, 'event', None)
        texts.append(str(getattr(event, 'msg', None) or value))
    return texts


def _plain(value):
    """A JSON-ready copy (2.19 hands over tagged str/dict subclasses; anything else becomes its text)."""
    return json.loads(json.dumps(value, default=str))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'promise_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._records = []
        self._path = os.environ.get('PROMISE_OUT')

    def _record(self, result, status):
        task = result._task
        if 'promise_setup' in (task.tags or []) or task.action.split('.')[-1] in SKIPPED_ACTIONS:
            return
        data = result._result
        items = data.get('results') if isinstance(data.get('results'), list) else []
        diffs = [data['diff']] if data.get('diff') else []
        warnings = list(getattr(result, 'warnings', None) or data.get('warnings') or [])
        error_codes = [data.get('error_code')] if data.get('error_code') else []
        for item in items:
            if isinstance(item, dict):
                if item.get('diff'):
                    diffs.append(item['diff'])
                warnings.extend(item.get('warnings') or [])
                if item.get('error_code') and item.get('failed'):
                    error_codes.append(item['error_code'])
        self._records.append(dict(
            name=str(task.get_name()), action=task.action, status=status, changed=bool(data.get('changed')),
            failed=status == 'failed', error_codes=_plain(error_codes), diffs=_plain(diffs), warnings=_warning_texts(warnings),
            msg=str(data.get('msg') or '')[:500] if status == 'failed' else None))

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        if self._path:
            with open(self._path, 'w', encoding='utf-8') as handle:
                json.dump(self._records, handle, indent=1, sort_keys=True)
