# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator's own BIND: zone contents from the state, named's life cycle, RFC 2136 updates with TSIG."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import os
import signal
import subprocess
import threading
import time
import zlib

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.tsig
import dns.update

import records

NAMED = os.environ.get('EMULATOR_NAMED', '/usr/sbin/named')
KEY_NAME = 'emulator-key'
ENDPOINT_ZONE = 'aliyuncs.com'


class DnsError(RuntimeError):
    pass


def bucket_address(bucket):
    return '127.0.0.%d' % (2 + zlib.crc32(bucket.encode('utf-8')) % 250)


def _add(content, owner, rtype, ttl, rdata):
    key = (owner, rtype)
    old_ttl, rdatas = content.get(key, (ttl, {}))
    rdatas[rdata.to_text()] = rdata
    content[key] = (min(ttl, old_ttl), rdatas)


def _rd(rtype, text):
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rtype), text)


def _base(zone):
    content = {}
    _add(content, zone + '.', 'NS', 3600, _rd('NS', 'ns1.%s.' % zone))
    _add(content, 'ns1.%s.' % zone, 'A', 3600, _rd('A', '127.0.0.1'))
    return content


def _exclusive_cnames(content):
    """BIND refuses CNAME and other data at one name: drop such CNAMEs (and keep one CNAME value)."""
    owners = {}
    for owner, rtype in content:
        owners.setdefault(owner, set()).add(rtype)
    for owner, types in owners.items():
        if 'CNAME' in types and len(types) > 1:
            del content[(owner, 'CNAME')]
        elif 'CNAME' in types:
            ttl, rdatas = content[(owner, 'CNAME')]
            first = sorted(rdatas)[0]
            content[(owner, 'CNAME')] = (ttl, {first: rdatas[first]})
    return content


def zone_content(data, zone):
    """Desired BIND content of one zone: {(owner, type): (ttl, {rdata_text: rdata})}."""
    content = _base(zone)
    if zone == ENDPOINT_ZONE:
        _add(content, 'oss.aliyuncs.com.', 'A', 600, _rd('A', '127.0.0.1'))
        _add(content, 'alidns.aliyuncs.com.', 'A', 600, _rd('A', '127.0.0.1'))
        for name, bucket in data['buckets'].items():
            address = _rd('A', bucket_address(name))
            _add(content, 'oss-%s.aliyuncs.com.' % bucket['region'], 'A', 600, _rd('A', '127.0.0.1'))
            _add(content, '%s.oss-%s.aliyuncs.com.' % (name, bucket['region']), 'A', 600, address)
            _add(content, '%s.oss-accelerate.aliyuncs.com.' % name, 'A', 600, address)
    elif zone in data['zones']:
        for record in data['zones'][zone]['records'].values():
            if record['status'] != 'ENABLE' or record['line'] != 'default':
                continue
            rdata = records.to_rdata(record['type'], record['value'], record.get('priority'))
            if rdata is not None:
                owner = zone + '.' if record['rr'] == '@' else '%s.%s.' % (record['rr'], zone)
                _add(content, owner, record['type'], int(record['ttl']), rdata)
    else:
        origin = dns.name.from_text(zone)
        for record in data['external'].get(zone, []):
            owner = record['name'].lower().rstrip('.') + '.'
            rtype = record['type'].upper()
            _add(content, owner, rtype, int(record.get('ttl', 300)), records.external_rdata(rtype, record['value'], origin))
    return _exclusive_cnames(content)


def all_zone_names(data):
    return sorted(set(data['zones']) | set(data['external']) | {ENDPOINT_ZONE})


def all_contents(data):
    return dict((zone, zone_content(data, zone)) for zone in all_zone_names(data))


