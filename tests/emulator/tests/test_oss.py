# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OSS CNAME API through the real oss2 client: results, exception classes and codes."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import socket
import time

import oss2
import pytest
from oss2.models import CertInfo, PutBucketCnameRequest

from helpers import fingerprint, make_cert


def put(bucket, domain, cert=None):
    return bucket.put_bucket_cname(PutBucketCnameRequest(domain, cert))


def domains(bucket):
    return sorted(c.domain for c in bucket.list_bucket_cname().cname)


def oss_error(exc_class, func, *args, **kwargs):
    with pytest.raises(exc_class) as info:
        func(*args, **kwargs)
    return info.value


def test_default_world(emu):
    result = emu.bucket('legacy-site', 'other').list_bucket_cname()
    assert (result.status, result.bucket, result.owner) == (200, 'legacy-site', '1876543210987654')
    assert [(c.domain, c.status, c.certificate) for c in result.cname] == [('old.example.com', 'Enabled', None)]
    assert len(result.request_id) == 24
    for name in ('demo-assets', 'demo-media'):
        assert emu.bucket(name).list_bucket_cname().cname == []
    assert emu.bucket('demo-eu', v4=True, region='eu-central-1').list_bucket_cname().bucket == 'demo-eu'


@pytest.mark.parametrize('v4', [False, True], ids=['v1', 'v4'])
def test_bind_list_unbind(emu, v4):
    bucket = emu.bucket('demo-assets', v4=v4)
    assert put(bucket, 'WWW.Example.com.').status == 200
    info = bucket.list_bucket_cname().cname[0]
    assert (info.domain, info.status) == ('www.example.com', 'Enabled')
    assert time.strptime(info.last_modified, '%Y-%m-%dT%H:%M:%S.000Z')
    assert put(bucket, 'www.example.com').status == 200  # re-put on the same bucket is an update
    assert bucket.delete_bucket_cname('www.example.com').status == 200
    assert domains(bucket) == []
    assert bucket.delete_bucket_cname('www.example.com').status == 200  # idempotent, never NoSuchCname


def test_virtual_hosted_addressing(emu, monkeypatch):
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        return real('127.0.0.1' if str(host).endswith('.aliyuncs.com') else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, 'getaddrinfo', fake)
    bucket = emu.bucket('demo-assets', endpoint='http://oss-cn-hangzhou.aliyuncs.com:%d' % emu.port)
    put(bucket, 'www.example.com')
    assert domains(bucket) == ['www.example.com']
    bucket_v4 = emu.bucket('demo-assets', v4=True, endpoint='http://oss-cn-hangzhou.aliyuncs.com:%d' % emu.port)
    assert domains(bucket_v4) == ['www.example.com']
    wrong = emu.bucket('demo-assets', endpoint='http://oss-eu-central-1.aliyuncs.com:%d' % emu.port)
    err = oss_error(oss2.exceptions.AccessDenied, wrong.list_bucket_cname)
    assert err.details['Endpoint'] == 'oss-cn-hangzhou.aliyuncs.com'


def test_tokens(emu):
    bucket = emu.bucket('demo-assets')
    first = bucket.create_bucket_cname_token('app.example.org')
    assert (first.status, first.bucket, first.cname) == (200, 'demo-assets', 'app.example.org')
    assert len(first.token) == 32 and int(first.token, 16) >= 0
    expire = email.utils.parsedate_to_datetime(first.expire_time).timestamp()
    assert abs(expire - (emu.ok('GET', 'clock')['now'] + 72 * 3600)) < 5
    assert bucket.create_bucket_cname_token('app.example.org').token == first.token
    got = bucket.get_bucket_cname_token('app.example.org')
    assert (got.token, got.expire_time, got.cname) == (first.token, first.expire_time, 'app.example.org')
    emu.ok('POST', 'clock', {'advance': 72 * 3600 + 1})
    err = oss_error(oss2.exceptions.ServerError, bucket.get_bucket_cname_token, 'app.example.org')
    assert (err.status, err.code, err.message, err.ec) == (404, 'CnameTokenNotFound', 'Cname token not found.', '0018-00000301')
    assert (err.details['Bucket'], err.details['Cname']) == ('demo-assets', 'app.example.org')
    assert bucket.create_bucket_cname_token('app.example.org').token != first.token


