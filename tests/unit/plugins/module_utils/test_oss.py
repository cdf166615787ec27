# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OSS client over real oss2, against a loopback HTTP server that replays canned responses."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import socket
import sys
import threading

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cname, _credentials, _oss
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudAuthError, AlicloudConnectionError, AlicloudError, AlicloudNotFoundError, AlicloudParams, AlicloudServiceError,
    AlicloudValidationError, RetryPolicy,
)
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import canned, list_cname_body

oss2 = pytest.importorskip('oss2')

try:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
except ImportError:  # pragma: no cover
    pytest.skip('needs Python 3', allow_module_level=True)

UTC = datetime.timezone.utc

LIST_BODY = canned('list_cname.xml')

TOKEN_BODY = canned('cname_token.xml')


def error_body(code, message='m', extra=''):
    return ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>RID-BODY</RequestId>'
            '<HostId>127.0.0.1</HostId>%s</Error>' % (code, message, extra)).encode('utf-8')


class Replay(object):
    """Canned responses, served in order; every request is recorded."""

    def __init__(self):
        self.responses = []
        self.requests = []

    def add(self, status=200, body=b'', headers=None, drop=False):
        self.responses.append((status, body, headers or {}, drop))


@pytest.fixture
def server():
    replay = Replay()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):  # pylint: disable=arguments-differ
            pass

        def _serve(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            replay.requests.append(dict(method=self.command, path=self.path, headers=dict(self.headers), body=body))
            status, payload, headers, drop = replay.responses.pop(0) if replay.responses else (500, b'', {}, False)
            if drop:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.send_response_only(status)
            self.send_header('Date', headers.pop('Date', self.date_time_string()))
            self.send_header('x-oss-request-id', headers.pop('x-oss-request-id', 'RID-%d' % len(replay.requests)))
            self.send_header('Content-Length', str(len(payload)))
            if payload:
                self.send_header('Content-Type', 'application/xml')
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs=dict(poll_interval=0.02))
    thread.daemon = True
    thread.start()
    replay.endpoint = 'http://127.0.0.1:%d' % httpd.server_address[1]
    yield replay
    httpd.shutdown()
    httpd.server_close()


def make_client(endpoint, retries=3, timeout=5.0, sleeps=None, **kwargs):
    params = AlicloudParams(access_key='AKID', secret_key='SECRET', region='cn-hangzhou', oss_endpoint=endpoint,
                            retries=retries, timeout=timeout, **kwargs)
    sleeps = sleeps if sleeps is not None else []
    params.retry_policy = lambda: RetryPolicy(max_attempts=retries + 1, sleep=sleeps.append, rand=lambda: 0.0)
    return _oss.OssClient(params, 'mybucket', 'cn-hangzhou')


# --- endpoint and auth ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('given, expected', [
    (None, 'https://oss-cn-hangzhou.aliyuncs.com'),
    ('oss-cn-hangzhou-internal.aliyuncs.com', 'https://oss-cn-hangzhou-internal.aliyuncs.com'),
    ('127.0.0.1:8080', 'https://127.0.0.1:8080'),
    ('http://127.0.0.1:8080/', 'http://127.0.0.1:8080'),
    ('HTTPS://oss.example.net', 'https://oss.example.net'),
])
def test_endpoint_url(given, expected):
    assert _oss.endpoint_url(given, 'cn-hangzhou') == expected


@pytest.mark.parametrize('given', ['ftp://host', 'http://[::1]:9000', 'http://', 'a b', 'https://oss.example.net/some/path'])
def test_endpoint_url_refuses_what_oss2_cannot_use(given):
    with pytest.raises(AlicloudValidationError) as err:
        _oss.endpoint_url(given, 'cn-hangzhou')
    assert err.value.message.startswith('oss_endpoint:')


def _signed_with(auth, params, region='cn-hangzhou'):
    """Sign a request with auth and return (authorization header, security token header)."""
    request = oss2.http.Request('GET', 'http://127.0.0.1:1/mybucket/', params={'cname': ''}, region=region, product='oss')
    auth._sign_request(request, 'mybucket', '')
    return request.headers['authorization'], request.headers.get('x-oss-security-token')


