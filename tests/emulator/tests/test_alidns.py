# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Alidns API through the real alibabacloud-alidns20150109 client: results, exception classes and codes."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import json
import urllib.request

import pytest
from alibabacloud_alidns20150109 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException

from helpers import alidns_error


def add(client, rr, rtype, value, zone='example.com', **kwargs):
    return client.add_domain_record(m.AddDomainRecordRequest(domain_name=zone, rr=rr, type=rtype, value=value, **kwargs)).body.record_id


def listing(client, zone='example.com', **kwargs):
    return client.describe_domain_records(m.DescribeDomainRecordsRequest(domain_name=zone, **kwargs)).body


def assert_code(err, code, status=400, cls=ClientException):
    assert isinstance(err, cls), repr(err)
    assert (err.code, err.status_code) == (code, status), err.data


@pytest.mark.parametrize('v2', [False, True], ids=['acs3', 'v2'])
def test_record_life_cycle(emu, v2):
    client = emu.alidns(v2=v2)
    rid = add(client, 'App', 'A', '192.0.2.7', ttl=60)
    assert isinstance(rid, str) and rid.isdigit()
    info = client.describe_domain_record_info(m.DescribeDomainRecordInfoRequest(record_id=rid)).body
    assert (info.rr, info.type, info.value, info.ttl, info.line, info.status, info.locked, info.domain_name) == \
        ('app', 'A', '192.0.2.7', 60, 'default', 'Enable', False, 'example.com')
    body = client.update_domain_record(m.UpdateDomainRecordRequest(record_id=rid, rr='app', type='A', value='192.0.2.8', ttl=60)).body
    assert body.record_id == rid
    status = client.set_domain_record_status(m.SetDomainRecordStatusRequest(record_id=rid, status='Disable')).body
    assert (status.record_id, status.status) == (rid, 'Disable')
    record = [r for r in listing(client).domain_records.record if r.record_id == rid][0]
    assert (record.value, record.status) == ('192.0.2.8', 'DISABLE')
    client.update_domain_record_remark(m.UpdateDomainRecordRemarkRequest(record_id=rid, remark='note'))
    assert client.describe_domain_record_info(m.DescribeDomainRecordInfoRequest(record_id=rid)).body.remark == 'note'
    assert client.delete_domain_record(m.DeleteDomainRecordRequest(record_id=rid)).body.record_id == rid
    err = alidns_error(client.delete_domain_record, m.DeleteDomainRecordRequest(record_id=rid))
    assert_code(err, 'DomainRecordNotBelongToUser')


def test_normalisation(emu):
    client = emu.alidns()
    rid = add(client, 'Mail', 'MX', 'MX1.Example.NET.', priority=5)
    add(client, 'txt', 'TXT', '"quoted value"  ')
    add(client, 'v6', 'AAAA', '2001:DB8:0:0::1')
    records = dict((r.rr, r) for r in listing(client).domain_records.record)
    assert (records['mail'].value, records['mail'].priority, records['mail'].record_id) == ('mx1.example.net', 5, rid)
    assert records['txt'].value == 'quoted value'
    assert records['v6'].value == '2001:db8::1'
    assert records['www'].priority is None


def test_conflicts_and_duplicates(emu):
    client = emu.alidns()
    err = alidns_error(add, client, 'www', 'A', '192.0.2.10')
    assert_code(err, 'DomainRecordDuplicate')
    assert err.data['Message'] == 'The DNS record already exists.'
    assert_code(alidns_error(add, client, 'www', 'CNAME', 'x.example.net'), 'DomainRecordConflict')
    assert_code(alidns_error(add, client, 'old', 'TXT', 'hello'), 'DomainRecordConflict')
    assert_code(alidns_error(add, client, 'old', 'A', '192.0.2.1'), 'DomainRecordConflict')
    assert_code(alidns_error(add, client, 'old', 'CNAME', 'Legacy-Site.oss-cn-hangzhou.aliyuncs.com.'), 'DomainRecordDuplicate')
    add(client, 'www', 'A', '192.0.2.11')  # a second value of the same set is fine
    add(client, 'old', 'CNAME', 'x.example.net', line='telecom')  # other lines never conflict
    add(client, '@', 'TXT', 'v=spf1 -all')
    add(client, '@', 'CNAME', 'apex.example.net')  # the apex relaxation: CNAME with MX/TXT
    assert_code(alidns_error(add, client, '@', 'A', '192.0.2.1'), 'DomainRecordConflict')
    rid = add(client, 'same', 'A', '192.0.2.1', ttl=300)
    same = m.UpdateDomainRecordRequest(record_id=rid, rr='same', type='A', value='192.0.2.1', ttl=300)
    err = alidns_error(client.update_domain_record, same)
    assert_code(err, 'DomainRecordDuplicate')


