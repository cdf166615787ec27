# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The oss_bucket_cname action plugin: Vault-encrypted certificate files are decrypted on the controller (as the file
lookup does) and passed as text; plain files, and every other argument, reach the module unchanged."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from unittest import mock

import pytest

from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.alicloud_oss.domains.plugins.action import oss_bucket_cname as plugin

CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'
SECRET = VaultSecret(b'test-vault-password')


def vault_loader(secret=SECRET):
    loader = DataLoader()
    loader.set_vault_secrets([('default', secret)])
    return loader


def write_vault(path, text):
    path.write_bytes(VaultLib([('default', SECRET)]).encrypt(text.encode('utf-8')))
    return str(path)


def make_action(args, loader):
    task = mock.MagicMock()
    task.args = args
    task.async_val = 0
    task.check_mode = False
    play_context = mock.MagicMock()
    play_context.check_mode = False
    return plugin.ActionModule(task, mock.MagicMock(), play_context, loader=loader, templar=None, shared_loader_obj=None)


def run(args, loader):
    action = make_action(args, loader)
    sent = {}

    def execute(module_name, module_args, task_vars):
        sent.update(name=module_name, args=module_args)
        return dict(changed=False)

    with mock.patch.object(action, '_execute_module', side_effect=execute):
        action.run(task_vars={})
    return sent


def test_vault_encrypted_files_are_passed_as_text(tmp_path):
    cert_file = write_vault(tmp_path / 'cert.pem', CERT)
    key_file = write_vault(tmp_path / 'key.pem', KEY)
    args = dict(bucket='demo-assets', defaults=dict(certificate=dict(certificate_file=cert_file, private_key_file=key_file, force=True)),
                domains=[dict(name='a.example.com'),
                         dict(name='b.example.com', certificate=dict(certificate_file=cert_file, private_key_file=key_file))])
    sent = run(args, vault_loader())
    assert sent['name'] == 'alicloud_oss.domains.oss_bucket_cname'
    assert sent['args']['defaults']['certificate'] == dict(certificate=CERT, private_key=KEY, force=True)
    assert sent['args']['domains'][1]['certificate'] == dict(certificate=CERT, private_key=KEY)
    assert sent['args']['domains'][0] == dict(name='a.example.com')
    # the task's own arguments are left alone (a loop or a retry templates them again)
    assert args['domains'][1]['certificate'] == dict(certificate_file=cert_file, private_key_file=key_file)


def test_plain_files_and_other_arguments_reach_the_module_unchanged(tmp_path):
    cert_file = tmp_path / 'cert.pem'
    cert_file.write_text(CERT)
    args = dict(bucket='demo-assets', domains=[dict(name='a.example.com', certificate=dict(certificate_file=str(cert_file),
                                                                                           private_key_file=str(tmp_path / 'missing.pem')))])
    sent = run(args, vault_loader())
    assert sent['args'] == args
    single = dict(bucket='demo-assets', domain='a.example.com', certificate=CERT, private_key=KEY)
    assert run(single, vault_loader())['args'] == single


def test_a_vault_file_without_the_right_password_names_the_setting(tmp_path):
    cert_file = write_vault(tmp_path / 'cert.pem', CERT)
    args = dict(bucket='demo-assets', domains=[dict(name='a.example.com', certificate=dict(certificate_file=cert_file, private_key=KEY))])
    with pytest.raises(AnsibleError, match=r'domains\[0\]\.certificate\.certificate_file: cannot decrypt the Ansible Vault file'):
        run(args, vault_loader(VaultSecret(b'wrong')))
