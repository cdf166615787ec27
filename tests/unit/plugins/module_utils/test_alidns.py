# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import socket

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudAuthError, AlicloudConflictError, AlicloudConnectionError, AlicloudError, AlicloudNotFoundError,
    AlicloudParams, AlicloudServiceError, AlicloudThrottlingError, AlicloudValidationError, RetryPolicy,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns import (
    AlidnsAPI, parse_endpoint, translate_sdk_error,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import Record, build_spec, ensure_record_set
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import JsonApiServer

sdk_exceptions = pytest.importorskip('alibabacloud_tea_openapi.exceptions')
tea_exceptions = pytest.importorskip('Tea.exceptions')
dara_exceptions = pytest.importorskip('darabonba.exceptions')


# --- endpoint parsing ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('given, expected', [
    (None, ('https', 'alidns.aliyuncs.com')),
    ('', ('https', 'alidns.aliyuncs.com')),
    ('http://127.0.0.1:18091', ('http', '127.0.0.1:18091')),
    ('http://127.0.0.1:18091/', ('http', '127.0.0.1:18091')),
    ('HTTPS://alidns.cn-hangzhou.aliyuncs.com', ('https', 'alidns.cn-hangzhou.aliyuncs.com')),
    ('alidns-vpc.cn-shanghai.aliyuncs.com', ('https', 'alidns-vpc.cn-shanghai.aliyuncs.com')),
    ('127.0.0.1:8443', ('https', '127.0.0.1:8443')),
])
def test_parse_endpoint(given, expected):
    assert parse_endpoint(given) == expected


@pytest.mark.parametrize('given', ['ftp://host', 'http://host/path', 'http://', 'host name'])
def test_parse_endpoint_refuses_what_the_sdk_would_sign_wrong(given):
    with pytest.raises(AlicloudValidationError) as exc:
        parse_endpoint(given)
    assert 'alidns_endpoint' in exc.value.message


# --- translation of SDK errors -------------------------------------------------------------------------------------

def _client_exception(cls, status, code, message='text', request_id='REQ-1', retry_after=None):
    data = {'RequestId': request_id, 'HostId': 'alidns.aliyuncs.com', 'Code': code, 'Message': message,
            'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s' % code}
    kwargs = dict(status_code=status, code=code, message='code: %s, %s request id: %s' % (status, message, request_id),
                  request_id=request_id, data=data)
    if retry_after is not None:
        kwargs['retry_after'] = retry_after
    return cls(**kwargs)


@pytest.mark.parametrize('cls_name, status, code, expected', [
    ('ClientException', 400, 'DomainRecordDuplicate', AlicloudConflictError),
    ('ClientException', 400, 'DomainRecordConflict', AlicloudConflictError),
    ('ClientException', 400, 'InvalidDomainName.NoExist', AlicloudNotFoundError),
    ('ClientException', 400, 'DomainRecordNotBelongToUser', AlicloudNotFoundError),
    ('ClientException', 400, 'SignatureDoesNotMatch', AlicloudAuthError),
    ('ClientException', 404, 'InvalidAccessKeyId.NotFound', AlicloudAuthError),
    ('ClientException', 403, 'Forbidden.RAM', AlicloudAuthError),
    ('ClientException', 400, 'Throttling.User', AlicloudThrottlingError),
    ('ClientException', 400, 'LastOperationNotFinished', AlicloudServiceError),
    ('ServerException', 503, 'ServiceUnavailable', AlicloudServiceError),
    ('ServerException', 500, 'InternalError', AlicloudServiceError),
    ('ClientException', 400, 'SubDomainInvalid.Value', AlicloudValidationError),
])
def test_translate_service_errors(cls_name, status, code, expected):
    exc = _client_exception(getattr(sdk_exceptions, cls_name), status, code, message='The DNS record already exists.')
    error = translate_sdk_error(exc)
    assert error.__class__ is expected
    assert error.code == code
    assert error.http_status == status
    assert error.request_id == 'REQ-1'
    # The service's own message, not the SDK's "code: 400, ..." wrapper.
    assert error.message == 'The DNS record already exists.'


def test_translate_throttling_with_retry_after_in_ms():
    exc = _client_exception(sdk_exceptions.ThrottlingException, 400, 'Throttling.User', retry_after=1500)
    error = translate_sdk_error(exc)
    assert isinstance(error, AlicloudThrottlingError)
    assert error.retry_after == 1.5