@pytest.mark.parametrize('kwargs', [
    dict(access_key='AKID', secret_key='SECRET'),
    dict(access_key='AKID', secret_key='SECRET', security_token='STS-TOKEN'),
])
def test_v4_is_the_default_for_every_source(kwargs):
    params = AlicloudParams(**kwargs)
    auth = _oss.make_auth(params)
    assert isinstance(auth, oss2.ProviderAuthV4)
    header, token = _signed_with(auth, params, region='eu-central-1')
    assert header.startswith('OSS4-HMAC-SHA256 Credential=AKID/')
    assert '/eu-central-1/oss/aliyun_v4_request' in header
    assert token == kwargs.get('security_token')


def test_v1_only_with_the_option():
    params = AlicloudParams(access_key='AKID', secret_key='SECRET', security_token='STS-TOKEN', oss_signature_version='v1')
    auth = _oss.make_auth(params)
    assert isinstance(auth, oss2.ProviderAuth) and not isinstance(auth, oss2.ProviderAuthV4)
    header, token = _signed_with(auth, params)
    assert header.startswith('OSS AKID:') and token == 'STS-TOKEN'


def test_the_signer_asks_the_provider_for_every_request(monkeypatch):
    """A provider that refreshes (as an STS or ECS-role provider does) is asked again for each request: nothing is cached."""
    issued = []

    class Refreshing(object):
        def get_credentials(self):
            issued.append('STS.KEY-%d' % len(issued))
            return _credentials.StaticCredentials(issued[-1], 'secret-number-%d' % len(issued), 'token-number-%d' % len(issued))

        def get_provider_name(self):
            return 'ram_role_arn'

    params = AlicloudParams(access_key='AKID', secret_key='SECRET')
    run = params.credentials()
    monkeypatch.setattr(run, '_provider', Refreshing())
    auth = _oss.make_auth(params)
    first = _signed_with(auth, params)
    second = _signed_with(auth, params)
    assert first[0].startswith('OSS4-HMAC-SHA256 Credential=STS.KEY-0/') and first[1] == 'token-number-1'
    assert second[0].startswith('OSS4-HMAC-SHA256 Credential=STS.KEY-1/') and second[1] == 'token-number-2'


def test_the_bucket_is_built_with_its_region_for_v4():
    seen = {}

    def factory(auth, endpoint, bucket, **kwargs):
        seen.update(kwargs)
        return object()

    _oss.OssClient(AlicloudParams(access_key='a', secret_key='b'), 'mybucket', 'oss-eu-central-1', bucket_factory=factory)
    assert seen['region'] == 'eu-central-1'


def test_a_source_that_cannot_give_credentials_fails_before_any_request(server):
    params = AlicloudParams(access_key='AKID', secret_key='SECRET', oss_endpoint=server.endpoint)
    run = params.credentials()

    class Broken(object):
        def get_credentials(self):
            raise ValueError('the access key id is empty')

    run._provider = Broken()
    with pytest.raises(AlicloudAuthError) as err:
        _oss.OssClient(params, 'mybucket', 'cn-hangzhou')
    assert 'the access key AKID (from the options alicloud_access_key and alicloud_secret_key)' in err.value.message
    assert server.requests == []


@pytest.mark.parametrize('timeout, expected', [(30.0, (5.0, 30.0)), (2.0, (2.0, 2.0))])
def test_timeout_is_connect_read_pair(timeout, expected):
    seen = {}

    def factory(auth, endpoint, bucket, **kwargs):
        seen.update(kwargs, endpoint=endpoint, bucket=bucket)
        return object()

    params = AlicloudParams(access_key='a', secret_key='b', oss_endpoint='http://127.0.0.1:1', timeout=timeout)
    _oss.OssClient(params, 'mybucket', 'cn-hangzhou', bucket_factory=factory)
    assert seen['connect_timeout'] == expected
    assert seen['endpoint'] == 'http://127.0.0.1:1' and seen['bucket'] == 'mybucket'


# --- the five operations over the wire --------------------------------------------------------------------------------

