# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's BIND: Alidns changes visible over DNS, external zones, endpoints, NS records."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading
import time

import dns.rcode
from alibabacloud_alidns20150109 import models as m


def wait_for(func, expected, timeout=1.0):
    deadline = time.monotonic() + timeout
    while True:
        value = func()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def test_records_reach_bind(emu):
    client = emu.alidns()
    started = time.monotonic()
    rid = client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='fresh', type='A', value='192.0.2.77',
                                                            ttl=60)).body.record_id
    assert wait_for(lambda: emu.query('fresh.example.com', 'A'), (dns.rcode.NOERROR, ['192.0.2.77'])) == \
        (dns.rcode.NOERROR, ['192.0.2.77'])
    assert time.monotonic() - started < 1.0
    client.update_domain_record(m.UpdateDomainRecordRequest(record_id=rid, rr='fresh', type='A', value='192.0.2.78', ttl=60))
    assert emu.query('fresh.example.com', 'A') == (dns.rcode.NOERROR, ['192.0.2.78'])  # synchronous: no wait needed
    client.set_domain_record_status(m.SetDomainRecordStatusRequest(record_id=rid, status='Disable'))
    assert emu.query('fresh.example.com', 'A')[0] == dns.rcode.NXDOMAIN
    client.set_domain_record_status(m.SetDomainRecordStatusRequest(record_id=rid, status='Enable'))
    assert emu.query('fresh.example.com', 'A') == (dns.rcode.NOERROR, ['192.0.2.78'])
    client.delete_domain_record(m.DeleteDomainRecordRequest(record_id=rid))
    assert emu.query('fresh.example.com', 'A')[0] == dns.rcode.NXDOMAIN


def test_record_types_in_bind(emu):
    client = emu.alidns()
    for rr, rtype, value, extra in (('mx', 'MX', 'mail.example.net', {'priority': 5}), ('t', 'TXT', 'v=spf1 include:x ~all', {}),
                                    ('c', 'CNAME', 'demo-assets.oss-cn-hangzhou.aliyuncs.com', {}),
                                    ('v6', 'AAAA', '2001:db8::5', {}), ('_sip._tcp', 'SRV', '1 2 5060 sip.example.net', {}),
                                    ('caa', 'CAA', '0 issue "letsencrypt.org"', {})):
        client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr=rr, type=rtype, value=value, **extra))
    assert emu.query('mx.example.com', 'MX')[1] == ['5 mail.example.net.']
    assert emu.query('t.example.com', 'TXT')[1] == ['"v=spf1 include:x ~all"']
    assert emu.query('c.example.com', 'CNAME')[1] == ['demo-assets.oss-cn-hangzhou.aliyuncs.com.']
    assert emu.query('v6.example.com', 'AAAA')[1] == ['2001:db8::5']
    assert emu.query('_sip._tcp.example.com', 'SRV')[1] == ['1 2 5060 sip.example.net.']
    assert emu.query('caa.example.com', 'CAA')[1] == ['0 issue "letsencrypt.org"']
    # other lines are not served by the single-view BIND
    client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='isp', type='A', value='192.0.2.9', line='telecom'))
    assert emu.query('isp.example.com', 'A')[0] == dns.rcode.NXDOMAIN


def test_default_world_dns(emu):
    assert emu.query('www.example.com', 'A')[1] == ['192.0.2.10']
    assert emu.query('old.example.com', 'CNAME')[1] == ['legacy-site.oss-cn-hangzhou.aliyuncs.com.']
    address = emu.query('demo-assets.oss-cn-hangzhou.aliyuncs.com', 'A')[1]
    assert len(address) == 1 and address[0].startswith('127.0.0.')
    assert emu.query('demo-eu.oss-eu-central-1.aliyuncs.com', 'A')[1][0].startswith('127.0.0.')
    assert emu.query('demo-assets.oss-accelerate.aliyuncs.com', 'A')[1] == address
    for zone in ('example.com', 'example.net', 'example.org', 'aliyuncs.com'):
        assert emu.query(zone, 'NS')[1] == ['ns1.%s.' % zone]
        assert emu.query('ns1.' + zone, 'A')[1] == ['127.0.0.1']
        assert emu.query(zone, 'SOA')[0] == dns.rcode.NOERROR
    assert emu.query('www.example.io', 'A')[0] == dns.rcode.REFUSED
    assert emu.query('com', 'SOA')[0] == dns.rcode.REFUSED


