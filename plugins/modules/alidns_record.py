#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: alidns_record
short_description: Manage the record set of one name in Alibaba Cloud DNS
version_added: 0.1.0
description:
  - Creates, updates and deletes the records of one name, type and resolution line (a record set) in a zone hosted
    in Alibaba Cloud DNS (Alidns).
  - The current set is read exactly (no keyword search) and both sides are normalised before they are compared
    (host names in lower case without the trailing dot and internationalised names in punycode, TXT values by the
    grammar described in O(value), IPv6 addresses in one form). Only the differences are written, with the fewest
    calls; a value that changes is updated in place, so the record keeps its id and the name keeps resolving.
  - A write whose answer was lost (timeout, dropped connection) is retried without creating a duplicate record.
  - A CNAME must be the only record at its name (Alidns allows MX and TXT next to a CNAME at the zone apex only).
    The module fails before any write, listing the records in the way, when a change would break this rule.
  - "B(List mode) (O(domains)): a step of the custom-domain flow for many domains at once, driven by the
    O(progress) of the previous step (see M(alicloud_oss.domains.oss_bucket_cname)). O(step=ownership) publishes the
    ownership TXT record C(_dnsauth.<domain>) of the domains that wait for it; O(step=records) publishes the CNAME record of
    each bound domain, and removes, for each unbound domain, its CNAME record when it points at the bucket (a CNAME
    that points elsewhere is left alone, and said so in the notes) and its C(_dnsauth) TXT record; O(step=cleanup)
    removes the C(_dnsauth) TXT record of the domains that are bound and resolve (unless C(keep_ownership_record)),
    including one left by an earlier run."
  - In list mode each zone is read once (DescribeDomainRecords, every page) for all its domains, and the zone list once
    (DescribeDomains) only when a domain has no zone yet; the zones are worked on concurrently, and the writes to one zone
    one after the other, spaced so that Alibaba Cloud DNS does not refuse them as coming too early
    (C(LastOperationNotFinished), which the shared retry policy retries). A second CNAME record is never created - after the
    writes, a zone where CNAME records were created is read back once and a duplicate is removed.
  - The writers of one zone take turns across the runs of the controller too (Ansible forks, each writing its own host's
    record, and concurrent runs) - one write to the zone at a time, and the spacing each writer learned from refusals is
    shared, in a small lock file per account and zone next to the rate limits' schedules in the controller's temporary
    directory. A zone with nothing learned yet starts from the spacing the account's other zones needed. A writer that
    cannot get its turn within 30 s writes anyway.
  - In list mode, records in the way of a domain's CNAME (other types at the name and line, or a CNAME that points
    elsewhere, a CDN for example) are replaced only with C(replace_records); they are then listed in C(replaced) and the
    notes of the domain, and C(--diff) shows both the records removed and the CNAME record that replaces them.
    Without it the domain fails, naming the records, and nothing is written for it.
  - In list mode, a domain whose DNS is elsewhere (C(dns) V(external)) gets C(records_to_add) (the TXT record, the CNAME
    record) and C(records_to_remove) in its progress instead of writes; a record that the authoritative nameservers already
    serve as wanted is not asked for again, and a C(_dnsauth) TXT record they serve for a bound domain is offered for
    removal. M(alicloud_oss.domains.custom_domain_report) writes them for all domains as one zone-file fragment and CSV.
  - Check mode in list mode plans every write from the same listing and makes none; the plan is the one the real run
    makes.
author: alicloud_oss.domains contributors (@alicloud-oss)
extends_documentation_fragment:
  - alicloud_oss.domains._alicloud
  - alicloud_oss.domains._attributes
  - alicloud_oss.domains._domain_items
