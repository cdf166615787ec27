# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The options of alicloud_argument_spec() in plugins/module_utils/_alicloud.py.
    DOCUMENTATION = r'''
options:
  alicloud_access_key:
    description:
      - The AccessKey ID of the Alibaba Cloud account or RAM user.
      - If not set, the environment variables E(ALICLOUD_ACCESS_KEY) and then E(ALIBABA_CLOUD_ACCESS_KEY_ID) are used,
        in that order.
      - When no key is given at all, the Alibaba Cloud default credential chain is used (environment, OIDC role,
        C(~/.aliyun/config.json) and C(~/.alibabacloud/credentials.ini) profiles, ECS instance RAM role).
    type: str
    aliases: [access_key, access_key_id]
  alicloud_secret_key:
    description:
      - The AccessKey secret that goes with O(alicloud_access_key).
      - If not set, E(ALICLOUD_SECRET_KEY) and then E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) are used.
    type: str
    aliases: [secret_key, access_key_secret]
  alicloud_security_token:
    description:
      - The security token of temporary (STS) credentials, together with their key pair.
      - If not set, E(ALICLOUD_SECURITY_TOKEN) and then E(ALIBABA_CLOUD_SECURITY_TOKEN) are used.
    type: str
    aliases: [security_token]
  alicloud_region:
    description:
      - The region id, for example V(cn-hangzhou). For OSS modules this is the region of the bucket; it names the
        bucket's endpoint and the target of the custom domain's CNAME record.
      - If not set, E(ALICLOUD_REGION) and then E(ALIBABA_CLOUD_REGION_ID) are used.
    type: str
    aliases: [region]
  oss_endpoint:
    description:
      - The OSS API endpoint, as C(host), C(host:port) or a URL with V(http) or V(https).
      - Defaults to C(https://oss-<region>.aliyuncs.com). Set it to reach the local emulator or an internal endpoint.
      - If not set, E(ALICLOUD_OSS_ENDPOINT) is used.
    type: str
  alidns_endpoint:
    description:
      - The Alibaba Cloud DNS (Alidns) API endpoint, as C(host), C(host:port) or a URL with V(http) or V(https).
      - Defaults to C(alidns.aliyuncs.com) over HTTPS.
      - If not set, E(ALICLOUD_ALIDNS_ENDPOINT) is used.
    type: str
  api_retries:
    description:
      - How many times a call is retried after a transient service error (HTTP 5xx, C(ServiceUnavailable),
        C(InternalError), C(LastOperationNotFinished)) or a lost connection.
      - Throttling answers (C(Throttling*), HTTP 429, OSS's 503 C(Please reduce your request rate)) do not count
        against this number; they are retried until the 120 s bound below, unless O(api_retries=0), which turns off
        every retry.
      - Retries wait with jittered exponential backoff (0.5 s doubling to at most 8 s) and stop after 120 s in all.
        Signature, permission and validation errors are never retried.
    type: int
    default: 8
  api_timeout:
    description:
      - Seconds to wait for the answer to one API request.
    type: float
    default: 30
notes:
  - All modules of this collection that call Alibaba Cloud belong to the action group C(alicloud_oss.domains.alicloud),
    so credentials can be set once with C(module_defaults) and C(group/alicloud_oss.domains.alicloud).
requirements:
  - python >= 3.9
'''
