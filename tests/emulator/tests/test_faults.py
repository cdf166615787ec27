# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection and call counting."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading
import time
import urllib.error
import urllib.request

import oss2
import pytest
from alibabacloud_alidns20150109 import models as m
from darabonba.exceptions import UnretryableException
from oss2.models import PutBucketCnameRequest

from helpers import alidns_error


def test_fault_config_api(emu):
    faults = emu.ok('GET', 'faults')
    assert faults == {'latency_ms': 0, 'jitter_ms': 0, 'error_rate': {'*': 0.0}, 'throttle_rps': {}, 'drop_before_write': 0.0,
                      'drop_after_write': 0.0, 'last_operation_not_finished': 0.0, 'seed': None}
    emu.ok('PUT', 'faults', {'error_rate': {'PutCname': 0.2}, 'latency_ms': 3})
    merged = emu.ok('PUT', 'faults', {'throttle_rps': {'AddDomainRecord': 5}})
    assert (merged['error_rate'], merged['throttle_rps'], merged['latency_ms']) == ({'*': 0.0, 'PutCname': 0.2}, {'AddDomainRecord': 5}, 3)
    assert emu.control('PUT', 'faults', {'error_rate': {'PutCname': 2}})[0] == 400
    assert emu.control('PUT', 'faults', {'nonsense': 1})[0] == 400
    assert emu.ok('DELETE', 'faults') == faults


def test_error_rate(emu):
    emu.ok('PUT', 'faults', {'error_rate': {'ListCname': 0.3}, 'seed': 7})
    bucket = emu.bucket('demo-assets')
    errors = 0
    for _i in range(300):
        try:
            bucket.list_bucket_cname()
        except oss2.exceptions.ServerError as err:
            assert (err.status, err.code) in ((503, 'ServiceUnavailable'), (500, 'InternalError'))
            errors += 1
    assert 0.22 * 300 <= errors <= 0.38 * 300, errors
    assert emu.ok('GET', 'calls')['by_action']['ListCname']['reads'] == 300
    # other actions are unaffected
    assert emu.alidns().describe_domains(m.DescribeDomainsRequest()).status_code == 200


def test_throttle_alidns(emu):
    emu.ok('PUT', 'faults', {'throttle_rps': {'DescribeDomains': 5}})
    client = emu.alidns()
    outcomes = []
    started = time.monotonic()
    for _i in range(12):
        try:
            client.describe_domains(m.DescribeDomainsRequest())
            outcomes.append('ok')
        except Exception as err:  # pylint: disable=broad-except
            assert (err.code, err.status_code) == ('Throttling.User', 400)
            assert err.data['Message'] == 'Request was denied due to user flow control.'
            outcomes.append('throttled')
    elapsed = time.monotonic() - started
    if elapsed < 1.0:
        assert outcomes.count('ok') == 5, outcomes
    else:
        assert outcomes.count('ok') <= 5 * (int(elapsed) + 1)
    assert outcomes.count('throttled') >= 12 - 5 * (int(elapsed) + 1)
    time.sleep(1.05)
    assert client.describe_domains(m.DescribeDomainsRequest()).status_code == 200
    assert client.describe_domain_info(m.DescribeDomainInfoRequest(domain_name='example.com')).status_code == 200  # per action


def add_records(client, prefix, count):
    """AddDomainRecord `count` times (A records <prefix>0, <prefix>1, ...): 'ok' or 'throttled' (Throttling.User) each."""
    outcomes = []
    for i in range(count):
        try:
            client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='%s%d' % (prefix, i), type='A',
                                                              value='192.0.2.%d' % (i + 1)))
            outcomes.append('ok')
        except Exception as err:  # pylint: disable=broad-except
            assert (err.code, err.status_code) == ('Throttling.User', 400)
            outcomes.append('throttled')
    return outcomes