def test_list_cnames_returns_plain_dicts(server):
    server.add(body=LIST_BODY)
    bindings = make_client(server.endpoint).list_cnames()
    assert server.requests[0]['method'] == 'GET'
    assert server.requests[0]['path'] == '/mybucket/?cname='
    assert server.requests[0]['headers']['authorization'].startswith('OSS4-HMAC-SHA256 Credential=AKID/')
    assert '/cn-hangzhou/oss/aliyun_v4_request, Signature=' in server.requests[0]['headers']['authorization']
    assert bindings == [
        dict(domain='example.com', status='Enabled', last_modified='2021-09-15T02:35:07.000Z', certificate=dict(
            type='CAS', cert_id='493****-cn-hangzhou', status='Enabled', creation_date='Wed, 15 Sep 2021 02:35:06 GMT',
            fingerprint='DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:**:**',
            valid_start_date='Wed, 12 Apr 2023 10:14:51 GMT', valid_end_date='Mon, 4 May 2048 10:14:51 GMT')),
        dict(domain='example.org', status='Enabled', last_modified='2021-09-15T02:34:58.000Z', certificate=None),
        dict(domain='example.edu', status='Disabled', last_modified='2021-09-15T02:50:34.000Z', certificate=None),
    ]


def test_sts_token_goes_on_the_wire(server):
    server.add(body=list_cname_body('mybucket'))
    assert make_client(server.endpoint, security_token='STS-TOKEN').list_cnames() == []
    assert server.requests[0]['headers']['x-oss-security-token'] == 'STS-TOKEN'


def test_put_cname_sends_only_the_certificate_fields_given(server):
    server.add()
    make_client(server.endpoint).put_cname('www.example.com', dict(cert_id='1-cn-hangzhou', previous_cert_id='0-cn-hangzhou',
                                                                   force=False))
    request = server.requests[0]
    assert request['method'] == 'POST' and request['path'] == '/mybucket/?cname=&comp=add'
    assert request['body'] == (b'<BucketCnameConfiguration><Cname><Domain>www.example.com</Domain><CertificateConfiguration>'
                               b'<CertId>1-cn-hangzhou</CertId><PreviousCertId>0-cn-hangzhou</PreviousCertId>'
                               b'</CertificateConfiguration></Cname></BucketCnameConfiguration>')
    server.add()
    make_client(server.endpoint).put_cname('www.example.com', dict(delete_certificate=True))
    assert b'<DeleteCertificate>True</DeleteCertificate>' in server.requests[1]['body']
    assert b'Force' not in server.requests[1]['body']


def test_error_is_translated_with_code_request_id_and_status(server):
    server.add(403, error_body('NeedVerifyDomainOwnership', 'Please verify domain ownership by CreateCnameToken and try again.'),
               headers={'x-oss-request-id': 'RID-403'})
    with pytest.raises(AlicloudError) as err:
        make_client(server.endpoint).put_cname('old.example.com')
    assert err.value.code == 'NeedVerifyDomainOwnership'
    assert err.value.request_id == 'RID-403'
    assert err.value.http_status == 403
    assert 'verify domain ownership' in err.value.message
    assert len(server.requests) == 1


def test_no_such_bucket_is_not_found_and_not_retried(server):
    server.add(404, error_body('NoSuchBucket', 'The specified bucket does not exist.', '<Bucket>mybucket</Bucket>'))
    with pytest.raises(AlicloudNotFoundError) as err:
        make_client(server.endpoint).list_cnames()
    assert err.value.code == 'NoSuchBucket' and err.value.details.get('Bucket') == 'mybucket'
    assert len(server.requests) == 1


def test_conflict_keeps_cname_type_detail(server):
    server.add(409, error_body('CnameAlreadyExists', 'The cname already exists.', '<CnameType>CNAME_OSS</CnameType>'))
    with pytest.raises(AlicloudError) as err:
        make_client(server.endpoint).put_cname('www.example.com')
    assert err.value.code == 'CnameAlreadyExists' and err.value.details['CnameType'] == 'CNAME_OSS'


def test_transient_errors_are_retried_with_backoff(server):
    sleeps = []
    server.add(503, error_body('ServiceUnavailable'))
    server.add(500, b'<html>bad gateway</html>')
    server.add(body=list_cname_body('mybucket'))
    client = make_client(server.endpoint, sleeps=sleeps)
    assert client.list_cnames() == []
    assert len(server.requests) == 3
    assert sleeps == [0.25, 0.5]
    assert client.retried


def test_retries_run_out(server):
    for dummy in range(3):
        server.add(503, error_body('ServiceUnavailable'))
    with pytest.raises(AlicloudServiceError):
        make_client(server.endpoint, retries=2).list_cnames()
    assert len(server.requests) == 3


