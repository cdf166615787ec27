#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: oss_domain_ownership
short_description: Get the token that proves ownership of a custom domain to OSS, and the TXT record to publish
version_added: 0.1.0
author: alicloud_oss.domains contributors (@alicloud-oss)
description:
  - Ensures a valid ownership verification token exists for a custom domain on an OSS bucket and returns it with the
    DNS record that publishes it, C(_dnsauth.<domain>) of type TXT.
  - The bucket's bindings (ListCname) and the current token (GetCnameToken) are read first. A domain already bound to the
    bucket needs no token - nothing to do, RV(bound) is V(true) and a warning says so. A token is created (CreateCnameToken)
    only when there is none or it has expired (tokens live 72 hours), and only then is the task C(changed). While a token
    is valid, every run returns the same token, so a TXT record built from it stays stable.
  - Check mode makes the same reads and returns what a real run would - the valid token, or V(null) with a warning when
    a new one would be created (its value is not known before it exists).
  - Once the record resolves, M(alicloud_oss.domains.oss_bucket_cname) can bind the domain. The record can be removed
    after the binding exists.
  - B(List mode) (O(domains) with O(progress)) is the second step of the custom-domain flow - for every domain whose
    binding asked for proof of ownership (phase C(needs_ownership) in O(progress)), the token is read or created, and
    the domain moves on to phase C(ownership_pending) with its C(ownership_record), ready for
    M(alicloud_oss.domains.alidns_record). The domains are worked on concurrently; one domain's failure is its own.
extends_documentation_fragment:
  - alicloud_oss.domains._alicloud
  - alicloud_oss.domains._attributes
  - alicloud_oss.domains._domain_items
options:
  bucket:
    description:
      - The bucket the domain is to be bound to. It must be in O(alicloud_region).
      - Required with O(domain); in list mode, the bucket of each item is used.
    type: str
  domain:
    description:
      - The custom domain, for example V(old.example.com).
      - Required unless O(domains) is given (list mode).
    type: str
  lookup_zone:
    description:
      - Also find the zone of the TXT record in this account's Alibaba Cloud DNS and return RV(zone) and RV(rr).
      - Single-domain mode only.
      - This loads the Alibaba Cloud DNS SDK and makes one more API call (DescribeDomains), so it is off by default.
        RV(record.name) alone is enough for M(alicloud_oss.domains.alidns_record), which finds the zone itself.
    type: bool
    default: false
seealso:
  - module: alicloud_oss.domains.oss_bucket_cname
  - module: alicloud_oss.domains.alidns_record
  - module: alicloud_oss.domains.wait_for_dns
'''

EXAMPLES = r'''
- name: Get the ownership token of old.example.com for bucket demo-media
  alicloud_oss.domains.oss_domain_ownership:
    bucket: demo-media
    domain: old.example.com
    alicloud_region: cn-hangzhou
  register: ownership

- name: Publish it in Alibaba Cloud DNS
  alicloud_oss.domains.alidns_record:
    record: "{{ ownership.record.name }}"
    type: TXT
    value: ["{{ ownership.record.value }}"]
    ttl: 600

- name: Wait until the authoritative name servers answer with it
  alicloud_oss.domains.wait_for_dns:
    records:
      - name: "{{ ownership.record.name }}"
        type: TXT
        value: "{{ ownership.record.value }}"

- name: Bind
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-media
    domain: old.example.com

- name: List mode - the tokens of every domain whose binding asked for proof of ownership
  alicloud_oss.domains.oss_domain_ownership:
    domains: "{{ my_domains }}"
    defaults:
      bucket: demo-media
    progress: "{{ bind.progress }}"
    keep_going: true
  register: ownership
'''

RETURN = r'''
bucket:
  description: The bucket.
  returned: in single-domain mode
  type: str
  sample: demo-media
domain:
  description: The custom domain, normalised (lower case, no trailing dot, punycode by IDNA 2008, UTS 46 non-transitional).
  returned: in single-domain mode
  type: str
  sample: old.example.com
