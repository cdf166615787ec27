# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import (
    DomainError, normalize_domain, normalize_region, oss_accelerate_host, oss_public_host, ownership_record_name,
    validate_bind_domain, validate_bucket_name,
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
    assert oss_accelerate_host('demo-assets', overseas=True) == 'demo-assets.oss-accelerate-overseas.aliyuncs.com'
    assert ownership_record_name('www.example.com') == '_dnsauth.www.example.com'