def test_dropped_connection_is_a_retried_connection_error(server):
    server.add(drop=True)
    server.add()
    client = make_client(server.endpoint)
    client.delete_cname('www.example.com')
    assert len(server.requests) == 2 and client.retried
    server.add(drop=True)
    with pytest.raises(AlicloudConnectionError) as err:
        make_client(server.endpoint, retries=0).list_cnames()
    assert err.value.sent is True


def test_connection_refused_was_not_sent():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(AlicloudConnectionError) as err:
        make_client('http://127.0.0.1:%d' % port, retries=0).list_cnames()
    assert err.value.sent is False


def test_delete_of_unbound_domain_is_done(server):
    server.add(404, error_body('NoSuchCname'))
    make_client(server.endpoint).delete_cname('gone.example.com')
    assert server.requests[0]['path'] == '/mybucket/?cname=&comp=delete'


def test_tokens(server):
    server.add(body=TOKEN_BODY, headers={'Date': 'Wed, 23 Feb 2022 20:00:00 GMT'})
    token = make_client(server.endpoint).get_token('example.com')
    assert server.requests[0]['path'] == '/mybucket/?cname=example.com&comp=token'
    assert token['token'] == 'be1d49d863dea9ffeff3df7d6455****'
    assert token['expire_time'] == 'Wed, 23 Feb 2022 21:39:42 GMT'
    assert token['server_time'] == datetime.datetime(2022, 2, 23, 20, 0, 0, tzinfo=UTC)
    assert _cname.token_is_valid(token)
    token['server_time'] = datetime.datetime(2022, 2, 23, 21, 39, 42, tzinfo=UTC)
    assert not _cname.token_is_valid(token)

    server.add(404, error_body('CnameTokenNotFound', 'Cname token not found.'))
    assert make_client(server.endpoint).get_token('example.com') is None

    server.add(body=TOKEN_BODY)
    created = make_client(server.endpoint).create_token('example.com')
    assert server.requests[-1]['method'] == 'POST' and server.requests[-1]['path'] == '/mybucket/?cname=&comp=token'
    assert created['token'] == 'be1d49d863dea9ffeff3df7d6455****'


def test_unparseable_answer_is_a_service_error(server):
    server.add(body=b'<CnameToken><Bucket>b</Bucket></CnameToken>')
    with pytest.raises(AlicloudServiceError) as err:
        make_client(server.endpoint, retries=0).get_token('example.com')
    assert err.value.code == 'MalformedResponse'


def test_missing_oss2_is_reported(monkeypatch):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements
    monkeypatch.setattr(_requirements, '_LOADED', {})
    monkeypatch.setitem(sys.modules, 'oss2', None)   # import raises ImportError
    with pytest.raises(_oss.MissingLibraryError) as err:
        _oss.OssClient(AlicloudParams(access_key='a', secret_key='b'), 'mybucket', 'cn-hangzhou')
    assert err.value.name == 'oss2 >= 2.18.4' and 'oss2' in err.value.trace


# --- plan -------------------------------------------------------------------------------------------------------------

BOUND_CAS = dict(domain='www.example.com', status='Enabled', last_modified='x',
                 certificate=dict(type='CAS', cert_id='1-cn-hangzhou', fingerprint='AA:BB', valid_end_date=None))


def test_plan_binds_and_unbinds_only_on_difference():
    assert _cname.plan_binding('present', None).action == 'bind'
    assert not _cname.plan_binding('present', dict(domain='d', certificate=None)).changed
    assert _cname.plan_binding('absent', dict(domain='d')).action == 'unbind'
    assert not _cname.plan_binding('absent', None).changed


def test_plan_certificate_by_id():
    same = _cname.plan_binding('present', BOUND_CAS, dict(cert_id='1-cn-hangzhou'))
    assert not same.changed
    rotate = _cname.plan_binding('present', BOUND_CAS, dict(cert_id='2-cn-hangzhou'))
    assert rotate.action == 'certificate'
    assert rotate.certificate == dict(cert_id='2-cn-hangzhou', previous_cert_id='1-cn-hangzhou')
    forced = _cname.plan_binding('present', BOUND_CAS, dict(cert_id='2-cn-hangzhou'), force=True)
    assert forced.certificate['force'] is True
    first = _cname.plan_binding('present', None, dict(cert_id='2-cn-hangzhou'))
    assert first.action == 'bind' and first.certificate == dict(cert_id='2-cn-hangzhou', force=True)


