# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The canned responses of the references, replayed to the SDKs, parse to the same values as the emulator's own
responses for the same state (reference/oss_cname_api.md section 7, reference/alidns_api.md section 11)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import calendar
import email.utils
import os
import socket

import oss2
import pytest
from alibabacloud_alidns20150109 import models as m
from oss2.models import PutBucketCnameRequest

from helpers import Replay, alidns_error

XML = [('Content-Type', 'application/xml')]
CANNED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'canned')


def _canned(name):
    """A response body as Alibaba Cloud's API reference prints it (tests/canned, shared with the unit tests of _oss)."""
    with open(os.path.join(CANNED, name)) as handle:
        return handle.read()


JSON = [('Content-Type', 'application/json; charset=UTF-8')]

TOKEN_BODY = _canned('cname_token.xml')

LIST_BODY = _canned('list_cname.xml')
# (The oss2 mock has ValidStartDate "Tues, 12 Apr 2021 ...", a weekday no formatter produces; the docs' version is used.)

TOKEN_NOT_FOUND = '''<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>CnameTokenNotFound</Code>
  <Message>Cname token not found.</Message>
  <RequestId>6215FE05DA0E27393F005F0E</RequestId>
  <HostId>127.0.0.1</HostId>
  <Bucket>mybucket</Bucket>
  <Cname>example.com</Cname>
  <EC>0018-00000301</EC>
</Error>'''

TOO_MANY_TOKENS = '''<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>TooManyCnameToken</Code>
  <Message>You have attempted to create more cname token than allowed.</Message>
  <RequestId>6215FD21DA0E27393F004E9E</RequestId>
  <HostId>127.0.0.1</HostId>
  <Bucket>examplebucket</Bucket>
</Error>'''

SHORT_HOST = '''<Error>
    <Code>InvalidArgument</Code>
    <Message>Entire hostname must be longer than 3 ASCII characters.</Message>
    <RequestId>63E32E6323B11831314569B5</RequestId>
    <HostId>jctest2.oss-ap-northeast-1.aliyuncs.com</HostId>
</Error>'''

SIGNATURE = '''<?xml version="1.0" encoding="UTF-8"?>
<Error>
<Code>SignatureDoesNotMatch</Code>
<Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>
<RequestId>646DCB189AE2D1333018****</RequestId>
<HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId>
<OSSAccessKeyId>LTAI5tMw7e8zyBazfpSS****</OSSAccessKeyId>
<SignatureProvided>tPN3MChhuKk2XixolQLonoJW****</SignatureProvided>
<StringToSign>PUT\\n\\n\\nTue, 23 May 2023 15:24:55 GMT\\n/bucket/?acl</StringToSign>
<EC>0002-00000040</EC>
</Error>'''

MALFORMED = '''<Error>
<Code>MalformedXML</Code>
<Message>The XML you provided was not well-formed or did not validate against our published schema.</Message>
<RequestId>57ABD896CCB80C366955****</RequestId>
<HostId>oss-cn-hangzhou.aliyuncs.com</HostId>
<EC>0031-00000001</EC>
<RecommendDoc>https://api.aliyun.com/troubleshoot?q=0031-00000001</RecommendDoc>
</Error>'''

ACCESS_DENIED = '''<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>AccessDenied</Message>
  <RequestId>566B6C3D6086505A0CFF0F68</RequestId>
  <HostId>sbowspxjhmccpmesjqcwagfw.oss-cn-hangzhou.aliyuncs.com</HostId>
</Error>'''

# A bucket addressed at another region's endpoint. Alibaba's SLS data-transformation FAQ ("从OSS获取数据出错") quotes this
# answer as oss2 parsed it (status 403 and the details below); written back as the XML oss2 parsed it from.
WRONG_ENDPOINT = '''<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message>
  <RequestId>5D7219353A90A2852B234D14</RequestId>
  <HostId>log-**.oss-cn-shanghai.aliyuncs.com</HostId>
  <Bucket>log-**</Bucket>
  <Endpoint>oss-cn-hangzhou.aliyuncs.com</Endpoint>
</Error>'''

