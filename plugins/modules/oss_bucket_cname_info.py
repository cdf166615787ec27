#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: oss_bucket_cname_info
short_description: List the custom domains bound to OSS buckets, with certificate expiry and token status
version_added: 0.1.0
author: alicloud_oss.domains contributors (@alicloud-oss)
description:
  - Lists the custom domains bound to one or more OSS buckets (ListCname), with their status, certificate and the number
    of days until the certificate expires.
  - Optionally reads the ownership verification token of each domain (GetCnameToken); it never creates one.
extends_documentation_fragment:
  - alicloud_oss.domains._alicloud
  - alicloud_oss.domains._attributes.info_module
options:
  bucket:
    description:
      - One bucket name or a list of them. All must be in O(alicloud_region).
    type: list
    elements: str
    required: true
  domain:
    description:
      - Return only these domains (one name or a list).
    type: list
    elements: str
  token_status:
    description:
      - Also read the verification token of each listed domain (one GetCnameToken call per domain).
    type: bool
    default: false
seealso:
  - module: alicloud_oss.domains.oss_bucket_cname
  - module: alicloud_oss.domains.oss_domain_ownership
'''

EXAMPLES = r'''
- name: Audit the bindings and certificate expiry of two buckets
  alicloud_oss.domains.oss_bucket_cname_info:
    bucket: [demo-assets, demo-media]
    alicloud_region: cn-hangzhou
  register: cnames

- name: Certificates that expire within 30 days
  ansible.builtin.debug:
    msg: "{{ cnames.bindings | selectattr('certificate') | selectattr('certificate.expires_in_days', 'lt', 30) | map(attribute='domain') }}"

- name: One domain, with its token
  alicloud_oss.domains.oss_bucket_cname_info:
    bucket: demo-assets
    domain: www.example.com
    token_status: true
'''

RETURN = r'''
bindings:
  description: The bindings, bucket by bucket in the order given.
  returned: success
  type: list
  elements: dict
  contains:
    bucket:
      description: The bucket.
      type: str
      sample: demo-assets
    domain:
      description: The custom domain (internationalised labels in punycode).
      type: str
      sample: www.example.com
    domain_unicode:
      description: RV(bindings[].domain) in Unicode, as people write it.
      type: str
      sample: www.example.com
    status:
      description: The binding status OSS reports.
      type: str
      sample: Enabled
    last_modified:
      description: When the binding last changed, as OSS writes it.
      type: str
      sample: '2024-09-15T02:35:07.000Z'
    target:
      description: The bucket's public endpoint, where the domain's CNAME record should point.
      type: str
      sample: demo-assets.oss-cn-hangzhou.aliyuncs.com
    certificate:
      description: The bound certificate, or V(null).
      type: dict
      contains:
        type:
          description: V(CAS) or V(Upload).
          type: str
        cert_id:
          description: The certificate id.
          type: str
        status:
          description: The certificate status.
          type: str
        fingerprint:
          description: SHA-1 fingerprint, colon-separated upper-case hex.
          type: str
        valid_start_date:
          description: Start of validity, as OSS writes it.
          type: str
        valid_end_date:
          description: End of validity, as OSS writes it.
          type: str
        creation_date:
          description: When the certificate was bound.
          type: str
        expires_in_days:
          description: Whole days until RV(bindings[].certificate.valid_end_date), negative when expired, V(null) if unreadable.
          type: int
          sample: 87
    token:
      description: The domain's verification token for this bucket.
      returned: when O(token_status=true)
      type: dict
      contains:
        valid:
          description: Whether a token exists and has not expired.
          type: bool
        token:
          description: The token, or V(null).
          type: str
        expire_time:
          description: When the token expires (ISO 8601, UTC), or V(null).
          type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._cname import run_bucket_cname_info


def main():
    argument_spec = alicloud_argument_spec()
    argument_spec.update(
        bucket=dict(type='list', elements='str', required=True),
        domain=dict(type='list', elements='str'),
        token_status=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_bucket_cname_info(module)


if __name__ == '__main__':
    main()
