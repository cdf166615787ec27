# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):

    # The list-mode options of the custom-domain flow modules: list_argument_spec() in plugins/module_utils/_flow.py.
    DOCUMENTATION = r'''
options:
  domains:
    description:
      - List mode. The domains to work on, each a dict of the settings below; a setting an item leaves out comes from
        O(defaults), then from the default said here.
      - Every item is checked before any API call; an item with a setting that cannot be used fails on its own (phase
        V(invalid)), with a message that names the variable (see O(variable_prefix)), and the other items go on.
      - The items are worked on concurrently (O(concurrency)); the reads are shared (one listing per bucket and per
        DNS zone), and one item's failure is its own.
      - Mutually exclusive with the single-domain options of the module.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The custom domain, for example V(www.example.com); an internationalised name is handled in its IDNA 2008
            form. It is the key of the domain in RV(progress).
          - Required. An item without it fails on its own, with a message that names the variable it came from.
        type: str
      bucket:
        description:
          - The OSS bucket the domain is bound to.
        type: str
      region:
        description:
          - The region of the bucket. If not set, the module's C(alicloud_region).
        type: str
      state:
        description:
          - V(present) binds the domain and publishes its records; V(absent) unbinds it and removes its CNAME record
            (only when the record points at the bucket). Default V(present).
        type: str
        choices: [present, absent]
      dns:
        description:
          - Where the domain's DNS zone is hosted. V(alidns) - in this account's Alibaba Cloud DNS (the records are
            written); V(external) - elsewhere (the records are returned in RV(progress) as C(records_to_add) and
            C(records_to_remove)); V(auto) - V(alidns) when the account hosts the zone, else V(external). Default V(auto).
        type: str
        choices: [auto, alidns, external]
      target:
        description:
          - What the domain's CNAME record points at. V(public) - the bucket's public endpoint; V(accelerate) - its
            transfer acceleration endpoint; or a host name (a CDN in front of the bucket, for example). Default V(public).
        type: str
      ttl:
        description:
          - The TTL of the records, in seconds (1 to 86400). It is checked against the minimum of the zone's Alibaba Cloud
            DNS edition before any write. Default V(600).
        type: int
      line:
        description:
          - The Alibaba Cloud DNS resolution line of the records (V(default), V(telecom), V(unicom), V(mobile),
            V(oversea), ...). It is checked against the lines of the zone before any write. Default V(default).
        type: str
      certificate:
        description:
          - The HTTPS certificate of the binding - C(cert_id), or a PEM certificate with its private key, as text or as files
            on the machine the module runs on. When not set, a bound certificate is left as it is.
        type: dict
        suboptions:
          cert_id:
            description:
              - The id of a certificate in Certificate Management Service.
            type: str
          certificate:
            description:
              - The PEM certificate, optionally followed by its chain.
            type: str
          private_key:
            description:
              - The unencrypted PEM private key of the certificate. Never shown.
            type: str
          certificate_file:
            description:
              - Path of the PEM certificate, instead of C(certificate).
              - A file encrypted with Ansible Vault is decrypted on the controller by M(alicloud_oss.domains.oss_bucket_cname),
                as the C(ansible.builtin.file) lookup does.
            type: path
          private_key_file:
            description:
              - Path of the PEM private key, instead of C(private_key).
              - A file encrypted with Ansible Vault is decrypted as for C(certificate_file).
            type: path
          force:
            description:
              - Replace the bound certificate even when it is not the one this run read.
            type: bool
      delete_certificate:
        description:
          - Remove the certificate from the binding. Default V(false).
        type: bool
      replace_records:
        description:
          - Let the domain's CNAME record replace the records in its way, including a CNAME that points elsewhere (a CDN,
            for example); what is replaced is said in the notes. Without it, such records fail the domain before any
            write. Default V(false).
        type: bool
      verify_ownership:
        description:
          - V(auto) - when OSS asks for proof of ownership, the flow gets the token and publishes the C(_dnsauth) TXT
            record; V(never) - the domain fails instead. Default V(auto).
        type: str
        choices: [auto, never]
      keep_ownership_record:
        description:
          - Keep the C(_dnsauth) TXT record once the domain is bound. Default V(false).
        type: bool
      wait:
        description:
          - Wait until the records are served by every authoritative nameserver. Default V(true).
        type: bool
      wait_timeout:
        description:
          - How long to wait for the records of the domain, in seconds. Default V(600).
        type: int
  defaults:
    description:
      - List mode. The settings of O(domains) that apply to every item that does not set them (every setting but
        C(name)).
      - The role C(alicloud_oss.domains.custom_domain) passes its variables here.
    type: dict
    suboptions:
      bucket:
        description: As O(domains[].bucket).
        type: str
      region:
        description: As O(domains[].region).
        type: str
      state:
        description: As O(domains[].state).
        type: str
        choices: [present, absent]
      dns:
        description: As O(domains[].dns).
        type: str
        choices: [auto, alidns, external]
      target:
        description: As O(domains[].target).
        type: str
      ttl:
        description: As O(domains[].ttl).
        type: int
      line:
        description: As O(domains[].line).
        type: str
      certificate:
        description: As O(domains[].certificate).
        type: dict
        suboptions:
          cert_id:
            description: As O(domains[].certificate.cert_id).
            type: str
          certificate:
            description: As O(domains[].certificate.certificate).
            type: str
          private_key:
            description: As O(domains[].certificate.private_key).
            type: str
          certificate_file:
            description: As O(domains[].certificate.certificate_file).
            type: path
          private_key_file:
            description: As O(domains[].certificate.private_key_file).
            type: path
          force:
            description: As O(domains[].certificate.force).
            type: bool
      delete_certificate:
        description: As O(domains[].delete_certificate).
        type: bool
      replace_records:
        description: As O(domains[].replace_records).
        type: bool
      verify_ownership:
        description: As O(domains[].verify_ownership).
        type: str
        choices: [auto, never]
      keep_ownership_record:
        description: As O(domains[].keep_ownership_record).
        type: bool
      wait:
        description: As O(domains[].wait).
        type: bool
      wait_timeout:
        description: As O(domains[].wait_timeout).
        type: int
  progress:
    description:
      - List mode. The RV(progress) result of the previous step of the flow. The module acts only on the domains whose
        phase says this step is next, and returns the progress updated.
    type: dict
    default: {}
  variable_prefix:
    description:
      - How messages name a setting. With V('') a setting of item 3 is C(domains[3].ttl) and one from O(defaults)
        C(defaults.ttl); with V(custom_domain_) (the role) C(custom_domain_domains[3].ttl) and C(custom_domain_ttl).
    type: str
    default: ''
  single:
    description:
      - Name every setting C(<variable_prefix><setting>) in messages, as C(custom_domain_name) and C(custom_domain_ttl) (the
        role's single-domain mode).
    type: bool
    default: false
  keep_going:
    description:
      - V(false) - the task fails when a domain failed (after the other domains were done), naming the failed domains and
        why. V(true) - the failures are returned in RV(progress) and RV(failed_domains) without failing the task.
    type: bool
    default: false
  concurrency:
    description:
      - How many domains are worked on at once (threads, 1 to 64). Every API call still waits for its turn under
        C(api_read_rate) and C(api_write_rate).
    type: int
    default: 8
'''