def test_throttle_all_writes_together(emu):
    """throttle_rps "writes": one limit shared by every write action, across OSS and Alidns; reads are not limited."""
    emu.ok('PUT', 'faults', {'throttle_rps': {'writes': 2}})
    client = emu.alidns()
    bucket = emu.bucket('demo-assets')
    started = time.monotonic()
    outcomes = add_records(client, 'wcap', 3)
    try:
        bucket.put_bucket_cname(PutBucketCnameRequest('wcap.example.com'))
        outcomes.append('ok')
    except oss2.exceptions.ServerError as err:
        assert (err.status, err.code) == (503, 'ServiceUnavailable')
        outcomes.append('throttled')
    reads = [bucket.list_bucket_cname().status for _i in range(5)]
    if time.monotonic() - started < 1.0:
        assert outcomes == ['ok', 'ok', 'throttled', 'throttled'], outcomes
    assert reads == [200] * 5
    snapshot = emu.ok('GET', 'calls')
    calls = snapshot['by_action']
    assert calls['AddDomainRecord']['writes'] == 3 and calls['PutCname']['writes'] == 1
    # The refusals are counted by action and answer (the bench tells the extra attempts of a run apart with them).
    refused = outcomes.count('throttled')
    assert sum(sum(codes.values()) for codes in snapshot['refusals'].values()) == refused
    assert set(code for codes in snapshot['refusals'].values() for code in codes) <= {'Throttling'}
    time.sleep(1.05)
    bucket.put_bucket_cname(PutBucketCnameRequest('wcap.example.com'))


def test_throttle_the_writes_of_one_api(emu):
    """throttle_rps "writes:alidns": one limit shared by the write actions of Alidns; OSS writes are not counted in it."""
    emu.ok('PUT', 'faults', {'throttle_rps': {'writes:alidns': 2}})
    client = emu.alidns()
    bucket = emu.bucket('demo-assets')
    started = time.monotonic()
    for i in range(2):
        bucket.put_bucket_cname(PutBucketCnameRequest('apicap%d.example.com' % i))   # never refused: another API
    outcomes = add_records(client, 'apicap', 3)
    bucket.put_bucket_cname(PutBucketCnameRequest('apicap2.example.com'))
    if time.monotonic() - started < 1.0:
        assert outcomes == ['ok', 'ok', 'throttled'], outcomes
    calls = emu.ok('GET', 'calls')['by_action']
    assert calls['AddDomainRecord']['writes'] == 3 and calls['PutCname']['writes'] == 3


def test_throttle_writes_of_an_unknown_api_is_refused(emu):
    status, body = emu.control('PUT', 'faults', {'throttle_rps': {'writes:ecs': 2}})
    assert status == 400 and 'writes:ecs' in str(body), body


def test_throttle_oss(emu):
    emu.ok('PUT', 'faults', {'throttle_rps': {'ListCname': 5}})
    bucket = emu.bucket('demo-assets')
    statuses = []
    started = time.monotonic()
    for _i in range(10):
        try:
            statuses.append(bucket.list_bucket_cname().status)
        except oss2.exceptions.ServerError as err:
            statuses.append(err.status)
    if time.monotonic() - started < 1.0:
        assert statuses == [200] * 5 + [503] * 5


def test_drop_before_write(emu):
    emu.ok('PUT', 'faults', {'drop_before_write': 1.0})
    client = emu.alidns()
    with pytest.raises(UnretryableException):
        client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='dropped', type='A', value='192.0.2.1'))
    with pytest.raises(oss2.exceptions.RequestError):
        emu.bucket('demo-assets').put_bucket_cname(PutBucketCnameRequest('www.example.com'))
    emu.ok('DELETE', 'faults')
    assert client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='dropped.example.com')).body.total_count == 0
    assert emu.bucket('demo-assets').list_bucket_cname().cname == []


def test_drop_after_write(emu):
    emu.ok('PUT', 'faults', {'drop_after_write': 1.0})
    client = emu.alidns()
    with pytest.raises(UnretryableException):
        client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='applied', type='A', value='192.0.2.1'))
    with pytest.raises(oss2.exceptions.RequestError):
        emu.bucket('demo-assets').put_bucket_cname(PutBucketCnameRequest('www.example.com'))
    assert client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='applied.example.com')).body.total_count == 1
    assert emu.query('applied.example.com', 'A')[1] == ['192.0.2.1']
    assert [c.domain for c in emu.bucket('demo-assets').list_bucket_cname().cname] == ['www.example.com']
    # reads are never dropped
    assert emu.bucket('demo-assets').get_bucket_cname_token