domain_unicode:
  description: RV(domain) in Unicode, as people write it.
  returned: in single-domain mode
  type: str
  sample: old.example.com
bound:
  description: Whether the domain is already bound to the bucket; then no token is needed and RV(token) is V(null).
  returned: success in single-domain mode
  type: bool
  sample: false
token:
  description: The valid token, or V(null) in check mode when one would be created, or when the domain is already bound (RV(bound)).
  returned: success in single-domain mode
  type: str
  sample: be1d49d863dea9ffeff3df7d64551234
expire_time:
  description: When the token expires (ISO 8601, UTC), or V(null).
  returned: success in single-domain mode
  type: str
  sample: '2026-02-23T21:39:42Z'
record:
  description: The DNS record to publish so that OSS accepts the binding.
  returned: success in single-domain mode
  type: dict
  contains:
    name:
      description: The record name, C(_dnsauth.<domain>).
      type: str
      sample: _dnsauth.old.example.com
    name_unicode:
      description: RV(record.name) in Unicode.
      type: str
      sample: _dnsauth.old.example.com
    type:
      description: Always V(TXT).
      type: str
      sample: TXT
    value:
      description:
        - The token. It is plain text, so M(alicloud_oss.domains.alidns_record) writes it and M(alicloud_oss.domains.wait_for_dns)
          waits for it as it is (one TXT grammar).
      type: str
      sample: be1d49d863dea9ffeff3df7d64551234
zone:
  description: The zone of RV(record.name) in this account's Alibaba Cloud DNS, or V(null) when the account does not host it.
  returned: when O(lookup_zone=true)
  type: str
  sample: example.com
zone_unicode:
  description: RV(zone) in Unicode, or V(null).
  returned: when O(lookup_zone=true)
  type: str
  sample: example.com
rr:
  description: The host record of RV(record.name) in RV(zone), or V(null).
  returned: when O(lookup_zone=true)
  type: str
  sample: _dnsauth.old
rr_unicode:
  description: RV(rr) in Unicode, or V(null).
  returned: when O(lookup_zone=true)
  type: str
  sample: _dnsauth.old
error_code:
  description: The OSS error code, or V(InvalidParameter) for checks made before any API call.
  returned: on failure
  type: str
  sample: NoSuchBucket
progress:
  description:
    - List mode. O(progress) updated - each domain that was in phase C(needs_ownership) is in phase C(ownership_pending)
      with C(ownership_record) (C({record, type, value, ttl, expire_time}), the TXT record in the form
      M(alicloud_oss.domains.alidns_record) takes; C(value) is empty in check mode when a token would be created), or
      failed with C(msg) and C(error_code). See RV(alicloud_oss.domains.oss_bucket_cname#module:progress).
  returned: in list mode
  type: dict
pending:
  description: List mode. How many domains wait for each following step of the flow.
  returned: in list mode
  type: dict
  sample: {ownership: 0, publish_ownership: 3, wait_ownership: 0, rebind: 0, records: 17, wait: 0, cleanup: 0}
failed_domains:
  description: List mode. The domains that failed, in input order.
  returned: in list mode
  type: list
  elements: str
results:
  description:
    - List mode. One entry per domain of this step, in input order - C(name), C(name_unicode), C(domain), C(bucket),
      C(region), C(phase), C(changed), C(failed), C(msg), C(error_code), C(token), C(ownership_record).
  returned: in list mode
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._cname import alidns_zone_lookup, run_domain_ownership, run_domain_ownership_list
from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import list_argument_spec


def main():
    argument_spec = alicloud_argument_spec()
    argument_spec.update(
        bucket=dict(type='str'),
        domain=dict(type='str'),
        lookup_zone=dict(type='bool', default=False),
    )
    argument_spec.update(list_argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[['domain', 'domains'], ['bucket', 'domains']],
                           required_one_of=[['domain', 'domains']], required_by={'domain': 'bucket'})
    if module.params['domains'] is not None:
        run_domain_ownership_list(module)
    else:
        run_domain_ownership(module, zone_lookup=alidns_zone_lookup if module.params['lookup_zone'] else None)


if __name__ == '__main__':
    main()
