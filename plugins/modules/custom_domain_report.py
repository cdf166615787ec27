#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: custom_domain_report
short_description: Report the custom domains of a run, one line each, and hand over the records for other DNS providers
version_added: 0.1.0
author: alicloud_oss.domains contributors (@alicloud-oss)
description:
  - Takes the RV(alicloud_oss.domains.oss_bucket_cname#module:progress) that the last step of a custom-domain flow
    returned (M(alicloud_oss.domains.oss_bucket_cname), M(alicloud_oss.domains.oss_domain_ownership),
    M(alicloud_oss.domains.alidns_record), M(alicloud_oss.domains.wait_for_dns) in list mode) and turns it into one
    result per domain (RV(results)), one summary line per domain, and the records that people must add or remove at
    other DNS providers, for all domains at once.
  - The summary of a domain that failed says why. Unless O(fail_on_error=false), the task fails at the end, naming
    every failed domain with its reason; the other domains were converged by the earlier steps all the same.
  - The records to change at other DNS providers are written as one zone-file fragment (O(records_file)) and as CSV
    (O(records_csv)), so that they can be imported or handed to the people who manage those zones.
  - It runs on the controller as an action plugin and calls no API; it is not in the C(alicloud) action group.
options:
  progress:
    description:
      - The RV(alicloud_oss.domains.oss_bucket_cname#module:progress) result of the last step that ran, a dict keyed by
        domain name.
    type: dict
    required: true
  records_file:
    description:
      - A file on the controller to write the zone-file fragment to, with the records to add at other DNS providers as
        records and the records to remove as comments, grouped by domain.
      - The file is written only when its content changes, and not in check mode. Writing it is not a change.
    type: path
  records_csv:
    description:
      - A file on the controller to write the same records to as CSV, with the columns C(action) (V(add) or V(remove)),
        C(domain), C(name), C(type), C(ttl) and C(value).
      - The file is written only when its content changes, and not in check mode. Writing it is not a change.
    type: path
  fail_on_error:
    description:
      - Fail the task when any domain failed, with a message that names the failed domains and their reasons.
      - With V(false) the task succeeds and RV(failed_domains) lists them.
    type: bool
    default: true
  summary:
    description:
      - Print one line per domain while the task runs.
    type: bool
    default: true
  single:
    description:
      - The flow ran for one domain given by single-domain variables (as the role C(alicloud_oss.domains.custom_domain)
        does when C(custom_domain_domains) is not set). With O(variable_prefix), the fact C(<variable_prefix>result) is
        set to the one result too.
    type: bool
    default: false
  variable_prefix:
    description:
      - When set, the results are also set as the fact C(<variable_prefix>results) (and C(<variable_prefix>result) with
        O(single=true)); the role C(alicloud_oss.domains.custom_domain) uses V(custom_domain_).
    type: str
    default: ''
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the target.
    support: full
    details: In check mode the results say C(check_mode) and the files are not written.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: N/A
    details: This module changes nothing.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run indicates no change.
    support: full
    details: It never reports a change.
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
seealso:
  - module: alicloud_oss.domains.oss_bucket_cname
  - module: alicloud_oss.domains.alidns_record
  - module: alicloud_oss.domains.wait_for_dns
'''

EXAMPLES = r'''
- name: Report the domains of the flow, and write the records for the other DNS providers
  alicloud_oss.domains.custom_domain_report:
    progress: "{{ resolved.progress }}"
    records_file: "{{ playbook_dir }}/external-records.zone"
    records_csv: "{{ playbook_dir }}/external-records.csv"

- name: Report without failing, then look at the failed domains
  alicloud_oss.domains.custom_domain_report:
    progress: "{{ resolved.progress }}"
    fail_on_error: false
  register: report

- name: Show them
  ansible.builtin.debug:
    msg: "{{ report.failed_domains }}"
'''

RETURN = r'''
results:
  description: One entry per domain, in the order of the list the flow was given.
  returned: always
  type: list
  elements: dict
  contains:
    domain:
      description: The domain name, normalised (lower case, punycode).
      type: str
      sample: static.example.com
    domain_unicode:
      description: RV(results[].domain) in Unicode.
      type: str
      sample: static.example.com
    bucket:
      description: The bucket.
      type: str
      sample: demo-assets
    region:
      description: The bucket's region.
      type: str
      sample: cn-hangzhou
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    status:
      description:
        - V(resolves) (bound, and the CNAME resolves on every authoritative nameserver), V(published) (bound, the CNAME
          published in Alibaba Cloud DNS but not seen everywhere, or not waited for), V(records_to_add) (bound; the records
          must be added at the external DNS provider), V(bound) (bound, records not handled yet), V(unbound),
          V(waiting_for_ownership_record), V(check_mode), V(pending) or V(failed).
      type: str
      sample: resolves
    phase:
      description: The phase of the domain in the flow, as the last step left it.
      type: str
      sample: resolved
    changed:
      description: Whether any step changed something for the domain.
      type: bool
    check_mode:
      description: Whether the run was in check mode.
      type: bool
    dns:
      description: V(alidns) (the zone is in this account's Alibaba Cloud DNS) or V(external).
      type: str
      sample: alidns
    zone:
      description: The Alibaba Cloud DNS zone, or V(null).
      type: str
      sample: example.com
    target:
      description: The host name the domain's CNAME points at.
      type: str
      sample: demo-assets.oss-cn-hangzhou.aliyuncs.com
    binding:
      description: The binding, as M(alicloud_oss.domains.oss_bucket_cname) returns it, or V(null).
      type: dict
    certificate:
      description: The certificate of the binding, or V(null).
      type: dict
    ownership_verified:
      description: Whether the domain was bound after proving its ownership with a TXT record.
      type: bool
    records_to_add:
      description: Records to add at the external DNS provider (C(name), C(type), C(value), C(ttl)).
      type: list
      elements: dict
    records_to_remove:
      description: Records to remove at the external DNS provider (C(name), C(type), C(value)).
      type: list
      elements: dict
    replaced:
      description: Records that were replaced by the domain's CNAME, for example a CNAME that pointed at a CDN.
      type: list
      elements: dict
    waits:
      description: The waits for DNS (C(what), C(step), C(done), C(elapsed), C(checks)).
      type: list
      elements: dict
    notes:
      description: Notes of the steps (records left alone, lines that cannot be observed, ...).
      type: list
      elements: str
    elapsed:
      description: Seconds the steps spent on the domain.
      type: float
    failed:
      description: Whether the domain failed.
      type: bool
    msg:
      description: Why the domain failed; empty otherwise.
      type: str
    error_code:
      description: The error code of the failure, or V(null).
      type: str
summary:
  description: One line per domain, as printed.
  returned: always
  type: list
  elements: str
  sample: ["static.example.com: bound to demo-assets (cn-hangzhou); CNAME -> demo-assets.oss-cn-hangzhou.aliyuncs.com in
            Alibaba Cloud DNS zone example.com; resolves on every authoritative nameserver; waited 2.1 s; changed, 3.4 s"]
failed_domains:
  description: The names of the domains that failed.
  returned: always
  type: list
  elements: str
  sample: [bad.example.com]
records:
  description: The records to change at other DNS providers, one per value (C(action), C(domain), C(name), C(type), C(ttl), C(value)).
  returned: always
  type: list
  elements: dict
records_file:
  description: O(records_file).
  returned: always
  type: str
records_csv:
  description: O(records_csv).
  returned: always
  type: str
files_written:
  description: The files that were written because their content changed.
  returned: always
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._report import ARGUMENT_SPEC, run_report


def main():
    # The action plugin of the same name does this on the controller; this runs only when the module is called
    # without it (for example by ansible-test), and gives the same result.
    run_report(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True))


if __name__ == '__main__':
    main()
