# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""TXT values: what the Alidns API stores and gives back, and what BIND then publishes (README.md, TXT)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import dns.message
import dns.query
import dns.rdatatype
import pytest
from alibabacloud_alidns20150109 import models as m

from helpers import alidns_error


def add(client, rr, value):
    return client.add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr=rr, type='TXT', value=value)).body.record_id


def stored(client, rr):
    body = client.describe_sub_domain_records(m.DescribeSubDomainRecordsRequest(sub_domain='%s.example.com' % rr, type='TXT')).body
    return [record.value for record in body.domain_records.record]


def published(emu, rr):
    """The character-strings (bytes) of each TXT record BIND answers with."""
    response = dns.query.tcp(dns.message.make_query('%s.example.com' % rr, 'TXT'), '127.0.0.1', port=emu.dns_port, timeout=2)
    return [list(rdata.strings) for rrset in response.answer if rrset.rdtype == dns.rdatatype.TXT for rdata in rrset]


LONG = u'a' * 254 + u'\u00e9' + u'b' * 10

# (rr, Value sent, Value stored and given back, character-strings published)
CASES = [
    ('plain', 'v=spf1 -all', 'v=spf1 -all', [b'v=spf1 -all']),
    ('outer-quotes', '"v=spf1 -all"', 'v=spf1 -all', [b'v=spf1 -all']),
    ('trailing-spaces', 'token   ', 'token', [b'token']),
    ('quoted-trailing', '"token"  ', 'token', [b'token']),
    ('leading-space', ' indented', ' indented', [b' indented']),
    ('inner-quotes', 'say "hi" to them', 'say "hi" to them', [b'say "hi" to them']),
    ('quoted-strings-are-text', '"a" "b"', 'a" "b', [b'a" "b']),  # only the outer quotes go: no zone-file parsing
    ('backslash', 'C:\\path\\to', 'C:\\path\\to', [b'C:\\path\\to']),
    ('non-ascii', u'caf\u00e9', u'caf\u00e9', [u'caf\u00e9'.encode('utf-8')]),
    ('long', 'x' * 300, 'x' * 300, [b'x' * 255, b'x' * 45]),
    ('long-non-ascii', LONG, LONG, [LONG.encode('utf-8')[:255], LONG.encode('utf-8')[255:]]),
    ('max', 'y' * 511, 'y' * 511, [b'y' * 255, b'y' * 255, b'y']),
]


@pytest.mark.parametrize('rr, sent, kept, strings', CASES, ids=[case[0] for case in CASES])
def test_txt_value_stored_and_published(emu, rr, sent, kept, strings):
    client = emu.alidns()
    add(client, rr, sent)
    assert stored(client, rr) == [kept]
    assert published(emu, rr) == [strings]


@pytest.mark.parametrize('value', ['   ', '""', 'z' * 512, u'\u00e9' * 256])  # an empty Value is MissingValue
def test_txt_value_refused(emu, value):
    err = alidns_error(add, emu.alidns(), 'refused', value)
    assert err.code == 'SubDomainInvalid.Value'