@pytest.mark.parametrize('text, sent', [
    ("HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded (Caused by NewConnectionError("
     "'Failed to establish a new connection: [Errno 111] Connection refused'))", False),
    ("HTTPConnectionPool(host='127.0.0.1', port=18091): Read timed out. (read timeout=30.0)", True),
    ("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))", True),
])
def test_translate_network_errors(text, sent):
    exc = tea_exceptions.UnretryableException(None, dara_exceptions.RetryError(text))
    error = translate_sdk_error(exc)
    assert isinstance(error, AlicloudConnectionError)
    assert error.sent is sent


def test_translate_invalid_credentials_and_unknown():
    exc = sdk_exceptions.ClientException(code='InvalidCredentials', message='Please set up the credentials correctly.')
    assert isinstance(translate_sdk_error(exc), AlicloudAuthError)
    unknown = translate_sdk_error(KeyError('x'))
    assert unknown.__class__ is AlicloudError and unknown.code == 'SdkError'


# --- the API over a fake SDK client --------------------------------------------------------------------------------

class Body(object):
    def __init__(self, data):
        self.data = data

    def to_map(self):
        return self.data


class Response(object):
    def __init__(self, data):
        self.body = Body(data)


def _conflict(code, status=400):
    return _client_exception(sdk_exceptions.ClientException, status, code)


class FakeClient(object):
    """Stands in for alibabacloud_alidns20150109.client.Client: records in memory, scripted faults."""

    def __init__(self, zones=('example.com', 'sub.example.com', 'example.net')):
        self.zones = list(zones)
        self.records = []
        self.calls = []
        self.faults = {}      # method -> list of ('before'|'after', exception)
        self.next_id = 100
        self.stale_reads = 0  # how many name reads still miss the newest record (a read that lags a write)
        self.refuse_duplicates = True  # False: accept even an identical record, to show that nothing relies on the refusal
        self.edition = ('Alibaba Cloud DNS', 'mianfei', 600)

    def _fault(self, method, when):
        queue = self.faults.get(method) or []
        if queue and queue[0][0] == when:
            raise queue.pop(0)[1]

    def _page(self, items, request, key):
        size = request.page_size
        start = (request.page_number - 1) * size
        return Response({'TotalCount': len(items), 'PageNumber': request.page_number, 'PageSize': size,
                         key[0]: {key[1]: items[start:start + size]}})

    def describe_domains(self, request):
        self.calls.append(('describe_domains', request.page_number))
        items = [{'DomainName': zone, 'PunyCode': zone} for zone in self.zones]
        return self._page(items, request, ('Domains', 'Domain'))

    def describe_sub_domain_records(self, request):
        self.calls.append(('describe_sub_domain_records', request.sub_domain))
        self._fault('describe_sub_domain_records', 'before')
        if request.domain_name not in self.zones:
            raise _conflict('InvalidDomainName.NoExist')
        items = [item for item in self.records if item['DomainName'] == request.domain_name
                 and (item['RR'] + '.' + request.domain_name if item['RR'] != '@' else request.domain_name) == request.sub_domain
                 and (request.type is None or item['Type'] == request.type)]
        if self.stale_reads:
            self.stale_reads -= 1
            items = items[:-1]
        return self._page(items, request, ('DomainRecords', 'Record'))

    def describe_domain_info(self, request):
        self.calls.append(('describe_domain_info', request.domain_name))
        name, code, min_ttl = self.edition
        return Response({'DomainName': request.domain_name, 'VersionName': name, 'VersionCode': code, 'MinTtl': min_ttl})

    def describe_domain_records(self, request):
        self.calls.append(('describe_domain_records', request.page_number))
        items = [item for item in self.records if item['DomainName'] == request.domain_name]
        return self._page(items, request, ('DomainRecords', 'Record'))

    def add_domain_record(self, request):
        self.calls.append(('add_domain_record', request.value))
        self._fault('add_domain_record', 'before')
        for item in self.records:
            if (item['RR'], item['Type'], item['Value']) == (request.rr, request.type, request.value) and self.refuse_duplicates:
                raise _conflict('DomainRecordDuplicate')
        self.next_id += 1
        self.records.append({'DomainName': request.domain_name, 'RR': request.rr, 'Type': request.type, 'Value': request.value,
                             'TTL': request.ttl, 'Line': request.line, 'RecordId': str(self.next_id), 'Status': 'ENABLE',
                             'Locked': False, 'Priority': request.priority})
        self._fault('add_domain_record', 'after')
        return Response({'RecordId': str(self.next_id), 'RequestId': 'R'})

    def update_domain_record(self, request):
        self.calls.append(('update_domain_record', request.record_id))
        self._fault('update_domain_record', 'before')
        for item in self.records:
            if item['RecordId'] == request.record_id:
                if (item['Value'], item['TTL']) == (request.value, request.ttl):
                    raise _conflict('DomainRecordDuplicate')
                item.update(Value=request.value, TTL=request.ttl)
                self._fault('update_domain_record', 'after')
                return Response({'RecordId': request.record_id, 'RequestId': 'R'})
        raise _conflict('DomainRecordNotBelongToUser')

    def delete_domain_record(self, request):
        self.calls.append(('delete_domain_record', request.record_id))
        for item in list(self.records):
            if item['RecordId'] == request.record_id:
                self.records.remove(item)
                return Response({'RecordId': request.record_id, 'RequestId': 'R'})
        raise _conflict('DomainRecordNotBelongToUser')

    def writes(self):
        return [call for call in self.calls if not call[0].startswith('describe')]


