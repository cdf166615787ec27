# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OSS client over real oss2, against a loopback HTTP server that replays canned responses."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import socket
import threading

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cname, _oss
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudConnectionError, AlicloudError, AlicloudNotFoundError, AlicloudParams, AlicloudServiceError, AlicloudValidationError,
    RetryPolicy,
)

oss2 = pytest.importorskip('oss2')

try:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
except ImportError:  # pragma: no cover
    pytest.skip('needs Python 3', allow_module_level=True)

UTC = datetime.timezone.utc

LIST_BODY = b'''<?xml version="1.0" encoding="UTF-8"?>
<ListCnameResult>
  <Bucket>targetbucket</Bucket>
  <Owner>testowner</Owner>
  <Cname>
    <Domain>example.com</Domain>
    <LastModified>2021-09-15T02:35:07.000Z</LastModified>
    <Status>Enabled</Status>
    <Certificate>
      <Type>CAS</Type>
      <CertId>493****-cn-hangzhou</CertId>
      <Status>Enabled</Status>
      <CreationDate>Wed, 15 Sep 2021 02:35:06 GMT</CreationDate>
      <Fingerprint>DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:**:**</Fingerprint>
      <ValidStartDate>Tues, 12 Apr 2021 10:14:51 GMT</ValidStartDate>
      <ValidEndDate>Mon, 4 May 2048 10:14:51 GMT</ValidEndDate>
    </Certificate>
  </Cname>
  <Cname>
    <Domain>example.org</Domain>
    <LastModified>2021-09-15T02:34:58.000Z</LastModified>
    <Status>Enabled</Status>
  </Cname>
</ListCnameResult>'''

TOKEN_BODY = b'''<?xml version="1.0" encoding="UTF-8"?>
<CnameToken>
  <Bucket>mybucket</Bucket>
  <Cname>example.com</Cname>;
  <Token>be1d49d863dea9ffeff3df7d6455****</Token>
  <ExpireTime>Wed, 23 Feb 2022 21:39:42 GMT</ExpireTime>
</CnameToken>'''


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


def test_auth_static_sts_and_default_chain(monkeypatch):
    assert isinstance(_oss.make_auth(AlicloudParams(access_key='a', secret_key='b')), oss2.Auth)
    assert isinstance(_oss.make_auth(AlicloudParams(access_key='a', secret_key='b', security_token='t')), oss2.StsAuth)
    monkeypatch.setattr(_oss, 'default_chain_credentials', lambda: ('CHAIN-AK', 'CHAIN-SK', 'CHAIN-TOKEN'))
    auth = _oss.make_auth(AlicloudParams())
    assert isinstance(auth, oss2.ProviderAuth)
    creds = auth.credentials_provider.get_credentials()
    assert (creds.get_access_key_id(), creds.get_access_key_secret(), creds.get_security_token()) == \
        ('CHAIN-AK', 'CHAIN-SK', 'CHAIN-TOKEN')


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
    assert server.requests[0]['headers']['authorization'].startswith('OSS AKID:')
    assert bindings == [
        dict(domain='example.com', status='Enabled', last_modified='2021-09-15T02:35:07.000Z', certificate=dict(
            type='CAS', cert_id='493****-cn-hangzhou', status='Enabled', creation_date='Wed, 15 Sep 2021 02:35:06 GMT',
            fingerprint='DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:**:**',
            valid_start_date='Tues, 12 Apr 2021 10:14:51 GMT', valid_end_date='Mon, 4 May 2048 10:14:51 GMT')),
        dict(domain='example.org', status='Enabled', last_modified='2021-09-15T02:34:58.000Z', certificate=None),
    ]


def test_sts_token_goes_on_the_wire(server):
    server.add(body=b'<ListCnameResult><Bucket>mybucket</Bucket><Owner>1</Owner></ListCnameResult>')
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
    server.add(body=b'<ListCnameResult><Bucket>mybucket</Bucket><Owner>1</Owner></ListCnameResult>')
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
    monkeypatch.setitem(_oss._LIBRARY, 'oss2', (None, 'Traceback: no oss2'))
    with pytest.raises(_oss.MissingLibraryError) as err:
        _oss.OssClient(AlicloudParams(access_key='a', secret_key='b'), 'mybucket', 'cn-hangzhou')
    assert err.value.name == 'oss2' and 'no oss2' in err.value.trace
    assert not _oss.has_oss2()


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
    server.add(body=b'<ListCnameResult><Bucket>other-a</Bucket><Owner>1</Owner></ListCnameResult>')
    server.add(body=b'<ListCnameResult><Bucket>other-b</Bucket><Owner>1</Owner><Cname><Domain>WWW.example.com</Domain>'
                    b'<Status>Enabled</Status></Cname></ListCnameResult>')
    assert make_client(server.endpoint).find_holder('www.example.com') == ('other-b', None)
    assert [request['path'] for request in server.requests] == ['/?prefix=&marker=&max-keys=100', '/other-a/?cname=', '/other-b/?cname=']


def test_find_holder_says_why_it_cannot_tell(server):
    server.add(501, error_body('NotImplemented'))
    holder, why = make_client(server.endpoint).find_holder('www.example.com')
    assert holder is None and 'NotImplemented' in why
    assert len(server.requests) == 1
