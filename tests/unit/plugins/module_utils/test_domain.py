# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _domain
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import (
    DomainError, normalize_domain, normalize_region, oss_accelerate_host, oss_public_host, ownership_record_name, to_unicode,
    validate_bind_domain, validate_bucket_name, with_unicode,
)

# (input, expected normalised form) for names OSS accepts as bindings
VALID_BIND = [
    ('www.example.com', 'www.example.com'),
    ('WWW.Example.COM', 'www.example.com'),
    ('www.example.com.', 'www.example.com'),
    ('  www.example.com  ', 'www.example.com'),
    ('example.com', 'example.com'),
    ('a-b.example.co.uk', 'a-b.example.co.uk'),
    ('static.cdn.example.org', 'static.cdn.example.org'),
    ('xn--bcher-kva.example', 'xn--bcher-kva.example'),
    (u'b\u00fccher.example', 'xn--bcher-kva.example'),
    (u'\u4f8b\u5b50.\u6d4b\u8bd5', 'xn--fsqu00a.xn--0zwm56d'),
    ('123.example.com', '123.example.com'),
    ('a.io', 'a.io'),
    ('x' * 63 + '.example.com', 'x' * 63 + '.example.com'),
    ('.'.join(['a' * 61] * 4) + '.com', '.'.join(['a' * 61] * 4) + '.com'),
    ('img.aliyuncs.com.example.com', 'img.aliyuncs.com.example.com'),
    ('myaliyun.com', 'myaliyun.com'),
]

# (input, text the error must contain) for names OSS refuses; each message names the field
INVALID_BIND = [
    ('', 'required'),
    ('   ', 'required'),
    ('*.example.com', 'OSS does not accept wildcard domains'),
    ('*.Example.com.', 'wildcard'),
    ('www.*.example.com', 'only allowed as the whole first label'),
    ('w*w.example.com', 'only allowed as the whole first label'),
    ('192.0.2.10', 'is an IP address'),
    ('2001:db8::1', 'is an IP address'),
    ('[2001:db8::1]', 'is an IP address'),
    ('x.aliyuncs.com', 'Alibaba Cloud reserves'),
    ('aliyuncs.com', 'Alibaba Cloud reserves'),
    ('bucket.oss-cn-hangzhou.aliyuncs.com', 'Alibaba Cloud reserves'),
    ('shop.taobao.com', 'Alibaba Cloud reserves'),
    ('a.aliyun-inc.com', 'Alibaba Cloud reserves'),
    ('https://www.example.com/', 'looks like a URL'),
    ('www.example.com/path', 'looks like a URL'),
    ('www.example.com:8080', 'port'),
    ('localhost', 'not a fully qualified domain name'),
    ('www..example.com', 'empty label'),
    ('.example.com', 'empty label'),
    ('-www.example.com', 'is not valid'),
    ('www-.example.com', 'is not valid'),
    ('ww_w.example.com', 'is not valid'),
    ('www.exa mple.com', 'is not valid'),
    ('x' * 64 + '.example.com', 'at most 63'),
    ('.'.join(['a' * 63] * 4) + '.com', 'at most 253'),
    ('www.example.123', 'numeric label'),
    ('a.b', 'too short'),
    (None, 'required'),
]


@pytest.mark.parametrize('value, expected', VALID_BIND)
def test_valid_bind_domains(value, expected):
    assert validate_bind_domain(value) == expected


@pytest.mark.parametrize('value, fragment', INVALID_BIND)
def test_invalid_bind_domains(value, fragment):
    with pytest.raises(DomainError) as excinfo:
        validate_bind_domain(value, field='domain')
    message = str(excinfo.value)
    assert message.startswith('domain: ')
    assert fragment in message
    assert excinfo.value.field == 'domain'


def test_table_is_large_enough():
    assert len(VALID_BIND) + len(INVALID_BIND) >= 30


def test_error_names_the_given_field():
    with pytest.raises(DomainError) as excinfo:
        validate_bind_domain('*.example.com', field='custom_domain_name')
    assert str(excinfo.value).startswith('custom_domain_name: ')


@pytest.mark.parametrize('value, expected', [
    ('*.example.com', '*.example.com'),
    ('*.Sub.Example.com.', '*.sub.example.com'),
])
def test_dns_record_names_may_be_wildcards(value, expected):
    assert normalize_domain(value, allow_wildcard=True) == expected


@pytest.mark.parametrize('value, expected', [
    ('_dnsauth.www.example.com', '_dnsauth.www.example.com'),
    ('_Acme-Challenge.Example.com.', '_acme-challenge.example.com'),
])
def test_record_names_may_have_underscores(value, expected):
    assert normalize_domain(value, allow_underscore=True) == expected


@pytest.mark.parametrize('name, ok', [
    ('demo-assets', True), ('abc', True), ('a' * 63, True), ('0bucket9', True),
    ('ab', False), ('a' * 64, False), ('-abc', False), ('abc-', False), ('ab_c', False), ('ab.c', False), ('', False),
])
def test_bucket_names(name, ok):
    if ok:
        assert validate_bucket_name(name) == name
    else:
        with pytest.raises(DomainError) as excinfo:
            validate_bucket_name(name)
        assert str(excinfo.value).startswith('bucket: ')


def test_bucket_name_with_capitals_says_lower_case():
    with pytest.raises(DomainError) as excinfo:
        validate_bucket_name('Demo-Assets')
    assert 'capital letters' in str(excinfo.value)
    assert 'demo-assets' in str(excinfo.value)


