# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""custom_domain_report runs on the controller: it only reshapes the `progress` it is given, prints one line per
domain and writes the hand-over files, so it needs no module process (the logic is in module_utils/_report.py)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import tempfile

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.alicloud_oss.domains.plugins.module_utils._report import ARGUMENT_SPEC, outcome

display = Display()


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
