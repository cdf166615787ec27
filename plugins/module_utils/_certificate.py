# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificates for custom domains: PEM parsing, key/certificate match, fingerprint and validity.

OSS shows a bound certificate by its SHA-1 fingerprint (colon-separated upper-case hex, as ListCname returns it)
and its validity dates; the module compares a PEM given by the user with the bound one through the same values,
so an unchanged certificate is never uploaded again. Messages name the option (`certificate.certificate`,
`certificate.private_key`) and never contain key material.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import re
import traceback
from email.utils import parsedate_tz, mktime_tz

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtensionOID, NameOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

CERT_FIELD = 'certificate.certificate'
KEY_FIELD = 'certificate.private_key'

_PEM_CERT = re.compile(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.S)
_UTC = datetime.timezone.utc


class CertificateError(ValueError):
    """A certificate or key that cannot be used; the message names the field and never quotes key material."""

    def __init__(self, field, message):
        super(CertificateError, self).__init__('%s %s' % (field, message))
        self.field = field


def format_time(value):
    """ISO 8601 in UTC with a Z, or None."""
    if value is None:
        return None
    return value.astimezone(_UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def parse_time(text):
    """Parse a date as OSS writes it (RFC 1123 such as `Mon, 4 May 2048 10:14:51 GMT`, or ISO 8601); None if unreadable.

    The day name is ignored, because OSS has been seen writing a non-standard one (`Tues`).
    """
    if not text or not isinstance(text, str):
        return None
    value = text.strip()
    match = re.match(r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]00:?00)?$', value)
    if match:
        parts = [int(part) for part in match.groups()[:6]]
        return datetime.datetime(*parts, tzinfo=_UTC)
    if ',' in value:
        value = value.split(',', 1)[1].strip()
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    return datetime.datetime.fromtimestamp(mktime_tz(parsed), _UTC)


def colon_hex(digest):
    return ':'.join('%02X' % (byte,) for byte in bytearray(digest))


def normalize_fingerprint(text):
    """Upper case hex without separators; `*` (a masked digit, as in the OSS docs) is kept."""
    if not text:
        return ''
    return re.sub(r'[^0-9A-F*]', '', text.upper())


def fingerprints_match(bound, wanted):
    """Compare the fingerprint OSS shows with a computed one. Masked digits (`*`) in either match anything."""
    first, second = normalize_fingerprint(bound), normalize_fingerprint(wanted)
    if not first or not second or len(first) != len(second):
        return False
    return all(a == b or a == '*' or b == '*' for a, b in zip(first, second))


def _require_library():
    if not HAS_CRYPTOGRAPHY:
        raise ImportError('cryptography')


def _not_valid_before(cert):
    value = getattr(cert, 'not_valid_before_utc', None)
    return value if value is not None else cert.not_valid_before.replace(tzinfo=_UTC)


def _not_valid_after(cert):
    value = getattr(cert, 'not_valid_after_utc', None)
    return value if value is not None else cert.not_valid_after.replace(tzinfo=_UTC)


def _dns_names(cert):
    try:
        extension = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except x509.ExtensionNotFound:
        names = []
    else:
        names = extension.value.get_values_for_type(x509.DNSName)
    if not names:
        names = [attribute.value for attribute in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return [name.lower().rstrip('.') for name in names if isinstance(name, str)]


def _public_key_bytes(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_certificate(pem, field=CERT_FIELD):
    """Parse the first (leaf) certificate of a PEM chain and describe it as OSS would."""
    _require_library()
    if not isinstance(pem, str) or not pem.strip():
        raise CertificateError(field, 'is empty; give the PEM text of the certificate (for example with lookup("file", ...)).')
    blocks = _PEM_CERT.findall(pem)
    if not blocks:
        raise CertificateError(field, 'is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block was found.')
    try:
        cert = x509.load_pem_x509_certificate(blocks[0].encode('ascii'))
    except (ValueError, UnicodeError):
        raise CertificateError(field, 'could not be parsed: the first "BEGIN CERTIFICATE" block is not a valid X.509 certificate.')
    return dict(
        fingerprint=colon_hex(cert.fingerprint(hashes.SHA1())),
        not_before=_not_valid_before(cert),
        not_after=_not_valid_after(cert),
        subject=cert.subject.rfc4514_string(),
        dns_names=_dns_names(cert),
        serial_number='%X' % cert.serial_number,
        chain_length=len(blocks),
        _public_key=_public_key_bytes(cert.public_key()),
    )


def load_private_key_public_bytes(pem, field=KEY_FIELD):
    """The public half of a PEM private key, to compare with a certificate. Errors never quote the key."""
    _require_library()
    if not isinstance(pem, str) or not pem.strip():
        raise CertificateError(field, 'is empty; give the PEM text of the private key that belongs to the certificate.')
    if 'PRIVATE KEY-----' not in pem:
        raise CertificateError(field, 'is not a PEM private key: no "-----BEGIN ... PRIVATE KEY-----" block was found.')
    if 'ENCRYPTED' in pem:
        raise CertificateError(field, 'is encrypted; OSS needs the key without a passphrase.')
    try:
        key = serialization.load_pem_private_key(pem.strip().encode('ascii'), password=None)
    except TypeError:
        raise CertificateError(field, 'is encrypted; OSS needs the key without a passphrase.')
    except (ValueError, UnicodeError):
        raise CertificateError(field, 'could not be parsed as an unencrypted PEM private key (RSA, EC or Ed25519).')
    except Exception:  # pylint: disable=broad-except
        # Some backends raise their own classes for unsupported key types; the text could echo the input.
        raise CertificateError(field, 'could not be parsed as an unencrypted PEM private key (RSA, EC or Ed25519).')
    return _public_key_bytes(key.public_key())


def describe(info):
    """The public description of a parsed certificate (what the module returns and shows in a diff)."""
    return dict(
        fingerprint=info['fingerprint'],
        valid_start_date=format_time(info['not_before']),
        valid_end_date=format_time(info['not_after']),
        subject=info['subject'],
        dns_names=list(info['dns_names']),
    )


def check_certificate_pair(certificate, private_key, now=None):
    """Validate a certificate + private key pair before any API call; return the certificate's info.

    Raises CertificateError for an unreadable certificate or key, a key that does not belong to the certificate,
    or an expired certificate.
    """
    info = load_certificate(certificate)
    key_public = load_private_key_public_bytes(private_key)
    if key_public != info['_public_key']:
        raise CertificateError(KEY_FIELD, 'does not match %s: the key is not the private half of the certificate\'s public key. '
                                          'Give the key that was used to request this certificate.' % CERT_FIELD)
    now = now or datetime.datetime.now(_UTC)
    if info['not_after'] <= now:
        raise CertificateError(CERT_FIELD, 'expired on %s (fingerprint %s); renew it and give the new certificate.'
                               % (format_time(info['not_after']), info['fingerprint']))
    return info


def not_yet_valid(info, now=None):
    now = now or datetime.datetime.now(_UTC)
    return info['not_before'] > now


def covers_domain(info, domain):
    """Whether the certificate names the domain, directly or through a one-label wildcard."""
    domain = domain.lower().rstrip('.')
    for name in info['dns_names']:
        if name == domain:
            return True
        if name.startswith('*.') and '.' in domain and domain.split('.', 1)[1] == name[2:]:
            return True
    return False


def days_until(text, now=None):
    """Whole days from now until a date as OSS writes it (negative when past), or None if unreadable."""
    moment = parse_time(text)
    if moment is None:
        return None
    now = now or datetime.datetime.now(_UTC)
    return int((moment - now).total_seconds() // 86400)
