# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection and call counting."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import threading
import time

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


def test_throttle_all_writes_together(emu):
    """throttle_rps "writes": one limit shared by every write action, across OSS and Alidns; reads are not limited."""
    emu.ok('PUT', 'faults', {'throttle_rps': {'writes': 2}})
    client = emu.alidns()
    bucket = emu.bucket('demo-assets')
    outcomes = []
    started = time.monotonic()
    for i in range(3):
        try:
            client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='wcap%d' % i, type='A',
                                                              value='192.0.2.%d' % (i + 1)))
            outcomes.append('ok')
        except Exception as err:  # pylint: disable=broad-except
            assert (err.code, err.status_code) == ('Throttling.User', 400)
            outcomes.append('throttled')
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
    calls = emu.ok('GET', 'calls')['by_action']
    assert calls['AddDomainRecord']['writes'] == 3 and calls['PutCname']['writes'] == 1
    time.sleep(1.05)
    bucket.put_bucket_cname(PutBucketCnameRequest('wcap.example.com'))


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
    emu.ok('POST', 'calls/reset')
    assert emu.ok('GET', 'calls') == {'reads': 0, 'writes': 0, 'by_action': {}, 'by_account': {}}