# The right endpoint, a V4 scope of another region: aliyun/alibabacloud-oss-go-sdk-v2 issue #29 (HTTP 400, code, message
# and EC as the SDK printed them).
SIGNING_REGION = '''<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>InvalidArgument</Code>
  <Message>Invalid signing region in Authorization header.</Message>
  <RequestId>66B5E7110AD071373715AB36</RequestId>
  <HostId>bucket-20240809.oss-cn-beijing.aliyuncs.com</HostId>
  <EC>0002-00000226</EC>
</Error>'''

NO_SUCH_BUCKET = ('<?xml version="1.0" encoding="UTF-8"?>\r\n<Error>\r\n  <Code>NoSuchBucket</Code>\r\n'
                  '  <Message>The specified bucket does not exist.</Message>\r\n  <RequestId>566B6C3D6086505A0CFF0F68</RequestId>\r\n'
                  '  <HostId>ming-oss-share.oss-cn-hangzhou.aliyuncs.com</HostId>\r\n  <Bucket>ming-oss-share</Bucket>\r\n</Error>')


def epoch(text):
    return calendar.timegm(email.utils.parsedate_tz(text)[:9]) if ',' in text else \
        calendar.timegm(__import__('time').strptime(text, '%Y-%m-%dT%H:%M:%S.000Z'))


@pytest.fixture(scope='module')
def replay():
    server = Replay()
    yield server
    server.close()


def replayed_bucket(replay, name, status, headers, body):
    replay.set(status, [('x-oss-request-id', '566B6BD927A4046E9C725578')] + headers, body)
    return oss2.Bucket(oss2.Auth('ak', 'sk'), 'http://127.0.0.1:%d' % replay.port, name)


def token_fields(result):
    return (result.status, result.bucket, result.cname, result.token, result.expire_time)


def test_cname_token(emu, replay):
    canned = replayed_bucket(replay, 'mybucket', 200, XML, TOKEN_BODY)
    expire = epoch('Wed, 23 Feb 2022 21:39:42 GMT')
    emu.ok('POST', 'seed', {'accounts': {'canned': {'access_key': 'LTAI5tCannedKey000000001', 'secret_key': 'canned-secret',
                                                    'buckets': {'mybucket': {'region': 'eu-central-1', 'tokens': {
                                                        'example.com': {'token': 'be1d49d863dea9ffeff3df7d6455****', 'expire': expire}}}}}}})
    emu.ok('POST', 'clock', {'set': expire - 3600})
    mine = emu.bucket('mybucket', keys=('LTAI5tCannedKey000000001', 'canned-secret'))
    assert token_fields(mine.get_bucket_cname_token('example.com')) == token_fields(canned.get_bucket_cname_token('example.com'))
    assert token_fields(mine.create_bucket_cname_token('example.com')) == token_fields(canned.create_bucket_cname_token('example.com'))
    assert canned.get_bucket_cname_token('example.com').request_id == '566B6BD927A4046E9C725578'


def cname_view(result):
    view = {}
    for info in result.cname:
        cert = info.certificate
        view[info.domain] = (info.last_modified, info.status, cert and (
            cert.type, cert.cert_id, cert.status, cert.creation_date, cert.fingerprint, cert.valid_start_date, cert.valid_end_date))
    return result.status, result.bucket, result.owner, view


def test_list_cname(emu, replay):
    canned = replayed_bucket(replay, 'targetbucket', 200, XML, LIST_BODY)
    cert = {'type': 'CAS', 'fingerprint': 'DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:**:**',
            'valid_start': epoch('Wed, 12 Apr 2023 10:14:51 GMT'), 'valid_end': epoch('Mon, 4 May 2048 10:14:51 GMT')}
    emu.ok('POST', 'seed', {'accounts': {'canned': {
        'uid': 'testowner', 'access_key': 'LTAI5tCannedKey000000001', 'secret_key': 'canned-secret',
        'certificates': {'493****-cn-hangzhou': cert},
        'buckets': {'targetbucket': {'region': 'eu-central-1', 'cnames': {
            'example.com': {'last_modified': epoch('2021-09-15T02:35:07.000Z'), 'cert_id': '493****-cn-hangzhou',
                            'cert_created': epoch('Wed, 15 Sep 2021 02:35:06 GMT')},
            'example.org': {'last_modified': epoch('2021-09-15T02:34:58.000Z')},
            'example.edu': {'last_modified': epoch('2021-09-15T02:50:34.000Z'), 'status': 'Disabled'}}}}}}})
    mine = emu.bucket('targetbucket', keys=('LTAI5tCannedKey000000001', 'canned-secret'))
    assert cname_view(mine.list_bucket_cname()) == cname_view(canned.list_bucket_cname())


