# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificates: PEM parsing, key/certificate match, SHA-1 fingerprint, validity, and test certificates."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import calendar
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


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
