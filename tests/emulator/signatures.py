# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request signatures of OSS (V1, V4) and of the Alibaba Cloud RPC APIs (ACS3-HMAC-SHA256, V2 HMAC-SHA1).

Pure functions: they rebuild what the client signed, so that the servers can compare. The same functions
sign requests in the tests and in the benchmark.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import calendar
import datetime
import email.utils
import hashlib
import hmac
from urllib.parse import quote

MAX_SKEW_SECONDS = 15 * 60

# The OSS V1 sub-resources that take part in the signature (oss2.auth.ProviderAuth._subresource_key_set).
OSS_SUBRESOURCES = frozenset([
    'response-content-type', 'response-content-language', 'response-cache-control', 'logging',
    'response-content-encoding', 'acl', 'uploadId', 'uploads', 'partNumber', 'group', 'link', 'delete',
    'website', 'location', 'objectInfo', 'objectMeta', 'response-expires', 'response-content-disposition',
    'cors', 'lifecycle', 'restore', 'qos', 'referer', 'stat', 'bucketInfo', 'append', 'position',
    'security-token', 'live', 'comp', 'status', 'vod', 'startTime', 'endTime', 'x-oss-process', 'symlink',
    'callback', 'callback-var', 'tagging', 'encryption', 'versions', 'versioning', 'versionId', 'policy',
    'requestPayment', 'x-oss-traffic-limit', 'qosInfo', 'asyncFetch', 'x-oss-request-payer', 'sequential',
    'inventory', 'inventoryId', 'continuation-token', 'worm', 'wormId', 'wormExtend', 'replication',
    'replicationLocation', 'replicationProgress', 'transferAcceleration', 'cname', 'metaQuery',
    'resourceGroup', 'style', 'styleName', 'regionList', 'httpsConfig', 'accessPoint', 'publicAccessBlock',
])


def _hmac(key, msg, algo):
    if isinstance(key, str):
        key = key.encode('utf-8')
    if isinstance(msg, str):
        msg = msg.encode('utf-8')
    return hmac.new(key, msg, algo)


def rfc3986(value):
    """Percent-encode everything but the RFC 3986 unreserved characters."""
    return quote(value, safe='~')


def header_values(headers, name):
    """All values of one header (case-insensitive) as a list of strings."""
    if hasattr(headers, 'get_all'):
        return headers.get_all(name) or []
    lowered = dict((k.lower(), v) for k, v in headers.items())
    return [lowered[name]] if name in lowered else []


def header(headers, name, default=''):
    values = header_values(headers, name)
    return values[0] if values else default


# ---------------------------------------------------------------------------------------------- OSS V1

def oss_v1_string_to_sign(method, headers, bucket, key, query_pairs):
    oss_headers = sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith('x-oss-'))
    canon_headers = ''.join('%s:%s\n' % (k, v) for k, v in oss_headers)
    subs = sorted((k, v) for k, v in query_pairs if k in OSS_SUBRESOURCES)
    resource = '/%s/%s' % (bucket, key) if bucket else '/'
    if subs:
        resource += '?' + '&'.join(k + '=' + v if v else k for k, v in subs)
    date = header(headers, 'x-oss-date') or header(headers, 'date')
    return '\n'.join([method, header(headers, 'content-md5'), header(headers, 'content-type'), date,
                      canon_headers + resource])


def oss_v1_signature(secret, string_to_sign):
    return base64.b64encode(_hmac(secret, string_to_sign, hashlib.sha1).digest()).decode('ascii')


# ---------------------------------------------------------------------------------------------- OSS V4

def _v4_encode(text, keep_slash):
    return quote(text, safe='-_.~' + ('/' if keep_slash else ''))


def oss_v4_canonical_request(method, headers, bucket, key, query_pairs, additional=()):
    uri = _v4_encode('/%s/%s' % (bucket, key) if bucket else '/', True)
    params = sorted((_v4_encode(k, False), _v4_encode(v, False)) for k, v in query_pairs)
    canon_query = '&'.join(k + '=' + v if v else k for k, v in params)
    signed = []
    for name, value in headers.items():
        low = name.lower()
        if low.startswith('x-oss-') or low in ('content-type', 'content-md5') or low in additional:
            signed.append((low, value))
    signed.sort(key=lambda item: item[0])
    canon_headers = ''.join('%s:%s\n' % (k, v) for k, v in signed)
    payload = header(headers, 'x-oss-content-sha256') or 'UNSIGNED-PAYLOAD'
    return '\n'.join([method, uri, canon_query, canon_headers, ';'.join(sorted(additional)), payload])