def lost_answer():
    return tea_exceptions.UnretryableException(None, dara_exceptions.RetryError(
        "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))"))


def make_api(client, attempts=4):
    params = AlicloudParams(access_key='AK', secret_key='SK')
    return AlidnsAPI(params, client=client, policy_factory=lambda: RetryPolicy(max_attempts=attempts, sleep=lambda s: None))


def test_find_zone_longest_match_cached_and_error_names_zone():
    client = FakeClient()
    client.zones = ['zone%03d.example' % number for number in range(250)] + ['example.com', 'sub.example.com']
    api = make_api(client)
    assert api.find_zone('a.sub.example.com') == 'sub.example.com'
    assert api.find_zone('example.com') == 'example.com'
    assert [call for call in client.calls if call[0] == 'describe_domains'] == [
        ('describe_domains', 1), ('describe_domains', 2), ('describe_domains', 3)]
    with pytest.raises(AlicloudNotFoundError) as exc:
        api.find_zone('www.example.org')
    assert exc.value.code == 'InvalidDomainName.NoExist'
    assert 'example.org' in exc.value.message
    assert len([call for call in client.calls if call[0] == 'describe_domains']) == 3


def test_list_name_records_reads_all_pages_exactly():
    client = FakeClient()
    for number in range(230):
        client.records.append({'DomainName': 'example.com', 'RR': 'www', 'Type': 'TXT', 'Value': 'v%d' % number, 'TTL': 600,
                               'Line': 'default', 'RecordId': str(number)})
    client.records.append({'DomainName': 'example.com', 'RR': 'WWW', 'Type': 'A', 'Value': '192.0.2.1', 'TTL': 600,
                           'Line': 'telecom', 'RecordId': 'x'})
    api = make_api(client)
    records = api.list_name_records('example.com', 'www', line='default')
    assert len(records) == 230
    assert len([call for call in client.calls if call[0] == 'describe_sub_domain_records']) == 3


def test_missing_zone_error_names_the_zone():
    api = make_api(FakeClient())
    with pytest.raises(AlicloudNotFoundError) as exc:
        api.list_name_records('example.org', 'www')
    assert 'example.org' in exc.value.message and exc.value.code == 'InvalidDomainName.NoExist'


def test_add_after_lost_answer_rereads_and_creates_no_duplicate():
    client = FakeClient()
    client.faults['add_domain_record'] = [('after', lost_answer())]
    api = make_api(client)
    record_id = api.add_record('example.com', Record('www', 'A', '192.0.2.1'))
    assert record_id == client.records[0]['RecordId']
    assert len(client.records) == 1
    assert [call[0] for call in client.writes()] == ['add_domain_record']


def test_add_after_a_5xx_rereads_before_it_retries():
    client = FakeClient()
    # The first answer is a 503 although the record was written: the retry reads the name and finds it.
    client.faults['add_domain_record'] = [('after', _conflict('ServiceUnavailable', 503))]
    api = make_api(client)
    record_id = api.add_record('example.com', Record('www', 'A', '192.0.2.1'))
    assert record_id == client.records[0]['RecordId'] and len(client.records) == 1
    assert len(client.writes()) == 1


def test_add_duplicate_on_retry_is_success_once_read_confirms():
    client = FakeClient()
    # The answer is lost after the write, and the read before the retry lags behind it: the retry meets
    # DomainRecordDuplicate, which counts as success once a read shows the record.
    client.faults['add_domain_record'] = [('after', lost_answer())]
    client.stale_reads = 1
    api = make_api(client)
    record_id = api.add_record('example.com', Record('www', 'A', '192.0.2.1'))
    assert record_id == client.records[0]['RecordId'] and len(client.records) == 1
    assert len(client.writes()) == 2