def test_put_and_delete_cname(emu, replay):
    put_headers = [('x-oss-console-auth', 'success'), ('server', 'AliyunOSS'), ('x-oss-server-time', '980')]
    canned = replayed_bucket(replay, 'demo-assets', 200, put_headers, '')
    mine = emu.bucket('demo-assets')
    for bucket in (canned, mine):
        result = bucket.put_bucket_cname(PutBucketCnameRequest('www.example.com'))
        assert (result.status, len(result.request_id) > 0) == (200, True)
    replay.set(200, [('x-oss-request-id', '5C1B138A109F4E405B2D')] + XML, '')
    assert canned.delete_bucket_cname('www.example.com').status == mine.delete_bucket_cname('www.example.com').status == 200


def error_view(err, *details):
    return (type(err), err.status, err.code, err.message) + tuple(err.details.get(d) for d in details)


def failing(func, *args):
    with pytest.raises(oss2.exceptions.OssError) as info:
        func(*args)
    return info.value


def test_oss_errors(emu, replay):
    emu.ok('POST', 'seed', {'accounts': {'main': {'buckets': {'mybucket': {'region': 'eu-central-1'}}}}})
    mine = emu.bucket('mybucket')
    canned = replayed_bucket(replay, 'mybucket', 404, XML, TOKEN_NOT_FOUND)
    assert error_view(failing(mine.get_bucket_cname_token, 'example.com'), 'Bucket', 'Cname', 'EC') == \
        error_view(failing(canned.get_bucket_cname_token, 'example.com'), 'Bucket', 'Cname', 'EC')

    replayed_bucket(replay, 'examplebucket', 400, XML, TOO_MANY_TOKENS)
    far = epoch('Mon, 4 May 2048 10:14:51 GMT')
    emu.ok('POST', 'seed', {'accounts': {'main': {'buckets': {'examplebucket': {'region': 'eu-central-1', 'tokens': dict(
        ('d%d.example.org' % i, {'token': '%032x' % i, 'expire': far}) for i in range(1000))}}}}})
    canned = replayed_bucket(replay, 'examplebucket', 400, XML, TOO_MANY_TOKENS)
    assert error_view(failing(emu.bucket('examplebucket').create_bucket_cname_token, 'x.example.org'), 'Bucket') == \
        error_view(failing(canned.create_bucket_cname_token, 'x.example.org'), 'Bucket')

    canned = replayed_bucket(replay, 'mybucket', 400, XML, SHORT_HOST)
    assert error_view(failing(mine.put_bucket_cname, PutBucketCnameRequest('w.c'))) == \
        error_view(failing(canned.put_bucket_cname, PutBucketCnameRequest('w.c')))

    canned = replayed_bucket(replay, 'mybucket', 403, XML, SIGNATURE)
    wrong = emu.bucket('mybucket', keys=(emu.keys['main'][0], 'wrong'))
    assert error_view(failing(wrong.list_bucket_cname), 'EC') == error_view(failing(canned.list_bucket_cname), 'EC')

    canned = replayed_bucket(replay, 'mybucket', 400, XML, MALFORMED)
    bad = oss2.models.CertInfo(delete_certificate=True, force=True)
    assert error_view(failing(mine.put_bucket_cname, PutBucketCnameRequest('www.example.com', bad)), 'EC') == \
        error_view(failing(canned.put_bucket_cname, PutBucketCnameRequest('www.example.com', bad)), 'EC')

    canned = replayed_bucket(replay, 'legacy-site', 403, XML, ACCESS_DENIED)
    assert error_view(failing(emu.bucket('legacy-site').list_bucket_cname))[:3] == error_view(failing(canned.list_bucket_cname))[:3]

    header = base64.b64encode(NO_SUCH_BUCKET.encode('utf-8')).decode('ascii')
    canned = replayed_bucket(replay, 'ming-oss-share', 404, [('x-oss-err', header)], '')
    assert error_view(failing(emu.bucket('ming-oss-share').list_bucket_cname), 'Bucket') == \
        error_view(failing(canned.list_bucket_cname), 'Bucket')


