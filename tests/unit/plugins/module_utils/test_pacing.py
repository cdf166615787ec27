# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every API attempt, retries included, waits for its turn in the shared schedule of its API and kind (read or write);
api_read_rate and api_write_rate set the rates."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _oss, _ratelimit
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudParams, RetryPolicy, alicloud_argument_spec
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import Record
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.module_utils.test_alidns import FakeClient, lost_answer, make_api

oss2 = pytest.importorskip('oss2')


class Recorder(object):
    def __init__(self):
        self.turns = []

    def __call__(self, params, api, kind, **kwargs):
        recorder = self

        class Limiter(object):
            def acquire(self):
                recorder.turns.append((api, kind))
                return 0.0
        return Limiter()


@pytest.fixture
def turns(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(_ratelimit, 'limiter_for', recorder)
    return recorder.turns


def test_the_rate_options_are_shared_options():
    spec = alicloud_argument_spec()
    assert spec['api_read_rate'] == dict(type='float') and spec['api_write_rate'] == dict(type='float')
    params = AlicloudParams.from_params(dict(api_read_rate=5.0, api_write_rate=0.0, alicloud_access_key='AK'))
    assert (params.api_read_rate, params.api_write_rate) == (5.0, 0.0)
    assert _ratelimit.rates_from_params(params)[('oss', 'read')] == 5.0
    assert _ratelimit.rates_from_params(params)[('alidns', 'write')] is None       # 0: no limit
    assert AlicloudParams(api_write_rate=-1).problem() == 'api_write_rate must be a number of calls per second from 0 (no limit) to ' \
                                                          '100000, got -1.'
    defaults = _ratelimit.rates_from_params(AlicloudParams())
    assert defaults == _ratelimit.DEFAULT_RATES


def test_every_alidns_attempt_is_paced_as_a_read_or_a_write(turns):
    client = FakeClient()
    client.faults['add_domain_record'] = [('after', lost_answer())]
    api = make_api(client)
    api.add_record('example.com', Record('www', 'A', '192.0.2.1'))
    # The add, its answer lost; the retry reads the name first and finds the record: no second add.
    assert turns == [('alidns', 'write'), ('alidns', 'read')]
    del turns[:]
    api.list_zone_records('example.com')
    info = api.zone_info('example.com')
    assert info['min_ttl'] == 600 and info['edition'] == 'mianfei' and info['lines'] is None
    api.delete_record('example.com', Record('www', 'A', '192.0.2.1', record_id=client.records[0]['RecordId']))
    assert turns == [('alidns', 'read'), ('alidns', 'read'), ('alidns', 'write')]


class FakeBucket(object):
    def __init__(self, failures):
        self.failures = failures
        self.calls = []

    def _maybe_fail(self, name):
        self.calls.append(name)
        if self.failures.get(name):
            self.failures[name] -= 1
            raise oss2.exceptions.RequestError(IOError('connection reset'))

    def list_bucket_cname(self):
        self._maybe_fail('list_bucket_cname')

        class Result(object):
            cname = []
        return Result()

    def put_bucket_cname(self, request):
        self._maybe_fail('put_bucket_cname')


def test_every_oss_attempt_is_paced_retries_included(turns):
    bucket = FakeBucket(dict(list_bucket_cname=2, put_bucket_cname=1))
    params = AlicloudParams(access_key='AK', secret_key='SK', oss_endpoint='http://127.0.0.1:1')
    params.retry_policy = lambda: RetryPolicy(max_attempts=4, sleep=lambda seconds: None)
    client = _oss.OssClient(params, 'mybucket', 'cn-hangzhou', bucket_factory=lambda *args, **kwargs: bucket)
    assert client.list_cnames() == []
    client.put_cname('www.example.com')
    assert bucket.calls == ['list_bucket_cname'] * 3 + ['put_bucket_cname'] * 2
    assert turns == [('oss', 'read')] * 3 + [('oss', 'write')] * 2


def test_the_limiter_of_a_run_is_keyed_by_account_api_and_kind(tmp_path):
    _ratelimit.reset_limiters()
    params = AlicloudParams(access_key='AK', secret_key='SK', api_write_rate=7.0)
    write = _ratelimit.limiter_for(params, 'oss', 'write', directory=str(tmp_path))
    assert write.rate == 7.0 and _ratelimit.limiter_for(params, 'oss', 'write', directory=str(tmp_path)) is write
    assert _ratelimit.limiter_for(params, 'oss', 'read', directory=str(tmp_path)).rate == _ratelimit.DEFAULT_RATES[('oss', 'read')]
    _ratelimit.reset_limiters()
