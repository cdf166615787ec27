# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OSS custom-domain API: ListCname, PutCname, DeleteCname, CreateCnameToken, GetCnameToken.

Wire formats, status codes and error codes follow reference/oss_cname_api.md. Codes the reference could not pin
down are marked ASSUMED here and in README.md.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
import secrets
import time
import xml.etree.ElementTree as ET

import certs
import ram
import signatures
import world
from protocol import Response, http_date, oss_request_id

TOKEN_TTL = 72 * 3600
MAX_TOKENS = 1000
MAX_CNAMES = 100
RESERVED = ('aliyuncs.com', 'aliyun.com', 'aliyun-inc.com', 'taobaocdn.com', 'taobao.com')
_VHOST = re.compile(r'^([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$')
# A path-style request to a regional endpoint (oss2 uses path style only for IP endpoints, other clients may not).
_ENDPOINT = re.compile(r'^oss-([a-z0-9-]+?)(-internal)?\.aliyuncs\.com$')
# Global endpoints that do not name a region (transfer acceleration): they serve a bucket of any region.
_REGIONLESS = ('accelerate', 'accelerate-overseas')
_DOMAIN = re.compile(r'^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$')
WRITES = ('PutCname', 'DeleteCname', 'CreateCnameToken')
MALFORMED = 'The XML you provided was not well-formed or did not validate against our published schema.'
WRONG_ENDPOINT = ('The bucket you are attempting to access must be addressed using the specified endpoint. Please send all '
                  'future requests to this endpoint.')
# ASSUMED message: error page 0002-00000080 gives the status (403) and the EC, not the Code or the Message.
V1_REFUSED = 'The V1 signature is no longer supported for this account; sign the request with V4 (OSS4-HMAC-SHA256).'
# RAM refusals (error pages 0003-00000201 for an explicit Deny, body shown there; 0003-00000001 for a RAM user without an
# Allow, the message OSS gives then). PutCname with a certificate also needs the Certificate Management Service
# permissions the PutCname page lists.
RAM_EXPLICIT = ('Access denied by bucket policy.', '0003-00000201')
RAM_IMPLICIT = ('You have no right to access this object because of bucket acl.', '0003-00000001')
CERTIFICATE_ACTIONS = ('yundun-cert:DescribeSSLCertificatePrivateKey', 'yundun-cert:DescribeSSLCertificatePublicKeyDetail',
                       'yundun-cert:CreateSSLCertificate')


class OssError(Exception):
    def __init__(self, status, code, message, ec=None, refusal=None, **extra):
        super(OssError, self).__init__(message)
        self.status, self.code, self.message, self.ec, self.extra = status, code, message, ec, extra
        self.refusal = refusal  # a ram.Refusal: the body carries its AccessDeniedDetail


class Call:
    def __init__(self, action, bucket, key, host, write):
        self.action, self.bucket, self.key, self.host, self.write = action, bucket, key, host, write
        self.account = None
        self.zone = None
        self.endpoint_region = None   # the region of the endpoint in the Host header (None for an IP or localhost)
        self.caller_region = None     # the region the request was sent to: the endpoint's, else the V4 scope's
        self.scheme = 'unknown'       # signature scheme, for the counters: oss_v1, oss_v4, anonymous or unknown
        self.signer = None            # the account of the access key, known even when the request is refused
        self.principal = None         # ram.Principal: who signed, and the policies that limit it


def _bool(text):
    return (text or '').strip().lower() == 'true'


def _iso(ts):
    return time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(ts))


def _xml(root):
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='utf-8')


def _sub(parent, tag, text):
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _cert_date(ts):
    """Certificate dates as OSS prints them: day of month without a leading zero ('Mon, 4 May 2048 10:14:51 GMT')."""
    parts = time.gmtime(ts)
    return '%s, %d %s' % (time.strftime('%a', parts), parts.tm_mday, time.strftime('%b %Y %H:%M:%S GMT', parts))


def mainland(region):
    return region.startswith('cn-') and region != 'cn-hongkong'


def _region_of_endpoint(region):
    return None if region in _REGIONLESS else region


