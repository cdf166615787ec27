# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one TXT grammar of the collection, shared by alidns_record, the ownership record and wait_for_dns.

A TXT record holds one or more character-strings of at most 255 bytes each. SPF (RFC 7208, section 3.3) and DKIM
(RFC 6376, section 3.6.2.2) join them without a separator, and Alibaba Cloud DNS keeps only that joined text: its
API takes and returns one Value, and the record is published as consecutive 255-byte strings. So the *content*
of a TXT value, what is written and what is compared, is the joined text; where the strings were cut does not
matter.

A value given by a user is read in one of two ways:

* it starts with a double quote: zone-file text, as dnspython parses TXT rdata (one or more quoted
  character-strings, each at most 255 bytes, with the escapes backslash-quote, double backslash and
  backslash-DDD for a byte in decimal); the content is the strings joined;
* anything else is the content itself, without the white space around it (a long value needs no splitting).

`"v=spf1 -all"` and `v=spf1 -all` are the same value; `"v=spf1" "-all"` is `v=spf1-all` (joined without a space,
as SPF reads it). The content is compared as text, UTF-8 decoded; content that is not UTF-8 (only possible from
DNS answers or backslash-DDD escapes) is shown as dnspython's zone-file text of it.

dnspython is imported only for zone-file text, so that plain values need no third-party package.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import traceback

STRING_MAX = 255


class TxtError(ValueError):
    """A TXT value that cannot be read; the message says why (the caller adds the field)."""


class MissingDnspythonError(TxtError):
    """dnspython is needed for this value (zone-file text) but cannot be imported."""

    def __init__(self, trace):
        super(MissingDnspythonError, self).__init__('dnspython')
        self.trace = trace


def _dns():
    """dnspython's rdata modules, imported on first use."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements  # pylint: disable=import-outside-toplevel
    try:
        _requirements.require('dnspython')  # present and recent enough (the one table of packages and versions)
        import dns.exception  # pylint: disable=import-outside-toplevel
        import dns.rdata  # pylint: disable=import-outside-toplevel
        import dns.rdataclass  # pylint: disable=import-outside-toplevel
        import dns.rdatatype  # pylint: disable=import-outside-toplevel
        import dns.rdtypes.ANY.TXT  # pylint: disable=import-outside-toplevel
    except _requirements.MissingRequirement as exc:
        raise MissingDnspythonError(exc.trace)
    except ImportError:
        raise MissingDnspythonError(traceback.format_exc())
    return dns


def split_strings(data):
    """Cut bytes into the 255-byte character-strings a publisher writes (one empty string for no bytes)."""
    return [data[index:index + STRING_MAX] for index in range(0, len(data), STRING_MAX)] or [b'']


def is_zone_text(value):
    return value.lstrip().startswith('"')


def parse_strings(value):
    """The character-strings (bytes) of a value given by a user, read by the grammar above."""
    if not isinstance(value, str):
        raise TxtError('a TXT value must be a string, got %r.' % (value,))
    if not is_zone_text(value):
        return split_strings(value.strip().encode('utf-8'))
    dns = _dns()
    try:
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, value.strip())
    except (dns.exception.DNSException, ValueError) as exc:
        raise TxtError('%r starts with a double quote, so it is read as zone-file text (one or more quoted strings of at most '
                       '255 bytes, with \\" for a quote, \\\\ for a backslash), and that failed: %s. To give the text literally '
                       'with a leading quote, write it in zone-file form, for example "\\"quoted\\"".' % (value, str(exc) or type(exc).__name__))
    return list(rdata.strings)


def join_strings(strings):
    """The content of a TXT record given its character-strings (bytes or text): the joined text.

    UTF-8 is decoded after joining, because a publisher cuts at 255 bytes, possibly inside a character. Content that is not
    UTF-8 becomes dnspython's zone-file text of it (cut at 255 bytes), which starts with a double quote and so stays distinct.
    """
    data = b''.join(part.encode('utf-8') if isinstance(part, str) else bytes(part) for part in strings)
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return zone_text(data)


def content(value):
    """The content of a value given by a user: what alidns_record writes and what wait_for_dns waits for."""
    return join_strings(parse_strings(value))


def zone_text(data):
    """dnspython's zone-file text of a TXT record holding `data` (text or bytes) as the 255-byte strings a publisher writes."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    dns = _dns()
    return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, split_strings(data)).to_text()
