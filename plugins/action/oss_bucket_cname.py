# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""oss_bucket_cname reads certificate files (list mode: certificate.certificate_file / private_key_file) on the
controller; this action decrypts the ones that Ansible Vault encrypted before the module runs, as the `file` lookup
does, and passes their text instead (the module never sees the vault password). Plain files are left to the module, whose
messages name the file. Everything else goes to the module unchanged."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.parsing.vault import is_encrypted_file
from ansible.plugins.action import ActionBase

FILE_KEYS = (('certificate_file', 'certificate'), ('private_key_file', 'private_key'))


class ActionModule(ActionBase):

    TRANSFERS_FILES = False

    def _vault_text(self, path, where):
        """The decrypted text of a Vault-encrypted file, or None when the file is not encrypted (or not readable here:
        the module then says what is wrong with it)."""
        if not isinstance(path, str) or not path:
            return None
        path = os.path.expanduser(path)
        try:
            with open(path, 'rb') as handle:
                if not is_encrypted_file(handle):
                    return None
        except (IOError, OSError):
            return None
        try:
            real = self._loader.get_real_file(path, decrypt=True)
        except AnsibleError as exc:
            raise AnsibleError('%s: cannot decrypt the Ansible Vault file %s: %s' % (where, path, to_native(exc)))
        try:
            with open(real, 'rb') as handle:
                return to_text(handle.read(), errors='surrogate_or_strict')
        finally:
            self._loader.cleanup_tmp_file(real)

    def _decrypt(self, certificate, where):
        """A copy of a `certificate` setting with its Vault-encrypted files replaced by their text (None: unchanged)."""
        if not isinstance(certificate, dict):
            return None
        changed = None
        for file_key, text_key in FILE_KEYS:
            text = self._vault_text(certificate.get(file_key), '%s.%s' % (where, file_key))
            if text is None:
                continue
            if changed is None:
                changed = dict(certificate)
            changed.pop(file_key, None)
            changed[text_key] = text
        return changed

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # nothing is copied to the host
        args = copy.deepcopy(self._task.args)
        defaults = args.get('defaults')
        if isinstance(defaults, dict):
            changed = self._decrypt(defaults.get('certificate'), 'defaults.certificate')
            if changed is not None:
                defaults['certificate'] = changed
        domains = args.get('domains')
        if isinstance(domains, list):
            for index, item in enumerate(domains):
                if isinstance(item, dict):
                    changed = self._decrypt(item.get('certificate'), 'domains[%d].certificate' % index)
                    if changed is not None:
                        item['certificate'] = changed
        result.update(self._execute_module(module_name='alicloud_oss.domains.oss_bucket_cname', module_args=args,
                                           task_vars=task_vars))
        return result
