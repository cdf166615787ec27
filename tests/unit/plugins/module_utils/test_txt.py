# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one TXT grammar: what alidns_record writes is what wait_for_dns waits for, case by case.

Each case goes the whole way: the value as a user gives it -> the Value alidns_record sends to Alibaba Cloud DNS ->
the record as Alibaba Cloud DNS publishes it (the Value cut into 255-byte strings) -> the answer wait_for_dns
reads from it, which must equal what wait_for_dns expects for the same user value.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _dns, _records, _txt, _wait

dns = pytest.importorskip('dns')
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rdtypes.ANY.TXT  # noqa: E402

# A DKIM record of a 2048-bit RSA key (the key bytes are made up): 410 bytes, more than one string can hold.
DKIM_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' + base64.b64encode(bytes(bytearray(range(256)))).decode('ascii') + 'IDAQAB'
DKIM = 'v=DKIM1; k=rsa; p=' + DKIM_KEY
DKIM_SPLIT = '"%s" "%s"' % (DKIM[:255], DKIM[255:])  # as mail providers hand it out: two quoted strings
SPF = 'v=spf1 include:spf.qiye.aliyun.com include:spf1.dm.aliyun.com -all'
SPF_SPLIT = '"v=spf1 include:spf.qiye.aliyun.com " "include:spf1.dm.aliyun.com -all"'  # the space ends the first string
NON_ASCII_LONG = u'a' * 254 + u'\u00e9' + u'b' * 10  # the é straddles the 255-byte cut of the published strings

# (value as the user gives it, the content: what is written and what is waited for)
CASES = [
    ('plain token', 'be1d49d863dea9ffeff3df7d64551234', 'be1d49d863dea9ffeff3df7d64551234'),
    ('quoted, one string', '"v=spf1 -all"', 'v=spf1 -all'),
    ('multi-string', '"v=spf1" "-all"', 'v=spf1-all'),
    ('multi-string, spaces kept inside', '"v=spf1 " "-all"', 'v=spf1 -all'),
    ('inner quotes, plain', 'say "hi" to them', 'say "hi" to them'),
    ('inner quotes, zone-file', '"say \\"hi\\" to them"', 'say "hi" to them'),
    ('quote at the end, plain', 'the end is "near"', 'the end is "near"'),
    ('backslash, plain', 'C:\\path\\to', 'C:\\path\\to'),
    ('backslash, zone-file', '"C:\\\\path\\\\to"', 'C:\\path\\to'),
    ('non-ASCII, plain', u'caf\u00e9 \u4f8b\u5b50', u'caf\u00e9 \u4f8b\u5b50'),
    ('non-ASCII, zone-file UTF-8', u'"caf\u00e9"', u'caf\u00e9'),
    ('non-ASCII, zone-file \\DDD', '"caf\\195\\169"', u'caf\u00e9'),
    ('over 255 bytes, plain', 'x' * 300, 'x' * 300),
    ('over 255 bytes, non-ASCII cut inside a character', NON_ASCII_LONG, NON_ASCII_LONG),
    ('DKIM, one plain value', DKIM, DKIM),
    ('DKIM, split as providers give it', DKIM_SPLIT, DKIM),
    ('SPF, plain', SPF, SPF),
    ('SPF, split', SPF_SPLIT, SPF),
    ('leading space kept in zone-file', '" indented"', ' indented'),
    ('white space around a plain value goes', '  token \n', 'token'),
]


def published(value):
    """The record Alibaba Cloud DNS (and the emulator) publishes for a stored Value: the text cut into 255-byte strings."""
    data = value.encode('utf-8')
    return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, [data[i:i + 255] for i in range(0, len(data), 255)])


@pytest.mark.parametrize('name, given, content', CASES, ids=[case[0] for case in CASES])
def test_alidns_record_writes_what_wait_for_dns_waits_for(name, given, content):
    written = _records.normalize_value('TXT', given, field='value[0]')[0]
    assert written == content
    expected = _wait.build_specs([dict(name='t.example.com', type='TXT', value=given, mode='equals')])[0].expected
    assert expected == [content]
    # What a nameserver answers, read the way wait_for_dns reads it, over the wire format and over zone-file text.
    rdata = published(written)
    assert _dns.answer_value('TXT', rdata) == content
    reparsed = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, rdata.to_text())
    assert _dns.answer_value('TXT', reparsed) == content
    # alidns_record reads the record back from the API as the stored Value: it compares equal, so a second run changes nothing.
    assert _records.canonical_value('TXT', written) == written


def test_published_strings_of_long_values():
    assert [len(part) for part in published(DKIM).strings] == [255, len(DKIM) - 255]
    assert [len(part) for part in published(NON_ASCII_LONG).strings] == [255, 11]
    assert _txt.split_strings(b'') == [b'']


def test_the_ownership_record_is_read_the_same_way():
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cname
    record = _cname.ownership_record('xn--fa-hia.example.com', 'be1d49d863dea9ffeff3df7d64551234')
    assert record['name'] == '_dnsauth.xn--fa-hia.example.com'
    assert _records.normalize_value('TXT', record['value'])[0] == record['value']
    assert _wait.build_specs([dict(record, mode='equals')])[0].expected == [record['value']]


def test_answers_that_are_not_utf8_are_shown_as_zone_file_text():
    rdata = dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, [b'caf\xe9'])
    assert _dns.answer_value('TXT', rdata) == '"caf\\233"'
    # ... and the same bytes given with escapes compare equal; a plain text never starts with a quote.
    assert _dns.normalize_value('TXT', '"caf\\233"') == '"caf\\233"'


def test_empty_string_can_be_waited_for():
    assert _dns.normalize_value('TXT', '""') == ''


@pytest.mark.parametrize('given, words', [
    ('""', 'empty'),
    ('   ', 'empty'),
    ('"unterminated', 'zone-file text'),
    ('"%s"' % ('x' * 256), 'zone-file text'),  # one quoted string holds at most 255 bytes
    ('x' * 512, 'at most 511'),
    (u'\u00e9' * 256, 'at most 511'),  # 512 bytes
    ('"a\\009b"', 'control character'),
    ('"line\\010break"', 'control character'),
    ('"caf\\233"', 'not UTF-8'),
    ('"\\"quoted\\""', 'begins and ends with a double quote'),
    ('"trailing "', 'ends with a space'),
])
def test_values_alibaba_cloud_dns_would_change_are_refused_before_any_call(given, words):
    with pytest.raises(_records.RecordError) as exc:
        _records.normalize_value('TXT', given, field='value[2]')
    assert str(exc.value).startswith('value[2]: ')
    assert words in str(exc.value)


def test_a_bad_zone_file_value_names_the_field_in_wait_for_dns():
    with pytest.raises(ValueError) as exc:
        _wait.build_specs([dict(name='t.example.com', type='TXT', values=['ok', '"unterminated'], mode='equals')])
    assert str(exc.value).startswith('records[0].values[1]: ')


def test_zone_text_is_dnspython_to_text():
    assert _txt.zone_text(u'say "hi"') == '"say \\"hi\\""'
    assert _txt.zone_text('x' * 300) == '"%s" "%s"' % ('x' * 255, 'x' * 45)
    assert _txt.content(_txt.zone_text(DKIM)) == DKIM