class Bind:
    """One named process, authoritative for every zone, updated with RFC 2136 + TSIG."""

    def __init__(self, state_dir, port):
        self.dir = os.path.abspath(os.path.join(state_dir, 'bind'))
        self.port = port
        self.proc = None
        self.published = {}
        self.versions = {}
        self.lock = threading.RLock()
        self.pending = {}
        self.pending_lock = threading.Lock()
        self.secret = base64.b64encode(os.urandom(32)).decode('ascii')
        self.key = dns.tsig.Key(KEY_NAME, self.secret, dns.tsig.HMAC_SHA256)

    # ------------------------------------------------------------------ life cycle
    def _write(self, contents):
        os.makedirs(self.dir, exist_ok=True)
        for name in os.listdir(self.dir):
            if name.endswith(('.zone', '.jnl')):
                os.unlink(os.path.join(self.dir, name))
        serial = int(time.time())
        zones = []
        for zone, content in sorted(contents.items()):
            lines = ['$TTL 300',
                     '%s. 300 IN SOA ns1.%s. hostmaster.%s. %d 3600 600 86400 60' % (zone, zone, zone, serial)]
            for (owner, rtype), (ttl, rdatas) in sorted(content.items()):
                lines.extend('%s %d IN %s %s' % (owner, ttl, rtype, text) for text in sorted(rdatas))
            with open(os.path.join(self.dir, zone + '.zone'), 'w', encoding='utf-8') as handle:
                handle.write('\n'.join(lines) + '\n')
            zones.append('zone "%s" { type primary; file "%s.zone"; allow-update { key "%s"; }; };' % (zone, zone, KEY_NAME))
        conf = '\n'.join([
            'key "%s" { algorithm hmac-sha256; secret "%s"; };' % (KEY_NAME, self.secret),
            'options {',
            '  directory "%s";' % self.dir,
            '  pid-file "%s/named.pid";' % self.dir,
            '  session-keyfile "%s/session.key";' % self.dir,
            '  managed-keys-directory "%s";' % self.dir,
            '  listen-on port %d { 127.0.0.1; };' % self.port,
            '  listen-on-v6 { none; };',
            '  recursion no; allow-query { any; }; allow-transfer { none; };',
            '  dnssec-validation no; notify no;',
            '  check-names primary ignore; check-names response ignore;',
            '  check-mx ignore; check-wildcard no; check-integrity no; check-sibling no;',
            '};',
            'controls { };',
        ] + zones) + '\n'
        with open(os.path.join(self.dir, 'named.conf'), 'w', encoding='utf-8') as handle:
            handle.write(conf)

    def start(self, contents, timeout=15.0):
        self._write(contents)
        log = open(os.path.join(self.dir, 'named.log'), 'ab')  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen([NAMED, '-g', '-4', '-c', os.path.join(self.dir, 'named.conf')],  # pylint: disable=consider-using-with
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        with open(os.path.join(self.dir, 'named.proc.pid'), 'w', encoding='utf-8') as handle:
            handle.write(str(self.proc.pid))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise DnsError('named exited with status %s; see %s/named.log' % (self.proc.returncode, self.dir))
            if self.answers():
                self.published = contents
                return
            time.sleep(0.05)
        raise DnsError('named did not answer within %.0f s' % timeout)

    def answers(self):
        try:
            query = dns.message.make_query(ENDPOINT_ZONE, 'SOA')
            return dns.query.udp(query, '127.0.0.1', port=self.port, timeout=0.5).rcode() == dns.rcode.NOERROR
        except (dns.exception.DNSException, OSError):
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10.0):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    # ------------------------------------------------------------------ updates
    def apply(self, contents, version=0):
        """Make BIND serve exactly `contents`: dynamic updates, or a restart when the set of zones changes."""
        with self.lock:
            if set(contents) != set(self.published):
                self.stop()
                self.start(contents)
            else:
                for zone, content in contents.items():
                    self.sync(zone, content)
            self.versions = dict((zone, version) for zone in contents)

    def sync(self, zone, content, version=None):
        """Publish one zone's content and return once BIND serves it (or something newer).

        Versioned snapshots commit as a group: whoever gets the lock publishes the newest pending snapshot of
        the zone, and callers whose snapshot is already covered return at once.
        """
        if version is None:
            with self.lock:
                self._sync(zone, content)
            return
        with self.pending_lock:
            if version > self.pending.get(zone, (-1, None))[0]:
                self.pending[zone] = (version, content)
        with self.lock:
            if version <= self.versions.get(zone, -1):
                return
            with self.pending_lock:
                newest, newest_content = self.pending[zone]
            self.versions[zone] = newest
            self._sync(zone, newest_content)

    def _sync(self, zone, content):
        old = self.published.get(zone, {})
        if old == content:
            return
        update = dns.update.UpdateMessage(zone, keyring=self.key)
        for owner, rtype in sorted(set(old) - set(content)):
            update.delete(owner, rtype)
        for (owner, rtype), (ttl, rdatas) in sorted(content.items()):
            if old.get((owner, rtype)) != (ttl, rdatas):
                update.replace(owner, ttl, *[rdatas[t] for t in sorted(rdatas)])
        response = dns.query.tcp(update, '127.0.0.1', port=self.port, timeout=5)
        if response.rcode() != dns.rcode.NOERROR:
            raise DnsError('update of %s refused: %s' % (zone, dns.rcode.to_text(response.rcode())))
        self.published[zone] = content

    def txt(self, name):
        """TXT strings at name, asked over DNS (as OSS asks public DNS)."""
        try:
            query = dns.message.make_query(name, 'TXT')
            response, _tcp = dns.query.udp_with_fallback(query, '127.0.0.1', port=self.port, timeout=2)
        except (dns.exception.DNSException, OSError):
            return []
        values = []
        for rrset in response.answer:
            if rrset.rdtype == dns.rdatatype.TXT:
                values.extend(b''.join(r.strings).decode('utf-8', 'replace') for r in rrset)
        return values
