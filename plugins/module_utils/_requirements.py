# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Python packages the modules use, with their minimum versions: one table and one check.

require(key) imports what a module needs of a package, on first use (the SDKs cost a third of a second or more, so a
module checks its options before it pays for them), checks the package's version against the table, and raises
MissingRequirement (its str() is the pip requirement, its `trace` the import traceback or the reason) otherwise. The
doc fragment alicloud_oss.domains._alicloud and requirements.txt list the same packages and versions (a unit test
compares them). The version is read from the package itself (__version__), not from importlib.metadata, which alone
costs more to import than the check is worth in a module that a fleet runs thousands of times.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib
import re
import traceback

# key: (distribution, minimum version, the modules to import (the first one carries the version: __version__ or version),
#       why it is needed)
PACKAGES = {
    'oss2': ('oss2', '2.18.4', ('oss2', 'oss2.models', 'oss2.credentials'),
             'the OSS API; 2.18.4 is the first with V4 signing'),
    'alidns': ('alibabacloud-alidns20150109', '4.0.0',
               ('alibabacloud_alidns20150109', 'alibabacloud_alidns20150109.client', 'alibabacloud_alidns20150109.models',
                'alibabacloud_tea_openapi.models'),
               'the Alibaba Cloud DNS API'),
    'credentials': ('alibabacloud-credentials', '1.0', ('alibabacloud_credentials', 'alibabacloud_credentials.provider',
                                                        'alibabacloud_credentials.http'),
                    'credential sources other than static keys (profiles, roles, ECS RAM roles, OIDC)'),
    'dnspython': ('dnspython', '2.3.0', ('dns.version', 'dns.rdata'),
                  'DNS queries: waiting for records, checking what already resolves'),
    'cryptography': ('cryptography', '3.4', ('cryptography', 'cryptography.x509'), 'reading PEM certificates and keys'),
    'idna': ('idna', '3.0', ('idna',), 'internationalised domain names'),
    'cas': ('alibabacloud-cas20200407', '3.9.4', ('alibabacloud_cas20200407', 'alibabacloud_cas20200407.client',
                                                  'alibabacloud_cas20200407.models', 'alibabacloud_tea_openapi.models'),
            'optional: comparing a bound certificate chain as a whole'),
}

_LOADED = {}


class MissingRequirement(ImportError):
    """A package is not installed, or too old. str(): the requirement (`name >= version`); trace: why."""

    def __init__(self, requirement, trace=None):
        super(MissingRequirement, self).__init__(requirement)
        self.name = requirement
        self.trace = trace

    @property
    def tb(self):
        return self.trace


def requirement(key):
    """`distribution >= minimum` of a package of the table."""
    distribution, minimum = PACKAGES[key][:2]
    return '%s >= %s' % (distribution, minimum)


def version_tuple(text):
    """(2, 18, 4) from '2.18.4' (pre-release and local parts ignored: 2.19.0rc1 -> (2, 19, 0))."""
    numbers = []
    for part in str(text or '').split('.'):
        match = re.match(r'^(\d+)', part)
        if not match:
            break
        numbers.append(int(match.group(1)))
    return tuple(numbers)


def require(key):
    """The imported modules of a package of the table (in the table's order); MissingRequirement when it cannot be
    imported or is older than the minimum. The outcome is kept for the run."""
    if key not in _LOADED:
        distribution, minimum, names, dummy = PACKAGES[key]
        try:
            modules = tuple(importlib.import_module(name) for name in names)
        except ImportError:
            _LOADED[key] = MissingRequirement(requirement(key), traceback.format_exc())
        else:
            found = getattr(modules[0], '__version__', None) or getattr(modules[0], 'version', None)
            if found is not None and version_tuple(found) < version_tuple(minimum):
                _LOADED[key] = MissingRequirement(requirement(key), '%s %s is installed; %s or later is needed (%s).'
                                                  % (distribution, found, minimum, PACKAGES[key][3]))
            else:
                _LOADED[key] = modules
    loaded = _LOADED[key]
    if isinstance(loaded, MissingRequirement):
        raise loaded
    return loaded
