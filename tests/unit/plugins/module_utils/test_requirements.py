# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_requirements: the one table of Python packages and minimum versions, and the one check."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import sys
import types

import pytest
import yaml

from ansible_collections.alicloud_oss.domains.plugins.doc_fragments._alicloud import ModuleDocFragment
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements
from ansible_collections.alicloud_oss.domains.plugins.module_utils._requirements import MissingRequirement, require, version_tuple

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(_requirements, '_LOADED', {})


def test_an_installed_package_is_imported_once_and_returned():
    first = require('idna')
    assert first[0] is sys.modules['idna']
    assert require('idna') is first


def test_a_missing_package_names_the_requirement_and_keeps_the_traceback(monkeypatch):
    monkeypatch.setitem(sys.modules, 'idna', None)
    with pytest.raises(MissingRequirement) as err:
        require('idna')
    assert str(err.value) == 'idna >= 3.0' and err.value.name == 'idna >= 3.0'
    assert 'ImportError' in err.value.trace or 'ModuleNotFoundError' in err.value.trace
    assert err.value.tb == err.value.trace
    assert isinstance(err.value, ImportError)


def test_a_package_older_than_the_minimum_is_refused_saying_which_version_is_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, 'idna', types.ModuleType('idna'))
    sys.modules['idna'].__version__ = '2.10'
    with pytest.raises(MissingRequirement) as err:
        require('idna')
    assert str(err.value) == 'idna >= 3.0'
    assert err.value.trace.startswith('idna 2.10 is installed; 3.0 or later is needed')


def test_dnspython_s_version_is_read_from_dns_version():
    modules = require('dnspython')
    assert modules[0].__name__ == 'dns.version' and version_tuple(modules[0].version) >= (2, 3, 0)


@pytest.mark.parametrize('text, expected', [('2.18.4', (2, 18, 4)), ('2.19.0rc1', (2, 19, 0)), ('4.6.1+local', (4, 6, 1)),
                                            ('1.0', (1, 0)), ('', ())])
def test_version_tuple(text, expected):
    assert version_tuple(text) == expected


def test_the_doc_fragment_and_requirements_txt_list_every_package_of_the_table_with_its_minimum():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['requirements']
    with open(os.path.join(ROOT, 'requirements.txt')) as handle:
        pinned = dict(re.match(r'^([A-Za-z0-9_.-]+)>=(\S+)$', line.strip()).groups() for line in handle
                      if line.strip() and not line.startswith('#'))
    for key, (distribution, minimum, dummy, dummy2) in _requirements.PACKAGES.items():
        assert pinned.get(distribution) == minimum, key
        if key != 'cas':   # optional, and only oss_bucket_cname uses it: listed in that module's requirements
            assert any(line.startswith('%s >= %s' % (distribution, minimum)) for line in documented), key


def _third_party_roots():
    """The top-level import names of the table's packages (oss2, dns, idna, alibabacloud_..., cryptography)."""
    roots = {}
    for key, (dummy, dummy2, names, dummy3) in _requirements.PACKAGES.items():
        for name in names:
            roots.setdefault(name.split('.')[0], set()).add(key)
    return roots


def test_every_module_util_that_imports_a_package_of_the_table_checks_it_through_require():
    """A third-party import in module_utils goes through the one check (presence and minimum version): the file that imports
    a package of the table also calls require() with its key, so an old version is refused with the requirement, not met
    later as an AttributeError."""
    import ast  # pylint: disable=import-outside-toplevel
    roots = _third_party_roots()
    folder = os.path.join(ROOT, 'plugins', 'module_utils')
    unchecked = []
    for filename in sorted(os.listdir(folder)):
        if not filename.endswith('.py') or filename == '_requirements.py':
            continue
        with open(os.path.join(folder, filename)) as handle:
            tree = ast.parse(handle.read())
        imported, required = set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split('.')[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split('.')[0])
            elif isinstance(node, ast.Call) and getattr(node.func, 'attr', getattr(node.func, 'id', None)) == 'require' \
                    and node.args and isinstance(node.args[0], ast.Constant):
                required.add(node.args[0].value)
        for root in sorted(imported & set(roots)):
            if not roots[root] & required:
                unchecked.append('%s imports %s' % (filename, root))
    assert unchecked == []


def test_a_too_old_dnspython_is_named_with_its_minimum_when_a_txt_value_needs_it(monkeypatch):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _txt  # pylint: disable=import-outside-toplevel
    monkeypatch.setitem(_requirements._LOADED, 'dnspython', MissingRequirement('dnspython >= 2.3.0', 'dnspython 2.1.0 is installed'))
    with pytest.raises(_txt.MissingDnspythonError) as err:
        _txt.parse_strings('"zone-file text"')
    assert err.value.trace == 'dnspython 2.1.0 is installed'
