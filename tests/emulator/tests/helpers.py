# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the conformance tests (independent of the emulator's own code)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_cert(names, days=90):
    """(cert_pem, key_pem, certificate); days < 0 gives an expired certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start, end = now - datetime.timedelta(days=30), now + datetime.timedelta(days=days)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode('ascii')
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii'), key_pem, cert


def fingerprint(cert):
    digest = cert.fingerprint(hashes.SHA1()).hex().upper()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def alidns_error(func, *args, **kwargs):
    with pytest.raises((ClientException, ServerException, ThrottlingException)) as info:
        func(*args, **kwargs)
    return info.value


class Replay:
    """A loopback HTTP server that answers every request with one canned response."""

    def __init__(self):
        self.status, self.headers, self.body = 200, [], b''
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def _answer(self):
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(replay.status)
                for name, value in replay.headers:
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(replay.body)))
                self.end_headers()
                self.wfile.write(replay.body)

            def log_message(self, *args):  # pylint: disable=arguments-differ
                return

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def set(self, status, headers, body):
        self.status, self.headers = status, headers
        self.body = body.encode('utf-8') if isinstance(body, str) else body

    def close(self):
        self.server.shutdown()
        self.server.server_close()
