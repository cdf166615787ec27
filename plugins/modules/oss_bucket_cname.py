#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
module: oss_bucket_cname
short_description: Bind a custom domain to an OSS bucket, with an optional HTTPS certificate
version_added: 0.1.0
author: alicloud_oss.domains contributors (@alicloud-oss)
description:
  - Binds a custom domain to an Alibaba Cloud OSS bucket (PutCname), attaches, rotates or removes the HTTPS
    certificate of the binding, or unbinds the domain (DeleteCname).
  - The bindings of the bucket are read first (ListCname) and a write is made only when they differ from what is
    asked. A certificate given as PEM is compared with the bound one by its SHA-1 fingerprint and validity, and, when
    Certificate Management Service can be read, by its whole chain, so the same certificate is never uploaded twice and a
    changed chain is uploaded again (see O(certificate.certificate)).
  - When OSS refuses the binding, the module fails with an explanation of what to do and a machine-readable
    RV(error_code). For C(NeedVerifyDomainOwnership) it also returns the TXT record that proves ownership
    (see M(alicloud_oss.domains.oss_domain_ownership)).
  - In check mode a new binding is predicted from reads - it fails as the real run will when another bucket of this account
    holds the domain (C(CnameAlreadyExists)), or when OSS will ask for proof of ownership (the domain's zone is not in this
    account's Alibaba Cloud DNS) and no valid token exists (C(NeedVerifyDomainOwnership)). What only OSS knows (ICP filing
    in mainland regions, a binding held by another account, whether OSS sees the TXT record) is named in a warning.
  - The module does not create the DNS CNAME record; it returns it (RV(cname_record)), to be published with
    M(alicloud_oss.domains.alidns_record) or at another DNS provider, B(after) the binding exists.
  - B(List mode) (O(domains)) is the first step of the custom-domain flow (O(step=bind)) and its fifth (O(step=rebind)).
    Step V(bind) checks every domain before the first write - its settings, its bucket and region, and for a zone in this
    account's Alibaba Cloud DNS the zone, the TTL against the zone edition's minimum, the resolution line, and the
    records in the way of its CNAME record (a CNAME that points elsewhere, a CDN for example, gives way only with
    O(domains[].replace_records)) - then binds (or unbinds) every domain, concurrently. One ListCname per bucket, one
    zone list and one listing per zone answer for all the domains. Each domain's outcome is in RV(progress), the input
    of the next step.
  - Step V(rebind) binds again the domains whose ownership record was published (phase C(ownership_pending)).
extends_documentation_fragment:
  - alicloud_oss.domains._alicloud
  - alicloud_oss.domains._attributes
  - alicloud_oss.domains._domain_items
requirements:
  - >-
    alibabacloud-cas20200407 (optional) - with it, a PEM certificate's whole chain is compared with the bound one; see
    O(certificate.certificate).