def test_token_limits(emu):
    far = int(time.time()) + 86400 * 400
    tokens = dict(('d%d.example.org' % i, {'token': '%032x' % i, 'expire': far}) for i in range(999))
    emu.ok('POST', 'seed', {'accounts': {'main': {'buckets': {'many-tokens': {'region': 'eu-central-1', 'tokens': tokens}}}}})
    bucket = emu.bucket('many-tokens')
    bucket.create_bucket_cname_token('last.example.org')
    assert bucket.create_bucket_cname_token('d5.example.org').token == '%032x' % 5  # an existing token needs no room
    err = oss_error(oss2.exceptions.ServerError, bucket.create_bucket_cname_token, 'one-more.example.org')
    assert (err.status, err.code, err.details['Bucket']) == (400, 'TooManyCnameToken', 'many-tokens')
    assert err.message == 'You have attempted to create more cname token than allowed.'


def test_domain_limit(emu):
    emu.ok('POST', 'seed', {'accounts': {'main': {'buckets': {'full': {
        'region': 'eu-central-1', 'cnames': ['h%d.example.net' % i for i in range(100)]}}}}})
    err = oss_error(oss2.exceptions.ServerError, put, emu.bucket('full'), 'h100.example.net')
    assert (err.status, err.code) == (400, 'TooManyCname')


@pytest.mark.parametrize('domain, message', [
    ('w.c', 'Entire hostname must be longer than 3 ASCII characters.'),
    ('*.example.com', 'Wildcard domain names are not supported by standard buckets.'),
    ('bad_name!.example.com', 'The specified domain name is invalid.'),
    (u'\u4f8b\u5b50.example.com', 'Chinese (IDN) domain names are not supported.'),
])
def test_invalid_domain(emu, domain, message):
    err = oss_error(oss2.exceptions.InvalidArgument, put, emu.bucket('demo-assets'), domain)
    assert (err.status, err.code, err.message) == (400, 'InvalidArgument', message)


def test_get_token_needs_cname(emu):
    err = oss_error(oss2.exceptions.InvalidArgument, emu.bucket('demo-assets').get_bucket_cname_token, '')
    assert (err.status, err.code, err.details['ArgumentName']) == (400, 'InvalidArgument', 'cname')


@pytest.mark.parametrize('domain', ['foo.aliyuncs.com', 'www.taobao.com', 'x.aliyun-inc.com'])
def test_reserved_domains(emu, domain):
    bucket = emu.bucket('demo-assets')
    for func in (put, lambda b, d: b.create_bucket_cname_token(d)):
        err = oss_error(oss2.exceptions.ServerError, func, bucket, domain)
        assert (err.status, err.code, err.ec) == (403, 'CnameIsForbidden', '0018-00000401')


def test_domain_policies(emu):
    emu.ok('POST', 'seed', {'domain_policy': {'risky': ['risky.example.com'], 'denied': ['taken.example.com'],
                                              'image_processing': ['img.example.com']}})
    bucket = emu.bucket('demo-assets')
    for domain, status, code in (('risky.example.com', 403, 'CnameIsRisk'), ('taken.example.com', 403, 'CnameDenied'),
                                 ('img.example.com', 409, 'CnameAlreadyExists')):
        err = oss_error(oss2.exceptions.ServerError, put, bucket, domain)
        assert (err.status, err.code) == (status, code)
    assert err.details['CnameType'] == 'CNAME_IMG'


def test_icp_rule(emu):
    emu.ok('POST', 'seed', {'accounts': {'main': {'zones': {'unfiled.io': {'icp_filed': False}}}}})
    err = oss_error(oss2.exceptions.ServerError, put, emu.bucket('demo-assets'), 'www.unfiled.io')
    assert (err.status, err.code) == (404, 'NoSuchCnameInRecord')
    assert put(emu.bucket('demo-eu'), 'www.unfiled.io').status == 200  # outside mainland China: no ICP filing needed


def test_same_account_conflict(emu):
    put(emu.bucket('demo-assets'), 'www.example.com')
    err = oss_error(oss2.exceptions.ServerError, put, emu.bucket('demo-media'), 'www.example.com')
    assert (err.status, err.code, err.details['CnameType']) == (409, 'CnameAlreadyExists', 'CNAME_OSS')
    assert domains(emu.bucket('demo-assets')) == ['www.example.com']


