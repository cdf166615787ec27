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
    asked. A certificate given as PEM is compared with the bound one by its SHA-1 fingerprint and validity, so the
    same certificate is never uploaded twice.
  - When OSS refuses the binding, the module fails with an explanation of what to do and a machine-readable
    RV(error_code). For C(NeedVerifyDomainOwnership) it also returns the TXT record that proves ownership
    (see M(alicloud_oss.domains.oss_domain_ownership)).
  - The module does not create the DNS CNAME record; it returns it (RV(cname_record)), to be published with
    M(alicloud_oss.domains.alidns_record) or at another DNS provider, B(after) the binding exists.
extends_documentation_fragment:
  - alicloud_oss.domains.alicloud
  - alicloud_oss.domains.attributes
options:
  bucket:
    description:
      - The name of the bucket. It must be in O(alicloud_region).
    type: str
    required: true
  domain:
    description:
      - The custom domain, for example V(www.example.com).
      - An internationalised domain is bound under its IDNA 2008 name (UTS 46 mapping, non-transitional, as browsers
        resolve it) - V(faß.example.com) is bound as V(xn--fa-hia.example.com), never as V(fass.example.com), which is
        another domain. This needs the Python package C(idna); a name IDNA 2008 refuses fails before any API call.
      - Wildcard domains, IP addresses and domains under Alibaba Cloud's reserved suffixes (such as C(aliyuncs.com)) are
        refused before any API call, as OSS refuses them.
    type: str
    required: true
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
          - The certificate in PEM form, optionally followed by its chain. The first certificate is the one for the domain.
          - Checked before any API call, it must not be expired and O(certificate.private_key) must belong to it.
        type: str
      private_key:
        description:
          - The unencrypted private key of O(certificate.certificate), in PEM form. It is never shown in output.
        type: str
  delete_certificate:
    description:
      - Remove the certificate from the binding (the binding stays). Nothing is sent when no certificate is bound.
    type: bool
    default: false
  force:
    description:
      - Send C(Force=true) with a certificate change, so that OSS replaces the bound certificate even when it is not the one
        this task read (no C(PreviousCertId) check).
    type: bool
    default: false
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
'''

RETURN = r'''
bucket:
  description: The bucket.
  returned: always
  type: str
  sample: demo-assets
domain:
  description: The custom domain, normalised (lower case, no trailing dot, punycode by IDNA 2008, UTS 46 non-transitional).
  returned: always
  type: str
  sample: xn--fa-hia.example.com
domain_unicode:
  description: RV(domain) in Unicode, as people write it.
  returned: always
  type: str
  sample: faß.example.com
binding:
  description:
    - The binding after the task (as read back from OSS; predicted in check mode), or V(null) when the domain is not bound
      to the bucket.
  returned: success
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
  returned: always
  type: str
  sample: demo-assets.oss-cn-hangzhou.aliyuncs.com
cname_record:
  description: The DNS record that sends the custom domain to the bucket. Publish it after the binding exists.
  returned: always
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
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._cname import run_bucket_cname


def main():
    argument_spec = alicloud_argument_spec()
    argument_spec.update(
        bucket=dict(type='str', required=True),
        domain=dict(type='str', required=True),
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
    )
    # certificate and delete_certificate=true exclude each other; that is checked in _cname, because Ansible's
    # mutually_exclusive would also refuse an explicit delete_certificate=false next to a certificate.
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_bucket_cname(module)


if __name__ == '__main__':
    main()
