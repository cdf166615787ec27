# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The RAM identities of the default world that clients name: roles, the ECS instance role, the OIDC provider, the
read-only RAM user.

No third-party imports: emulatorctl.py reads these to write the env file.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

MAIN_UID = '1234567890123456'
ROLE_NAME = 'domains-automation'
ROLE_ARN = 'acs:ram::%s:role/%s' % (MAIN_UID, ROLE_NAME)
ECS_ROLE_NAME = 'domains-ecs'
OIDC_PROVIDER_NAME = 'emulator-cluster'
OIDC_PROVIDER_ARN = 'acs:ram::%s:oidc-provider/%s' % (MAIN_UID, OIDC_PROVIDER_NAME)
OIDC_ROLE_ARN = ROLE_ARN  # the role that trusts the OIDC provider
OIDC_TOKEN_FILE = 'oidc-token'  # in the state directory, rewritten whenever the provider's token changes
CA_FILE = 'ca.pem'  # in the state directory
# The ECS metadata service's fixed address. Requests for it reach the emulator only as proxy requests; the emulator
# never opens a connection to it (or to any other address).
IMDS_HOST = '100.100.100.200'
# The read-only RAM user of account main (keys in default_keys.py) and the one policy it holds.
READONLY_USER = 'domains-readonly'
READONLY_USER_ID = '203456789012345678'
READONLY_ACTIONS = ['oss:ListCname', 'oss:GetCnameToken', 'alidns:DescribeDomains', 'alidns:DescribeDomainRecords',
                    'alidns:DescribeSubDomainRecords', 'alidns:DescribeDomainRecordInfo']
READONLY_POLICY = {'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': READONLY_ACTIONS, 'Resource': '*'}]}