def test_last_operation_not_finished(emu):
    emu.ok('PUT', 'faults', {'latency_ms': 300, 'last_operation_not_finished': 1.0})
    results = {}

    def write(name, zone):
        try:
            emu.alidns().add_domain_record(m.AddDomainRecordRequest(domain_name=zone, rr=name, type='A', value='192.0.2.1', ttl=600))
            results[name] = 'ok'
        except Exception as err:  # pylint: disable=broad-except
            results[name] = err.code

    threads = [threading.Thread(target=write, args=('first', 'example.com')),
               threading.Thread(target=write, args=('second', 'example.com')),
               threading.Thread(target=write, args=('elsewhere', 'example.net'))]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    assert results == {'first': 'ok', 'second': 'LastOperationNotFinished', 'elsewhere': 'ok'}


def test_zone_write_interval_setting(emu):
    emu.ok('POST', 'reset')
    assert emu.ok('GET', 'settings')['zone_write_interval'] == 0.2  # on by default (conftest turns it off for other tests)
    assert emu.control('POST', 'settings', {'zone_write_interval': -1})[0] == 400
    assert emu.ok('POST', 'settings', {'zone_write_interval': 1.5})['zone_write_interval'] == 1.5
    assert emu.ok('POST', 'settings', {'zone_write_interval': None})['zone_write_interval'] == 0.2
    client = emu.alidns()
    client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='d1', type='A', value='192.0.2.1'))
    err = alidns_error(client.add_domain_record, m.AddDomainRecordRequest(domain_name='example.com', rr='d2', type='A',
                                                                          value='192.0.2.1'))
    assert err.code == 'LastOperationNotFinished'


def test_zone_writes_too_close_together(emu):
    """LastOperationNotFinished arises on its own: a write to a zone within zone_write_interval of the last write to
    that zone that Alidns accepted is refused (400, the message real Alidns gave). Other zones, reads and OSS are not
    paced, and a refused write starts no operation."""
    emu.ok('POST', 'settings', {'zone_write_interval': 0.5})
    client = emu.alidns()

    def add(rr, zone='example.com', value='192.0.2.1'):
        return client.add_domain_record(m.AddDomainRecordRequest(domain_name=zone, rr=rr, type='A', value=value))

    rid = add('paced1').body.record_id
    err = alidns_error(add, 'paced2')
    assert (err.code, err.status_code) == ('LastOperationNotFinished', 400)
    assert err.data['Message'] == 'You can\u2019t finish this operation because the last operation has not been finished.'
    err = alidns_error(client.delete_domain_record, m.DeleteDomainRecordRequest(record_id=rid))  # by record id: same zone
    assert err.code == 'LastOperationNotFinished'
    add('paced1', 'example.net')  # another zone
    assert client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='paced1.example.com')).body.total_count == 1
    emu.bucket('demo-assets').put_bucket_cname(PutBucketCnameRequest('www.example.com'))
    time.sleep(0.55)
    assert alidns_error(add, 'paced1').code == 'DomainRecordDuplicate'  # refused: no operation started
    add('paced2')
    time.sleep(0.55)
    add('paced3')
    assert client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='paced2.example.com')).body.total_count == 1
    snapshot = emu.ok('GET', 'calls')
    calls = snapshot['by_action']
    assert calls['AddDomainRecord']['writes'] == 6 and calls['DeleteDomainRecord']['writes'] == 1
    assert snapshot['refusals'] == {'AddDomainRecord': {'LastOperationNotFinished': 1}, 'DeleteDomainRecord': {'LastOperationNotFinished': 1}}
    emu.ok('POST', 'settings', {'zone_write_interval': 0})
    add('paced4')
    add('paced5')


def test_latency(emu):
    emu.ok('PUT', 'faults', {'latency_ms': 200, 'jitter_ms': 50})
    started = time.monotonic()
    emu.bucket('demo-assets').list_bucket_cname()
    assert 0.2 <= time.monotonic() - started < 1.0
    started = time.monotonic()
    emu.ok('GET', 'health')  # the control API is never delayed
    assert time.monotonic() - started < 0.2


