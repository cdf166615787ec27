# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The access keys of the default world (no third-party imports: emulatorctl.py reads them)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

MAIN_ACCESS_KEY = 'LTAI5tEmuMainKey00000001'
MAIN_SECRET_KEY = 'EmuMainSecret0000000000000001x'
OTHER_ACCESS_KEY = 'LTAI5tEmuOtherKey0000001'
OTHER_SECRET_KEY = 'EmuOtherSecret000000000000001x'
# Account "legacy": the only default account whose OSS requests may still be signed with V1.
LEGACY_ACCESS_KEY = 'LTAI5tEmuLegacyKey000001'
LEGACY_SECRET_KEY = 'EmuLegacySecret00000000000001x'
# RAM user "domains-readonly" of account main: allowed only the read actions (ListCname, GetCnameToken and the
# Alidns Describe* calls the modules make).
RAM_READONLY_ACCESS_KEY = 'LTAI5tEmuRamReadOnly0001'
RAM_READONLY_SECRET_KEY = 'EmuRamReadOnlySecret000000001x'
DEFAULT_REGION = 'cn-hangzhou'
