# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: other collections must not use it; it can change at any time.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # Modules that change something.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: full
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run indicates no change.
      - This assumes that nothing else changed the bindings, tokens or records in between.
    support: full
  action_group:
    description: Use C(group/alicloud_oss.domains.alicloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - alicloud_oss.domains._alicloud
'''

    # Read-only modules.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the target.
    support: full
    details: This module only reads, so it runs in check mode as usual.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: N/A
    details: This module never changes anything.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run indicates no change.
    support: full
    details: This module only reads; it never reports a change.
  action_group:
    description: Use C(group/alicloud_oss.domains.alicloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - alicloud_oss.domains._alicloud
'''

    # Modules that only query DNS and are not in the action group.
    DNS_QUERY = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the target.
    support: full
    details: This module only reads, so it runs in check mode as usual.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: N/A
    details: This module never changes anything.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run indicates no change.
    support: full
    details: This module only asks DNS servers; it never reports a change.
'''