def test_call_counts(emu):
    emu.ok('POST', 'calls/reset')
    emu.bucket('demo-assets').list_bucket_cname()
    emu.bucket('demo-assets').list_bucket_cname()
    emu.bucket('demo-assets').put_bucket_cname(PutBucketCnameRequest('www.example.com'))
    alidns_error(emu.alidns('other').add_domain_record, m.AddDomainRecordRequest(domain_name='example.com', rr='x', type='A',
                                                                                 value='192.0.2.1'))
    calls = emu.ok('GET', 'calls')
    assert (calls['reads'], calls['writes']) == (2, 2)
    assert calls['by_action'] == {'ListCname': {'reads': 2, 'writes': 0}, 'PutCname': {'reads': 0, 'writes': 1},
                                  'AddDomainRecord': {'reads': 0, 'writes': 1}}
    assert calls['by_account'] == {'main': {'ListCname': {'reads': 2, 'writes': 0}, 'PutCname': {'reads': 0, 'writes': 1}},
                                   'other': {'AddDomainRecord': {'reads': 0, 'writes': 1}}}
    assert calls['by_signature'] == {'oss_v4': {'main': 3}, 'acs3': {'other': 1}}
    emu.ok('POST', 'calls/reset')
    calls = emu.ok('GET', 'calls')
    assert calls.pop('by_signature_total')  # counted since the process started: a reset leaves it alone
    assert calls == {'reads': 0, 'writes': 0, 'refused': 0, 'by_action': {}, 'by_account': {}, 'by_signature': {}, 'refusals': {}}


def test_call_counts_by_signature(emu):
    """by_signature: every API call by scheme and by the account of its key, refused calls included, so that a test
    can assert that a run made no V1-signed request."""
    emu.ok('POST', 'calls/reset')
    emu.bucket('demo-assets').list_bucket_cname()
    with pytest.raises(oss2.exceptions.AccessDenied):  # V1 from a new account: refused, and counted
        emu.bucket('demo-assets', v4=False).list_bucket_cname()
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch):  # refused for a bad secret: the key still names the account
        emu.bucket('demo-assets', keys=(emu.keys['main'][0], 'wrong')).list_bucket_cname()
    emu.bucket('legacy-assets', 'legacy', v4=False).list_bucket_cname()
    with pytest.raises(oss2.exceptions.ServerError):
        emu.bucket('demo-assets', v4=False, keys=('LTAI5tNoSuchKey000000000', 'x')).list_bucket_cname()
    with pytest.raises(urllib.error.HTTPError):  # no signature at all
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(emu.url + '/demo-assets/?cname', timeout=10)
    emu.alidns().describe_domains(m.DescribeDomainsRequest())
    emu.alidns('other', v2=True).describe_domains(m.DescribeDomainsRequest())
    alidns_error(emu.alidns(keys=('LTAI5tNoSuchKey000000000', 'x')).describe_domains, m.DescribeDomainsRequest())
    emu.ok('GET', 'state')  # the control API is not an API call
    calls = emu.ok('GET', 'calls')
    assert calls['by_signature'] == {'oss_v4': {'main': 2}, 'oss_v1': {'main': 1, 'legacy': 1, 'unknown': 1},
                                     'anonymous': {'anonymous': 1}, 'acs3': {'main': 1, 'unknown': 1}, 'rpc_v2': {'other': 1}}
    assert sum(sum(per.values()) for per in calls['by_signature'].values()) == calls['reads'] + calls['writes']
    # by_signature_total outlives resets: a whole test run can be checked for V1 requests at its end.
    before = emu.ok('GET', 'calls')['by_signature_total']
    emu.ok('POST', 'reset')
    emu.bucket('demo-assets').list_bucket_cname()
    after = emu.ok('GET', 'calls')
    assert after['by_signature'] == {'oss_v4': {'main': 1}}
    assert after['by_signature_total']['oss_v4']['main'] == before['oss_v4']['main'] + 1
    assert after['by_signature_total']['oss_v1'] == before['oss_v1']
