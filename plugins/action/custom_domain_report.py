# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""custom_domain_report runs on the controller: it only reshapes the `progress` it is given, prints one line per
domain and writes the hand-over files, so it needs no module process (the logic is in module_utils/_report.py)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.alicloud_oss.domains.plugins.module_utils._report import ARGUMENT_SPEC, outcome, write_if_changed

display = Display()


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # nothing is copied to the host
        dummy, params = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        check_mode = bool(self._task.check_mode or self._play_context.check_mode)
        report, files = outcome(params, check_mode=check_mode)
        written = []
        if not check_mode:
            for path, text in files.items():
                try:
                    if write_if_changed(path, text):
                        written.append(path)
                except (IOError, OSError) as exc:
                    raise AnsibleError('custom_domain_report: cannot write %s: %s' % (path, to_native(exc)))
        report['files_written'] = written
        if params['summary']:
            for line in report['summary']:
                display.display(line)
        result.update(report)
        return result
