# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates: PEM parsing, key/certificate match, SHA-1 fingerprint, validity, and test certificates."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


class CertificateError(ValueError):
    pass


def _epoch(value):
    return calendar.timegm(value.utctimetuple())


def describe(cert_pem, key_pem=None):
    """Parse a PEM certificate (and check the key matches it). Returns the metadata OSS reports."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem.encode('utf-8'))
    except (ValueError, TypeError) as exc:
        raise CertificateError('The certificate is not a valid PEM certificate: %s' % exc)
    if key_pem is not None:
        try:
            key = serialization.load_pem_private_key(key_pem.encode('utf-8'), password=None)
        except (ValueError, TypeError) as exc:
            raise CertificateError('The private key is not a valid unencrypted PEM key: %s' % exc)
        fmt = serialization.PublicFormat.SubjectPublicKeyInfo
        enc = serialization.Encoding.DER
        if key.public_key().public_bytes(enc, fmt) != cert.public_key().public_bytes(enc, fmt):
            raise CertificateError('The private key does not match the certificate.')
    digest = cert.fingerprint(hashes.SHA1()).hex().upper()
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        sans = []
    common = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return {
        'fingerprint': ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2)),
        'valid_start': _epoch(cert.not_valid_before_utc),
        'valid_end': _epoch(cert.not_valid_after_utc),
        'names': list(sans) or common,
    }


def make_self_signed(names, days=365, not_before=None):
    """A self-signed EC certificate for the given DNS names: (cert_pem, key_pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode('ascii')
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode('ascii')
    return cert_pem, key_pem


# ---------------------------------------------------------------------------------------------- the STS TLS identity

def _write_private(path, text):
    """Write a file readable by its owner only (private keys)."""
    tmp = path + '.tmp'
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='ascii') as handle:
        handle.write(text)
    os.replace(tmp, path)


def _key_usage(ca):
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                         key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False)


def make_ca(common_name, days=3650):
    """A self-signed CA (EC P-256) that can sign server certificates: (cert_pem, key_pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM).decode('ascii'),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode('ascii'))


def make_server_cert(ca_cert_pem, ca_key_pem, dns_names, ip_addresses, days=825):
    """A TLS server certificate signed by the CA, with the names and IP addresses as SANs: (cert_pem, key_pem).

    It carries the extensions that strict verifiers (OpenSSL 3, Python 3.13's VERIFY_X509_STRICT) insist on."""
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem.encode('ascii'))
    ca_key = serialization.load_pem_private_key(ca_key_pem.encode('ascii'), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    sans = [x509.DNSName(n) for n in dns_names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in ip_addresses]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, (list(dns_names) or list(ip_addresses))[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(min(start + datetime.timedelta(days=days), ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM).decode('ascii'),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode('ascii'))


def ensure_tls_identity(state_dir, min_days_left=30):
    """The STS endpoint's TLS files in state_dir: (ca_path, cert_path, key_path).

    The CA is kept across restarts (clients may hold it in a long-lived TLS context); a new one is made only when
    there is none or it expires within min_days_left. The server certificate is re-issued on every start."""
    tls_dir = os.path.join(state_dir, 'tls')
    os.makedirs(tls_dir, exist_ok=True)
    ca_path, ca_key_path = os.path.join(state_dir, 'ca.pem'), os.path.join(tls_dir, 'ca-key.pem')
    ca_pem = ca_key_pem = None
    try:
        with open(ca_path, 'r', encoding='ascii') as handle:
            ca_pem = handle.read()
        with open(ca_key_path, 'r', encoding='ascii') as handle:
            ca_key_pem = handle.read()
        left = x509.load_pem_x509_certificate(ca_pem.encode('ascii')).not_valid_after_utc - datetime.datetime.now(datetime.timezone.utc)
        if left < datetime.timedelta(days=min_days_left):
            ca_pem = None
    except (OSError, ValueError):
        ca_pem = None
    if ca_pem is None:
        ca_pem, ca_key_pem = make_ca('alicloud_oss.domains emulator CA')
        _write_private(ca_key_path, ca_key_pem)
        with open(ca_path + '.tmp', 'w', encoding='ascii') as handle:
            handle.write(ca_pem)
        os.replace(ca_path + '.tmp', ca_path)
    cert_pem, key_pem = make_server_cert(ca_pem, ca_key_pem, ['localhost'], ['127.0.0.1'])
    cert_path, key_path = os.path.join(tls_dir, 'server.pem'), os.path.join(tls_dir, 'server-key.pem')
    _write_private(key_path, key_pem)
    with open(cert_path, 'w', encoding='ascii') as handle:
        handle.write(cert_pem)
    return ca_path, cert_path, key_path
