#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a self-signed certificate and its key (test helper; make_chain.py uses its builder).

usage: make_cert.py DIR NAME START_DAYS_AGO DAYS DNSNAME...   -> DIR/NAME.crt, DIR/NAME.key; prints the SHA-1 fingerprint.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def issue(subject, key, issuer=None, issuer_key=None, ca=None, names=None, days=90, start_days_ago=1):
    """A certificate for subject and key, signed by issuer_key under the name issuer (self-signed when both are None), valid
    from start_days_ago days ago for `days` days; a critical BasicConstraints when ca is True or False; SANs when names."""
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=start_days_ago)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer or subject)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days)))
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def write_cert(path, cert):
    with open(path, 'wb') as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))


def write_key(path, key):
    with open(path, 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def fingerprint(cert):
    return ':'.join('%02X' % b for b in bytearray(cert.fingerprint(hashes.SHA1())))


def main():
    directory, name, start_days_ago, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    names = sys.argv[5:]
    key = new_key()
    cert = issue(names[0], key, names=names, days=days, start_days_ago=start_days_ago)
    write_cert(os.path.join(directory, name + '.crt'), cert)
    write_key(os.path.join(directory, name + '.key'), key)
    print(fingerprint(cert))


if __name__ == '__main__':
    main()