options:
  bucket:
    description:
      - The name of the bucket. It must be in O(alicloud_region).
      - Required with O(domain); in list mode, set O(domains[].bucket) or O(defaults.bucket) instead.
    type: str
  domain:
    description:
      - The custom domain, for example V(www.example.com).
      - Required unless O(domains) is given (list mode).
      - An internationalised domain is bound under its IDNA 2008 name (UTS 46 mapping, non-transitional, as browsers
        resolve it) - V(faß.example.com) is bound as V(xn--fa-hia.example.com), never as V(fass.example.com), which is
        another domain. This needs the Python package C(idna); a name IDNA 2008 refuses fails before any API call.
      - Wildcard domains, IP addresses and domains under Alibaba Cloud's reserved suffixes (such as C(aliyuncs.com)) are
        refused before any API call, as OSS refuses them.
    type: str
  state:
    description:
      - V(present) binds the domain to the bucket; V(absent) unbinds it (its certificate goes with it).
    type: str
    choices: [present, absent]
    default: present
  target:
    description:
      - Which endpoint the custom domain's CNAME record must point at, returned as RV(target) and RV(cname_record).
      - V(public) is the bucket's public endpoint C(<bucket>.oss-<region>.aliyuncs.com); V(accelerate) is the transfer
        acceleration endpoint C(<bucket>.oss-accelerate.aliyuncs.com), which needs transfer acceleration enabled on the bucket.
    type: str
    choices: [public, accelerate]
    default: public
  certificate:
    description:
      - The HTTPS certificate of the binding, either the id of a certificate in Alibaba Cloud Certificate Management
        Service (O(certificate.cert_id)) or a PEM certificate with its private key.
      - When not set, a certificate already bound is left as it is.
      - When it replaces a bound certificate, the bound certificate's id is sent as C(PreviousCertId), so OSS refuses the
        change if someone replaced the certificate meanwhile (unless O(force)).
    type: dict
    suboptions:
      cert_id:
        description:
          - The id of a certificate in Certificate Management Service, for example V(493****-cn-hangzhou).
          - Compared with the id of the bound certificate.
        type: str
      certificate:
        description:
          - The certificate in PEM form, optionally followed by its chain (the intermediate certificates).
          - Checked before any API call, it must not be expired and O(certificate.private_key) must belong to it.
          - The certificate whose public key is O(certificate.private_key)'s is the leaf; the others must be its chain, each
            the issuer of the one before. A chain in the wrong order is sent in the right order (leaf first), with a warning; a
            certificate that is not part of the leaf's chain (unrelated, or a missing link), or the same certificate twice, is
            refused before any API call with a message that names it.
          - Compared with the bound certificate by the leaf's SHA-1 fingerprint and validity, the values OSS shows. OSS shows
            only the leaf; when the leaf is the bound one and intermediate certificates are given, the bound chain is read
            from Certificate Management Service (C(GetUserCertificateDetail) with the bound certificate's id, in check mode
            too) and compared with the chain given, certificate by certificate, in order (the PEM text around and between the
            blocks does not count). A chain that differs - an intermediate certificate added, removed or renewed, or the
            bound chain in the wrong order - is uploaded again; the diff lists each certificate of both chains by subject
            and SHA-1 fingerprint. The answer also holds the certificate's private key - it is dropped as it arrives, never
            shown.
          - A leaf given alone is compared as the leaf - intermediate certificates bound with it are kept, because uploading
            the leaf without them could only break the clients that need them.
          - This needs the Python package C(alibabacloud-cas20200407) and the permission
            C(yundun-cert:GetUserCertificateDetail) (in C(docs/ram-policies/certificates-cas.json)). Without them, only the
            leaf is compared - when intermediate certificates are given, nothing is sent and a warning says why the chain
            could not be compared; O(force=true) then uploads the certificate and its chain again (on every run). Use it once
            to add a missing intermediate certificate.
        type: str
      private_key:
        description:
          - The unencrypted private key of O(certificate.certificate), in PEM form. It is never shown in output.
        type: str
  delete_certificate:
    description:
      - Remove the certificate from the binding (the binding stays). Nothing is sent when no certificate is bound.
      - On a domain that is not bound to the bucket it does nothing (not changed, with a warning); it never binds the domain.
        In list mode (O(domains)), whose items are domains to bind, such an item is bound without a certificate.
    type: bool
    default: false
  force:
    description:
      - Send C(Force=true) with a certificate change, so that OSS replaces the bound certificate even when it is not the one
        this task read (no C(PreviousCertId) check).
      - With a PEM certificate that carries a chain and whose leaf is the bound one, upload it again when the bound chain
        could not be read from Certificate Management Service; see O(certificate.certificate).
    type: bool
    default: false
  cas_endpoint:
    description:
      - The Certificate Management Service (CAS 2020-04-07) API endpoint, as C(host), C(host:port) or a URL with V(http)
        or V(https); it is read to compare the whole bound certificate chain (O(certificate.certificate)).
      - Defaults to C(cas.aliyuncs.com) over HTTPS.
      - If not set, E(ALICLOUD_CAS_ENDPOINT) is used.
    type: str
  step:
    description:
      - List mode. Which step of the custom-domain flow to run.
      - V(bind) - check every domain of O(domains), then bind or unbind it; a new O(progress) starts.
      - V(rebind) - bind the domains of O(progress) whose ownership record was published (phase C(ownership_pending)),
        asking again (O(bind_retries), O(bind_delay)) while OSS does not see the record yet.
    type: str
    choices: [bind, rebind]
    default: bind
  exclusive:
    description:
      - List mode, step V(bind). The list is the whole truth for the buckets it names - a domain bound to one of these
        buckets and not in O(domains) is unbound, and its CNAME record is removed by the records step (only when it points
        at the bucket).
      - A domain named by an item that cannot be used is never unbound.
    type: bool
    default: false
  publish_records:
    description:
      - List mode. After the step, publish the CNAME records of the domains whose zone is in this account's Alibaba Cloud
        DNS and that need no proof of ownership (or have just proven it), in the same task - what
        M(alicloud_oss.domains.alidns_record) with O(alicloud_oss.domains.alidns_record#module:step=records) would do next,
        without another module run (the role C(alicloud_oss.domains.custom_domain) does this). The records step still
        runs for the domains of other DNS providers, and has nothing to do for these.
      - In step V(bind) (not in check mode), each domain's records are written as soon as the domain is bound, while the
        other domains are still being bound, so that the writes to OSS and to Alibaba Cloud DNS overlap (each API keeps its
        own rate limit, O(api_write_rate)). The writes of one zone stay one after the other, as in the records step.
      - Needs the permissions of that step (C(alidns:AddDomainRecord) and the others it uses).
      - Changes to the records appear in the diff under C(records of <domain>), and what the records step did in
        RV(records_results).
    type: bool
    default: false
  bind_retries:
    description:
      - List mode, step V(rebind). How many times PutCname is tried again while OSS still asks for proof of ownership (its
        resolvers may see the C(_dnsauth) TXT record a little after the authoritative nameservers do).
    type: int
    default: 6
  bind_delay:
    description:
      - List mode, step V(rebind). Seconds between those tries.
    type: float
    default: 10
notes:
  - Binding needs proof of ownership unless the domain's zone is in the same account's Alibaba Cloud DNS and no other bucket
    holds it. The role C(alicloud_oss.domains.custom_domain) runs the whole flow (bind, token, TXT record, wait, bind again).
  - Buckets in mainland China regions can only bind domains with an ICP filing (C(NoSuchCnameInRecord)).
  - A domain can be bound to one bucket at a time (C(CnameAlreadyExists) when another bucket of the account holds it).
seealso:
  - module: alicloud_oss.domains.oss_domain_ownership
  - module: alicloud_oss.domains.oss_bucket_cname_info
  - module: alicloud_oss.domains.alidns_record
  - name: Map a custom domain name (Alibaba Cloud OSS)
    description: The OSS user guide on custom domains.
    link: https://www.alibabacloud.com/help/en/oss/user-guide/map-custom-domain-names-5
'''

EXAMPLES = r'''
- name: Bind www.example.com to a bucket
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-assets
    domain: www.example.com
    alicloud_region: cn-hangzhou
  register: binding

- name: Point the domain at the bucket (after binding)
  alicloud_oss.domains.alidns_record:
    record: "{{ binding.cname_record.name }}"
    type: CNAME
    value: ["{{ binding.cname_record.value }}"]

- name: Bind with an HTTPS certificate (uploaded only when it differs from the bound one)
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-assets
    domain: www.example.com
    certificate:
      certificate: "{{ lookup('ansible.builtin.file', 'www.example.com.crt') }}"
      private_key: "{{ lookup('ansible.builtin.file', 'www.example.com.key') }}"

- name: Use a certificate from Certificate Management Service
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-assets
    domain: www.example.com
    certificate:
      cert_id: 493****-cn-hangzhou

- name: Bind, or tell me the TXT record to publish when OSS wants proof of ownership
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-media
    domain: old.example.com
  register: bind
  failed_when: bind.failed and bind.error_code != 'NeedVerifyDomainOwnership'

- name: Show the record to add
  ansible.builtin.debug:
    var: bind.ownership_record
  when: bind.error_code is defined

- name: Remove the certificate, keep the binding
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-assets
    domain: www.example.com
    delete_certificate: true

- name: Unbind
  alicloud_oss.domains.oss_bucket_cname:
    bucket: demo-assets
    domain: www.example.com
    state: absent

- name: List mode - check, then bind many domains at once (the first step of the custom-domain flow)
  alicloud_oss.domains.oss_bucket_cname:
    domains:
      - name: www.example.com
      - name: img.example.com
        ttl: 300
      - name: old.example.com
        bucket: demo-media
        replace_records: true
    defaults:
      bucket: demo-assets
      region: cn-hangzhou
    keep_going: true
  register: bind

- name: The domains that failed, and why
  ansible.builtin.debug:
    msg: "{{ bind.failed_domains | map('extract', bind.progress) | map(attribute='msg') }}"

- name: Make the list the whole truth for demo-assets (unbind every other domain of the bucket)
  alicloud_oss.domains.oss_bucket_cname:
    domains: "{{ my_domains }}"
    defaults:
      bucket: demo-assets
    exclusive: true
  check_mode: true
  diff: true
'''

RETURN = r'''
bucket:
  description: The bucket.
  returned: in single-domain mode
  type: str
  sample: demo-assets
domain:
  description: The custom domain, normalised (lower case, no trailing dot, punycode by IDNA 2008, UTS 46 non-transitional).
  returned: in single-domain mode
  type: str
  sample: xn--fa-hia.example.com
domain_unicode:
  description: RV(domain) in Unicode, as people write it.
  returned: in single-domain mode
  type: str
  sample: faß.example.com
binding:
  description:
    - The binding after the task (as read back from OSS; predicted in check mode), or V(null) when the domain is not bound
      to the bucket.
  returned: success in single-domain mode
  type: dict
  contains:
    domain:
      description: The custom domain.
      type: str
      sample: www.example.com
    domain_unicode:
      description: RV(binding.domain) in Unicode.
      type: str
      sample: www.example.com
    status:
      description: The binding status OSS reports.
      type: str
      sample: Enabled
    last_modified:
      description: When the binding last changed, as OSS writes it (ISO 8601).
      type: str
      sample: '2024-09-15T02:35:07.000Z'
    certificate:
      description: The bound certificate, or V(null).
      type: dict
      contains:
        type:
          description: Where the certificate comes from, V(CAS) (Certificate Management Service) or V(Upload).
          type: str
          sample: CAS
        cert_id:
          description: The certificate id, the value to give as O(certificate.cert_id).
          type: str
          sample: 493****-cn-hangzhou
        status:
          description: The certificate status.
          type: str
          sample: Enabled
        fingerprint:
          description: SHA-1 fingerprint, colon-separated upper-case hex.
          type: str
          sample: DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:2B:3C
        valid_start_date:
          description: Start of validity, as OSS writes it.
          type: str
          sample: Wed, 12 Apr 2023 10:14:51 GMT
        valid_end_date:
          description: End of validity, as OSS writes it.
          type: str
          sample: Mon, 4 May 2048 10:14:51 GMT
        creation_date:
          description: When the certificate was bound.
          type: str
          sample: Wed, 15 Sep 2021 02:35:06 GMT
certificate:
  description: The PEM certificate given in O(certificate.certificate), as parsed before any API call.
  returned: when O(certificate.certificate) is set
  type: dict
  contains:
    fingerprint:
      description: SHA-1 fingerprint, in the form OSS shows.
      type: str
    valid_start_date:
      description: Start of validity (ISO 8601, UTC).
      type: str
    valid_end_date:
      description: End of validity (ISO 8601, UTC).
      type: str
    subject:
      description: The subject (RFC 4514).
      type: str
    dns_names:
      description: The DNS names the certificate covers.
      type: list
      elements: str
target:
  description: The host name the custom domain's CNAME record must point at.
  returned: in single-domain mode
  type: str
  sample: demo-assets.oss-cn-hangzhou.aliyuncs.com
cname_record:
  description: The DNS record that sends the custom domain to the bucket. Publish it after the binding exists.
  returned: in single-domain mode
  type: dict
  contains:
    name:
      description: The record name, the custom domain.
      type: str
      sample: www.example.com
    name_unicode:
      description: RV(cname_record.name) in Unicode.
      type: str
      sample: www.example.com
    type:
      description: Always V(CNAME).
      type: str
      sample: CNAME
    value:
      description: The target, as RV(target).
      type: str
      sample: demo-assets.oss-cn-hangzhou.aliyuncs.com
error_code:
  description: The OSS error code (or V(InvalidParameter), V(InvalidCertificate) for checks made before any API call).
  returned: on failure
  type: str
  sample: NeedVerifyDomainOwnership
request_id:
  description: The request id OSS gave the failed call.
  returned: on failure of an API call
  type: str
http_status:
  description: The HTTP status of the failed call.
  returned: on failure of an API call
  type: int
  sample: 403
ownership_record:
  description:
    - The TXT record that proves ownership of the domain. RV(ownership_record.value) is the current valid token, or V(null)
      when there is none yet (then run M(alicloud_oss.domains.oss_domain_ownership), which creates one).
  returned: when RV(error_code) is V(NeedVerifyDomainOwnership)
  type: dict
  contains:
    name:
      description: V(_dnsauth.<domain>).
      type: str
      sample: _dnsauth.old.example.com
    name_unicode:
      description: RV(ownership_record.name) in Unicode.
      type: str
      sample: _dnsauth.old.example.com
    type:
      description: Always V(TXT).
      type: str
    value:
      description:
        - The token, or V(null). It is plain text, which M(alicloud_oss.domains.alidns_record) writes and
          M(alicloud_oss.domains.wait_for_dns) waits for as it is.
      type: str
holder_bucket:
  description: The other bucket of the account that holds the domain, when it could be found.
  returned: when RV(error_code) is V(CnameAlreadyExists) and the bucket was found
  type: str
  sample: demo-media
progress:
  description:
    - List mode. Where each domain stands in the custom-domain flow, keyed by the domain's ASCII (punycode) name; the
      O(progress) of the next step. It never holds a secret (no private key, no credential).
    - Each entry has C(index), C(name), C(name_unicode), C(bucket), C(region), C(state), C(dns) (V(alidns) or V(external)),
      C(zone), C(zone_unicode), C(target) (the host the CNAME record points at), C(phase), C(failed), C(msg),
      C(error_code), C(changed), C(steps) (each C({step, changed, msg})), C(binding), C(ownership_record), C(records) (the
      CNAME record in the form M(alicloud_oss.domains.alidns_record) takes), C(records_to_add), C(records_to_remove),
      C(conflicts) (the records in the way), C(replaced), C(notes) and C(waits).
    - C(phase) is one of V(invalid), V(failed), V(bound), V(needs_ownership), V(ownership_pending), V(records_published)
      (bound, and its CNAME record already in place), V(resolved), V(waiting), V(unbound), V(removed).
  returned: in list mode
  type: dict
  sample:
    www.example.com:
      index: 0
      name: www.example.com
      name_unicode: www.example.com
      bucket: demo-assets
      region: cn-hangzhou
      state: present
      dns: alidns
      zone: example.com
      zone_unicode: example.com
      target: demo-assets.oss-cn-hangzhou.aliyuncs.com
      phase: bound
      failed: false
      msg: bound to bucket demo-assets
      error_code: null
      changed: true
      steps: [{step: bind, changed: true, msg: bound to bucket demo-assets}]
      binding: {domain: www.example.com, domain_unicode: www.example.com, status: Enabled, last_modified: null, certificate: null}
      ownership_record: null
      records: [{record: www.example.com, type: CNAME, value: [demo-assets.oss-cn-hangzhou.aliyuncs.com], ttl: 600, line: default}]
      records_to_add: []
      records_to_remove: []
      conflicts: []
      replaced: []
      notes: []
      waits: []
pending:
  description: List mode. How many domains wait for each following step of the flow.
  returned: in list mode
  type: dict
  sample: {ownership: 1, publish_ownership: 0, wait_ownership: 0, rebind: 0, records: 19, wait: 0, cleanup: 0}
failed_domains:
  description: List mode. The domains that failed (their reason is C(msg) of their RV(progress) entry), in input order.
  returned: in list mode
  type: list
  elements: str
  sample: [old.example.com]
results:
  description:
    - List mode. One entry per domain of this step, in input order (then the domains exclusive mode unbinds), with the keys
      of the single-domain result (C(domain), C(domain_unicode), C(bucket), C(target), C(cname_record), C(binding),
      C(certificate), C(holder_bucket)) and C(name), C(region), C(state), C(dns), C(zone), C(phase), C(changed),
      C(failed), C(msg), C(error_code), C(conflicts), C(notes).
  returned: in list mode
  type: list
  elements: dict
records_results:
  description:
    - List mode with O(publish_records=true). What the records step did, in the same task, for each domain of Alibaba Cloud
      DNS whose turn it was, in input order, with the keys of
      RV(alicloud_oss.domains.alidns_record#module:results) (C(name), C(phase), C(changed), C(failed), C(msg),
      C(error_code), C(zone), C(writes), C(replaced), C(conflicts)); empty when no domain was ready for its records.
  returned: in list mode, with O(publish_records=true)
  type: list
  elements: dict
  sample: [{name: www.example.com, phase: records_published, changed: true, failed: false, zone: example.com}]
'''

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._cname import DEFAULT_BIND_DELAY, DEFAULT_BIND_RETRIES, run_bucket_cname
from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import list_argument_spec


def main():
    argument_spec = alicloud_argument_spec()
    argument_spec.update(
        bucket=dict(type='str'),
        domain=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        target=dict(type='str', default='public', choices=['public', 'accelerate']),
        certificate=dict(
            type='dict',
            options=dict(
                cert_id=dict(type='str'),
                certificate=dict(type='str'),
                private_key=dict(type='str', no_log=True),
            ),
            mutually_exclusive=[['cert_id', 'certificate'], ['cert_id', 'private_key']],
            required_together=[['certificate', 'private_key']],
            required_one_of=[['cert_id', 'certificate']],
        ),
        delete_certificate=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
        cas_endpoint=dict(type='str', fallback=(env_fallback, ['ALICLOUD_CAS_ENDPOINT'])),
        exclusive=dict(type='bool', default=False),
        publish_records=dict(type='bool', default=False),
        bind_retries=dict(type='int', default=DEFAULT_BIND_RETRIES),
        bind_delay=dict(type='float', default=DEFAULT_BIND_DELAY),
    )
    argument_spec.update(list_argument_spec(steps=('bind', 'rebind'), default_step='bind'))
    # certificate and delete_certificate=true exclude each other; that is checked in _cname, because Ansible's
    # mutually_exclusive would also refuse an explicit delete_certificate=false next to a certificate.
    # bucket and domain (single mode) or domains (list mode): checked in _cname, which names what is missing.
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[['domain', 'domains'], ['bucket', 'domains']])
    run_bucket_cname(module)


if __name__ == '__main__':
    main()