def oss_v4_signature(secret, date_time, region, canonical_request, product='oss'):
    date = date_time[:8]
    scope = '%s/%s/%s/aliyun_v4_request' % (date, region, product)
    to_sign = '\n'.join(['OSS4-HMAC-SHA256', date_time, scope,
                         hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()])
    key = _hmac('aliyun_v4' + secret, date, hashlib.sha256).digest()
    key = _hmac(key, region, hashlib.sha256).digest()
    key = _hmac(key, product, hashlib.sha256).digest()
    key = _hmac(key, 'aliyun_v4_request', hashlib.sha256).digest()
    return _hmac(key, to_sign, hashlib.sha256).hexdigest()


def parse_oss_v4_authorization(value):
    """'OSS4-HMAC-SHA256 Credential=AK/date/region/oss/aliyun_v4_request, Signature=x[, AdditionalHeaders=a;b]'."""
    fields = {}
    for part in value[len('OSS4-HMAC-SHA256'):].split(','):
        if '=' in part:
            k, v = part.strip().split('=', 1)
            fields[k] = v
    cred = fields.get('Credential', '').split('/')
    if len(cred) != 5 or 'Signature' not in fields:
        return None
    additional = tuple(h for h in fields.get('AdditionalHeaders', '').split(';') if h)
    return {'access_key': cred[0], 'date': cred[1], 'region': cred[2], 'product': cred[3],
            'signature': fields['Signature'], 'additional': additional}


# ---------------------------------------------------------------------------------------------- ACS3

def acs3_canonical_request(method, path, query_pairs, headers, signed_headers, payload_hash):
    canon_query = '&'.join('%s=%s' % (k, rfc3986(v)) for k, v in sorted(query_pairs))
    lines = []
    for name in signed_headers:
        values = sorted(v.strip() for v in header_values(headers, name))
        lines.append('%s:%s\n' % (name, ','.join(values)))
    return '%s\n%s\n%s\n%s\n%s\n%s' % (method, path or '/', canon_query, ''.join(lines), ';'.join(signed_headers),
                                       payload_hash)


def acs3_signature(secret, canonical_request):
    to_sign = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()
    return _hmac(secret, to_sign, hashlib.sha256).hexdigest()


def parse_acs3_authorization(value):
    """'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex'."""
    fields = {}
    for part in value[len('ACS3-HMAC-SHA256'):].split(','):
        if '=' in part:
            k, v = part.strip().split('=', 1)
            fields[k] = v
    if not all(k in fields for k in ('Credential', 'SignedHeaders', 'Signature')):
        return None
    return {'access_key': fields['Credential'], 'signed_headers': fields['SignedHeaders'].split(';'),
            'signature': fields['Signature']}


# ---------------------------------------------------------------------------------------------- RPC V2

def rpc_v2_string_to_sign(method, params):
    canon = '&'.join('%s=%s' % (rfc3986(k), rfc3986(v)) for k, v in sorted(params.items()) if k != 'Signature')
    return '%s&%s&%s' % (method, rfc3986('/'), rfc3986(canon))


def rpc_v2_signature(secret, string_to_sign):
    return base64.b64encode(_hmac(secret + '&', string_to_sign, hashlib.sha1).digest()).decode('ascii')


# ---------------------------------------------------------------------------------------------- dates

def parse_http_date(value):
    try:
        parsed = email.utils.parsedate_tz(value)
        return email.utils.mktime_tz(parsed) if parsed else None
    except (TypeError, ValueError, OverflowError):
        return None


def parse_compact_date(value):
    """'20250101T000000Z' (OSS V4)."""
    try:
        return calendar.timegm(datetime.datetime.strptime(value, '%Y%m%dT%H%M%SZ').timetuple())
    except (TypeError, ValueError):
        return None


def parse_iso_date(value):
    """'2025-01-01T00:00:00Z' (ACS3, RPC V2)."""
    for fmt in ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'):
        try:
            return calendar.timegm(datetime.datetime.strptime(value, fmt).timetuple())
        except (TypeError, ValueError):
            continue
    return None


def skewed(timestamp, now):
    return timestamp is None or abs(now - timestamp) > MAX_SKEW_SECONDS
