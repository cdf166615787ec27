# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What several unit test files share: a fake clock, a certificate builder, and the canned API responses of tests/canned."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import json
import os
import threading

CANNED = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', 'canned'))
UTC = datetime.timezone.utc


def canned(name):
    """The bytes of a canned response of tests/canned (a body as Alibaba Cloud's API reference prints it)."""
    with open(os.path.join(CANNED, name), 'rb') as handle:
        return handle.read()


# --- time ----------------------------------------------------------------------------------------------------------------

class FakeClock(object):
    """A clock that moves only when the code under test sleeps (or the test calls advance); thread-safe.

    Whatever the code under test takes as its clock works: the instance itself, .clock, .monotonic or .time (all read the
    same `now`); .sleep records each pause in .sleeps (also readable as .slept) and moves the clock by it."""

    def __init__(self, now=0.0):
        self.now = float(now)
        self.sleeps = []
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            return self.now

    clock = monotonic = time = __call__

    def sleep(self, seconds):
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def advance(self, seconds):
        with self._lock:
            self.now += seconds

    @property
    def slept(self):
        return self.sleeps


# --- certificates (needs cryptography: callers importorskip it first) ----------------------------------------------------

def make_key(kind='ec'):
    """A new private key: EC P-256, or RSA 2048 with kind='rsa'."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa  # pylint: disable=import-outside-toplevel
    if kind == 'rsa':
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key):
    """The unencrypted PKCS #8 PEM of a private key."""
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode('ascii')


def issue(subject_cn, key, issuer_cn=None, issuer_key=None, ca=None, names=None, days=90, start_days_ago=1):
    """One certificate (the cryptography object) for subject_cn and key's public key, signed by issuer_key under the name
    issuer_cn (self-signed when both are None), valid from start_days_ago days ago for `days` days; with a critical
    BasicConstraints when ca is True or False, and a SubjectAlternativeName when names are given."""
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel
    start = datetime.datetime.now(UTC) - datetime.timedelta(days=start_days_ago)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn or subject_cn)]))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(start)
               .not_valid_after(start + datetime.timedelta(days=days)))
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def cert_pem(cert):
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def make_cert(key, names=('www.example.com',), days=90, start_days_ago=1, issuer_key=None):
    """(pem, cert): a certificate for `names` (the first is the CN) and key, valid from start_days_ago days ago for `days`
    days; self-signed, or signed by issuer_key (under the same name)."""
    cert = issue(names[0], key, issuer_key=issuer_key, names=names, days=days, start_days_ago=start_days_ago)
    return cert_pem(cert), cert


def make_pair(names=('www.example.com',), days=90, start_days_ago=1, kind='ec'):
    """(certificate_pem, key_pem, cert): a self-signed certificate and its key."""
    key = make_key(kind)
    pem, cert = make_cert(key, names, days, start_days_ago)
    return pem, key_pem(key), cert


def make_chain(names=('www.example.com',), days=90, start_days_ago=1):
    """(leaf_pem, intermediate_pem, root_pem, leaf_key_pem): a leaf issued by an intermediate issued by a root."""
    root_key, inter_key, leaf_key = make_key(), make_key(), make_key()
    root = issue('Test Root CA', root_key, ca=True, days=3650)
    inter = issue('Test Intermediate CA', inter_key, 'Test Root CA', root_key, ca=True, days=1825)
    leaf = issue(names[0], leaf_key, 'Test Intermediate CA', inter_key, ca=False, names=names, days=days, start_days_ago=start_days_ago)
    return cert_pem(leaf), cert_pem(inter), cert_pem(root), key_pem(leaf_key)


def signed(subject_cn, key, issuer_cn, issuer_key, ca, names=None, days=90, start_days_ago=1):
    """The PEM of issue(...)."""
    return cert_pem(issue(subject_cn, key, issuer_cn, issuer_key, ca, names, days, start_days_ago))


def list_cname_body(bucket, cnames=(), owner='1'):
    """A ListCname response body for bucket with bindings (domain, status) and no certificate (tests/canned has the
    documentation's full example)."""
    parts = ['<ListCnameResult><Bucket>%s</Bucket><Owner>%s</Owner>' % (bucket, owner)]
    parts.extend('<Cname><Domain>%s</Domain><Status>%s</Status></Cname>' % (domain, status) for domain, status in cnames)
    parts.append('</ListCnameResult>')
    return ''.join(parts).encode('utf-8')


# --- a throw-away HTTP server for the real SDKs ---------------------------------------------------------------------------

class JsonApiServer(object):
    """A local HTTP server that answers each request with the next of `replies` ((status, JSON document)) and keeps what it
    was sent in `seen` ((path, headers with lower-case names, body bytes)): the real RPC SDKs (Alidns, CAS) run against it.
    Use it as a context manager; `port` and `endpoint` say where it listens."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, HTTPServer  # pylint: disable=import-outside-toplevel
        self.replies = []
        self.seen = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  pylint: disable=invalid-name
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                owner.seen.append((self.path, dict((key.lower(), value) for key, value in self.headers.items()), body))
                status, document = owner.replies.pop(0)
                data = json.dumps(document).encode('utf-8')
                self.send_response(status)
                self.send_header('Content-Type', 'application/json;charset=utf-8')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self._httpd = HTTPServer(('127.0.0.1', 0), Handler)
        self.port = self._httpd.server_address[1]
        self.endpoint = 'http://127.0.0.1:%d' % self.port
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._httpd.shutdown()
        self._httpd.server_close()


def run_processes(context, count, target, args, timeout=60):
    """Start `count` processes of target(*args, barrier, queue) (a multiprocessing context's Process), which wait at the
    barrier so that they start together and each put one report on the queue; return the reports."""
    barrier = context.Barrier(count)
    queue = context.Queue()
    children = [context.Process(target=target, args=tuple(args) + (barrier, queue)) for dummy in range(count)]
    for child in children:
        child.start()
    try:
        return [queue.get(timeout=timeout) for dummy in children]
    finally:
        for child in children:
            child.join(30)