def test_several_cnames_at_one_name(emu):
    """Alidns takes several CNAMEs at one host and line (weighted round robin), so a client that adds a CNAME twice
    with different values gets no error: it gets a name that resolves to either."""
    client = emu.alidns()
    add(client, 'old', 'CNAME', 'other.example.net')
    cnames = [r for r in listing(client, rrkey_word='old', type_key_word='CNAME', search_mode='COMBINATION').domain_records.record
              if r.line == 'default']
    assert sorted(r.value for r in cnames) == ['legacy-site.oss-cn-hangzhou.aliyuncs.com', 'other.example.net']
    rcode, answers = emu.query('old.example.com', 'CNAME')  # BIND can serve one CNAME only
    assert len(answers) == 1 and answers[0].rstrip('.') in [r.value for r in cnames]
    rid = [r.record_id for r in cnames if r.value == 'other.example.net'][0]
    err = alidns_error(client.update_domain_record, m.UpdateDomainRecordRequest(
        record_id=rid, rr='old', type='CNAME', value='legacy-site.oss-cn-hangzhou.aliyuncs.com'))
    assert_code(err, 'DomainRecordDuplicate')  # an update may not turn one into the other either
    assert rcode == 0


def test_url_forwarding_conflicts(emu):
    """The conflict matrix's URL row: URL forwarding excludes A, AAAA, CNAME and another URL record; MX and TXT are fine."""
    client = emu.alidns()
    assert_code(alidns_error(add, client, 'www', 'REDIRECT_URL', 'https://example.net/'), 'DomainRecordConflict')
    assert_code(alidns_error(add, client, 'old', 'FORWARD_URL', 'https://example.net/'), 'DomainRecordConflict')
    add(client, 'go', 'REDIRECT_URL', 'https://example.net/')
    for rtype, value in (('REDIRECT_URL', 'https://example.org/'), ('FORWARD_URL', 'https://example.org/'), ('A', '192.0.2.1'),
                         ('AAAA', '2001:db8::1'), ('CNAME', 'x.example.net')):
        assert_code(alidns_error(add, client, 'go', rtype, value), 'DomainRecordConflict')
    add(client, 'go', 'TXT', 'hello')
    add(client, 'go', 'MX', 'mx.example.net', priority=10)


def test_validation_errors(emu):
    client = emu.alidns()
    cases = [
        (dict(rr='a', type='MX', value='mx.example.net'), 'MissingPriority'),
        (dict(rr='a', type='MX', value='mx.example.net', priority=51), 'InvalidParameter'),
        (dict(rr='a', type='A', value='not-an-ip'), 'SubDomainInvalid.Value'),
        (dict(rr='a', type='AAAA', value='192.0.2.1'), 'SubDomainInvalid.Value'),
        (dict(rr='bad rr!', type='A', value='192.0.2.1'), 'InvalidRR.Format'),
        (dict(rr='a', type='BOGUS', value='x'), 'InvalidParameter'),
        (dict(rr='a', type='A', value='192.0.2.1', line='nowhere'), 'InvalidParameter'),
        (dict(rr='', type='A', value='192.0.2.1'), 'MissingRR'),
    ]
    for kwargs, code in cases:
        assert_code(alidns_error(client.add_domain_record, m.AddDomainRecordRequest(domain_name='example.com', **kwargs)), code)
    # The edition's range (https://www.alibabacloud.com/help/doc-detail/29806.htm): example.net is a free-edition zone,
    # [600, 86400]; example.com is enterprise ultimate, [1, 86400].
    err = alidns_error(add, client, 'a', 'A', '192.0.2.1', 'example.net', ttl=60)
    assert_code(err, 'QuotaExceeded.TTL')
    for zone in ('example.net', 'example.com'):
        err = alidns_error(add, client, 'a', 'A', '192.0.2.1', zone, ttl=86401)
        assert_code(err, 'QuotaExceeded.TTL')
        assert err.data['Message'] == 'The TTL has exceeded the limit of the domain edition.'
    add(client, 'a', 'A', '192.0.2.1', 'example.net', ttl=600)
    add(client, 'b', 'A', '192.0.2.1', 'example.net', ttl=86400)
    add(client, 'a', 'A', '192.0.2.1', ttl=1)
    rid = add(client, 'c', 'A', '192.0.2.1', 'example.net')
    err = alidns_error(client.update_domain_record, m.UpdateDomainRecordRequest(record_id=rid, rr='c', type='A', value='192.0.2.1', ttl=300))
    assert_code(err, 'QuotaExceeded.TTL')


