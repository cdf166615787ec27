# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: other collections must not use it; it can change at any time.
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
      - The AccessKey ID of the Alibaba Cloud account or RAM user (or of temporary STS credentials, with
        O(alicloud_security_token)).
      - 'If not set, these environment variables are read in this order; the first that is set is used:'
      - First E(ALICLOUD_ACCESS_KEY) (this collection and Terraform's alicloud provider).
      - Then E(ALICLOUD_ACCESS_KEY_ID) (the alibaba.alicloud collection).
      - Then E(ALIBABA_CLOUD_ACCESS_KEY_ID) (the Alibaba Cloud SDKs and CLI).
      - 'Static keys come first. The credential sources, in order: static keys (this option and
        O(alicloud_secret_key), from the task or the environment), O(alicloud_profile), O(alicloud_ecs_role_name),
        OIDC (RRSA) from the environment variables E(ALIBABA_CLOUD_ROLE_ARN), E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) and
        E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) (and E(ALIBABA_CLOUD_ROLE_SESSION_NAME)), and last the default credential
        chain of alibabacloud-credentials. The first that is set is used and the others are ignored, with a warning;
        a source set in the task comes before one that is only set in the environment, so O(alicloud_profile) in a
        task wins over keys exported in the shell. O(alicloud_assume_role) applies on top of whichever was chosen.'
      - Credentials that expire (STS, ECS instance role, OIDC, assumed role) are fetched again when they go stale,
        also in the middle of a long module run.
      - A source that is incomplete or cannot give credentials fails the task before any OSS or DNS request, and a
        key that the service refuses fails it at the first read, before any write. The message names the source (option,
        environment variable, profile and file, role) and what is missing; secrets never appear in it.
    type: str
    aliases: [access_key, access_key_id]
  alicloud_secret_key:
    description:
      - The AccessKey secret that goes with O(alicloud_access_key).
      - 'If not set, these environment variables are read in this order; the first that is set is used:'
      - First E(ALICLOUD_SECRET_KEY).
      - Then E(ALICLOUD_SECRET_ACCESS_KEY).
      - Then E(ALIBABA_CLOUD_ACCESS_KEY_SECRET).
    type: str
    aliases: [secret_key, access_key_secret]
  alicloud_security_token:
    description:
      - The security token of temporary (STS) credentials, together with their key pair in O(alicloud_access_key)
        and O(alicloud_secret_key).
      - 'If not set, these environment variables are read in this order; the first that is set is used:'
      - First E(ALICLOUD_SECURITY_TOKEN).
      - Then E(ALIBABA_CLOUD_SECURITY_TOKEN).
    type: str
    aliases: [security_token]
  alicloud_region:
    description:
      - The region id, for example V(cn-hangzhou). For OSS modules this is the region of the bucket; it names the
        bucket's endpoint, the region of the V4 signature and the target of the custom domain's CNAME record.
      - 'If not set, these environment variables are read in this order; the first that is set is used:'
      - First E(ALICLOUD_REGION).
      - Then E(ALICLOUD_REGION_ID).
      - Then E(ALIBABA_CLOUD_REGION).
      - Then E(ALIBABA_CLOUD_REGION_ID).
      - If none is set and the credentials come from O(alicloud_profile), the profile's C(region_id) is used.
    type: str
    aliases: [region]
  alicloud_profile:
    description:
      - The name of an aliyun CLI profile to take the credentials (and, when O(alicloud_region) is not set, the
        region) from, in the file O(alicloud_shared_credentials_file).
      - 'Profile modes read: V(AK), V(StsToken), V(RamRoleArn), V(EcsRamRole), V(ChainableRamRoleArn) and V(OIDC).
        The STS endpoint is O(sts_endpoint) when set, else the one of the profile''s C(sts_region).'
      - Used only when no static key is set (see O(alicloud_access_key)).
      - 'If not set, these environment variables are read in this order; the first that is set is used:'
      - First E(ALICLOUD_PROFILE).
      - Then E(ALIBABA_CLOUD_PROFILE).
    type: str
    aliases: [profile]
  alicloud_shared_credentials_file:
    description:
      - The aliyun CLI configuration file that holds O(alicloud_profile).
      - If not set, the environment variable E(ALICLOUD_SHARED_CREDENTIALS_FILE) is used, else the default.
    type: path
    default: ~/.aliyun/config.json
    aliases: [shared_credentials_file]
  alicloud_assume_role:
    description:
      - Assume this RAM role (STS C(AssumeRole)) with the credentials of the chosen source (static keys, profile, ECS
        instance role, OIDC or the default chain), and use the role's temporary credentials.
      - The role's credentials are fetched again before they expire.
      - When this option is not given but the environment variable E(ALICLOUD_ASSUME_ROLE_ARN) is set, that role is
        assumed with the defaults below.
    type: dict
    aliases: [assume_role]
    suboptions:
      role_arn:
        description:
          - The ARN of the role, for example V(acs:ram::1234567890123456:role/domains-automation). Required.
          - If not set, the environment variable E(ALICLOUD_ASSUME_ROLE_ARN) is used.
        type: str
      session_name:
        description:
          - The role session name (2 to 64 letters, digits and C(. @ - _)); it shows in the account's audit logs.
          - Defaults to V(ansible-alicloud-oss-domains).
        type: str
      session_expiration:
        description:
          - How long the role's credentials are valid, in seconds, from 900 to 43200 (and at most the role's maximum
            session duration).
        type: int
        default: 3600
      policy:
        description:
          - A RAM policy document (JSON) that further restricts the role's permissions for this session.
        type: str
  alicloud_ecs_role_name:
    description:
      - The name of the RAM role attached to the ECS instance the module runs on; its credentials come from the
        instance metadata service (C(100.100.100.200)).
      - Used only when no static key and no O(alicloud_profile) is set.
      - 'If not set, these environment variables are read in this order; the first that is set is used:'
      - First E(ALICLOUD_ECS_ROLE_NAME).
      - Then E(ALIBABA_CLOUD_ECS_METADATA).
    type: str
    aliases: [ecs_role_name]
  sts_endpoint:
    description:
      - The STS endpoint used to assume roles (O(alicloud_assume_role), profiles of mode V(RamRoleArn), OIDC), as
        C(host) or C(host:port). STS is always reached over HTTPS.
      - Defaults to C(sts.aliyuncs.com).
      - If not set, the environment variable E(ALICLOUD_STS_ENDPOINT) is used.
    type: str
  oss_signature_version:
    description:
      - How OSS requests are signed. V(v4) (signature V4, with the bucket's region) is the default and what OSS
        requires from accounts created since March 2025 and buckets created since September 2025.
      - V(v1) only for endpoints that still need signature V1, such as an Apsara Stack (private cloud) OSS or an old
        account; OSS refuses V1 from newer accounts and buckets.
      - Ignored by the Alibaba Cloud DNS modules.
      - If not set, the environment variable E(ALICLOUD_OSS_SIGNATURE_VERSION) is used.
    type: str
    choices: [v4, v1]
    default: v4
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
        A retry starts only when it can end within them, its wait plus O(api_timeout) (so with O(api_timeout) of 120 or
        more, a call is never retried). Signature, permission and validation errors are never retried.
    type: int
    default: 8
  api_timeout:
    description:
      - Seconds to wait for the answer to one API request.
    type: float
    default: 30
  api_read_rate:
    description:
      - The most read calls per second (C(ListCname), C(GetCnameToken), C(DescribeDomains), C(DescribeDomainRecords), ...)
        this controller makes to each API (OSS, Alibaba Cloud DNS) for one account, counted over every thread of a
        module and every fork of the run, retries included. V(0) means no limit.
      - If not set, 80 calls per second to Alibaba Cloud DNS, below its documented quota for C(DescribeDomainRecords)
        (100 per second), and 100 per second to OSS, far below OSS's limit of 10,000 per account.
      - The calls wait for their turn instead of being refused and retried (a schedule shared through a file in the
        controller's temporary directory, so the forks of a fleet pace together).
    type: float
  api_write_rate:
    description:
      - The most write calls per second (C(PutCname), C(DeleteCname), C(CreateCnameToken), C(AddDomainRecord),
        C(UpdateDomainRecord), C(DeleteDomainRecord), ...) to each API for one account, as O(api_read_rate). V(0)
        means no limit.
      - If not set, 40 calls per second to Alibaba Cloud DNS, two thirds of its documented quota for record writes
        (60 per second), and 50 per second to OSS.
      - When the account has a lower limit of its own, set this a little below it (for example V(9.5) for 10 per
        second) - the calls then wait for their turn instead of being throttled and retried.
    type: float
notes:
  - All modules of this collection that call Alibaba Cloud belong to the action group C(alicloud_oss.domains.alicloud),
    so credentials can be set once with C(module_defaults) and C(group/alicloud_oss.domains.alicloud).
requirements:
  - python >= 3.10
  - oss2 >= 2.18.4 (the OSS API; 2.18.4 is the first with V4 signing)
  - alibabacloud-alidns20150109 >= 4.0.0 (the Alibaba Cloud DNS API)
  - alibabacloud-credentials >= 1.0 (credential sources other than static keys)
  - dnspython >= 2.3.0 (DNS queries)
  - cryptography >= 3.4 (PEM certificates and keys)
  - idna >= 3.0 (internationalised domain names)
'''