def test_plan_delete_certificate():
    plan = _cname.plan_binding('present', BOUND_CAS, delete_certificate=True)
    assert plan.certificate == dict(delete_certificate=True)
    assert not _cname.plan_binding('present', dict(domain='d', certificate=None), delete_certificate=True).changed


def _bucket_xml(name):
    return ('<Bucket><CreationDate>2024-01-01T00:00:00.000Z</CreationDate><ExtranetEndpoint>oss-cn-hangzhou.aliyuncs.com'
            '</ExtranetEndpoint><IntranetEndpoint>oss-cn-hangzhou-internal.aliyuncs.com</IntranetEndpoint><Location>oss-cn-hangzhou'
            '</Location><Name>%s</Name><StorageClass>Standard</StorageClass></Bucket>' % name)


def test_find_holder_lists_buckets_then_their_cnames(server):
    server.add(body=('<ListAllMyBucketsResult><Buckets>%s%s%s</Buckets></ListAllMyBucketsResult>'
                     % (_bucket_xml('mybucket'), _bucket_xml('other-a'), _bucket_xml('other-b'))).encode('ascii'))
    server.add(body=list_cname_body('other-a'))
    server.add(body=list_cname_body('other-b', [('WWW.example.com', 'Enabled')]))
    assert make_client(server.endpoint).find_holder('www.example.com') == ('other-b', None)
    assert [request['path'] for request in server.requests] == ['/?prefix=&marker=&max-keys=100', '/other-a/?cname=', '/other-b/?cname=']
    # every request V4-signed, for the region the bucket is listed in (here all cn-hangzhou)
    for request in server.requests:
        assert request['headers']['authorization'].startswith('OSS4-HMAC-SHA256 Credential=AKID/')
        assert '/cn-hangzhou/oss/aliyun_v4_request' in request['headers']['authorization']


def test_find_holder_says_why_it_cannot_tell(server):
    server.add(501, error_body('NotImplemented'))
    holder, why = make_client(server.endpoint).find_holder('www.example.com')
    assert holder is None and 'NotImplemented' in why
    assert len(server.requests) == 1


def test_find_holder_signs_each_bucket_for_its_own_region(server):
    eu = _bucket_xml('other-eu').replace('oss-cn-hangzhou', 'oss-eu-central-1')
    server.add(body=('<ListAllMyBucketsResult><Buckets>%s</Buckets></ListAllMyBucketsResult>' % eu).encode('ascii'))
    server.add(body=list_cname_body('other-eu', [('www.example.com', 'Enabled')]))
    assert make_client(server.endpoint).find_holder('www.example.com') == ('other-eu', None)
    assert '/cn-hangzhou/oss/' in server.requests[0]['headers']['authorization']
    assert '/eu-central-1/oss/' in server.requests[1]['headers']['authorization']


# --- refusals: the wrong region, V1, a wrong key ----------------------------------------------------------------------

WRONG_REGION = error_body('AccessDenied', 'The bucket you are attempting to access must be addressed using the specified endpoint. '
                          'Please send all future requests to this endpoint.',
                          '<Bucket>demo-eu</Bucket><Endpoint>oss-eu-central-1.aliyuncs.com</Endpoint><EC>0003-00001403</EC>')


def test_wrong_region_refusal_keeps_the_endpoint_and_names_the_region(server):
    server.add(403, WRONG_REGION)
    client = make_client(server.endpoint)
    with pytest.raises(AlicloudError) as err:
        client.list_cnames()
    assert err.value.code == 'AccessDenied' and err.value.details['Endpoint'] == 'oss-eu-central-1.aliyuncs.com'
    assert _cname.bucket_region_from_error(err.value) == 'eu-central-1'
    message, extra = _cname.explain_cname_error(client, err.value, 'demo-eu', 'www.example.com', 'cn-hangzhou', client.endpoint)
    assert message.startswith('The bucket demo-eu is in region eu-central-1; set alicloud_region: eu-central-1.')
    assert extra == {'bucket_region': 'eu-central-1'}
    # not the credentials' fault: the message does not blame them
    assert 'credentials:' not in err.value.message
    assert len(server.requests) == 1


