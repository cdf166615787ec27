# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OSS CNAME API through the real oss2 client: results, exception classes and codes."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import email.utils
import socket
import time
import urllib.error
import urllib.request

import oss2
import pytest
from oss2.models import CertInfo, PutBucketCnameRequest

from helpers import fingerprint, make_cert

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


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
    legacy = emu.bucket('legacy-assets', 'legacy', v4=False).list_bucket_cname()
    assert (legacy.bucket, legacy.owner, legacy.cname) == ('legacy-assets', '1555555555555555', [])


@pytest.mark.parametrize('v4', [False, True], ids=['v1-legacy', 'v4'])
def test_bind_list_unbind(emu, v4):
    if v4:
        bucket, domain = emu.bucket('demo-assets'), 'www.example.com'
    else:
        # The legacy account has no DNS zone here: it proves ownership of a name at the other DNS provider.
        bucket, domain = emu.bucket('legacy-assets', 'legacy', v4=False), 'www.example.org'
        token = bucket.create_bucket_cname_token(domain).token
        emu.ok('POST', 'external/records', {'name': '_dnsauth.' + domain, 'type': 'TXT', 'value': token})
    assert put(bucket, domain.upper() + '.').status == 200
    info = bucket.list_bucket_cname().cname[0]
    assert (info.domain, info.status) == (domain, 'Enabled')
    assert time.strptime(info.last_modified, '%Y-%m-%dT%H:%M:%S.000Z')
    assert put(bucket, domain).status == 200  # re-put on the same bucket is an update
    assert bucket.delete_bucket_cname(domain).status == 200
    assert domains(bucket) == []
    assert bucket.delete_bucket_cname(domain).status == 200  # idempotent, never NoSuchCname


@pytest.fixture
def aliyuncs(monkeypatch):
    """Resolve every *.aliyuncs.com name to the emulator, so that oss2 can use the real endpoint names."""
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        return real('127.0.0.1' if str(host).endswith('.aliyuncs.com') else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, 'getaddrinfo', fake)


def endpoint(emu, region):
    return 'http://oss-%s.aliyuncs.com:%d' % (region, emu.port)


def test_virtual_hosted_addressing(emu, aliyuncs):
    bucket = emu.bucket('demo-assets', endpoint=endpoint(emu, 'cn-hangzhou'))
    put(bucket, 'www.example.com')
    assert domains(bucket) == ['www.example.com']
    path_style = oss2.Bucket(oss2.AuthV4(*emu.keys['main']), endpoint(emu, 'cn-hangzhou'), 'demo-assets', region='cn-hangzhou',
                             is_path_style=True)
    assert domains(path_style) == ['www.example.com']
    legacy = emu.bucket('legacy-assets', 'legacy', v4=False, endpoint=endpoint(emu, 'cn-hangzhou'))
    assert domains(legacy) == []


WRONG_ENDPOINT = ('The bucket you are attempting to access must be addressed using the specified endpoint. Please send all '
                  'future requests to this endpoint.')