@pytest.mark.parametrize('faults', [
    [('after', 'lost')],
    [('after', 'lost'), ('after', 'lost')],
    [('before', 'LastOperationNotFinished'), ('after', 'lost')],
    [('after', 'InternalError')],
    [('before', 'lost'), ('after', 'lost')],
], ids=['lost', 'lost-twice', 'unfinished-then-lost', '500-after-write', 'dropped-then-lost'])
def test_a_lost_reply_never_makes_a_second_cname(faults):
    """Alidns accepts several CNAMEs at one name (weighted round robin): a retried AddDomainRecord whose first answer was lost
    must read the name before adding again, so that exactly one CNAME exists. The fake accepts even an identical record here,
    so the test does not lean on DomainRecordDuplicate."""
    client = FakeClient()
    client.refuse_duplicates = False
    errors = {'lost': lost_answer, 'LastOperationNotFinished': lambda: _conflict('LastOperationNotFinished'),
              'InternalError': lambda: _conflict('InternalError', 500)}
    client.faults['add_domain_record'] = [(when, errors[kind]()) for when, kind in faults]
    api = make_api(client, attempts=5)
    spec = build_spec(dict(zone='example.com', rr='www', type='CNAME', value=['demo-assets.oss-cn-hangzhou.aliyuncs.com'],
                           ttl=600, line='default', state='present', on_existing='replace'))
    plan = ensure_record_set(api, spec)
    cnames = [item for item in client.records if (item['RR'], item['Type']) == ('www', 'CNAME')]
    assert [item['Value'] for item in cnames] == ['demo-assets.oss-cn-hangzhou.aliyuncs.com']
    assert plan.creates[0].record_id == cnames[0]['RecordId']
    # the name is read before every retry of the add; it is added again only when the read does not show it
    adds = [call for call in client.writes() if call[0] == 'add_domain_record']
    assert len(adds) == 1 + sum(1 for when, kind in faults if when == 'before')
    # a second run changes nothing
    assert not ensure_record_set(api, build_spec(dict(zone='example.com', rr='www', type='CNAME',
                                                      value=['demo-assets.oss-cn-hangzhou.aliyuncs.com'], ttl=600,
                                                      line='default', state='present', on_existing='replace'))).changed


def test_quota_exceeded_ttl_names_the_range_of_the_zone():
    client = FakeClient()
    client.faults['add_domain_record'] = [('before', _conflict('QuotaExceeded.TTL'))]
    with pytest.raises(AlicloudValidationError) as exc:
        make_api(client).add_record('example.net', Record('www', 'A', '192.0.2.1', ttl=60))
    assert exc.value.code == 'QuotaExceeded.TTL' and exc.value.http_status == 400 and exc.value.request_id == 'REQ-1'
    assert exc.value.message.startswith('ttl: 60 is below the minimum TTL of the zone example.net') and 'www.example.net' in exc.value.message
    # the message of the check made before the first write (issue 15), not "Nothing was changed": earlier writes may have gone
    assert 'edition "Alibaba Cloud DNS" (mianfei), whose minimum TTL is 600 seconds' in exc.value.message
    assert 'Nothing was changed' not in exc.value.message
    assert len(client.writes()) == 1  # refused for good: not retried
    client.records.append({'DomainName': 'example.net', 'RR': 'www', 'Type': 'A', 'Value': '192.0.2.1', 'TTL': 600,
                           'Line': 'default', 'RecordId': '7'})
    client.faults['update_domain_record'] = [('before', _conflict('QuotaExceeded.TTL'))]
    client.edition = ('Enterprise Standard Edition', 'version_enterprise_basic', 60)
    with pytest.raises(AlicloudValidationError) as exc:
        make_api(client).update_record('example.net', Record('www', 'A', '192.0.2.1', ttl=30, record_id='7'))
    assert 'edition "Enterprise Standard Edition" (version_enterprise_basic), whose minimum TTL is 60 seconds' in exc.value.message


def test_add_duplicate_without_retry_is_an_error():
    client = FakeClient()
    client.records.append({'DomainName': 'example.com', 'RR': 'www', 'Type': 'A', 'Value': '192.0.2.1', 'TTL': 600,
                           'Line': 'default', 'RecordId': '1'})
    with pytest.raises(AlicloudConflictError):
        make_api(client).add_record('example.com', Record('www', 'A', '192.0.2.1'))