@pytest.mark.parametrize('endpoint, region', [
    ('oss-eu-central-1.aliyuncs.com', 'eu-central-1'),
    ('demo-eu.oss-eu-central-1.aliyuncs.com', 'eu-central-1'),
    ('oss-cn-hangzhou-internal.aliyuncs.com', 'cn-hangzhou'),
    ('OSS-AP-SOUTHEAST-1.aliyuncs.com', 'ap-southeast-1'),
    ('oss.example.net', None),
    ('', None),
])
def test_bucket_region_from_the_endpoint_element(endpoint, region):
    error = AlicloudAuthError('AccessDenied', 'must be addressed using the specified endpoint', http_status=403,
                              details={'Endpoint': endpoint} if endpoint else {})
    assert _cname.bucket_region_from_error(error) == region


class _Module(object):
    """Enough of AnsibleModule for _cname._fail_api."""

    def __init__(self):
        self.failed = None
        self.no_log_values = set()

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise SystemExit(1)


def test_wrong_region_failure_reports_the_right_cname_target(server):
    server.add(403, WRONG_REGION)
    client = make_client(server.endpoint)
    target = _cname.cname_target('demo-eu', 'cn-hangzhou', 'public')
    result = dict(changed=False, bucket='demo-eu', domain='www.example.com', target=target,
                  cname_record=dict(name='www.example.com', type='CNAME', value=target))
    with pytest.raises(AlicloudError) as err:
        client.list_cnames()
    module = _Module()
    with pytest.raises(SystemExit):
        _cname._fail_api(module, client, err.value, 'demo-eu', 'www.example.com', 'cn-hangzhou', ['SECRET'], result)
    failed = module.failed
    assert failed['msg'].startswith('The bucket demo-eu is in region eu-central-1; set alicloud_region: eu-central-1.')
    assert failed['bucket_region'] == 'eu-central-1'
    assert failed['target'] == 'demo-eu.oss-eu-central-1.aliyuncs.com'
    assert failed['cname_record']['value'] == 'demo-eu.oss-eu-central-1.aliyuncs.com'
    assert failed['error_code'] == 'AccessDenied' and failed['http_status'] == 403


def test_wrong_region_fails_the_module_before_any_write(server, monkeypatch):
    """oss_bucket_cname end to end over oss2: ListCname is refused, nothing else is sent, the result names the region."""
    from ansible_collections.alicloud_oss.domains.plugins.modules import oss_bucket_cname
    from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module
    for name in ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_REGION'):
        monkeypatch.delenv(name, raising=False)
    server.add(403, WRONG_REGION)
    failed, result = run_module(oss_bucket_cname.main, dict(
        alicloud_access_key='AKID', alicloud_secret_key='SECRET-never-shown', alicloud_region='cn-hangzhou',
        oss_endpoint=server.endpoint, api_retries=0, bucket='demo-eu', domain='www.example.com'))
    assert failed
    assert result['msg'].startswith('The bucket demo-eu is in region eu-central-1; set alicloud_region: eu-central-1.')
    assert result['target'] == 'demo-eu.oss-eu-central-1.aliyuncs.com'
    assert [(request['method'], request['path']) for request in server.requests] == [('GET', '/demo-eu/?cname=')]
    assert 'SECRET-never-shown' not in str(result)


def test_v1_refusal_says_to_drop_the_option(server):
    server.add(403, error_body('AccessDenied', 'The V1 signature is not supported for this account, please use V4.',
                               '<EC>0002-00000080</EC>'))
    client = make_client(server.endpoint, oss_signature_version='v1')
    with pytest.raises(AlicloudAuthError) as err:
        client.list_cnames()
    assert 'oss_signature_version: v1' in err.value.message and 'V4' in err.value.message
    assert server.requests[0]['headers']['authorization'].startswith('OSS AKID:')


def test_wrong_key_names_the_source(server):
    server.add(403, error_body('InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.'))
    with pytest.raises(AlicloudAuthError) as err:
        make_client(server.endpoint).list_cnames()
    assert err.value.code == 'InvalidAccessKeyId'
    assert err.value.message.endswith('(credentials: the access key AKID (from the options alicloud_access_key and '
                                      'alicloud_secret_key))')
    assert 'SECRET' not in err.value.message