def test_wrong_endpoint_names_the_right_one(emu, aliyuncs):
    """An endpoint (or, through an IP, a V4 scope) of another region than the bucket's: 403 AccessDenied with Bucket and
    Endpoint, before anything else is checked about the bucket."""
    cases = [
        emu.bucket('demo-assets', endpoint=endpoint(emu, 'eu-central-1'), region='eu-central-1'),  # virtual-hosted, V4
        oss2.Bucket(oss2.AuthV4(*emu.keys['main']), endpoint(emu, 'eu-central-1'), 'demo-assets', region='eu-central-1',
                    is_path_style=True),
        emu.bucket('demo-assets', region='eu-central-1'),  # IP endpoint: the V4 scope is where the request was sent
        emu.bucket('legacy-assets', 'legacy', v4=False, endpoint=endpoint(emu, 'eu-central-1')),  # V1: the endpoint alone
        emu.bucket('legacy-site', 'main', region='eu-central-1'),  # not even the caller's bucket
    ]
    for bucket in cases:
        err = oss_error(oss2.exceptions.AccessDenied, bucket.list_bucket_cname)
        assert (err.status, err.code, err.message) == (403, 'AccessDenied', WRONG_ENDPOINT)
        assert (err.details['Bucket'], err.details['Endpoint']) == (bucket.bucket_name, 'oss-cn-hangzhou.aliyuncs.com')
    err = oss_error(oss2.exceptions.AccessDenied, emu.bucket('demo-eu', region='cn-hangzhou').list_bucket_cname)
    assert err.details['Endpoint'] == 'oss-eu-central-1.aliyuncs.com'
    for func in (lambda b: put(b, 'www.example.com'), lambda b: b.create_bucket_cname_token('app.example.org'),
                 lambda b: b.delete_bucket_cname('www.example.com')):
        assert oss_error(oss2.exceptions.AccessDenied, func, emu.bucket('demo-eu', region='cn-hangzhou')).details['Bucket'] == 'demo-eu'
    assert emu.bucket('demo-eu').list_bucket_cname().cname == []


def test_right_endpoint_wrong_signing_region(emu, aliyuncs):
    """The endpoint is the bucket's, the V4 scope another region: 400 InvalidArgument, EC 0002-00000226."""
    bucket = emu.bucket('demo-assets', endpoint=endpoint(emu, 'cn-hangzhou'), region='eu-central-1')
    err = oss_error(oss2.exceptions.InvalidArgument, bucket.list_bucket_cname)
    assert (err.status, err.code, err.message, err.ec) == (400, 'InvalidArgument', 'Invalid signing region in Authorization header.',
                                                           '0002-00000226')


def test_v1_is_refused_unless_the_account_is_legacy(emu):
    """Error page 0002-00000080: OSS answers 403 to a V1 signature from an account created after 2025-03-01."""
    sts = emu.ok('POST', 'sts', {'account': 'main', 'duration_seconds': 3600})
    refused = [emu.bucket('demo-assets', v4=False), emu.bucket('legacy-site', 'other', v4=False),
               emu.bucket('demo-assets', v4=False, keys=(emu.keys['main'][0], 'wrong secret')),
               emu.bucket('demo-assets', v4=False, keys=(sts['AccessKeyId'], sts['AccessKeySecret']), token=sts['SecurityToken'])]
    for bucket in refused:
        for func in (lambda b: b.list_bucket_cname(), lambda b: put(b, 'www.example.com')):
            err = oss_error(oss2.exceptions.AccessDenied, func, bucket)
            assert (err.status, err.code, err.ec) == (403, 'AccessDenied', '0002-00000080')
            assert 'V4' in err.message
    assert emu.bucket('demo-assets').list_bucket_cname().cname == []  # nothing was bound
    # a URL signed with V1 is refused the same way
    url = '%s/demo-assets/?cname&OSSAccessKeyId=%s&Expires=%d&Signature=c2lnbmF0dXJl' % (emu.url, emu.keys['main'][0], time.time() + 60)
    with pytest.raises(urllib.error.HTTPError) as info:
        OPENER.open(url, timeout=10)
    assert info.value.code == 403 and b'<EC>0002-00000080</EC>' in info.value.read()
    # an unknown key is still just unknown; the legacy account keeps V1
    err = oss_error(oss2.exceptions.ServerError, emu.bucket('demo-assets', v4=False, keys=('LTAI5tNoSuchKey000000000', 'x')).list_bucket_cname)
    assert (err.status, err.code) == (403, 'InvalidAccessKeyId')
    assert emu.bucket('legacy-assets', 'legacy', v4=False).list_bucket_cname().status == 200
    emu.ok('POST', 'seed', {'accounts': {'other': {'legacy': True}}})
    assert emu.bucket('legacy-site', 'other', v4=False).list_bucket_cname().status == 200


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
        if code == 'CnameDenied':
            assert err.message == 'The cname belongs to another user'  # the HTTP 403 troubleshooting page's message
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


