#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r"""
module: wait_for_dns
short_description: Wait until DNS records resolve as expected on every authoritative nameserver
version_added: 0.1.0
description:
  - Waits until each DNS name in O(records) has the expected values on B(every) authoritative nameserver of its zone.
  - The authoritative nameservers are found by walking the delegation from O(resolvers) (the zone cut of each name,
    its NS records, their addresses); each of them is then asked directly, without recursion, on O(port). A caching
    resolver is never used for the answer itself, so a negative answer cached before the record was published does not
    delay the wait. With O(nameservers) (split-horizon DNS) there is no walk - exactly those servers are asked.
  - NXDOMAIN and NODATA answers mean "not yet"; SERVFAIL answers and timeouts are retried. A name that no zone serves
    (every resolver or every authoritative server refuses it) fails the task at once.
  - Records are checked in parallel in rounds; the pause between rounds starts at O(poll_interval) and grows by a
    quarter each round up to O(max_poll_interval). A record that is done is not asked again.
  - This module only reads DNS. It never reports a change and does not use Alibaba Cloud credentials.
  - "B(Progress while waiting): the action plugin of this module runs the wait as several module runs (slices) of at most 30
    seconds, and prints between them how many records (list mode: domains) are done, how many wait and for what (the
    record name and type, and the provider: the Alibaba Cloud DNS zone or the external DNS provider). O(timeout) is a
    deadline for the whole task, not per slice. When everything resolves in the first slice, the module runs once."
  - "B(List mode) (O(domains)): a step of the custom-domain flow, driven by the O(progress) of the previous step (see
    M(alicloud_oss.domains.oss_bucket_cname)). O(step=ownership) waits for the ownership TXT record of the domains that
    published it; O(step=records) waits for the CNAME record of each domain whose records were published (and that its
    target, the bucket endpoint, resolves), and for the CNAME record of an unbound domain to be gone."
  - In list mode each domain waits until its own C(wait_timeout), counted from its first check (across slices); a domain
    with C(wait=false) is checked once, so that a run reaches V(resolved) when the records already resolve. A domain
    ends V(resolved), V(waiting) (external DNS, or C(wait=false), or a line that cannot be seen from here; not a
    failure) or V(failed) with its own diagnosis - the bucket endpoint not resolving is named as such (wrong region or
    bucket?), not as a CNAME that was not served. Domains whose DNS is in Alibaba Cloud DNS fail when their records are
    not served by the end of their wait.
  - "A record on an Alibaba Cloud DNS line other than V(default) is answered only to resolvers of that network, which
    Alibaba Cloud DNS recognises by their address or by the EDNS Client Subnet option they send. In list mode the
    nameservers are asked with a client subnet of that line (O(line_subnets)); a nameserver that ignores the option, or
    that answers every network alike without the record (as the local emulator does), cannot show the line from here: the
    domain is then left V(waiting) with a note that says so, instead of waiting in vain."
extends_documentation_fragment:
  - alicloud_oss.domains._attributes.dns_query
  - alicloud_oss.domains._domain_items
author:
  - alicloud_oss.domains contributors (@alicloud-oss)