def test_zone_ownership_errors(emu):
    main, other = emu.alidns(), emu.alidns('other')
    assert_code(alidns_error(add, other, 'x', 'A', '192.0.2.1'), 'IncorrectDomainUser')
    assert_code(alidns_error(add, main, 'x', 'A', '192.0.2.1', 'nosuchzone.com'), 'InvalidDomainName.NoExist')
    err = alidns_error(listing, other)
    assert_code(err, 'InvalidDomainName.NoExist')
    assert err.data['Message'] == 'The specified domain name does not exist. Refresh the page and try again.'
    rid = listing(main).domain_records.record[0].record_id
    for call in (lambda: other.delete_domain_record(m.DeleteDomainRecordRequest(record_id=rid)),
                 lambda: other.describe_domain_record_info(m.DescribeDomainRecordInfoRequest(record_id=rid)),
                 lambda: other.set_domain_record_status(m.SetDomainRecordStatusRequest(record_id=rid, status='Disable'))):
        assert_code(alidns_error(call), 'DomainRecordNotBelongToUser')


def test_locked_records(emu):
    emu.ok('POST', 'seed', {'accounts': {'main': {'zones': {'example.com': {'edition': 'version_enterprise_advanced', 'records': [
        {'rr': 'locked', 'type': 'A', 'value': '192.0.2.99', 'locked': True, 'record_id': '4242'}]}}}}})
    client = emu.alidns()
    assert_code(alidns_error(client.delete_domain_record, m.DeleteDomainRecordRequest(record_id='4242')), 'DomainRecordLocked')
    update = m.UpdateDomainRecordRequest(record_id='4242', rr='locked', type='A', value='192.0.2.98')
    assert_code(alidns_error(client.update_domain_record, update), 'DomainRecordLocked')
    assert client.describe_domain_record_info(m.DescribeDomainRecordInfoRequest(record_id='4242')).body.locked is True


def test_paging_and_order(emu):
    client = emu.alidns()
    ids = [add(client, 'p%02d' % i, 'TXT', 'v%d' % i) for i in range(45)]
    page1 = listing(client, page_size=20)
    assert (page1.total_count, page1.page_number, page1.page_size) == (47, 1, 20)
    assert [r.record_id for r in page1.domain_records.record] == list(reversed(ids))[:20]  # newest first
    page3 = listing(client, page_size=20, page_number=3)
    assert len(page3.domain_records.record) == 7
    assert listing(client, page_number=4, page_size=20).domain_records.record == []
    asc = listing(client, page_size=500, direction='ASC').domain_records.record
    assert [r.record_id for r in asc][-45:] == ids
    assert_code(alidns_error(listing, client, page_size=501), 'InvalidParameter')
    assert listing(client).page_size == 20


def test_search_modes(emu):
    client = emu.alidns()
    add(client, 'www2', 'A', '192.0.2.20')
    add(client, 'a.www', 'TXT', 'www-text')
    add(client, 'api', 'TXT', 'hello')

    def rrs(**kwargs):
        return sorted(r.rr for r in listing(client, **kwargs).domain_records.record)

    assert rrs(rrkey_word='www') == ['a.www', 'www', 'www2']
    assert rrs(rrkey_word='www', search_mode='COMBINATION') == ['www']
    assert rrs(rrkey_word='www', type='TXT', search_mode='ADVANCED') == ['a.www']
    assert rrs(key_word='www') == ['a.www', 'www', 'www2']  # KeyWord alone behaves as LIKE (RR or value)
    assert rrs(key_word='hello', search_mode='EXACT') == ['api']
    assert rrs(key_word='www', search_mode='LIKE', type='A') == ['a.www', 'www', 'www2']  # LIKE ignores the other filters
    assert rrs(value_key_word='192.0.2', type_key_word='a') == ['www', 'www2']
    assert rrs(status='Disable') == []
    assert rrs(line='telecom') == []
    assert_code(alidns_error(listing, client, search_mode='FUZZY'), 'InvalidParameter')


