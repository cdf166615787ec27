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
from email.utils import parsedate_tz, mktime_tz

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements

try:
    _requirements.require('cryptography')  # present and recent enough (the one table of packages and versions)
except _requirements.MissingRequirement as exc:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = exc.trace
else:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtensionOID, NameOID
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
CRYPTOGRAPHY_REQUIREMENT = _requirements.requirement('cryptography')

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


_DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
_MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def format_oss_time(value):
    """A date as ListCname writes a certificate's dates (`Mon, 4 May 2048 10:14:51 GMT`: no leading zero on the day), or None.

    Check mode predicts a certificate's dates in this form, so that its diff is the one the real run shows (read back)."""
    if value is None:
        return None
    value = value.astimezone(_UTC)
    return '%s, %d %s %04d %02d:%02d:%02d GMT' % (_DAYS[value.weekday()], value.day, _MONTHS[value.month - 1], value.year,
                                                  value.hour, value.minute, value.second)


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
        raise ImportError(CRYPTOGRAPHY_REQUIREMENT)


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
    info = _describe_cert(cert)
    info['chain_length'] = len(blocks)
    return info


def _describe_cert(cert):
    return dict(
        fingerprint=colon_hex(cert.fingerprint(hashes.SHA1())),
        not_before=_not_valid_before(cert),
        not_after=_not_valid_after(cert),
        subject=cert.subject.rfc4514_string(),
        dns_names=_dns_names(cert),
        serial_number='%X' % cert.serial_number,
        _public_key=_public_key_bytes(cert.public_key()),
    )


def _ordinal(index):
    return ('first', 'second', 'third')[index] if index < 3 else '%dth' % (index + 1)


def _parse_blocks(pem, field=CERT_FIELD):
    """Every certificate of a PEM text as (block text, x509 certificate), in the order given."""
    if not isinstance(pem, str) or not pem.strip():
        raise CertificateError(field, 'is empty; give the PEM text of the certificate (for example with lookup("file", ...)).')
    blocks = _PEM_CERT.findall(pem)
    if not blocks:
        raise CertificateError(field, 'is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block was found.')
    parsed = []
    for index, block in enumerate(blocks):
        try:
            parsed.append((block, x509.load_pem_x509_certificate(block.encode('ascii'))))
        except (ValueError, UnicodeError):
            raise CertificateError(field, 'could not be parsed: the %s "BEGIN CERTIFICATE" block is not a valid X.509 certificate.'
                                   % _ordinal(index))
    return parsed


def _issued(child, parent):
    """Whether parent issued child: the names link, and (when this cryptography can tell) parent's key signed child."""
    if child.issuer != parent.subject:
        return False
    verify = getattr(child, 'verify_directly_issued_by', None)
    if verify is None:
        return True
    try:
        verify(parent)
    except Exception:  # pylint: disable=broad-except
        # InvalidSignature, or a ValueError/TypeError for a key type or signature algorithm it does not check.
        return False
    return True