@pytest.mark.parametrize('region, expected', [
    ('cn-hangzhou', 'cn-hangzhou'), ('oss-cn-hangzhou', 'cn-hangzhou'), ('EU-Central-1', 'eu-central-1'),
])
def test_regions(region, expected):
    assert normalize_region(region) == expected


@pytest.mark.parametrize('region', ['', 'hangzhou', 'cn_hangzhou', None])
def test_bad_regions(region):
    with pytest.raises(DomainError) as excinfo:
        normalize_region(region)
    assert str(excinfo.value).startswith('alicloud_region: ')


def test_endpoint_names():
    assert oss_public_host('demo-assets', 'cn-hangzhou') == 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    assert oss_public_host('demo-eu', 'oss-eu-central-1') == 'demo-eu.oss-eu-central-1.aliyuncs.com'
    assert oss_accelerate_host('demo-assets') == 'demo-assets.oss-accelerate.aliyuncs.com'
    assert ownership_record_name('www.example.com') == '_dnsauth.www.example.com'


# --- IDNA 2008 / UTS #46, non-transitional ----------------------------------------------------------------------------

IDNA_2008 = [
    (u'fa\u00df.example.com', 'xn--fa-hia.example.com', u'fa\u00df.example.com'),  # IDNA 2003: fass.example.com
    (u'stra\u00dfe.example.com', 'xn--strae-oqa.example.com', u'stra\u00dfe.example.com'),  # IDNA 2003: strasse.example.com
    (u'b\u00fccher.example.com', 'xn--bcher-kva.example.com', u'b\u00fccher.example.com'),
    (u'B\u00dcCHER.Example.COM.', 'xn--bcher-kva.example.com', u'b\u00fccher.example.com'),  # UTS #46 case folding
    (u'\uff26\uff21\u00df\u3002example.com', 'xn--fa-hia.example.com', u'fa\u00df.example.com'),  # full width, ideographic stop
    ('XN--FA-HIA.example.com', 'xn--fa-hia.example.com', u'fa\u00df.example.com'),  # punycode given: kept, checked
    (u'\u4f8b\u5b50.example.com', 'xn--fsqu00a.example.com', u'\u4f8b\u5b50.example.com'),
    ('ab--cd.example.com', 'ab--cd.example.com', 'ab--cd.example.com'),  # an ASCII label is a host name, not an IDN
]


@pytest.mark.parametrize('given, ascii_name, unicode_name', IDNA_2008)
def test_idna_2008_uts46_non_transitional(given, ascii_name, unicode_name):
    assert validate_bind_domain(given) == ascii_name
    assert to_unicode(ascii_name) == unicode_name


@pytest.mark.parametrize('given, fragment', [
    (u'a\u200db.example.com', 'not allowed by IDNA 2008'),  # a joiner outside its context (CONTEXTJ)
    (u'a\u2488.example.com', 'IDNA 2008'),  # a code point UTS #46 disallows
    ('xn--zz.example.com', 'not a valid IDNA 2008 A-label'),
    (u'\u05d0a.example.com', 'not allowed by IDNA 2008'),  # the bidi rule: Hebrew and Latin in one label
])
def test_names_idna_2008_refuses_fail_naming_the_field(given, fragment):
    with pytest.raises(DomainError) as excinfo:
        normalize_domain(given, field='records[0].name')
    assert str(excinfo.value).startswith('records[0].name: ')
    assert fragment in str(excinfo.value)
    assert excinfo.value.field == 'records[0].name'


def test_record_names_keep_underscores_and_wildcards_next_to_idn_labels():
    assert normalize_domain(u'_dnsauth.fa\u00df.example.com', allow_underscore=True) == '_dnsauth.xn--fa-hia.example.com'
    assert normalize_domain(u'*.b\u00fccher.example.com', allow_wildcard=True) == '*.xn--bcher-kva.example.com'
    assert to_unicode('_dnsauth.xn--fa-hia.example.com') == u'_dnsauth.fa\u00df.example.com'
    assert to_unicode('@') == '@'


def test_names_a_resolver_is_asked_for_need_not_be_fully_qualified():
    assert normalize_domain('localhost', fqdn=False) == 'localhost'
    assert normalize_domain('1.2.0.192.in-addr.arpa', fqdn=False) == '1.2.0.192.in-addr.arpa'


def test_with_unicode_adds_keys_next_to_the_names():
    result = dict(zone='example.com', rr='xn--fa-hia', fqdn=None)
    assert with_unicode(result, 'zone', 'rr', 'fqdn', 'absent') is result
    assert result == dict(zone='example.com', zone_unicode='example.com', rr='xn--fa-hia', rr_unicode=u'fa\u00df', fqdn=None,
                          fqdn_unicode=None)


def test_without_the_idna_package(monkeypatch):
    monkeypatch.setattr(_domain, 'HAS_IDNA', False)
    # ASCII names, punycode included, need nothing; the Unicode form comes from the standard punycode codec.
    assert validate_bind_domain('www.example.com') == 'www.example.com'
    assert validate_bind_domain('xn--fa-hia.example.com') == 'xn--fa-hia.example.com'
    assert to_unicode('xn--fa-hia.example.com') == u'fa\u00df.example.com'
    with pytest.raises(DomainError) as excinfo:
        validate_bind_domain(u'fa\u00df.example.com')
    assert str(excinfo.value).startswith('domain: ')
    assert 'idna' in str(excinfo.value) and 'xn--' in str(excinfo.value)