def test_sub_domain_records(emu):
    client = emu.alidns()
    add(client, 'www', 'TXT', 'hello')
    add(client, 'a.www', 'A', '192.0.2.3')

    def sub(name, **kwargs):
        body = client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain=name, **kwargs)).body
        return body.total_count, sorted((r.rr, r.type) for r in body.domain_records.record)

    assert sub('www.example.com') == (2, [('www', 'A'), ('www', 'TXT')])
    assert sub('www.example.com', type='txt') == (1, [('www', 'TXT')])
    assert sub('a.www.example.com', domain_name='example.com') == (1, [('a.www', 'A')])
    assert sub('example.com') == (0, [])
    assert_code(alidns_error(client.describe_sub_domain_records, m.DescribeSubDomainRecordsRequest(sub_domain='x.nosuch.org')),
                'InvalidDomainName.NoExist')
    too_big = m.DescribeSubDomainRecordsRequest(sub_domain='x.example.com', page_size=101)
    assert_code(alidns_error(client.describe_sub_domain_records, too_big), 'InvalidParameter')


def test_delete_sub_domain_records(emu):
    client = emu.alidns()
    add(client, 'multi', 'A', '192.0.2.1')
    add(client, 'multi', 'A', '192.0.2.2')
    add(client, 'multi', 'TXT', 'x')
    body = client.delete_sub_domain_records(m.DeleteSubDomainRecordsRequest(domain_name='example.com', rr='multi', type='A')).body
    assert (body.rr, body.total_count) == ('multi', '2')
    body = client.delete_sub_domain_records(m.DeleteSubDomainRecordsRequest(domain_name='example.com', rr='multi')).body
    assert body.total_count == '1'


def test_domains(emu):
    client = emu.alidns()
    body = client.describe_domains(m.DescribeDomainsRequest()).body
    assert (body.total_count, [d.domain_name for d in body.domains.domain]) == (2, ['example.com', 'example.net'])
    assert client.describe_domains(m.DescribeDomainsRequest(key_word='net')).body.domains.domain[0].domain_name == 'example.net'
    assert client.describe_domains(m.DescribeDomainsRequest(key_word='example', search_mode='EXACT')).body.total_count == 0
    assert emu.alidns('other').describe_domains(m.DescribeDomainsRequest()).body.total_count == 0
    info = client.describe_domain_info(m.DescribeDomainInfoRequest(domain_name='example.net', need_detail_attributes=True)).body
    assert (info.domain_name, info.version_code, info.min_ttl) == ('example.net', 'mianfei', 600)
    assert info.dns_servers.dns_server == ['ns1.example.net']
    assert '600' in info.available_ttls.available_ttl and '60' not in info.available_ttls.available_ttl
    assert 'default' in [line.line_code for line in info.record_lines.record_line]
    assert client.describe_domain_info(m.DescribeDomainInfoRequest(domain_name='example.com')).body.min_ttl == 1
    assert_code(alidns_error(client.describe_domain_info, m.DescribeDomainInfoRequest(domain_name='nosuch.com')), 'InvalidDomainName.NoExist')
    ns = client.describe_domain_ns(m.DescribeDomainNsRequest(domain_name='example.com')).body
    assert ns.dns_servers.dns_server == ['ns1.example.com']


def test_main_domain_name(emu):
    client = emu.alidns()

    def main(text):
        body = client.get_main_domain_name(m.GetMainDomainNameRequest(input_string=text)).body
        return body.domain_name, body.rr, body.domain_level

    assert main('www.example.com') == ('example.com', 'www', 2)
    assert main('a.b.example.com.cn') == ('example.com.cn', 'a.b', 3)
    assert main('example.com') == ('example.com', '@', 1)
    assert_code(alidns_error(main, 'x' * 120 + '.example.com'), 'QuotaExceeded.StringLength')
    assert_code(alidns_error(main, 'bad name!.com'), 'InvalidDomainName.Format')
    assert_code(alidns_error(main, ''), 'MissingInputString')