@pytest.mark.parametrize('v4', [False, True], ids=['v1-legacy', 'v4'])
def test_authentication_errors(emu, v4):
    account, name = ('main', 'demo-assets') if v4 else ('legacy', 'legacy-assets')
    key = emu.keys[account][0]
    err = oss_error(oss2.exceptions.SignatureDoesNotMatch, emu.bucket(name, v4=v4, keys=(key, 'wrong')).list_bucket_cname)
    assert (err.status, err.code, err.details['OSSAccessKeyId']) == (403, 'SignatureDoesNotMatch', key)
    assert 'StringToSign' in err.details
    err = oss_error(oss2.exceptions.ServerError, emu.bucket(name, v4=v4, keys=('LTAI5tNoSuchKey000000000', 'x')).list_bucket_cname)
    assert (err.status, err.code) == (403, 'InvalidAccessKeyId')


def test_clock_skew_refused(emu, monkeypatch):
    monkeypatch.setattr(oss2.utils, 'http_date', lambda timeval=None: email.utils.formatdate(time.time() - 16 * 60, usegmt=True))
    err = oss_error(oss2.exceptions.ServerError, emu.bucket('legacy-assets', 'legacy', v4=False).list_bucket_cname)
    assert (err.status, err.code) == (403, 'RequestTimeTooSkewed')
    monkeypatch.setattr(oss2.utils, 'http_date', lambda timeval=None: email.utils.formatdate(time.time() - 14 * 60, usegmt=True))
    assert emu.bucket('legacy-assets', 'legacy', v4=False).list_bucket_cname().status == 200


def test_emulator_clock_does_not_affect_signatures(emu):
    emu.ok('POST', 'clock', {'advance': 10 * 86400})
    assert emu.bucket('demo-assets').list_bucket_cname().status == 200


@pytest.mark.parametrize('v4', [False, True], ids=['v1-legacy', 'v4'])
def test_sts(emu, v4):
    account, name = ('main', 'demo-assets') if v4 else ('legacy', 'legacy-assets')
    sts = emu.ok('POST', 'sts', {'account': account, 'duration_seconds': 3600})
    keys = (sts['AccessKeyId'], sts['AccessKeySecret'])
    assert emu.bucket(name, v4=v4, keys=keys, token=sts['SecurityToken']).list_bucket_cname().status == 200
    err = oss_error(oss2.exceptions.ServerError, emu.bucket(name, v4=v4, keys=keys, token='CAISwrong').list_bucket_cname)
    assert (err.status, err.code, err.ec) == (403, 'InvalidSecurityToken', '0002-00000006')
    emu.ok('POST', 'clock', {'advance': 3601})
    err = oss_error(oss2.exceptions.ServerError, emu.bucket(name, v4=v4, keys=keys, token=sts['SecurityToken']).list_bucket_cname)
    assert (err.status, err.code, err.ec) == (403, 'SecurityTokenExpired', '0002-00000007')


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


def test_same_leaf_with_another_chain_keeps_its_id_and_serves_the_new_chain(emu):
    bucket = emu.bucket('demo-assets')
    leaf_pem, key_pem, _leaf = make_cert(['www.example.com'])
    ca_pem, _ca_key, _ca = make_cert(['ca.example.net'])
    put(bucket, 'www.example.com', CertInfo(certificate=leaf_pem, private_key=key_pem))
    first = bucket.list_bucket_cname().cname[0].certificate
    put(bucket, 'www.example.com', CertInfo(certificate=leaf_pem + ca_pem, private_key=key_pem, force=True))
    again = bucket.list_bucket_cname().cname[0].certificate
    assert (again.cert_id, again.fingerprint) == (first.cert_id, first.fingerprint)  # ListCname shows only the leaf
    stored = emu.ok('GET', 'state')['accounts']['main']['certificates'][first.cert_id]
    assert stored['certificate'] == leaf_pem + ca_pem


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
