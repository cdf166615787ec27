# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of custom domains: ownership verification through a real DNS TXT record, moves between accounts."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import oss2
import pytest
from alibabacloud_alidns20150109 import models as m
from oss2.models import PutBucketCnameRequest


def bound(bucket):
    return [c.domain for c in bucket.list_bucket_cname().cname]


def test_old_example_com_moves_with_sdk_calls_only(emu):
    media, legacy = emu.bucket('demo-media'), emu.bucket('legacy-site', 'other')
    with pytest.raises(oss2.exceptions.ServerError) as info:
        media.put_bucket_cname(PutBucketCnameRequest('old.example.com'))
    assert (info.value.status, info.value.code) == (403, 'NeedVerifyDomainOwnership')
    token = media.create_bucket_cname_token('old.example.com').token
    emu.alidns().add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='_dnsauth.old', type='TXT', value=token))
    assert media.put_bucket_cname(PutBucketCnameRequest('old.example.com')).status == 200
    assert bound(media) == ['old.example.com']
    assert bound(legacy) == []


def test_wrong_or_expired_token_is_refused(emu):
    media = emu.bucket('demo-media')
    token = media.create_bucket_cname_token('old.example.com').token
    client = emu.alidns()
    rid = client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='_dnsauth.old', type='TXT',
                                                            value='not-the-token')).body.record_id
    with pytest.raises(oss2.exceptions.ServerError) as info:
        media.put_bucket_cname(PutBucketCnameRequest('old.example.com'))
    assert info.value.code == 'NeedVerifyDomainOwnership'
    client.update_domain_record(m.UpdateDomainRecordRequest(record_id=rid, rr='_dnsauth.old', type='TXT', value=token))
    emu.ok('POST', 'clock', {'advance': 72 * 3600 + 5})
    with pytest.raises(oss2.exceptions.ServerError) as info:
        media.put_bucket_cname(PutBucketCnameRequest('old.example.com'))
    assert info.value.code == 'NeedVerifyDomainOwnership'
    assert bound(emu.bucket('legacy-site', 'other')) == ['old.example.com']


def test_token_of_another_bucket_does_not_count(emu):
    token = emu.bucket('demo-assets').create_bucket_cname_token('old.example.com').token
    emu.alidns().add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='_dnsauth.old', type='TXT', value=token))
    with pytest.raises(oss2.exceptions.ServerError) as info:
        emu.bucket('demo-media').put_bucket_cname(PutBucketCnameRequest('old.example.com'))
    assert info.value.code == 'NeedVerifyDomainOwnership'


def test_external_zone_verified_through_control_api(emu):
    eu = emu.bucket('demo-eu', v4=True, region='eu-central-1')
    token = eu.create_bucket_cname_token('cdn.example.org').token
    emu.ok('POST', 'external/records', {'name': '_dnsauth.cdn.example.org', 'type': 'TXT', 'value': token})
    assert eu.put_bucket_cname(PutBucketCnameRequest('cdn.example.org')).status == 200
    # the TXT record can go once bound; a certificate update needs no new verification
    emu.ok('DELETE', 'external/records', {'name': '_dnsauth.cdn.example.org', 'type': 'TXT'})
    assert eu.put_bucket_cname(PutBucketCnameRequest('cdn.example.org')).status == 200


def test_own_zone_needs_no_verification_unless_held(emu):
    assert emu.bucket('demo-assets').put_bucket_cname(PutBucketCnameRequest('shop.example.net')).status == 200
    # the other account has no zone for example.net: it must verify
    emu.ok('POST', 'seed', {'accounts': {'other': {'buckets': {'other-eu': {'region': 'eu-central-1'}}}}})
    other = emu.bucket('other-eu', 'other')
    with pytest.raises(oss2.exceptions.ServerError) as info:
        other.put_bucket_cname(PutBucketCnameRequest('shop.example.net'))
    assert info.value.code == 'NeedVerifyDomainOwnership'