def test_authentication(emu):
    access_key = emu.keys['main'][0]
    for v2 in (False, True):
        err = alidns_error(listing, emu.alidns(keys=(access_key, 'wrong-secret'), v2=v2))
        assert_code(err, 'SignatureDoesNotMatch')
        assert err.data['Message'].startswith('Specified signature is not matched with our calculation.')
        err = alidns_error(listing, emu.alidns(keys=('LTAI5tNoSuchKey000000000', 'x'), v2=v2))
        assert_code(err, 'InvalidAccessKeyId')
        assert err.data['Message'] == 'Specified access key is not found or invalid.'


def test_sts(emu):
    sts = emu.ok('POST', 'sts', {'account': 'main', 'duration_seconds': 600})
    keys = (sts['AccessKeyId'], sts['AccessKeySecret'])
    for v2 in (False, True):
        assert listing(emu.alidns(keys=keys, token=sts['SecurityToken'], v2=v2)).total_count == 2
        assert_code(alidns_error(listing, emu.alidns(keys=keys, token='CAISwrong', v2=v2)), 'InvalidSecurityToken.MismatchWithAccessKey')
    emu.ok('POST', 'clock', {'advance': 601})
    for v2 in (False, True):
        assert_code(alidns_error(listing, emu.alidns(keys=keys, token=sts['SecurityToken'], v2=v2)), 'InvalidSecurityToken.Expired')


def _raw_acs3(emu, headers_update=None, action='DescribeDomains', version='2015-01-09', nonce=None):
    """A hand-signed ACS3 request (tests what the SDK cannot send: stale dates, replayed nonces, bad versions)."""
    import hashlib  # pylint: disable=import-outside-toplevel
    import signatures  # pylint: disable=import-outside-toplevel
    headers = {'host': emu.host_port, 'x-acs-action': action, 'x-acs-version': version,
               'x-acs-date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
               'x-acs-signature-nonce': nonce or hashlib.md5(str(datetime.datetime.now()).encode()).hexdigest(),
               'x-acs-content-sha256': hashlib.sha256(b'').hexdigest()}
    headers.update(headers_update or {})
    if 'Authorization' not in headers:
        names = sorted(headers)
        canonical = signatures.acs3_canonical_request('POST', '/', [], headers, names, headers['x-acs-content-sha256'])
        headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (
            emu.keys['main'][0], ';'.join(names), signatures.acs3_signature(emu.keys['main'][1], canonical))
    req = urllib.request.Request(emu.url + '/', data=b'', method='POST', headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_raw_signature_rules(emu):
    assert _raw_acs3(emu)[0] == 200
    stale = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)).strftime('%Y-%m-%dT%H:%M:%SZ')
    status, body = _raw_acs3(emu, {'x-acs-date': stale})
    assert (status, body['Code']) == (400, 'InvalidTimeStamp.Expired')
    assert _raw_acs3(emu, nonce='n1')[0] == 200
    assert _raw_acs3(emu, nonce='n1')[1]['Code'] == 'SignatureNonceUsed'
    assert _raw_acs3(emu, version='2099-01-01')[1]['Code'] == 'InvalidVersion'
    status, body = _raw_acs3(emu, action='NoSuchAction')
    assert (status, body['Code']) == (400, 'InvalidAction.NotFound')
    assert set(body) == {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}


def test_server_errors_are_server_exceptions(emu):
    emu.ok('PUT', 'faults', {'error_rate': {'DescribeDomains': 1.0}, 'seed': 1})
    err = alidns_error(emu.alidns().describe_domains, m.DescribeDomainsRequest())
    assert isinstance(err, ServerException) and err.status_code in (500, 503)
    assert err.code in ('InternalError', 'ServiceUnavailable')


def test_record_quota(emu):
    client = emu.alidns()
    for i in range(90):
        add(client, 'many', 'TXT', 'value-%d' % i)
    assert_code(alidns_error(add, client, 'many', 'TXT', 'value-90'), 'QuotaExceeded.Record')
    add(client, 'many', 'TXT', 'value-90', line='telecom')  # the quota is per (Type, RR, Line)


def test_incomplete_signature(emu):
    status, body = _raw_acs3(emu, {'Authorization': 'ACS3-HMAC-SHA256 Credential=x'})
    assert (status, body['Code']) == (400, 'IncompleteSignature')