def order_chain(parsed, key_public, field=CERT_FIELD, key_field=KEY_FIELD):
    """The chain in the order TLS needs it: the leaf (the certificate whose public key is the private key's), then the
    certificate that issued it, and so on. Returns (ordered [(block, cert)], reordered). Raises CertificateError when the key
    belongs to none of the certificates, when a certificate is given twice, or when a certificate is not part of the leaf's
    chain (unrelated, or a missing link in between)."""
    seen = {}
    for index, (_block, cert) in enumerate(parsed):
        digest = cert.fingerprint(hashes.SHA1())
        if digest in seen:
            raise CertificateError(field, 'holds the same certificate twice (the %s and the %s block, subject %s); give each '
                                          'certificate of the chain once.' % (_ordinal(seen[digest]), _ordinal(index),
                                                                              cert.subject.rfc4514_string()))
        seen[digest] = index
    leaves = [index for index, (_block, cert) in enumerate(parsed) if _public_key_bytes(cert.public_key()) == key_public]
    if not leaves:
        if len(parsed) == 1:
            raise CertificateError(key_field, 'does not match %s: the key is not the private half of the certificate\'s public key. '
                                              'Give the key that was used to request this certificate.' % field)
        raise CertificateError(key_field, 'does not match any of the %d certificates of %s: the key is not the private half of the '
                                          'leaf certificate\'s public key. Give the key that was used to request the certificate.'
                               % (len(parsed), field))
    ordered = [parsed[leaves[0]]]
    remaining = [entry for index, entry in enumerate(parsed) if index != leaves[0]]
    while remaining:
        current = ordered[-1][1]
        found = next((entry for entry in remaining if _issued(current, entry[1])), None)
        if found is None:
            others = '; '.join(cert.subject.rfc4514_string() for _block, cert in remaining)
            if current.issuer == current.subject:
                why = 'the chain ends at the self-signed %s' % current.subject.rfc4514_string()
            else:
                why = 'none of them issued %s (its issuer is %s: add that certificate, or remove the ones that do not belong)' % (
                    current.subject.rfc4514_string(), current.issuer.rfc4514_string())
            raise CertificateError(field, 'holds %d certificate(s) that are not part of the chain of the certificate that matches the '
                                          'private key (subject %s): %s; %s. Give the leaf certificate, then the intermediate '
                                          'certificate that issued it, and so on.'
                                   % (len(remaining), ordered[0][1].subject.rfc4514_string(), others, why))
        ordered.append(found)
        remaining.remove(found)
    reordered = [cert for _block, cert in ordered] != [cert for _block, cert in parsed]
    return ordered, reordered


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
    _require_library()
    parsed = _parse_blocks(certificate)
    key_public = load_private_key_public_bytes(private_key)
    ordered, reordered = order_chain(parsed, key_public)
    leaf = ordered[0][1]
    info = _describe_cert(leaf)
    info.update(
        chain_length=len(ordered),
        chain_fingerprints=[colon_hex(cert.fingerprint(hashes.SHA1())) for _block, cert in ordered],
        chain_subjects=[cert.subject.rfc4514_string() for _block, cert in ordered[1:]],
        # The whole chain as sent, to compare with the bound one (Certificate Management Service): DER, and a line for the diff.
        chain=[_chain_entry(cert) for _block, cert in ordered],
        reordered=reordered,
        # What is sent: the text as given when it is in order (so that it is sent unchanged), else the blocks in order.
        pem=''.join(block + '\n' for block, _cert in ordered) if reordered else certificate,
    )
    now = now or datetime.datetime.now(_UTC)
    info['chain_expired'] = ['%s (expired on %s)' % (cert.subject.rfc4514_string(), format_time(_not_valid_after(cert)))
                             for _block, cert in ordered[1:] if _not_valid_after(cert) <= now]
    if info['not_after'] <= now:
        raise CertificateError(CERT_FIELD, 'expired on %s (fingerprint %s); renew it and give the new certificate.'
                               % (format_time(info['not_after']), info['fingerprint']))
    return info


def _chain_entry(cert):
    """A certificate of a chain as compared (DER) and as shown in a diff (subject and SHA-1 fingerprint; no key material)."""
    return dict(der=cert.public_bytes(serialization.Encoding.DER),
                line='%s (SHA-1 %s)' % (cert.subject.rfc4514_string(), colon_hex(cert.fingerprint(hashes.SHA1()))))


def parse_chain(pem):
    """Every certificate of a PEM text, in its order, as [{'der', 'line'}]: the bound chain read from Certificate Management
    Service. Two chains are the same when their DER lists are equal (so PEM line breaks and text around the blocks do not
    count, the order does). Raises CertificateError when a block is not a certificate."""
    _require_library()
    return [_chain_entry(cert) for _block, cert in _parse_blocks(pem, field='the bound certificate')]


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