def test_last_operation_not_finished_is_retried():
    client = FakeClient()
    client.faults['add_domain_record'] = [('before', _conflict('LastOperationNotFinished')), ('before', _conflict('Throttling.User'))]
    assert make_api(client).add_record('example.com', Record('www', 'A', '192.0.2.1'))
    assert len(client.records) == 1 and len(client.writes()) == 3


def test_update_after_lost_answer_confirms_by_reading():
    client = FakeClient()
    client.records.append({'DomainName': 'example.com', 'RR': 'www', 'Type': 'A', 'Value': '192.0.2.1', 'TTL': 600,
                           'Line': 'default', 'RecordId': '1'})
    client.faults['update_domain_record'] = [('after', lost_answer())]
    api = make_api(client)
    assert api.update_record('example.com', Record('www', 'A', '192.0.2.1', ttl=300, record_id='1')) == '1'
    assert client.records[0]['TTL'] == 300
    assert len(client.writes()) == 2


def test_delete_of_a_record_already_gone_is_success():
    api = make_api(FakeClient())
    assert api.delete_record('example.com', Record('www', 'A', '192.0.2.1', record_id='404')) == '404'


def test_errors_that_cannot_be_retried_are_not():
    client = FakeClient()
    client.faults['add_domain_record'] = [('before', _conflict('SignatureDoesNotMatch'))]
    with pytest.raises(AlicloudAuthError):
        make_api(client).add_record('example.com', Record('www', 'A', '192.0.2.1'))
    assert len(client.writes()) == 1


# --- the real SDK against a throw-away local server ----------------------------------------------------------------

@pytest.fixture
def local_server():
    with JsonApiServer() as server:
        yield server


def test_real_sdk_endpoint_user_agent_and_error_translation(local_server):
    pytest.importorskip('alibabacloud_alidns20150109')
    port = local_server.port
    params = AlicloudParams(access_key='AK', secret_key='SK', alidns_endpoint='http://127.0.0.1:%d' % port, timeout=5)
    api = AlidnsAPI(params, policy_factory=lambda: RetryPolicy(max_attempts=1, sleep=lambda s: None))
    local_server.replies[:] = [
        (200, {'RequestId': 'A', 'TotalCount': 1, 'PageNumber': 1, 'PageSize': 100, 'DomainRecords': {'Record': [
            {'RR': 'www', 'Type': 'CNAME', 'Value': 'Target.example.net', 'TTL': 600, 'Line': 'default', 'RecordId': '17',
             'Status': 'ENABLE', 'Locked': False}]}}),
        (400, {'RequestId': 'B', 'HostId': 'alidns.aliyuncs.com', 'Code': 'DomainRecordConflict',
               'Message': 'The DNS record is conflict with other records.'}),
    ]
    records = api.list_name_records('example.com', 'www')
    assert [(record.record_id, record.value) for record in records] == [('17', 'target.example.net')]
    path, headers, dummy = local_server.seen[0]
    assert headers['host'] == '127.0.0.1:%d' % port
    assert headers['x-acs-action'] == 'DescribeSubDomainRecords'
    assert 'SubDomain=www.example.com' in path
    assert 'AnsibleCollection/alicloud_oss.domains' in headers['user-agent']
    with pytest.raises(AlicloudConflictError) as exc:
        api.add_record('example.com', Record('www', 'A', '192.0.2.1'))
    assert exc.value.code == 'DomainRecordConflict' and exc.value.request_id == 'B' and exc.value.http_status == 400


def test_real_sdk_connection_refused_is_not_sent():
    pytest.importorskip('alibabacloud_alidns20150109')
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    params = AlicloudParams(access_key='AK', secret_key='SK', alidns_endpoint='http://127.0.0.1:%d' % port, timeout=2)
    api = AlidnsAPI(params, policy_factory=lambda: RetryPolicy(max_attempts=1, sleep=lambda s: None))
    with pytest.raises(AlicloudConnectionError) as exc:
        api.list_zones()
    assert exc.value.sent is False


def test_set_record_status_pauses_and_enables():
    client = FakeClient()
    seen = []
    client.set_domain_record_status = lambda request: seen.append((request.record_id, request.status)) or Response({'RecordId': '7'})
    api = make_api(client)
    api.set_record_status('example.com', Record('www', 'A', '192.0.2.1', record_id='7', status='DISABLE'))
    api.set_record_status('example.com', Record('www', 'A', '192.0.2.1', record_id='7'))
    assert seen == [('7', 'Disable'), ('7', 'Enable')]