def signature_scheme(req):
    """The signature scheme of an OSS request: in the Authorization header, or in the URL (signed URLs)."""
    auth = req.headers.get('Authorization') or ''
    if auth.startswith('OSS '):
        return 'oss_v1'
    if auth.startswith('OSS4-HMAC-SHA256 '):
        return 'oss_v4'
    if auth:
        return 'unknown'
    if 'OSSAccessKeyId' in req.params:
        return 'oss_v1'
    if 'x-oss-credential' in req.params:
        return 'oss_v4'
    return 'anonymous'


class OssApi:
    api_name = 'oss'  # its key in the fault throttle_rps "writes:<api>"

    def __init__(self, emu):
        self.emu = emu

    # ------------------------------------------------------------------ responses
    def error_response(self, call, err):
        root = ET.Element('Error')
        request_id = oss_request_id()
        for tag, text in [('Code', err.code), ('Message', err.message), ('RequestId', request_id),
                          ('HostId', call.host if call else '')]:
            _sub(root, tag, str(text))
        if err.refusal is not None:
            detail = ET.SubElement(root, 'AccessDeniedDetail')
            for tag, text in err.refusal.detail(request_id):
                _sub(detail, tag, text)
        for tag, text in sorted(err.extra.items()):
            _sub(root, tag, str(text))
        headers = {'x-oss-request-id': request_id, 'Content-Type': 'application/xml'}
        if err.ec:
            _sub(root, 'EC', err.ec)
            headers['x-oss-ec'] = err.ec
        if err.refusal is not None:
            _sub(root, 'RecommendDoc', 'https://api.aliyun.com/troubleshoot?q=%s' % err.ec)
        return Response(err.status, _xml(root), headers)

    def injected(self, call, code):
        self.emu.calls.refusal(call.action, code)
        if code == 'Throttling':
            err = OssError(503, 'ServiceUnavailable', 'Please reduce your request rate.')
        elif code == 'ServiceUnavailable':
            err = OssError(503, 'ServiceUnavailable', 'Service is temporarily unavailable, please try again later.')
        else:
            err = OssError(500, 'InternalError', 'We encountered an internal error. Please try again.')
        return self.error_response(call, err)

    @staticmethod
    def ok(body=b''):
        headers = {'x-oss-request-id': oss_request_id()}
        if body:
            headers['Content-Type'] = 'application/xml'
        return Response(200, body, headers)

    # ------------------------------------------------------------------ request analysis and authentication
    def prepare(self, req):
        """(call, error response or None). The call names the action and, once authenticated, the account."""
        match = _VHOST.match(req.host)
        if match:
            bucket, key = match.group(1), req.path[1:]
            region = _region_of_endpoint(match.group(2))
        else:
            parts = req.path[1:].split('/', 1)
            bucket, key = parts[0], parts[1] if len(parts) > 1 else ''
            endpoint = _ENDPOINT.match(req.host)
            region = _region_of_endpoint(endpoint.group(1)) if endpoint else None
        has_cname = 'cname' in req.params
        comp = req.params.get('comp')
        action = None
        if has_cname and not key and bucket:
            if req.method == 'GET':
                action = 'GetCnameToken' if comp == 'token' else 'ListCname'
            elif req.method == 'POST':
                action = {'add': 'PutCname', 'delete': 'DeleteCname', 'token': 'CreateCnameToken'}.get(comp)
        call = Call(action or 'Unsupported', bucket, key, req.headers.get('Host', ''), action in WRITES)
        call.endpoint_region = call.caller_region = region
        call.scheme = signature_scheme(req)
        if action is None:
            return call, self.error_response(call, OssError(501, 'NotImplemented', 'The emulator implements only the bucket CNAME operations.'))
        try:
            call.account = self._authenticate(req, call)
        except OssError as err:
            return call, self.error_response(call, err)
        return call, None

    def _authenticate(self, req, call):
        auth = req.headers.get('Authorization') or ''
        state = self.emu.state
        if auth.startswith('OSS '):
            access_key, _sep, provided = auth[4:].partition(':')
            when = signatures.parse_http_date(req.headers.get('x-oss-date') or req.headers.get('Date') or '')
            creds = self._credentials(access_key, call)
            self._v1_allowed(creds)
            self._check_time(when, req.headers.get('Date'))
            to_sign = signatures.oss_v1_string_to_sign(req.method, req.headers, call.bucket, call.key, req.query)
            expected = signatures.oss_v1_signature(creds['secret'], to_sign)
        elif auth.startswith('OSS4-HMAC-SHA256 '):
            fields = signatures.parse_oss_v4_authorization(auth)
            if fields is None:
                raise OssError(400, 'InvalidArgument', 'Authorization header is invalid.')
            access_key, provided = fields['access_key'], fields['signature']
            creds = self._credentials(access_key, call)
            stamp = req.headers.get('x-oss-date') or ''
            self._check_time(signatures.parse_compact_date(stamp), stamp)
            if stamp[:8] != fields['date']:
                raise OssError(400, 'InvalidArgument', 'Invalid credential date in Authorization header.')
            if call.endpoint_region and fields['region'] != call.endpoint_region:
                # The endpoint is one region, the signature another (error pages 0002-00000226 and 0002-00000228; the
                # code, message and EC as the OSS Go SDK v2 issue #29 shows them).
                raise OssError(400, 'InvalidArgument', 'Invalid signing region in Authorization header.', ec='0002-00000226')
            # Through an IP or localhost the endpoint names no region: the request goes where the scope says.
            call.caller_region = call.caller_region or fields['region']
            canonical = signatures.oss_v4_canonical_request(req.method, req.headers, call.bucket, call.key, req.query,
                                                            fields['additional'])
            expected = signatures.oss_v4_signature(creds['secret'], stamp, fields['region'], canonical, fields['product'])
            to_sign = canonical
        elif not auth and call.scheme in ('oss_v1', 'oss_v4'):
            creds = self._credentials(req.params.get('OSSAccessKeyId') or req.params.get('x-oss-credential', '').split('/')[0],
                                      call)
            if call.scheme == 'oss_v1':
                self._v1_allowed(creds)
            raise OssError(501, 'NotImplemented', 'The emulator does not verify signatures in URLs; sign the Authorization header.')
        elif not auth:
            raise OssError(403, 'AccessDenied', 'You have no right to access this bucket: anonymous access is refused.')
        else:
            raise OssError(400, 'InvalidArgument', 'Authorization header is invalid (signature V1 and V4 are supported).')
        if not secrets.compare_digest(provided, expected):
            raise OssError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you '
                           'provided. Check your key and signing method.', ec='0002-00000040', OSSAccessKeyId=access_key,
                           SignatureProvided=provided, StringToSign=to_sign,
                           StringToSignBytes=' '.join('%02X' % b for b in to_sign.encode('utf-8')))
        if creds['sts']:
            with state.lock:
                expire = creds['sts']['expire']
                now = state.now()
            if req.headers.get('x-oss-security-token') != creds['sts']['token']:
                # https://www.alibabacloud.com/help/en/oss/support/0002-00000006
                raise OssError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.', ec='0002-00000006',
                               OSSAccessKeyId=access_key)
            if now >= expire:
                # https://alibabacloud.com/help/en/oss/support/0002-00000007
                raise OssError(403, 'SecurityTokenExpired', 'The security token you provided has expired.', ec='0002-00000007')
        return creds['account']

    def _credentials(self, access_key, call):
        with self.emu.state.lock:
            creds = self.emu.state.credentials(access_key)
            if creds is not None:
                creds['legacy'] = bool(self.emu.state.data['accounts'].get(creds['account'], {}).get('legacy'))
        if creds is None:
            raise OssError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.',
                           OSSAccessKeyId=access_key)
        call.signer = creds['account']
        with self.emu.state.lock:
            call.principal = ram.principal(self.emu.state.data, creds)
        return creds

    @staticmethod
    def _v1_allowed(creds):
        """Since 2025-03-01 OSS refuses V1 signatures from new accounts (error page 0002-00000080: HTTP 403). Only
        accounts marked legacy in the world may still use them."""
        if not creds['legacy']:
            raise OssError(403, 'AccessDenied', V1_REFUSED, ec='0002-00000080')

    @staticmethod
    def _check_time(when, raw):
        now = time.time()
        if signatures.skewed(when, now):
            raise OssError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.',
                           RequestTime=raw or '', ServerTime=http_date(now), MaxAllowedSkewMilliseconds='900000')

    # ------------------------------------------------------------------ operations
    def execute(self, call, req):
        state = self.emu.state
        try:
            with state.lock:
                bucket = state.data['buckets'].get(call.bucket)
                if bucket is None:
                    raise OssError(404, 'NoSuchBucket', 'The specified bucket does not exist.', ec='0015-00000101', Bucket=call.bucket)
                if call.caller_region and call.caller_region != bucket['region']:
                    # A bucket lives in one region; another region's endpoint answers with the one to use (HTTP 403
                    # troubleshooting page; body as an Alibaba SLS FAQ quotes it: Bucket and Endpoint, no EC shown).
                    raise OssError(403, 'AccessDenied', WRONG_ENDPOINT, Bucket=call.bucket,
                                   Endpoint='oss-%s.aliyuncs.com' % bucket['region'])
                self._authorize(call, req, bucket)
                if bucket['account'] != call.account:
                    raise OssError(403, 'AccessDenied', 'The bucket you access does not belong to you.', ec='0003-00000001')
                handler = getattr(self, '_' + call.action)
                response = handler(call, req, bucket)
                if call.write:
                    state.save()
                return response
        except OssError as err:
            return self.error_response(call, err)

    def _authorize(self, call, req, bucket):
        """RAM: the signer's policies must allow oss:<Action> on the bucket (and, for PutCname with a certificate, the
        Certificate Management Service actions); the caller holds the state lock."""
        who = call.principal
        if who is None or not who.restricted:
            return
        owner = self.emu.state.data['accounts'][bucket['account']]['uid']
        checks = [('oss:' + call.action, ram.resource_oss_bucket(bucket['region'], owner, call.bucket))]
        if call.action == 'PutCname':
            try:
                conf = self._body(req)[1]
            except OssError:
                conf = None  # a malformed body is refused as such after the permission check
            if conf and (conf.get('Certificate') or conf.get('CertId')) and not _bool(conf.get('DeleteCertificate')):
                checks += [(action, ram.resource_certificates(who.uid)) for action in CERTIFICATE_ACTIONS]
        refusal = ram.authorize(who, checks)
        if refusal is None:
            return
        self.emu.calls.refuse(call.action, call.account)
        message, ec = RAM_EXPLICIT if refusal.no_permission_type == ram.EXPLICIT_DENY else RAM_IMPLICIT
        extra = {'Bucket': call.bucket}
        if who.kind == 'SubUser':
            extra['User'] = who.display
        raise OssError(403, 'AccessDenied', message, ec=ec, refusal=refusal, **extra)

    def _ListCname(self, call, _req, bucket):
        root = ET.Element('ListCnameResult')
        _sub(root, 'Bucket', call.bucket)
        _sub(root, 'Owner', self.emu.state.data['accounts'][bucket['account']]['uid'])
        for domain, entry in sorted(bucket['cnames'].items(), key=lambda item: (item[1]['last_modified'], item[0])):
            cname = ET.SubElement(root, 'Cname')
            _sub(cname, 'Domain', domain)
            _sub(cname, 'LastModified', _iso(entry['last_modified']))
            _sub(cname, 'Status', entry['status'])
            cert = entry.get('certificate')
            if cert:
                element = ET.SubElement(cname, 'Certificate')
                for tag, text in (('Type', cert['type']), ('CertId', cert['cert_id']), ('Status', cert['status']),
                                  ('CreationDate', _cert_date(cert['creation'])), ('Fingerprint', cert['fingerprint']),
                                  ('ValidStartDate', _cert_date(cert['valid_start'])), ('ValidEndDate', _cert_date(cert['valid_end']))):
                    _sub(element, tag, text)
        return self.ok(_xml(root))

    @staticmethod
    def _body(req):
        """(domain, CertificateConfiguration dict or None) from a BucketCnameConfiguration body."""
        try:
            root = ET.fromstring(req.body)
        except ET.ParseError:
            raise OssError(400, 'MalformedXML', MALFORMED, ec='0031-00000001')
        domain = root.findtext('Cname/Domain') if root.tag == 'BucketCnameConfiguration' else None
        if domain is None:
            raise OssError(400, 'MalformedXML', MALFORMED, ec='0031-00000001')
        conf = root.find('Cname/CertificateConfiguration')
        cert = None if conf is None else dict((child.tag, child.text or '') for child in conf)
        return domain, cert

    def _domain(self, domain, create_token=False):
        domain = (domain or '').strip().lower().rstrip('.')
        if any(ord(c) > 127 for c in domain):
            raise OssError(400, 'InvalidArgument', 'Chinese (IDN) domain names are not supported.', ArgumentName='Domain',
                           ArgumentValue=domain)
        if len(domain) <= 3:
            raise OssError(400, 'InvalidArgument', 'Entire hostname must be longer than 3 ASCII characters.', ec='0017-00000249')
        if '*' in domain:
            raise OssError(400, 'InvalidArgument', 'Wildcard domain names are not supported by standard buckets.',
                           ArgumentName='Domain', ArgumentValue=domain)
        if not _DOMAIN.match(domain) or len(domain) > 253:
            raise OssError(400, 'InvalidArgument', 'The specified domain name is invalid.', ArgumentName='Domain', ArgumentValue=domain)
        if any(domain == s or domain.endswith('.' + s) for s in RESERVED):
            raise OssError(403, 'CnameIsForbidden', 'The domain name is reserved by Alibaba Cloud and cannot be used.',
                           ec='0018-00000401')
        if not create_token:
            policy = self.emu.state.data['policy']
            if self._listed(domain, policy['risky']):
                raise OssError(403, 'CnameIsRisk', 'The domain name is classed as high-risk.')
            if self._listed(domain, policy['denied']):
                # The message of the HTTP 403 troubleshooting page: the domain is bound to a bucket of another user.
                raise OssError(403, 'CnameDenied', 'The cname belongs to another user')
            if self._listed(domain, policy['image_processing']):
                raise OssError(409, 'CnameAlreadyExists', 'The domain name is used by image processing.', CnameType='CNAME_IMG')
        return domain

    @staticmethod
    def _listed(domain, names):
        return any(domain == n or domain.endswith('.' + n) for n in names)

    def _valid_token(self, bucket, domain):
        token = bucket['tokens'].get(domain)
        if token and token['expire'] > self.emu.state.now():
            return token
        return None

    def _token_xml(self, call, domain, token):
        root = ET.Element('CnameToken')
        for tag, text in (('Bucket', call.bucket), ('Cname', domain), ('Token', token['token']),
                          ('ExpireTime', http_date(token['expire']))):
            _sub(root, tag, text)
        return self.ok(_xml(root))

    def _CreateCnameToken(self, call, req, bucket):
        domain = self._domain(self._body(req)[0], create_token=True)
        if domain in bucket['cnames']:
            raise OssError(403, 'NoNeedCreateCnameToken', 'The domain is already bound to this bucket; no token is needed.',
                           ec='0018-00000302', Bucket=call.bucket, Cname=domain)
        now = self.emu.state.now()
        bucket['tokens'] = dict((d, t) for d, t in bucket['tokens'].items() if t['expire'] > now)
        token = bucket['tokens'].get(domain)
        if token is None:
            if len(bucket['tokens']) >= MAX_TOKENS:
                raise OssError(400, 'TooManyCnameToken', 'You have attempted to create more cname token than allowed.',
                               Bucket=call.bucket)
            token = {'token': secrets.token_hex(16), 'expire': int(now + TOKEN_TTL)}
            bucket['tokens'][domain] = token
        return self._token_xml(call, domain, token)

    def _GetCnameToken(self, call, req, bucket):
        raw = req.params.get('cname', '')
        if not raw:
            raise OssError(400, 'InvalidArgument', 'The cname parameter is missing.', ArgumentName='cname', ArgumentValue='')
        domain = self._domain(raw, create_token=True)
        token = self._valid_token(bucket, domain)
        if token is None:
            raise OssError(404, 'CnameTokenNotFound', 'Cname token not found.', ec='0018-00000301', Bucket=call.bucket, Cname=domain)
        return self._token_xml(call, domain, token)

    def _DeleteCname(self, call, req, bucket):
        domain = (self._body(req)[0] or '').strip().lower().rstrip('.')
        bucket['cnames'].pop(domain, None)
        del call
        return self.ok()

    def _PutCname(self, call, req, bucket):
        raw_domain, cert_conf = self._body(req)
        if cert_conf is not None and _bool(cert_conf.get('DeleteCertificate')) and _bool(cert_conf.get('Force')):
            raise OssError(400, 'MalformedXML', MALFORMED, ec='0031-00000001')
        domain = self._domain(raw_domain)
        state = self.emu.state
        holder = state.bucket_holding(domain)
        if holder != call.bucket:
            self._check_new_binding(call, bucket, domain, holder)
        current = bucket['cnames'][domain]['certificate'] if holder == call.bucket else None
        certificate = self._certificate(call, bucket, cert_conf, current)
        now = state.now()
        if holder != call.bucket:
            if holder is not None:
                del state.data['buckets'][holder]['cnames'][domain]
            bucket['cnames'][domain] = world.binding(now)
        bucket['cnames'][domain]['certificate'] = certificate
        return self.ok()

    def _check_new_binding(self, call, bucket, domain, holder):
        state = self.emu.state
        if len(bucket['cnames']) >= MAX_CNAMES:
            # ASSUMED: the reference found no code for the 100-domain limit.
            raise OssError(400, 'TooManyCname', 'The bucket already has the maximum of %d custom domains.' % MAX_CNAMES)
        if holder is not None and state.data['buckets'][holder]['account'] == call.account:
            raise OssError(409, 'CnameAlreadyExists', 'The CNAME you provided already exists in another bucket of this account.',
                           CnameType='CNAME_OSS', Bucket=holder)
        if mainland(bucket['region']) and not self._listed(domain, state.data['policy']['icp_filed']):
            raise OssError(404, 'NoSuchCnameInRecord', 'The domain name has no ICP filing; buckets in mainland China regions '
                           'need an ICP-filed domain.')
        zone = state.alidns_zone(domain)
        if holder is None and zone is not None and state.data['zones'][zone]['account'] == call.account:
            return
        token = self._valid_token(bucket, domain)
        if token is None or token['token'] not in self.emu.bind.txt('_dnsauth.' + domain):
            raise OssError(403, 'NeedVerifyDomainOwnership', 'Please verify domain ownership by CreateCnameToken and try again.',
                           Bucket=call.bucket, Cname=domain)

    def _certificate(self, call, bucket, conf, current):
        """The certificate the binding should carry after this PutCname."""
        if conf is None:
            return current
        if _bool(conf.get('DeleteCertificate')):
            return None
        if not conf.get('Certificate') and not conf.get('CertId'):
            return current
        if not _bool(conf.get('Force')) and (conf.get('PreviousCertId') or None) != (current['cert_id'] if current else None):
            # ASSUMED code: the docs say only that a mismatch is an error.
            raise OssError(400, 'InvalidArgument', 'PreviousCertId does not match the certificate bound to the domain; '
                           'pass the current CertId as PreviousCertId or set Force.', ArgumentName='PreviousCertId')
        state = self.emu.state
        store = state.data['accounts'][call.account]['certificates']
        if conf.get('Certificate'):
            if not conf.get('PrivateKey'):
                raise OssError(400, 'InvalidArgument', 'PrivateKey is required with Certificate.', ArgumentName='PrivateKey')
            try:
                meta = certs.describe(conf['Certificate'], conf['PrivateKey'])
            except certs.CertificateError as exc:
                raise OssError(400, 'InvalidArgument', str(exc), ArgumentName='Certificate')
            if meta['valid_end'] <= state.now():
                raise OssError(400, 'InvalidArgument', 'The certificate has expired.', ArgumentName='Certificate')
            cert_id = next((cid for cid, c in store.items() if c['fingerprint'] == meta['fingerprint']), None)
            if cert_id is None:
                cert_id = '%d-%s' % (30000000 + state.next_seq(), bucket['region'])
                # The key is kept as Certificate Management Service keeps it (GetUserCertificateDetail returns it: cas_api.py).
                store[cert_id] = dict(meta, type='Upload', created=state.now(), certificate=conf['Certificate'],
                                      private_key=conf['PrivateKey'])
            elif store[cert_id].get('certificate') != conf['Certificate']:
                # ASSUMED: the same leaf uploaded again with another chain (an intermediate added or replaced) keeps its id
                # and serves the chain last uploaded; ListCname shows only the leaf either way.
                store[cert_id]['certificate'] = conf['Certificate']
                store[cert_id]['private_key'] = conf['PrivateKey']
        else:
            cert_id = conf['CertId']
            if cert_id not in store:
                # ASSUMED code: a CertId unknown to Certificate Management Service.
                raise OssError(400, 'InvalidArgument', 'The certificate %s does not exist.' % cert_id, ArgumentName='CertId')
        if current and current['cert_id'] == cert_id:
            return current
        return world.bound_certificate(cert_id, store[cert_id], state.now())
