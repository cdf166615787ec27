# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import hashlib

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _certificate as certmod
from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import (
    CertificateError, check_certificate_pair, covers_domain, days_until, fingerprints_match, load_certificate, parse_time,
)

cryptography = pytest.importorskip('cryptography')

from cryptography import x509  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import (  # noqa: E402  pylint: disable=wrong-import-position
    key_pem, make_chain, make_key, make_pair, signed,
)

UTC = datetime.timezone.utc


def test_fingerprint_is_sha1_colon_upper_hex_of_der():
    pem, _key, cert = make_pair()
    info = load_certificate(pem)
    der = cert.public_bytes(serialization.Encoding.DER)
    expected = ':'.join('%02X' % b for b in bytearray(hashlib.sha1(der).digest()))
    assert info['fingerprint'] == expected
    assert len(info['fingerprint']) == 59 and info['fingerprint'] == info['fingerprint'].upper()


def test_first_certificate_of_a_chain_is_the_leaf():
    leaf_pem, _key, leaf = make_pair(names=('cdn.example.com',))
    ca_pem, _ca_key, _ca = make_pair(names=('ca.example.net',))
    info = load_certificate(leaf_pem + ca_pem)
    assert info['dns_names'] == ['cdn.example.com']
    assert info['chain_length'] == 2
    assert info['fingerprint'] == certmod.colon_hex(leaf.fingerprint(hashes.SHA1()))


@pytest.mark.parametrize('kind', ['ec', 'rsa'])
def test_matching_pair_is_accepted(kind):
    pem, key, _cert = make_pair(kind=kind)
    info = check_certificate_pair(pem, key)
    assert info['not_after'] > datetime.datetime.now(UTC)


def test_key_mismatch_names_both_fields_and_never_the_key():
    pem, _key, _cert = make_pair()
    other_key = key_pem(make_key())
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(pem, other_key)
    message = str(err.value)
    assert message.startswith('certificate.private_key does not match certificate.certificate')
    assert 'PRIVATE KEY' not in message
    assert other_key.splitlines()[1] not in message
    assert err.value.field == 'certificate.private_key'


def test_expired_certificate_says_when():
    pem, key, cert = make_pair(days=10, start_days_ago=30)
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(pem, key)
    expected = cert.not_valid_after_utc.strftime('%Y-%m-%dT%H:%M:%SZ') if hasattr(cert, 'not_valid_after_utc') \
        else cert.not_valid_after.strftime('%Y-%m-%dT%H:%M:%SZ')
    assert str(err.value).startswith('certificate.certificate expired on %s' % expected)


@pytest.mark.parametrize('text, field, words', [
    ('', 'certificate.certificate', 'is empty'),
    ('hello', 'certificate.certificate', 'not a PEM certificate'),
    ('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'certificate.certificate', 'could not be parsed'),
])
def test_bad_certificate_names_field(text, field, words):
    with pytest.raises(CertificateError) as err:
        load_certificate(text)
    assert str(err.value).startswith(field) and words in str(err.value)


def test_bad_and_encrypted_keys_name_the_key_field_without_echoing_it():
    pem, _key, _cert = make_pair()
    garbage = '-----BEGIN PRIVATE KEY-----\nU2VjcmV0S2V5TWF0ZXJpYWw=\n-----END PRIVATE KEY-----\n'
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(pem, garbage)
    assert str(err.value).startswith('certificate.private_key could not be parsed')
    assert 'U2VjcmV0' not in str(err.value)
    key = make_key()
    encrypted = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption(b'pw')).decode('ascii')
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(pem, encrypted)
    assert 'encrypted' in str(err.value)
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(pem, pem)
    assert str(err.value).startswith('certificate.private_key is not a PEM private key')


def test_fingerprint_comparison_ignores_case_separators_and_masked_digits():
    real = 'DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:2B:3C'
    assert fingerprints_match(real, real.lower().replace(':', ''))
    assert fingerprints_match('DE:01:CF:EC:7C:A7:98:CB:D8:6E:FB:1D:97:EB:A9:64:1D:4E:**:**', real)
    assert not fingerprints_match(real, real[:-1] + 'D')
    assert not fingerprints_match(None, real)
    assert not fingerprints_match(real, real[:-3])


@pytest.mark.parametrize('text, expected', [
    ('Mon, 4 May 2048 10:14:51 GMT', datetime.datetime(2048, 5, 4, 10, 14, 51, tzinfo=UTC)),
    ('Tues, 12 Apr 2021 10:14:51 GMT', datetime.datetime(2021, 4, 12, 10, 14, 51, tzinfo=UTC)),
    ('2021-09-15T02:35:07.000Z', datetime.datetime(2021, 9, 15, 2, 35, 7, tzinfo=UTC)),
    ('not a date', None),
    (None, None),
])
def test_parse_time_reads_what_oss_writes(text, expected):
    assert parse_time(text) == expected


