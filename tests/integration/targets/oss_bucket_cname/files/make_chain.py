#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a leaf certificate, the intermediate CA that issued it, the root CA, and the leaf's key (test helper).

usage: make_chain.py DIR NAME DNSNAME...   -> DIR/NAME.leaf.crt, NAME.inter.crt, NAME.root.crt, NAME.key; prints the leaf's
SHA-1 fingerprint.
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


def _cert(subject, key, issuer, issuer_key, ca, names=None, days=90):
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def main():
    directory, name, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    root_key, inter_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _i in range(3))
    certs = dict(
        root=_cert('Test Root CA', root_key, 'Test Root CA', root_key, True, days=3650),
        inter=_cert('Test Intermediate CA', inter_key, 'Test Root CA', root_key, True, days=1825),
        leaf=_cert(names[0], leaf_key, 'Test Intermediate CA', inter_key, False, names=names),
    )
    for part, cert in certs.items():
        with open(os.path.join(directory, '%s.%s.crt' % (name, part)), 'wb') as handle:
            handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(directory, name + '.key'), 'wb') as handle:
        handle.write(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    print(':'.join('%02X' % b for b in bytearray(certs['leaf'].fingerprint(hashes.SHA1()))))


if __name__ == '__main__':
    main()