options:
  record:
    description:
      - The full name of the record set, for example V(www.example.com) or V(*.example.com).
      - The zone is the longest zone of the account that contains the name, unless O(zone) is given.
      - Upper case, a trailing dot and internationalised names are accepted and normalised. Internationalised names are
        encoded by IDNA 2008 with the UTS 46 mapping, non-transitional, as browsers do (V(faß.example.com) is
        V(xn--fa-hia.example.com), not V(fass.example.com)); this needs the Python package C(idna).
      - In single-record mode exactly one of O(record) and O(rr) is required. Not with O(domains).
    type: str
  zone:
    description:
      - The zone (domain name) in Alibaba Cloud DNS, for example V(example.com).
      - Required with O(rr). With O(record) it names the zone to use instead of searching the account's zones.
    type: str
  rr:
    description:
      - The host record relative to O(zone), as Alidns calls it. V(@) is the apex of the zone; V(*) and V(*.sub) are
        wildcard records.
      - A full name that ends with O(zone), with or without the trailing dot, is taken as that name (V(www.example.com) in
        the zone V(example.com) is V(www), V(example.com.) is V(@)); a name with a trailing dot that is not in O(zone) is
        refused. A host record that really repeats the zone's name (V(www.example.com.example.com)) is given with O(record).
    type: str
  type:
    description:
      - The record type. Required with O(record) or O(rr); not with O(domains).
      - One of V(A), V(AAAA), V(CNAME), V(TXT), V(MX), V(NS), V(SRV), V(CAA), V(REDIRECT_URL) and V(FORWARD_URL), in any case
        (V(a) is V(A)).
      - V(REDIRECT_URL) and V(FORWARD_URL) are the explicit and implicit URL forwarding records of Alibaba Cloud DNS.
    type: str
  value:
    description:
      - The values of the record set.
      - Required with O(state=present). With O(state=absent) only these values are removed; without O(value) the
        whole set is removed.
      - A CNAME has exactly one value, and a CNAME that points at its own name is refused.
        An MX value is the mail server, with the preference in O(priority), or both
        as in V(10 mx.example.com). An SRV value is V(priority weight port target), or V(weight port target) with
        O(priority). A CAA value is V(flags tag value), for example V(0 issue "letsencrypt.org").
      - "A TXT value is read by one grammar, the same as M(alicloud_oss.domains.wait_for_dns): a value that starts with a
        double quote is zone-file text, one or more quoted strings of at most 255 bytes each, with C(\\\") for a quote,
        C(\\\\) for a backslash and C(\\DDD) for a byte in decimal (read by dnspython); its strings are joined without
        a separator, as SPF and DKIM join them, so V(\"v=spf1 \" \"-all\") is V(v=spf1 -all) and V(\"v=spf1\" \"-all\")
        is V(v=spf1-all). Any other value is the text itself, without the white space around it; a long value needs
        no splitting. Alibaba Cloud DNS stores the joined text (at most 511 bytes of UTF-8) and publishes it cut into
        strings of 255 bytes, which resolvers join again: what this module writes is what M(alicloud_oss.domains.wait_for_dns)
        waits for when given the same value."
      - A TXT value that Alibaba Cloud DNS would change is refused before any call - text that begins and ends with a
        double quote or ends with a space (the service removes them), control characters, text that is not UTF-8.
        Backslashes are sent as they are; DNSControl reports that the service mishandles an odd number of them, so
        check such a record with M(alicloud_oss.domains.wait_for_dns).
      - In check mode an empty value (V(null) or V('')) is taken as a value that is not known yet, because the task that
        produces it made no change in check mode (for example the token of M(alicloud_oss.domains.oss_domain_ownership)).
        The module warns, and predicts the value as new (a create, or with O(on_existing=replace) an update). A real run
        refuses an empty value.
      - Each value is a string; a number is taken as its text.
    type: list
    elements: raw
  ttl:
    description:
      - The time to live of the records, in seconds, from V(1) to V(86400).
      - When not set, the records that exist keep their TTL (changing only a value does not reset it), and new values get
        the TTL of their record set, or V(600) for a new set.
      - The smallest TTL the zone accepts depends on its Alidns edition (600 seconds on the free and personal editions, 60
        on enterprise standard, 1 on enterprise ultimate). A TTL below 600 is checked against the zone's minimum
        (C(DescribeDomainInfo)) before any write, in check mode too; below it the module fails naming O(ttl), the edition
        and its minimum, and writes nothing.
    type: int
  line:
    description:
      - The resolution line of the record set, for example V(default), V(telecom), V(unicom), V(mobile) or
        V(oversea). Records of different lines are separate sets.
    type: str
    default: default
  priority:
    description:
      - The MX preference, from V(1) to V(50) (smaller is preferred), for all values that do not carry their own.
      - For SRV, the priority field of values given as V(weight port target).
    type: int
  state:
    description:
      - Whether the values should exist (V(present)) or not (V(absent)).
      - With V(absent), a zone that is not in the account has nothing to remove; the module reports no change and says so in
        RV(msg).
    type: str
    choices: [present, absent]
    default: present
  on_existing:
    description:
      - What to do with O(state=present) when the set already has values that are not in O(value).
      - V(replace) makes the set exactly O(value); records that are no longer wanted are updated in place to the new
        values first (keeping their ids), and the rest are deleted.
      - V(keep) adds the missing values and keeps the other values as they are.
      - V(keep_and_warn) does the same as V(keep) and warns about the values it kept.
      - V(keep_and_fail) fails, without changing anything, when the set has other values.
      - In every mode the records whose value is in O(value) get O(ttl) and O(priority).
      - Ignored with O(state=absent).
    type: str
    choices: [replace, keep, keep_and_warn, keep_and_fail]
    default: replace
  step:
    description:
      - List mode. The step of the custom-domain flow to make for the domains whose turn it is (see the description).
    type: str
    choices: [ownership, records, cleanup]
    default: records
  resolvers:
    description:
      - List mode, domains whose DNS is elsewhere. The resolvers used to find the authoritative nameservers of their names,
        which are asked whether the records are already there, as in M(alicloud_oss.domains.wait_for_dns).
      - When not set, the nameservers of C(/etc/resolv.conf). When no resolver can be used, every record is listed as to
        add (with a warning).
    type: list
    elements: str
  port:
    description:
      - List mode, domains whose DNS is elsewhere. The port on which their authoritative nameservers are asked.
    type: int
    default: 53
notes:
  - Records that are locked in the Alibaba Cloud DNS console cannot be changed; the module fails before any write
    when the plan would change one.
  - Records that are paused (status V(DISABLE)) are managed like the others and keep their status. Values added to a
    record set whose records are all paused are paused too (C(SetDomainRecordStatus) right after they are created), with a
    warning; the diff shows the status of each record.
seealso:
  - module: alicloud_oss.domains.alidns_record_info
  - module: alicloud_oss.domains.oss_bucket_cname
  - name: Alibaba Cloud DNS record types and conflict rules
    description: Which record types may share a name.
    link: https://www.alibabacloud.com/help/en/dns/pubz-resolve-record-conflict-rules
'''

EXAMPLES = r'''
- name: Point a custom domain at an OSS bucket
  alicloud_oss.domains.alidns_record:
    record: static.example.com
    type: CNAME
    value: [demo-assets.oss-cn-hangzhou.aliyuncs.com]
    ttl: 600

- name: Publish the OSS ownership token (zone and host record given apart)
  alicloud_oss.domains.alidns_record:
    zone: example.com
    rr: _dnsauth.static
    type: TXT
    value: ["{{ ownership.token }}"]

- name: Add an SPF value to the apex TXT set, keeping the values already there
  alicloud_oss.domains.alidns_record:
    zone: example.com
    rr: "@"
    type: TXT
    value: ["v=spf1 include:spf.example.net -all"]
    on_existing: keep

- name: Mail servers with their preferences
  alicloud_oss.domains.alidns_record:
    record: example.com
    type: MX
    value:
      - 10 mx1.example.net
      - 20 mx2.example.net

- name: Remove one address from a round-robin A set
  alicloud_oss.domains.alidns_record:
    record: www.example.com
    type: A
    value: [192.0.2.11]
    state: absent

- name: Remove the whole TXT set of a name
  alicloud_oss.domains.alidns_record:
    record: _dnsauth.static.example.com
    type: TXT
    state: absent

- name: Publish the CNAME records of the domains the bind step bound (list mode)
  alicloud_oss.domains.alidns_record:
    domains: "{{ my_domains }}"
    defaults:
      bucket: demo-assets
      replace_records: true
    progress: "{{ bind.progress }}"
    step: records
  register: records

- name: Remove the ownership TXT records OSS no longer needs (list mode)
  alicloud_oss.domains.alidns_record:
    domains: "{{ my_domains }}"
    progress: "{{ resolved.progress }}"
    step: cleanup

- name: Credentials set once for every module of the collection
  module_defaults:
    group/alicloud_oss.domains.alicloud:
      alicloud_access_key: "{{ vault_alicloud_access_key }}"
      alicloud_secret_key: "{{ vault_alicloud_secret_key }}"
  block:
    - name: A wildcard record for all subdomains
      alicloud_oss.domains.alidns_record:
        zone: example.com
        rr: "*"
        type: CNAME
        value: [demo-assets.oss-cn-hangzhou.aliyuncs.com]
'''

RETURN = r'''
progress:
  description:
    - List mode. The progress of the flow, updated by this step, keyed by domain name (see
      RV(alicloud_oss.domains.oss_bucket_cname#module:progress) for the keys of an entry). Pass it to the next step.
    - A domain this step worked on has a new entry in C(steps) (C(publish_ownership), C(records) or C(cleanup)); its
      C(phase) becomes V(records_published) once its CNAME is published, V(removed) once its records are removed, or
      V(failed).
  returned: list mode
  type: dict
pending:
  description: List mode. How many domains wait for each later step of the flow.
  returned: list mode
  type: dict
  sample: {ownership: 0, publish_ownership: 0, wait_ownership: 0, rebind: 0, records: 0, wait: 20, cleanup: 0}
failed_domains:
  description: List mode. The domains that failed, in this step or before.
  returned: list mode
  type: list
  elements: str
results:
  description: List mode. What this step did for each domain whose turn it was, in input order.
  returned: list mode
  type: list
  elements: dict
  contains:
    name:
      description: The domain.
      type: str
    phase:
      description: The phase of the domain after the step.
      type: str
      sample: records_published
    changed:
      description: Whether the step changed (or, in check mode, would change) records of the domain.
      type: bool
    failed:
      description: Whether the domain failed in this step.
      type: bool
    msg:
      description: What happened, or why the domain failed.
      type: str
    error_code:
      description: The error code of a failure (C(DomainRecordConflict) for records in the way, an API code), or V(null).
      type: str
    zone:
      description: The Alibaba Cloud DNS zone, V(null) for a domain whose DNS is elsewhere.
      type: str
    writes:
      description: The writes made (in check mode, planned), each with C(action) (V(create), V(update), V(delete)), C(record),
        C(type), C(value), C(ttl) and C(line).
      type: list
      elements: dict
    replaced:
      description: The records that gave way to the domain's CNAME (with C(replace_records)).
      type: list
      elements: dict
    conflicts:
      description: On a failure, the records in the way.
      type: list
      elements: dict
    records_to_add:
      description: For a domain whose DNS is elsewhere, the records to add at its DNS provider (C(name), C(type), C(value), C(ttl)).
      type: list
      elements: dict
    records_to_remove:
      description: For a domain whose DNS is elsewhere, the records to remove at its DNS provider.
      type: list
      elements: dict
zone:
  description: The zone of the record set.
  returned: success
  type: str
  sample: example.com
zone_unicode:
  description: RV(zone) in Unicode (internationalised labels decoded from punycode).
  returned: success
  type: str
  sample: example.com
rr:
  description: The host record relative to the zone (V(@) for the apex), internationalised labels in punycode.
  returned: success
  type: str
  sample: www
rr_unicode:
  description: RV(rr) in Unicode.
  returned: success
  type: str
  sample: www
fqdn:
  description: The full name of the record set, normalised (lower case, no trailing dot, punycode by IDNA 2008).
  returned: always
  type: str
  sample: xn--fa-hia.example.com
fqdn_unicode:
  description: RV(fqdn) in Unicode, as people write it.
  returned: always
  type: str
  sample: faß.example.com
type:
  description: The record type.
  returned: always
  type: str
  sample: CNAME
line:
  description: The resolution line.
  returned: always
  type: str
  sample: default
records:
  description:
    - The records of the set after the change (in check mode, as they would be; records still to be created have
      no id).
  returned: success
  type: list
  elements: dict
  contains:
    record_id:
      description: The Alidns record id; V(null) for a record that check mode would create.
      type: str
      sample: "17606201171799040"
    value:
      description: The value, normalised; for TXT the text as stored, with the strings of a zone-file value joined.
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
conflicting_records:
  description:
    - On a CNAME conflict, a C(keep_and_fail) refusal or a locked record, the records in the way.
    - Each has the keys of RV(records), and C(rr), C(rr_unicode), C(type), C(fqdn) and C(fqdn_unicode).
  returned: failure
  type: list
  elements: dict
  sample: [{"record_id": "1001", "rr": "www", "rr_unicode": "www", "type": "A", "value": "192.0.2.10", "fqdn": "www.example.com",
            "fqdn_unicode": "www.example.com"}]
error_code:
  description:
    - The API error code, or a code of the module such as C(DomainRecordConflict), C(InvalidParameter).
    - C(QuotaExceeded.TTL) when O(ttl) is below the minimum of the zone's edition (before any write, or refused by the service).
  returned: failure
  type: str
  sample: DomainRecordConflict
field:
  description: The option to change, when one is to blame (V(ttl), V(value[0]), V(rr), ...).
  returned: failure, when an option is to blame
  type: str
  sample: ttl
msg:
  description: Why nothing was done, when that is worth saying (O(state=absent) in a zone that is not in the account).
  returned: sometimes
  type: str
  sample: "nothing to remove: The zone example.org is not in this Alibaba Cloud DNS account"
request_id:
  description: The request id of the failed API call, for Alibaba Cloud support.
  returned: failure, when the API answered
  type: str
  sample: 0F4478C3-5D30-4056-A9C6-07EB866E173F
diff:
  description:
    - The record set before and after, with the value, TTL and status (V(ENABLE) or V(DISABLE)) of each record (only in
      diff mode).
    - In list mode, keyed by domain, the records of the names the step changed (or would change), before and after.
  returned: success, in diff mode
  type: dict
  contains:
    before:
      description: The set before; empty when it did not exist.
      type: dict
    after:
      description: The set after; empty when it is removed.
      type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns_record import run_alidns_record
from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import list_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import ON_EXISTING, STEPS


def main():
    argument_spec = alicloud_argument_spec()
    argument_spec.update(
        record=dict(type='str'),
        zone=dict(type='str'),
        rr=dict(type='str'),
        # The type is checked (in any case) by build_spec: choices would refuse `a` for `A`.
        type=dict(type='str'),
        # raw: a null element (a value not known in check mode) must reach build_spec, which checks every element;
        # elements='str' refuses None on ansible-core before 2.19.
        value=dict(type='list', elements='raw'),
        ttl=dict(type='int'),
        line=dict(type='str', default='default'),
        priority=dict(type='int'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        on_existing=dict(type='str', default='replace', choices=list(ON_EXISTING)),
        # List mode: the steps of the custom-domain flow over many domains (and the DNS view of external domains).
        resolvers=dict(type='list', elements='str'),
        port=dict(type='int', default=53),
    )
    argument_spec.update(list_argument_spec(steps=STEPS, default_step='records'))
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('record', 'rr')] + [(option, 'domains') for option in ('record', 'zone', 'rr', 'type', 'value', 'priority')],
        required_one_of=[('record', 'rr', 'domains')],
        required_by=dict(rr=['zone', 'type'], record='type'),
        supports_check_mode=True,
    )
    run_alidns_record(module)


if __name__ == '__main__':
    main()