def test_region_errors(emu, replay, monkeypatch):
    canned = replayed_bucket(replay, 'demo-assets', 403, XML, WRONG_ENDPOINT)
    mine = emu.bucket('demo-assets', region='eu-central-1')  # an IP endpoint: the V4 scope says where the request went
    assert error_view(failing(mine.list_bucket_cname), 'Endpoint') == error_view(failing(canned.list_bucket_cname), 'Endpoint')

    real = socket.getaddrinfo
    monkeypatch.setattr(socket, 'getaddrinfo', lambda host, port, *args, **kwargs: real(
        '127.0.0.1' if str(host).endswith('.aliyuncs.com') else host, port, *args, **kwargs))
    canned = replayed_bucket(replay, 'demo-assets', 400, XML, SIGNING_REGION)
    mine = emu.bucket('demo-assets', endpoint='http://oss-cn-hangzhou.aliyuncs.com:%d' % emu.port, region='eu-central-1')
    assert error_view(failing(mine.list_bucket_cname), 'EC') == error_view(failing(canned.list_bucket_cname), 'EC')


# ---------------------------------------------------------------------------------------------- Alidns

def replayed_client(emu, replay, status, body):
    replay.set(status, JSON, body)
    client = emu.alidns()
    client._endpoint = '127.0.0.1:%d' % replay.port  # pylint: disable=protected-access
    return client


def subset(document, keys):
    return dict((k, document.get(k)) for k in keys)