def test_external_records(emu):
    created = emu.ok('POST', 'external/records', {'name': 'cdn.example.org', 'type': 'CNAME', 'value': 'x.example.net.', 'ttl': 60})
    assert created['zone'] == 'example.org'
    assert emu.query('cdn.example.org', 'CNAME')[1] == ['x.example.net.']
    emu.ok('POST', 'external/records', {'name': '_dnsauth.app.example.org', 'type': 'TXT', 'value': 'token one'})
    emu.ok('POST', 'external/records', {'name': '_dnsauth.app.example.org', 'type': 'TXT', 'value': 'token two'})
    assert sorted(emu.query('_dnsauth.app.example.org', 'TXT')[1]) == ['"token one"', '"token two"']
    listed = emu.ok('GET', 'external/records?zone=example.org')['records']
    assert len(listed) == 3
    emu.ok('DELETE', 'external/records', {'name': '_dnsauth.app.example.org', 'type': 'TXT', 'value': 'token one'})
    assert emu.query('_dnsauth.app.example.org', 'TXT')[1] == ['"token two"']
    removed = emu.ok('DELETE', 'external/records', {'name': 'cdn.example.org', 'type': 'CNAME'})
    assert removed['removed'] == 1
    assert emu.query('cdn.example.org', 'CNAME')[0] == dns.rcode.NXDOMAIN
    assert emu.control('POST', 'external/records', {'name': 'www.example.com', 'type': 'A', 'value': '192.0.2.1'})[0] == 400
    assert emu.control('POST', 'external/records', {'name': 'a.example.org', 'type': 'A', 'value': 'nope'})[0] == 400


def test_seeded_zone_is_served(emu):
    emu.ok('POST', 'seed', {'accounts': {'other': {'zones': {'other-zone.net': {'records': [
        {'rr': 'www', 'type': 'A', 'value': '198.51.100.1'}]}}}}, 'external': {'third-party.io': [
            {'name': 'www.third-party.io', 'type': 'A', 'value': '198.51.100.2'}]}})
    assert emu.query('www.other-zone.net', 'A')[1] == ['198.51.100.1']
    assert emu.query('www.third-party.io', 'A')[1] == ['198.51.100.2']
    assert emu.query('other-zone.net', 'NS')[1] == ['ns1.other-zone.net.']
    emu.ok('POST', 'reset')
    assert emu.query('www.other-zone.net', 'A')[0] == dns.rcode.REFUSED


def test_seeding_records_into_a_zone_keeps_its_edition(emu):
    # Issue 15: /seed merges, so adding records to example.com (enterprise ultimate) must not make it a free zone.
    def edition():
        return emu.ok('GET', 'state')['zones']['example.com']['edition']

    assert edition() == 'version_enterprise_advanced'
    emu.ok('POST', 'seed', {'accounts': {'main': {'zones': {'example.com': {'records': [
        {'rr': 'seeded', 'type': 'A', 'value': '198.51.100.3'}]}}}}})
    assert edition() == 'version_enterprise_advanced'
    assert emu.query('seeded.example.com', 'A')[1] == ['198.51.100.3']
    emu.ok('POST', 'seed', {'accounts': {'main': {'zones': {'example.com': {'edition': 'mianfei'}}}}})
    assert edition() == 'mianfei'


def test_concurrent_writes_are_served_when_acknowledged(emu):
    failures = []

    def work(index):
        client = emu.alidns()
        for step in range(5):
            name = 'c%d-%d' % (index, step)
            client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr=name, type='TXT', value=name))
            if emu.query(name + '.example.com', 'TXT')[1] != ['"%s"' % name]:
                failures.append(name)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    listed = emu.alidns().describe_domain_records(m.DescribeDomainRecordsRequest(domain_name='example.com', type='TXT', page_size=500))
    assert listed.body.total_count == 100