def test_days_until_and_domain_cover():
    now = datetime.datetime(2048, 4, 4, 10, 14, 51, tzinfo=UTC)
    assert days_until('Mon, 4 May 2048 10:14:51 GMT', now=now) == 30
    assert days_until('Mon, 4 Apr 2048 10:14:50 GMT', now=now) == -1
    assert days_until('garbage', now=now) is None
    pem, _key, _cert = make_pair(names=('*.example.com', 'example.com'))
    info = load_certificate(pem)
    assert covers_domain(info, 'www.example.com')
    assert covers_domain(info, 'EXAMPLE.com.')
    assert not covers_domain(info, 'a.b.example.com')
    assert not covers_domain(info, 'www.example.net')


# --- chains (issue 15) ------------------------------------------------------------------------------------------------

def test_chain_in_order_is_sent_as_given_and_fingerprints_every_certificate():
    leaf, inter, root, key = make_chain()
    given = leaf + inter + root
    info = check_certificate_pair(given, key)
    assert info['chain_length'] == 3 and not info['reordered'] and info['pem'] == given
    assert info['fingerprint'] == load_certificate(leaf)['fingerprint']
    assert info['chain_fingerprints'] == [load_certificate(pem)['fingerprint'] for pem in (leaf, inter, root)]
    assert info['chain_subjects'] == ['CN=Test Intermediate CA', 'CN=Test Root CA']


@pytest.mark.parametrize('order', [(1, 0), (2, 1, 0), (1, 2, 0), (0, 2, 1), (2, 0, 1)])
def test_chain_in_the_wrong_order_is_reordered_leaf_first(order):
    leaf, inter, root, key = make_chain()
    parts = [leaf, inter, root][:max(order) + 1]
    info = check_certificate_pair(''.join(parts[index] for index in order), key)
    assert info['reordered']
    assert info['fingerprint'] == load_certificate(leaf)['fingerprint']
    assert info['pem'] == ''.join(parts)
    assert load_certificate(info['pem'])['fingerprint'] == info['fingerprint']


def test_unrelated_extra_certificate_is_refused_naming_it():
    leaf, inter, _root, key = make_chain()
    stranger, _stranger_key, _cert = make_pair(names=('stranger.example.org',))
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(leaf + inter + stranger, key)
    message = str(err.value)
    assert err.value.field == 'certificate.certificate' and message.startswith('certificate.certificate holds 1 certificate(s)')
    assert 'CN=stranger.example.org' in message and 'not part of the chain' in message


def test_broken_link_names_the_missing_issuer():
    leaf, _inter, root, key = make_chain()
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(leaf + root, key)
    message = str(err.value)
    assert 'CN=Test Root CA' in message and 'its issuer is CN=Test Intermediate CA' in message


def test_issuer_with_the_right_name_but_another_key_is_not_a_link():
    leaf, _inter, _root, key = make_chain()
    impostor_key = make_key()
    impostor = signed('Test Intermediate CA', impostor_key, 'Test Intermediate CA', impostor_key, True)
    if not hasattr(x509.load_pem_x509_certificate(leaf.encode('ascii')), 'verify_directly_issued_by'):
        pytest.skip('this cryptography cannot verify signatures of certificates')
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(leaf + impostor, key)
    assert 'not part of the chain' in str(err.value)


def test_key_of_no_certificate_in_a_chain_is_a_key_mismatch():
    leaf, inter, _root, _key = make_chain()
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(inter + leaf, key_pem(make_key()))
    assert err.value.field == 'certificate.private_key'
    assert str(err.value).startswith('certificate.private_key does not match any of the 2 certificates of certificate.certificate')


def test_the_same_certificate_twice_is_refused():
    leaf, inter, _root, key = make_chain()
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(leaf + inter + inter, key)
    assert 'holds the same certificate twice' in str(err.value) and 'second' in str(err.value) and 'third' in str(err.value)


def test_a_bad_block_after_the_first_is_named_by_position():
    leaf, _inter, _root, key = make_chain()
    with pytest.raises(CertificateError) as err:
        check_certificate_pair(leaf + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', key)
    assert str(err.value).startswith('certificate.certificate could not be parsed: the second')


def test_oss_time_format_is_the_one_listcname_writes():
    assert certmod.format_oss_time(datetime.datetime(2048, 5, 4, 10, 14, 51, tzinfo=UTC)) == 'Mon, 4 May 2048 10:14:51 GMT'
    assert certmod.format_oss_time(datetime.datetime(2021, 9, 15, 2, 35, 6, tzinfo=UTC)) == 'Wed, 15 Sep 2021 02:35:06 GMT'
    assert certmod.format_oss_time(None) is None