def test_alidns_zone_and_records(emu, replay):
    emu.ok('POST', 'seed', {'accounts': {'main': {'zones': {'mean.space': {
        'edition': 'mianfei', 'dns_servers': ['dns9.hichina.com', 'dns10.hichina.com']}}}}})
    mine = emu.alidns()
    info_body = ('{"RecordLines":{"RecordLine":[]},"PunyCode":"mean.space","AliDomain":true,"DnsServers":{"DnsServer":'
                 '["dns9.hichina.com","dns10.hichina.com"]},"VersionName":"Alibaba Cloud DNS","RequestId":'
                 '"693F7712-FE74-4134-8C57-F7770D58E3BC","VersionCode":"mianfei","DomainName":"mean.space","DomainId":'
                 '"3926e93f-3f49-405d-9d39-0d226e54b4b1","AvailableTtls":{"AvailableTtl":[]}}')
    request = m.DescribeDomainInfoRequest(domain_name='mean.space')
    canned = replayed_client(emu, replay, 200, info_body).describe_domain_info(request).body.to_map()
    keys = set(canned) - {'RequestId', 'DomainId'}
    assert subset(mine.describe_domain_info(request).body.to_map(), keys) == subset(canned, keys)

    search = m.DescribeDomainRecordsRequest(domain_name='mean.space', rrkey_word='_acme-challenge.noop', type_key_word='TXT',
                                            value_key_word='challengetoken')
    empty = '{"PageNumber":1,"TotalCount":0,"PageSize":20,"RequestId":"C9A1FC64-6E42-4DE8-A188-C45103FD6744","DomainRecords":{"Record":[]}}'
    canned = replayed_client(emu, replay, 200, empty).describe_domain_records(search).body.to_map()
    mine_map = mine.describe_domain_records(search).body.to_map()
    assert subset(mine_map, set(canned) - {'RequestId'}) == subset(canned, set(canned) - {'RequestId'})

    add = m.AddDomainRecordRequest(domain_name='mean.space', rr='_acme-challenge.noop', type='TXT', value='challengetoken', ttl=3600)
    canned = replayed_client(emu, replay, 200, '{"RecordId":"17606201171799040","RequestId":"0F4478C3-5D30-4056-A9C6-07EB866E173F"}')
    canned_id = canned.add_domain_record(add).body.record_id
    record_id = mine.add_domain_record(add).body.record_id
    assert type(record_id) is type(canned_id) is str and record_id.isdigit()

    after = ('{"PageNumber":1,"TotalCount":1,"PageSize":20,"RequestId":"EC5FDB00-3B95-4AAF-81B8-991EDF84793E","DomainRecords":'
             '{"Record":[{"RR":"_acme-challenge.noop","Status":"ENABLE","Value":"challengetoken","Weight":1,"RecordId":'
             '"17606201171799040","Type":"TXT","DomainName":"mean.space","Locked":false,"Line":"default","TTL":3600}]}}')
    canned = replayed_client(emu, replay, 200, after).describe_domain_records(search).body.to_map()
    mine_map = mine.describe_domain_records(search).body.to_map()
    record_keys = set(canned['DomainRecords']['Record'][0]) - {'RecordId'}
    assert subset(mine_map['DomainRecords']['Record'][0], record_keys) == subset(canned['DomainRecords']['Record'][0], record_keys)
    assert subset(mine_map, ('PageNumber', 'TotalCount', 'PageSize')) == subset(canned, ('PageNumber', 'TotalCount', 'PageSize'))

    delete = '{"RecordId":"17549234283615232","RequestId":"352F7A29-DC13-4A56-8D16-62604EFD1C6A"}'
    canned = replayed_client(emu, replay, 200, delete).delete_domain_record(m.DeleteDomainRecordRequest(record_id='17549234283615232'))
    mine_body = mine.delete_domain_record(m.DeleteDomainRecordRequest(record_id=record_id)).body
    assert (set(mine_body.to_map()), mine_body.record_id) == (set(canned.body.to_map()), record_id)


def test_alidns_record_info_and_main_domain(emu, replay):
    emu.ok('POST', 'seed', {'accounts': {'main': {'zones': {'dns-example.top': {'edition': 'version_enterprise_advanced', 'records': [
        {'record_id': '9999985', 'rr': '@', 'type': 'MX', 'value': 'mx.dns-example.top', 'priority': 5, 'ttl': 600, 'locked': True,
         'remark': 'test'}]}}}}})
    body = ('{"Status":"Enable","RR":"@","GroupName":"MyGroup","RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","DomainName":'
            '"dns-example.top","Priority":5,"PunyCode":"xn--fsq270a.com","TTL":600,"GroupId":"2223","Line":"default","Locked":true,'
            '"Type":"MX","DomainId":"00efd71a-770e-4255-b54e-6fe5659baffe","Value":"1.1.XX.XX","RecordId":"9999985","Remark":"test"}')
    request = m.DescribeDomainRecordInfoRequest(record_id='9999985')
    canned = replayed_client(emu, replay, 200, body).describe_domain_record_info(request).body.to_map()
    keys = set(canned) - {'RequestId', 'GroupName', 'GroupId', 'DomainId', 'PunyCode', 'Value'}  # the doc example is illustrative
    assert subset(emu.alidns().describe_domain_record_info(request).body.to_map(), keys) == subset(canned, keys)

    body = '{"RR":"www","RequestId":"536E9CAD-DB30-4647-AC87-AA5CC38C5382","DomainName":"example.com","DomainLevel":2}'
    request = m.GetMainDomainNameRequest(input_string='www.example.com')
    canned = replayed_client(emu, replay, 200, body).get_main_domain_name(request).body.to_map()
    mine = emu.alidns().get_main_domain_name(request).body.to_map()
    assert subset(mine, set(canned) - {'RequestId'}) == subset(canned, set(canned) - {'RequestId'})