def test_foreign_zone_needs_verification(emu):
    err = oss_error(oss2.exceptions.ServerError, put, emu.bucket('demo-assets'), 'cdn.example.org')
    assert (err.status, err.code) == (403, 'NeedVerifyDomainOwnership')
    assert err.message == 'Please verify domain ownership by CreateCnameToken and try again.'
    assert len(err.request_id) == 24


def test_no_need_create_token(emu):
    bucket = emu.bucket('demo-assets')
    put(bucket, 'www.example.com')
    err = oss_error(oss2.exceptions.ServerError, bucket.create_bucket_cname_token, 'www.example.com')
    assert (err.status, err.code, err.ec) == (403, 'NoNeedCreateCnameToken', '0018-00000302')


def test_bucket_errors(emu):
    err = oss_error(oss2.exceptions.NoSuchBucket, emu.bucket('no-such-bucket').list_bucket_cname)
    assert (err.status, err.code, err.details['Bucket']) == (404, 'NoSuchBucket', 'no-such-bucket')
    err = oss_error(oss2.exceptions.AccessDenied, emu.bucket('legacy-site', 'main').list_bucket_cname)
    assert (err.status, err.code) == (403, 'AccessDenied')


def test_malformed_xml(emu):
    bucket = emu.bucket('demo-assets')
    err = oss_error(oss2.exceptions.MalformedXml, put, bucket, 'www.example.com', CertInfo(delete_certificate=True, force=True))
    assert (err.status, err.code, err.ec) == (400, 'MalformedXML', '0031-00000001')
    for body in (b'not xml', b'<Other/>', b'<BucketCnameConfiguration><Cname/></BucketCnameConfiguration>'):
        err = oss_error(oss2.exceptions.MalformedXml, bucket._Bucket__do_bucket, 'POST',  # pylint: disable=protected-access
                        data=body, params={'cname': '', 'comp': 'add'})
        assert err.code == 'MalformedXML'


@pytest.mark.parametrize('v4', [False, True], ids=['v1', 'v4'])
def test_authentication_errors(emu, v4):
    err = oss_error(oss2.exceptions.SignatureDoesNotMatch, emu.bucket('demo-assets', v4=v4, keys=(emu.keys['main'][0], 'wrong')).list_bucket_cname)
    assert (err.status, err.code, err.details['OSSAccessKeyId']) == (403, 'SignatureDoesNotMatch', emu.keys['main'][0])
    assert 'StringToSign' in err.details
    err = oss_error(oss2.exceptions.ServerError, emu.bucket('demo-assets', v4=v4, keys=('LTAI5tNoSuchKey000000000', 'x')).list_bucket_cname)
    assert (err.status, err.code) == (403, 'InvalidAccessKeyId')


def test_v4_region_must_match(emu):
    err = oss_error(oss2.exceptions.InvalidArgument, emu.bucket('demo-assets', v4=True, region='eu-central-1').list_bucket_cname)
    assert err.status == 400


def test_clock_skew_refused(emu, monkeypatch):
    monkeypatch.setattr(oss2.utils, 'http_date', lambda timeval=None: email.utils.formatdate(time.time() - 16 * 60, usegmt=True))
    err = oss_error(oss2.exceptions.ServerError, emu.bucket('demo-assets').list_bucket_cname)
    assert (err.status, err.code) == (403, 'RequestTimeTooSkewed')
    monkeypatch.setattr(oss2.utils, 'http_date', lambda timeval=None: email.utils.formatdate(time.time() - 14 * 60, usegmt=True))
    assert emu.bucket('demo-assets').list_bucket_cname().status == 200


def test_emulator_clock_does_not_affect_signatures(emu):
    emu.ok('POST', 'clock', {'advance': 10 * 86400})
    assert emu.bucket('demo-assets').list_bucket_cname().status == 200


@pytest.mark.parametrize('v4', [False, True], ids=['v1', 'v4'])
def test_sts(emu, v4):
    sts = emu.ok('POST', 'sts', {'account': 'main', 'duration_seconds': 3600})
    keys = (sts['AccessKeyId'], sts['AccessKeySecret'])
    assert emu.bucket('demo-assets', v4=v4, keys=keys, token=sts['SecurityToken']).list_bucket_cname().status == 200
    err = oss_error(oss2.exceptions.ServerError, emu.bucket('demo-assets', v4=v4, keys=keys, token='CAISwrong').list_bucket_cname)
    assert (err.status, err.code) == (403, 'InvalidAccessKeyId')
    emu.ok('POST', 'clock', {'advance': 3601})
    err = oss_error(oss2.exceptions.ServerError, emu.bucket('demo-assets', v4=v4, keys=keys, token=sts['SecurityToken']).list_bucket_cname)
    assert (err.status, err.code) == (403, 'SecurityTokenExpired')


