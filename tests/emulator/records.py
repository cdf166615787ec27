# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""DNS record values: validation and normalisation as Alidns does it, and conversion to dnspython rdata."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import re

import dns.exception
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT

TYPES = ('A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'REDIRECT_URL', 'FORWARD_URL')
HOST_TYPES = ('CNAME', 'MX', 'NS')
URL_TYPES = ('REDIRECT_URL', 'FORWARD_URL')
LINES = ('default', 'telecom', 'unicom', 'mobile', 'edu', 'drpeng', 'btvn', 'cstnet', 'wexchange', 'founder',
         'topway_video', 'wasu', 'ocn', 'cnix', 'bgctv', 'aliyun', 'search', 'oversea', 'internal')

LABEL = re.compile(r'^(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)$')
_HOST = re.compile(r'^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$')


class RecordError(ValueError):
    """Carries the Alidns error code."""

    def __init__(self, code, message):
        super(RecordError, self).__init__(message)
        self.code = code
        self.message = message


def normalize_rr(rr):
    rr = (rr or '').strip().lower().rstrip('.')
    if rr == '@':
        return rr
    labels = rr.split('.')
    if not rr or len(rr) > 253 or not all(LABEL.match(label) for label in labels) or '*' in labels[1:]:
        raise RecordError('InvalidRR.Format', 'The parameter value RR is invalid.')
    return rr


def normalize_type(rtype):
    rtype = (rtype or '').strip().upper()
    if rtype not in TYPES:
        raise RecordError('InvalidParameter', 'The specified parameter "Type" is not valid.')
    return rtype


def _bad_value():
    return RecordError('SubDomainInvalid.Value', 'The parameter value Value is invalid.')


def _host(value):
    value = value.strip().lower().rstrip('.')
    if not value or len(value) > 253 or not _HOST.match(value):
        raise _bad_value()
    return value


def normalize_value(rtype, value):
    """Return the value as Alidns stores it, or raise RecordError."""
    if rtype == 'TXT':
        return _txt_value(value)
    value = (value or '').strip()
    if not value:
        raise _bad_value()
    try:
        if rtype == 'A':
            return str(ipaddress.IPv4Address(value))
        if rtype == 'AAAA':
            return str(ipaddress.IPv6Address(value))
    except ValueError:
        raise _bad_value()
    if rtype in HOST_TYPES:
        return _host(value)
    if rtype == 'SRV':
        parts = value.split()
        if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
            raise _bad_value()
        return ' '.join(parts[:3] + [_host(parts[3])])
    if rtype == 'CAA':
        try:
            dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.CAA, value)
        except (dns.exception.DNSException, ValueError):
            raise _bad_value()
        return value
    if not re.match(r'^https?://\S+$', value):
        raise _bad_value()
    return value


def _txt_value(value):
    """A TXT Value as Alidns stores it: one text, without the double quotes around it and the spaces at its end, the rest
    as given (leading spaces, inner quotes, backslashes, non-ASCII); empty or over 511 bytes is refused. See README.md, TXT."""
    value = (value or '').rstrip(' ')
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].rstrip(' ')
    if not value.strip() or len(value.encode('utf-8')) > 511:
        raise _bad_value()
    return value


def values_equal(rtype, left, right):
    if rtype in HOST_TYPES or rtype in ('A', 'AAAA', 'SRV'):
        return left.lower() == right.lower()
    return left == right


def to_rdata(rtype, value, priority=None):
    """dnspython rdata for a stored record value (None for URL forwarding, which is not a DNS type)."""
    if rtype in URL_TYPES:
        return None
    if rtype == 'TXT':
        # Published as Alidns publishes it: the stored text's UTF-8 bytes, verbatim, cut into consecutive 255-byte
        # character-strings (possibly inside a character); nothing in the text is read as an escape.
        raw = value.encode('utf-8')
        chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b'']
        return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, chunks)
    if rtype in HOST_TYPES:
        text = value + '.'
        if rtype == 'MX':
            text = '%d %s' % (int(priority or 10), text)
    elif rtype == 'SRV':
        text = value + '.'
    else:
        text = value
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), text)


def external_rdata(rtype, value, origin):
    """rdata of an external-zone record given in zone-file syntax (TXT may be given unquoted)."""
    if rtype == 'TXT' and not value.startswith('"'):
        return to_rdata('TXT', value)
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), value, origin=origin)