def alidns_view(err, message=True):
    return (type(err), err.code, err.status_code, err.data.get('HostId')) + ((err.data.get('Message'),) if message else ())


def test_alidns_errors(emu, replay):
    mine = emu.alidns()
    body = ('{"RequestId":"1609AF33-707D-4DC5-BA05-1B75E0BBA0FB","HostId":"alidns.aliyuncs.com","Code":"InvalidDomainName.NoExist",'
            '"Message":"The specified domain name does not exist. Refresh the page and try again."}')
    request = m.DescribeDomainInfoRequest(domain_name='thisisadomainidonotown.com')
    assert alidns_view(alidns_error(mine.describe_domain_info, request)) == \
        alidns_view(alidns_error(replayed_client(emu, replay, 400, body).describe_domain_info, request))

    body = ('{"RequestId":"1922FA25-0F1D-51D2-BBAE-8EC5C3A26E64","HostId":"alidns.aliyuncs.com","Code":"DomainRecordDuplicate",'
            '"Message":"The DNS record already exists.","Recommend":"https://api.aliyun.com/troubleshoot?q=DomainRecordDuplicate&'
            'product=Alidns&requestId=1922FA25-0F1D-51D2-BBAE-8EC5C3A26E64"}')
    www = [r for r in mine.describe_domain_records(m.DescribeDomainRecordsRequest(domain_name='example.com')).body.domain_records.record
           if r.rr == 'www'][0]
    update = m.UpdateDomainRecordRequest(record_id=www.record_id, rr='www', type='A', value='192.0.2.10', ttl=600)
    mine_err = alidns_error(mine.update_domain_record, update)
    canned_err = alidns_error(replayed_client(emu, replay, 400, body).update_domain_record, update)
    assert alidns_view(mine_err) == alidns_view(canned_err)
    assert set(mine_err.data) == set(canned_err.data)

    body = ('{"RequestId":"5589F997-A401-54B2-A2DC-987AFAF132ED","Message":"Specified signature is not matched with our calculation. '
            'server string to sign is:GET&%2F&AccessKeyId","HostId":"alidns.aliyuncs.com","Code":"SignatureDoesNotMatch"}')
    request = m.DescribeDomainsRequest()
    wrong = emu.alidns(keys=(emu.keys['main'][0], 'wrong'), v2=True)
    mine_err = alidns_error(wrong.describe_domains, request)
    canned_err = alidns_error(replayed_client(emu, replay, 400, body).describe_domains, request)
    assert alidns_view(mine_err, False) == alidns_view(canned_err, False)
    prefix = 'Specified signature is not matched with our calculation. server string to sign is:'
    assert mine_err.data['Message'].startswith(prefix) and canned_err.data['Message'].startswith(prefix)

    body = ('{"Code":"Throttling.User","HostId":"alidns.aliyuncs.com","Message":"Request was denied due to user flow control.",'
            '"Recommend":"https://error-center.aliyun.com/status/search?Keyword=Throttling.User&source=PopGw","RequestId":"xxxxxx"}')
    emu.ok('PUT', 'faults', {'throttle_rps': {'DescribeDomains': 0}})
    assert alidns_view(alidns_error(mine.describe_domains, request)) == \
        alidns_view(alidns_error(replayed_client(emu, replay, 400, body).describe_domains, request))

    body = ('{"RequestId":"887141F2-5E35-4086-A684-37C9C0C2345F","Message":"Specified access key is not found or invalid.",'
            '"Recommend":"https://error-center.aliyun.com/status/search?Keyword=InvalidAccessKeyId&source=PopGw","HostId":'
            '"alidns.aliyuncs.com","Code":"InvalidAccessKeyId"}')
    unknown = emu.alidns(keys=('LTAI5tNoSuchKey000000000', 'x'))
    assert alidns_view(alidns_error(unknown.describe_domain_info, m.DescribeDomainInfoRequest(domain_name='example.com'))) == \
        alidns_view(alidns_error(replayed_client(emu, replay, 400, body).describe_domain_info,
                                 m.DescribeDomainInfoRequest(domain_name='example.com')))