options:
  records:
    description:
      - The records to wait for. Exactly one of O(records) and O(domains) is required.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The DNS name, for example V(cdn.example.com). Case and a trailing dot do not matter.
          - An internationalised name is encoded by IDNA 2008 with the UTS 46 mapping, non-transitional, as browsers do and
            as the other modules of the collection do (V(faß.example.com) is V(xn--fa-hia.example.com)); this needs the
            Python package C(idna).
        type: str
        required: true
      type:
        description:
          - The record type, one of V(A), V(AAAA), V(CAA), V(CNAME), V(MX), V(NS), V(PTR), V(SRV) and V(TXT), in any case
            (V(cname) is V(CNAME)).
        type: str
        required: true
      value:
        description:
          - The expected value. Exactly one of O(records[].value) and O(records[].values) is required.
          - Host names (CNAME, NS, PTR, MX and SRV targets) are compared case-insensitively, without the trailing dot and
            with internationalised names in punycode; IPv6 addresses in any notation.
          - "A TXT value is read by the grammar of M(alicloud_oss.domains.alidns_record): a value that starts with a double
            quote is zone-file text, one or more quoted strings with C(\\\"), C(\\\\) and C(\\DDD) escapes (read by
            dnspython); any other value is the text itself, without the white space around it. A TXT record is compared by
            its content: its strings joined without a separator and read as UTF-8, the way SPF and DKIM read them, so
            V(abc), V(\"abc\") and V(\"a\" \"bc\") are equal, and a value of more than 255 bytes matches the record
            however the DNS service cut it into strings. A value that alidns_record writes is therefore the value this
            module waits for when given the same text."
          - A TXT answer that is not UTF-8 is shown, and compared, as its zone-file text.
        type: str
      values:
        description:
          - The expected values, compared as a set according to O(records[].mode).
          - With O(records[].mode=equals), an empty list waits until the name has no record of this type.
        type: list
        elements: str
      mode:
        description:
          - V(equals) - the nameserver publishes exactly the expected values.
          - V(subset) - every expected value is published; other values may exist too.
          - V(superset) - every published value is one of the expected values; no value at all also passes.
        type: str
        default: equals
        choices: [equals, subset, superset]
      target_resolves:
        description:
          - Only for O(records[].type=CNAME). Once the CNAME is as expected, also wait until its target resolves to an
            address (A, or else AAAA) on every authoritative nameserver of the target, following further CNAMEs.
          - Use it to check that a custom domain reaches the bucket endpoint.
        type: bool
        default: false
  timeout:
    description:
      - How long to wait in total, in seconds. It is a deadline for the whole task, however many slices the action plugin
        runs, and for every DNS query under it (the delegation walk included) - a query gets what is left of it (at most
        O(query_timeout)), and no query or retry starts once it is over, so a nameserver that never answers cannot make
        the task overrun it.
      - V(0) checks once; the queries of that one check take at most O(query_timeout) in all.
      - When the time is up the task fails and reports, per record, what was expected and what each nameserver said.
      - In list mode each domain also waits no longer than its C(wait_timeout); domains still waiting when O(timeout) is
        up end as when their own time is up.
    type: float
    default: 600
  query_timeout:
    description:
      - Timeout of one DNS query, in seconds; cut to what is left of O(timeout).
    type: float
    default: 5
  query_retries:
    description:
      - How often a query that timed out or got SERVFAIL is repeated within one round.
    type: int
    default: 2
  poll_interval:
    description:
      - The pause after the first round, in seconds. Each further pause is 1.25 times longer, up to O(max_poll_interval).
      - With the defaults, a record published in the first 5 seconds is seen within 1.5 seconds.
    type: float
    default: 0.25
  max_poll_interval:
    description:
      - The longest pause between two rounds, in seconds.
    type: float
    default: 10
  resolvers:
    description:
      - The resolvers used to walk the delegation, as V(address), V(address:port), or V([address]:port) for IPv6.
      - The default port is 53. When not set, the nameservers of C(/etc/resolv.conf) are used.
      - They are only asked for zone cuts, NS records and nameserver addresses, never for the records themselves.
      - "They should be recursive resolvers. An authoritative-only server answers a name in a zone it delegates with a
        referral, so the zone of the name is taken to be its parent, whose servers then answer with the same referral - the
        wait reports C(not authoritative: referral to ...). Give O(nameservers) in that case."
      - Each address can be given with one port only.
      - Not used when O(nameservers) is set.
    type: list
    elements: str
  nameservers:
    description:
      - The nameservers to ask directly, without recursion, as the authoritative ones of every name (records, CNAME targets
        of O(records[].target_resolves), and the domains of the list mode), as V(address), V(address:port), or
        V([address]:port) for IPv6; the default port is O(port).
      - When set, no NS lookup is made (O(resolvers) are not used); use it for split-horizon DNS, where the servers that
        answer for a zone inside a network are not those its public NS records name.
      - The answers are shown by server (RV(records[].nameservers)) as the address, with the port when it is not O(port).
    type: list
    elements: str
  port:
    description:
      - The port on which the authoritative nameservers found by the walk (or given in O(nameservers) without a port) are asked.
    type: int
    default: 53
  progress_file:
    description:
      - A file to which one line is appended after every round (time, round, elapsed seconds, records done, queries,
        and the first record still waited for), for the single-item mode (O(records)).
    type: path
  step:
    description:
      - List mode. What to wait for (see the description).
    type: str
    choices: [ownership, records]
    default: records
  time_left:
    description:
      - List mode. The seconds left of the whole task, set by the action plugin of this module for each slice, so that the
        slice that ends the task ends every wait. Not needed otherwise.
    type: float
  line_subnets:
    description:
      - List mode. The client subnet (EDNS Client Subnet, for example V(203.0.113.0/24)) to ask the nameservers with for the
        records of each Alibaba Cloud DNS line, by line code; they add to or replace the built-in ones.
      - Built in are networks of well-known public resolvers - V(telecom) V(202.96.128.0/24), V(unicom) V(202.106.0.0/24),
        V(mobile) V(211.136.192.0/24), V(edu) V(202.112.0.0/24), V(oversea) V(8.8.8.0/24). A record on any other line is not
        waited for unless its line is given here.
    type: dict
  records_file:
    description:
      - List mode. Before it waits, the action plugin writes the records to change at other DNS providers, for all domains of
        O(progress), to this file on the controller as one zone-file fragment (as M(alicloud_oss.domains.custom_domain_report)
        does), so that they can be added while the task waits. Not in check mode.
    type: path
  records_csv:
    description:
      - List mode. The same records as CSV (C(action), C(domain), C(name), C(type), C(ttl), C(value)), written before the wait.
    type: path
  api_read_rate:
    description:
      - Accepted so that the flow can give every step the same options; this module makes no Alibaba Cloud API call and
        ignores it.
    type: float
  api_write_rate:
    description:
      - Accepted so that the flow can give every step the same options; ignored.
    type: float
requirements:
  - dnspython
  - idna (only for internationalised names)
notes:
  - The number of DNS queries made is returned in RV(queries); zone cuts, NS records and nameserver addresses are looked
    up once per run.
seealso:
  - module: alicloud_oss.domains.oss_bucket_cname
  - module: alicloud_oss.domains.alidns_record
"""

EXAMPLES = r"""
- name: Wait until the custom domain points at the bucket and the endpoint resolves
  alicloud_oss.domains.wait_for_dns:
    records:
      - name: cdn.example.com
        type: CNAME
        value: demo-assets.oss-cn-hangzhou.aliyuncs.com
        target_resolves: true
    timeout: 300

- name: Wait for the OSS ownership token, showing progress in a file
  alicloud_oss.domains.wait_for_dns:
    records:
      - name: _dnsauth.cdn.example.com
        type: TXT
        value: "{{ ownership.token }}"
        mode: subset
    progress_file: /tmp/wait_for_dns.log

- name: Wait until the domains of the flow resolve to their buckets (list mode), showing progress every 30 s
  alicloud_oss.domains.wait_for_dns:
    domains: "{{ my_domains }}"
    defaults:
      wait_timeout: 900
    progress: "{{ records.progress }}"
    step: records
    records_file: "{{ playbook_dir }}/external-records.zone"
  register: resolved

- name: Walk the delegation from a test server on another port
  alicloud_oss.domains.wait_for_dns:
    records:
      - name: www.example.org
        type: A
        values: [192.0.2.10, 192.0.2.11]
    resolvers: ["127.0.0.1:5353"]
    port: 5353
    timeout: 30

- name: Wait until the internal view of a split-horizon zone serves the record (those servers are asked, nothing else)
  alicloud_oss.domains.wait_for_dns:
    records:
      - name: intranet.example.com
        type: A
        value: 10.1.2.3
    nameservers: [10.0.0.53, "10.0.0.54:5353"]
"""

RETURN = r"""
progress:
  description:
    - List mode. The progress of the flow, updated (see RV(alicloud_oss.domains.oss_bucket_cname#module:progress)). A domain
      gets an entry in C(waits) (C(what), C(step), C(done), C(elapsed), C(checks), C(started), C(provider)) and, once its
      wait ended, in C(steps) (C(wait_ownership) or C(wait)); its C(phase) becomes V(resolved), V(waiting) or V(failed).
  returned: list mode
  type: dict
pending:
  description: List mode. How many domains wait for each later step of the flow.
  returned: list mode
  type: dict
failed_domains:
  description: List mode. The domains that failed, in this step or before.
  returned: list mode
  type: list
  elements: str
results:
  description: List mode. The wait of each domain whose turn it was, in input order.
  returned: list mode
  type: list
  elements: dict
  contains:
    name:
      description: The domain.
      type: str
    status:
      description: V(resolved), V(pending) (still waiting; the next slice goes on), V(waiting) (not resolved, left for a later
        run) or V(failed).
      type: str
    phase:
      description: The phase of the domain after the wait.
      type: str
    what:
      description: What the domain waited for.
      type: str
      sample: the CNAME record
    provider:
      description: Where the records are published - C(Alibaba Cloud DNS zone <zone>) or C(the external DNS provider).
      type: str
    waiting_for:
      description: The records not yet as expected (C(name), C(type), C(value), C(line)).
      type: list
      elements: dict
    checks:
      description: How often the records of the domain were checked (all slices).
      type: int
    elapsed:
      description: Seconds since the domain's wait started (all slices).
      type: float
    msg:
      description: The outcome, or the diagnosis of a domain that does not resolve.
      type: str
    records:
      description: The check of each record, as RV(records) in the single-item mode.
      type: list
      elements: dict
remaining:
  description: List mode. How long the domains still pending may wait (0 when none is); the action plugin runs another slice
    while it is not 0.
  returned: list mode
  type: float
slices:
  description: How many module runs (slices of at most 30 seconds) the wait took.
  returned: always, except for invalid options
  type: int
  sample: 1
timed_out:
  description: The single-item mode ran out of time.
  returned: when the time is up
  type: bool
waiting:
  description: The single-item mode, out of time - one line per record still not as expected (what each nameserver said).
  returned: when the time is up
  type: list
  elements: str
records:
  description:
    - One entry per entry of O(records), in the same order. Also returned when the task fails on timeout.
  returned: success, and when the time is up
  type: list
  elements: dict
  contains:
    name:
      description: The DNS name (lower case, no trailing dot, internationalised labels in punycode).
      type: str
      returned: always
      sample: xn--fa-hia.example.com
    name_unicode:
      description: RV(records[].name) in Unicode, as people write it.
      type: str
      returned: always
      sample: faß.example.com
    type:
      description: The record type.
      type: str
      returned: always
      sample: CNAME
    mode:
      description: The comparison mode.
      type: str
      returned: always
      sample: equals
    expected:
      description: The expected values, normalised (TXT values as their content, the joined text).
      type: list
      elements: str
      returned: always
      sample: [demo-assets.oss-cn-hangzhou.aliyuncs.com]
    done:
      description: Whether every authoritative nameserver answered as expected.
      type: bool
      returned: always
      sample: true
    checks:
      description: How often the record was checked.
      type: int
      returned: always
      sample: 3
    nameservers:
      description:
        - The last answer of each authoritative nameserver, by NS name (with O(nameservers), by server address). An answer is a list of normalised values
          (empty for NXDOMAIN or NODATA), or a string describing an error (V(SERVFAIL), V(REFUSED), a timeout).
      type: dict
      returned: always
      sample: {ns1.example.com: [demo-assets.oss-cn-hangzhou.aliyuncs.com]}
    elapsed:
      description: Seconds from the start until the round in which the record was done (or the last round).
      type: float
      returned: always
      sample: 3.18
    target:
      description:
        - With O(records[].target_resolves), the check of the CNAME target, once the CNAME itself was as expected;
          V(null) before that.
        - C(name) is the name whose addresses were found (after following CNAMEs), C(done) whether every nameserver of
          its zone returned an address, C(nameservers) the addresses per nameserver.
      type: dict
      returned: when O(records[].target_resolves=true)
      sample: {name: demo-assets.oss-cn-hangzhou.aliyuncs.com, done: true, nameservers: {ns1.aliyuncs.com: [127.0.0.5]}}
    error:
      description: Why the last check could not ask the nameservers (for example, no resolver answered).
      type: str
      returned: when the last check of the record hit such an error
completed:
  description: How many records are done.
  returned: success, and when the time is up
  type: int
  sample: 2
elapsed:
  description: Seconds the whole wait took.
  returned: always, except for invalid options
  type: float
  sample: 3.41
queries:
  description: >-
    How many DNS queries were sent (walk and nameserver queries, TCP retries included;
    a lookup of the walk that succeeded after retries counts once).
  returned: always, except for invalid options
  type: int
  sample: 12
rounds:
  description: How many rounds of checks were made.
  returned: success, and when the time is up
  type: int
  sample: 4
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._wait import MUTUALLY_EXCLUSIVE, REQUIRED_ONE_OF, argument_spec, run_module


def main():
    module = AnsibleModule(argument_spec=argument_spec(), mutually_exclusive=MUTUALLY_EXCLUSIVE, required_one_of=REQUIRED_ONE_OF,
                           supports_check_mode=True)
    run_module(module)


if __name__ == '__main__':
    main()