def test_upload_certificate(emu):
    bucket = emu.bucket('demo-assets')
    cert_pem, key_pem, cert = make_cert(['www.example.com'])
    put(bucket, 'www.example.com', CertInfo(certificate=cert_pem, private_key=key_pem))
    info = bucket.list_bucket_cname().cname[0].certificate
    assert (info.type, info.status, info.fingerprint) == ('Upload', 'Enabled', fingerprint(cert))
    assert email.utils.parsedate_to_datetime(info.valid_end_date).timestamp() == cert.not_valid_after_utc.timestamp()
    assert email.utils.parsedate_to_datetime(info.valid_start_date).timestamp() == cert.not_valid_before_utc.timestamp()
    assert info.cert_id.endswith('-cn-hangzhou')
    # The same certificate again changes nothing.
    put(bucket, 'www.example.com', CertInfo(certificate=cert_pem, private_key=key_pem, previous_cert_id=info.cert_id))
    again = bucket.list_bucket_cname().cname[0].certificate
    assert (again.cert_id, again.creation_date) == (info.cert_id, info.creation_date)


def test_certificate_replacement_rules(emu):
    bucket = emu.bucket('demo-assets')
    put(bucket, 'www.example.com', CertInfo(cert_id='10000001-cn-hangzhou'))
    current = bucket.list_bucket_cname().cname[0].certificate
    assert (current.type, current.cert_id) == ('CAS', '10000001-cn-hangzhou')
    cert_pem, key_pem, _cert = make_cert(['www.example.com'])
    err = oss_error(oss2.exceptions.InvalidArgument, put, bucket, 'www.example.com', CertInfo(certificate=cert_pem, private_key=key_pem))
    assert err.details['ArgumentName'] == 'PreviousCertId'
    err = oss_error(oss2.exceptions.InvalidArgument, put, bucket, 'www.example.com',
                    CertInfo(certificate=cert_pem, private_key=key_pem, previous_cert_id='999-cn-hangzhou'))
    put(bucket, 'www.example.com', CertInfo(certificate=cert_pem, private_key=key_pem, previous_cert_id='10000001-cn-hangzhou'))
    assert bucket.list_bucket_cname().cname[0].certificate.type == 'Upload'
    put(bucket, 'www.example.com', CertInfo(cert_id='10000001-cn-hangzhou', force=True))
    assert bucket.list_bucket_cname().cname[0].certificate.cert_id == '10000001-cn-hangzhou'
    put(bucket, 'www.example.com', CertInfo(delete_certificate=True))
    entry = bucket.list_bucket_cname().cname[0]
    assert (entry.domain, entry.certificate) == ('www.example.com', None)


def test_certificate_errors(emu):
    bucket = emu.bucket('demo-assets')
    cert_pem, _key, _cert = make_cert(['www.example.com'])
    _other_cert, other_key, _x = make_cert(['www.example.com'])
    expired_pem, expired_key, _e = make_cert(['www.example.com'], days=-1)
    cases = [
        (CertInfo(certificate=cert_pem, private_key=other_key), 'The private key does not match the certificate.'),
        (CertInfo(certificate=expired_pem, private_key=expired_key), 'The certificate has expired.'),
        (CertInfo(certificate='garbage', private_key=other_key), None),
        (CertInfo(certificate=cert_pem), 'PrivateKey is required with Certificate.'),
        (CertInfo(cert_id='424242-cn-hangzhou'), 'The certificate 424242-cn-hangzhou does not exist.'),
        (CertInfo(cert_id='20000001-cn-hangzhou'), 'The certificate 20000001-cn-hangzhou does not exist.'),  # other account's
    ]
    for cert, message in cases:
        err = oss_error(oss2.exceptions.InvalidArgument, put, bucket, 'www.example.com', cert)
        assert err.status == 400
        if message:
            assert err.message == message
    assert domains(bucket) == []  # a refused certificate binds nothing
