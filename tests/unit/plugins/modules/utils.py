# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a module's main() in-process: set its arguments and catch exit_json / fail_json (ansible-core 2.16 to 2.19)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import contextlib
import json
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19+
except ImportError:
    patch_module_args = None


class AnsibleExitJson(Exception):
    """main() called exit_json; the result is in .result."""

    def __init__(self, result):
        super(AnsibleExitJson, self).__init__(result)
        self.result = result


class AnsibleFailJson(Exception):
    """main() called fail_json; the result is in .result."""

    def __init__(self, result):
        super(AnsibleFailJson, self).__init__(result)
        self.result = result


def _exit_json(self, **kwargs):
    kwargs.setdefault('changed', False)
    raise AnsibleExitJson(_masked(self, kwargs))


def _fail_json(self, msg, **kwargs):
    kwargs['failed'] = True
    kwargs['msg'] = msg
    raise AnsibleFailJson(_masked(self, kwargs))


def _masked(module, result):
    """What Ansible would print: no_log values replaced, as AnsibleModule does before it writes the result."""
    from ansible.module_utils.common.parameters import remove_values
    return remove_values(result, module.no_log_values)


@contextlib.contextmanager
def set_module_args(args):
    """Make AnsibleModule() read `args` as its parameters."""
    args = dict(args)
    args.setdefault('_ansible_remote_tmp', '/tmp')
    args.setdefault('_ansible_keep_remote_files', False)
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
    else:
        with mock.patch.object(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))):
            yield


@contextlib.contextmanager
def patched_exits():
    """Turn exit_json / fail_json into exceptions carrying the (masked) result."""
    with mock.patch.multiple(basic.AnsibleModule, exit_json=_exit_json, fail_json=_fail_json), _as_module():
        yield


@contextlib.contextmanager
def _as_module():
    """Run as a module process does, even after a test imported controller code (an action plugin): ansible-core 2.19
    then sends module.warn() to the controller's display instead of the module's result."""
    try:
        from ansible.module_utils import _internal
    except ImportError:  # ansible-core < 2.19
        yield
        return
    with mock.patch.object(_internal, 'is_controller', False):
        yield


def run_module(main, args):
    """Run main() with args; return (failed, result)."""
    with set_module_args(args), patched_exits():
        try:
            main()
        except AnsibleExitJson as exc:
            return False, exc.result
        except AnsibleFailJson as exc:
            return True, exc.result
    raise AssertionError('the module returned without calling exit_json or fail_json')
