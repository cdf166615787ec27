#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: alidns_record_info
short_description: Read the records of a name or of a whole zone in Alibaba Cloud DNS
version_added: 0.1.0
description:
  - Returns the records of one name (optionally of one type), or every record of a zone, from Alibaba Cloud DNS
    (Alidns). All pages are read.
  - Names are matched exactly, never by keyword search.
author: alicloud_oss.domains contributors (@alicloud-oss)
extends_documentation_fragment:
  - alicloud_oss.domains._alicloud
  - alicloud_oss.domains._attributes.info_module
options:
  record:
    description:
      - The full name to read, for example V(www.example.com).
      - The zone is the longest zone of the account that contains the name, unless O(zone) is given.
      - One of O(record) and O(zone) is required. Without O(record) and O(rr) the whole zone is listed.
    type: str
  zone:
    description:
      - The zone (domain name) in Alibaba Cloud DNS, for example V(example.com).
    type: str
  rr:
    description:
      - The host record relative to O(zone); V(@) is the apex. Needs O(zone).
    type: str
  type:
    description:
      - Only records of this type, one of V(A), V(AAAA), V(CNAME), V(TXT), V(MX), V(NS), V(SRV), V(CAA), V(REDIRECT_URL) and
        V(FORWARD_URL), in any case (V(cname) is V(CNAME)).
    type: str
  ignore_missing_zone:
    description:
      - When the zone is not in the account, return O(zone=null) and RV(zone_found=false) instead of failing.
      - Useful to decide whether the records of a domain can be managed with M(alicloud_oss.domains.alidns_record)
        or must be added where the domain's DNS is hosted.
    type: bool
    default: false
seealso:
  - module: alicloud_oss.domains.alidns_record
'''

EXAMPLES = r'''
- name: Is the CNAME of a custom domain in place?
  alicloud_oss.domains.alidns_record_info:
    record: static.example.com
    type: CNAME
  register: cname

- name: Is the domain hosted in this account's Alibaba Cloud DNS?
  alicloud_oss.domains.alidns_record_info:
    record: static.example.org
    ignore_missing_zone: true
  register: lookup

- name: Every TXT record of a zone
  alicloud_oss.domains.alidns_record_info:
    zone: example.com
    type: TXT
  register: txt

- name: Show the names
  ansible.builtin.debug:
    msg: "{{ txt.records | map(attribute='fqdn') | list }}"
'''

RETURN = r'''
zone:
  description: The zone; V(null) when it is not in the account and O(ignore_missing_zone=true).
  returned: always
  type: str
  sample: example.com
zone_unicode:
  description: RV(zone) in Unicode (internationalised labels decoded from punycode); V(null) with RV(zone).
  returned: always
  type: str
  sample: example.com
zone_found:
  description: Whether the zone is in the account.
  returned: always
  type: bool
  sample: true
rr:
  description: The host record relative to the zone, when a name was given; V(null) when listing a zone.
  returned: always
  type: str
  sample: static
rr_unicode:
  description: RV(rr) in Unicode.
  returned: always
  type: str
  sample: static
fqdn:
  description: The full name, when a name was given, normalised (lower case, no trailing dot, punycode by IDNA 2008).
  returned: when a name was given
  type: str
  sample: static.example.com
fqdn_unicode:
  description: RV(fqdn) in Unicode, as people write it.
  returned: when a name was given
  type: str
  sample: static.example.com
records:
  description: The records found.
  returned: always
  type: list
  elements: dict
  contains:
    record_id:
      description: The Alidns record id.
      type: str
      sample: "17606201171799040"
    rr:
      description: The host record relative to the zone, internationalised labels in punycode.
      type: str
      sample: static
    rr_unicode:
      description: RV(records[].rr) in Unicode.
      type: str
      sample: static
    fqdn:
      description: The full name of the record.
      type: str
      sample: static.example.com
    fqdn_unicode:
      description: RV(records[].fqdn) in Unicode.
      type: str
      sample: static.example.com
    type:
      description: The record type.
      type: str
      sample: CNAME
    value:
      description: The value, normalised (host names in lower case without the trailing dot; TXT as stored).
      type: str
      sample: demo-assets.oss-cn-hangzhou.aliyuncs.com
    ttl:
      description: The time to live in seconds.
      type: int
      sample: 600
    line:
      description: The resolution line.
      type: str
      sample: default
    priority:
      description: The MX preference; V(null) for other types.
      type: int
      sample: 10
    status:
      description: V(ENABLE), or V(DISABLE) for a paused record.
      type: str
      sample: ENABLE
    locked:
      description: Whether the record is locked against changes.
      type: bool
      sample: false
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns_record import run_alidns_record_info


def main():
    argument_spec = alicloud_argument_spec()
    argument_spec.update(
        record=dict(type='str'),
        zone=dict(type='str'),
        rr=dict(type='str'),
        type=dict(type='str'),  # any case: checked by _alidns_record
        ignore_missing_zone=dict(type='bool', default=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('record', 'rr')],
        required_one_of=[('record', 'zone')],
        required_by=dict(rr='zone'),
        supports_check_mode=True,
    )
    run_alidns_record_info(module)


if __name__ == '__main__':
    main()
