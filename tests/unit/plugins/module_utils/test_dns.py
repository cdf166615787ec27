# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import itertools
from contextlib import closing
import select
import socket
import struct
import threading

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _dns, _wait
from ansible_collections.alicloud_oss.domains.plugins.module_utils._dns import ZoneNotFoundError, normalize_name, normalize_value, parse_resolver
from ansible_collections.alicloud_oss.domains.plugins.module_utils._wait import (
    Outcome,
    RecordSpec,
    backoff_schedule,
    build_specs,
    matches,
    progress_line,
    wait_for_records,
)
from ansible_collections.alicloud_oss.domains.tests.unit.plugins import fakes

dns = pytest.importorskip('dns')
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402
import dns.zone  # noqa: E402


# ----------------------------------------------------------------------------------------------------------
# Comparison rules
# ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('rtype, left, right', [
    ('CNAME', 'Demo-Assets.OSS-cn-hangzhou.aliyuncs.com.', 'demo-assets.oss-cn-hangzhou.aliyuncs.com'),
    ('NS', 'NS1.Example.COM.', 'ns1.example.com'),
    ('AAAA', '2001:DB8:0:0::1', '2001:db8::1'),
    ('A', ' 192.0.2.1 ', '192.0.2.1'),
    ('TXT', '"tok" "en-123"', 'token-123'),
    ('TXT', '"say \\"hi\\""', 'say "hi"'),
    ('TXT', '"caf\\195\\169"', u'caf\xe9'),  # \DDD escapes are bytes, read as UTF-8 once joined
    ('TXT', '"v=spf1" " -all"', 'v=spf1 -all'),
    ('TXT', '  v=spf1 -all\n', 'v=spf1 -all'),  # plain text: the white space around it goes
    ('CNAME', u'B\xfccher.Example.', 'xn--bcher-kva.example'),
    ('MX', u'10 Stra\xdfe.example.', '10 xn--strae-oqa.example'),
    ('MX', '010 Mail.Example.org.', '10 mail.example.org'),
    ('SRV', '0 5 443 Host.Example.org.', '0 5 443 host.example.org'),
    ('CAA', '0 ISSUE "letsencrypt.org"', '0 issue letsencrypt.org'),
])
def test_normalize_value_equal_forms(rtype, left, right):
    assert normalize_value(rtype, left) == normalize_value(rtype, right)


@pytest.mark.parametrize('rtype, left, right', [
    ('TXT', 'Token', 'token'),  # TXT is case-sensitive
    ('TXT', 'a b', 'a  b'),  # ... and whitespace-sensitive
    ('CNAME', 'a.example.com', 'b.example.com'),
    ('A', '192.0.2.1', '192.0.2.10'),
])
def test_normalize_value_different_forms(rtype, left, right):
    assert normalize_value(rtype, left) != normalize_value(rtype, right)


def test_txt_values_are_read_by_the_one_grammar():
    assert normalize_value('TXT', 'v=spf1 -all') == 'v=spf1 -all'
    assert normalize_value('TXT', '"a" b') == 'ab'  # zone-file text: an unquoted word is a string too
    assert normalize_value('TXT', '"a"   "b"') == 'ab'
    assert normalize_value('TXT', '"v=spf1" "-all"') == 'v=spf1-all'  # joined as SPF joins them: no space
    assert normalize_value('TXT', 'a "b" c') == 'a "b" c'  # not starting with a quote: the text itself
    with pytest.raises(ValueError) as exc:
        normalize_value('TXT', '"unterminated')
    assert 'zone-file text' in str(exc.value)


@pytest.mark.parametrize('mode, expected, actual, result', [
    ('equals', ['a'], ['a'], True),
    ('equals', ['a'], ['a', 'b'], False),
    ('equals', ['a', 'b'], ['b', 'a'], True),
    ('equals', ['a'], [], False),
    ('equals', [], [], True),
    ('subset', ['a'], ['a', 'b'], True),
    ('subset', ['a', 'c'], ['a', 'b'], False),
    ('subset', ['a'], [], False),
    ('superset', ['a', 'b'], ['a'], True),
    ('superset', ['a', 'b'], [], True),
    ('superset', ['a'], ['a', 'b'], False),
])
def test_matches(mode, expected, actual, result):
    assert matches(mode, expected, actual) is result


def test_matches_unknown_mode():
    with pytest.raises(ValueError):
        matches('sometimes', [], [])


def test_normalize_name():
    assert normalize_name('CDN.Example.COM.') == 'cdn.example.com'
    assert normalize_name('_dnsauth.cdn.example.com') == '_dnsauth.cdn.example.com'
    assert normalize_name('*.example.org') == '*.example.org'
    assert normalize_name('localhost') == 'localhost'
    assert normalize_name(u'b\xfccher.example') == 'xn--bcher-kva.example'


@pytest.mark.parametrize('name, expected', [
    (u'fa\xdf.example.com', 'xn--fa-hia.example.com'),  # IDNA 2008: not fass.example.com as IDNA 2003 made it
    (u'stra\xdfe.example.com', 'xn--strae-oqa.example.com'),
    (u'b\xfccher.example.com', 'xn--bcher-kva.example.com'),
    (u'_dnsauth.FA\xdf.example.com.', '_dnsauth.xn--fa-hia.example.com'),
])
def test_normalize_name_is_the_idna_2008_normaliser(name, expected):
    assert normalize_name(name) == expected


def test_results_show_the_name_in_both_forms():
    spec = build_specs([dict(name=u'Fa\u00df.Example.com.', type='CNAME', value=u'B\u00fccher.example.net', mode='equals')])[0]
    assert (spec.name, spec.expected) == ('xn--fa-hia.example.com', ['xn--bcher-kva.example.net'])
    shown = _wait.RecordState(spec).as_dict()
    assert (shown['name'], shown['name_unicode']) == ('xn--fa-hia.example.com', u'fa\u00df.example.com')


@pytest.mark.parametrize('name, fragment', [
    ('', 'required'),
    ('a..example.com', 'empty label'),
    ('-a.example.com', 'is not valid'),
    ('a b.example.com', 'is not valid'),
    ('x' * 64 + '.example.com', '63'),
    ('.'.join(['abcdefghi'] * 26), '253'),
    (u'a\u200db.example.com', 'IDNA 2008'),
])
def test_normalize_name_errors_name_the_field(name, fragment):
    with pytest.raises(ValueError) as exc:
        normalize_name(name, field='records[3].name')
    assert str(exc.value).startswith('records[3].name: ')
    assert fragment in str(exc.value)


# ----------------------------------------------------------------------------------------------------------
# Resolver strings
# ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('192.0.2.53', ('192.0.2.53', 53)),
    ('127.0.0.1:5399', ('127.0.0.1', 5399)),
    ('[::1]:5300', ('::1', 5300)),
    ('[2001:db8::53]', ('2001:db8::53', 53)),
    ('2001:db8::53', ('2001:db8::53', 53)),
    ('fe80::1%eth0', ('fe80::1', 53)),
])
def test_parse_resolver(text, expected):
    assert parse_resolver(text) == expected


@pytest.mark.parametrize('text, fragment', [
    ('dns.example.com', 'not an IP address'),
    ('127.0.0.1:domain', 'not a number'),
    ('127.0.0.1:0', 'out of range'),
    ('[::1]:70000', 'out of range'),
    ('[::1', 'without "]"'),
    ('[::1]5300', 'expected ":port"'),
])
def test_parse_resolver_errors(text, fragment):
    with pytest.raises(ValueError) as exc:
        parse_resolver(text, field='resolvers[1]')
    assert str(exc.value).startswith('resolvers[1]: ')
    assert fragment in str(exc.value)


def test_system_resolvers(tmp_path):
    path = tmp_path / 'resolv.conf'
    path.write_text('# comment\nsearch example.com\nnameserver 10.0.0.2\nnameserver   ::1  # local\n;nameserver 10.9.9.9\noptions ndots:2\n')
    assert _dns.system_resolvers(str(path)) == [('10.0.0.2', 53), ('::1', 53)]
    assert _dns.system_resolvers(str(tmp_path / 'missing')) == []


# ----------------------------------------------------------------------------------------------------------
# Backoff schedule
# ----------------------------------------------------------------------------------------------------------

def test_backoff_schedule_default_is_short_while_a_record_may_just_appear():
    delays = list(itertools.islice(backoff_schedule(), 40))
    assert delays[:3] == [0.25, 0.3125, 0.390625]
    elapsed = 0
    for delay in delays:
        if elapsed >= 5:
            break
        assert delay < 1.5  # anything published in the first 5 s is seen within 1.5 s
        elapsed += delay
    assert delays[-1] == 10


def test_backoff_schedule_grows_to_cap():
    delays = list(itertools.islice(backoff_schedule(0.25, 1.5, 10), 14))
    assert delays[:4] == [0.25, 0.375, 0.5625, 0.84375]
    assert all(later >= earlier for earlier, later in zip(delays, delays[1:]))
    assert delays[-1] == 10
    assert max(delays) == 10
    assert delays[9] == pytest.approx(9.61, abs=0.01)  # 0.25 * 1.5 ** 9
    assert delays[10:] == [10, 10, 10, 10]


def test_backoff_schedule_initial_above_cap():
    assert list(itertools.islice(backoff_schedule(5, 2, 1), 3)) == [1, 1, 1]


# ----------------------------------------------------------------------------------------------------------
# The waiting loop, with a fake clock, fake sleep and fake check_round
# ----------------------------------------------------------------------------------------------------------

class FakeClock(fakes.FakeClock):
    """The shared fake clock, starting at 100 s, with the cost of one round of checks (the test moves it by that)."""

    def __init__(self, round_cost=0.01):
        super(FakeClock, self).__init__(100.0)
        self.round_cost = round_cost


def spec(name='cdn.example.com', rtype='CNAME', expected=('bucket.oss-cn-hangzhou.aliyuncs.com',), index=0, mode='equals'):
    return RecordSpec(name, rtype, list(expected), mode=mode, index=index)


def test_wait_done_after_three_rounds_and_done_records_not_asked_again():
    fake = FakeClock()
    asked = []

    def check_round(specs):
        asked.append([s.name for s in specs])
        fake.now += fake.round_cost
        outcomes = []
        for s in specs:
            ready = s.name == 'a.example.com' or len(asked) >= 3
            answer = list(s.expected) if ready else []
            outcomes.append(Outcome(ready, {'ns1.example.com': answer}))
        return outcomes

    result = wait_for_records([spec('a.example.com'), spec('b.example.com', index=1)], check_round, timeout=60,
                              clock=fake.clock, sleep=fake.sleep)
    assert not result.timed_out
    assert result.rounds == 3
    assert result.completed == 2
    assert asked == [['a.example.com', 'b.example.com'], ['b.example.com'], ['b.example.com']]
    assert fake.sleeps == [0.25, 0.3125]
    records = result.records()
    assert [r['checks'] for r in records] == [1, 3]
    assert records[0]['elapsed'] == pytest.approx(0.01, abs=1e-3)
    assert records[1]['elapsed'] == pytest.approx(0.03 + 0.25 + 0.3125, abs=1e-3)
    assert records[1]['nameservers'] == {'ns1.example.com': ['bucket.oss-cn-hangzhou.aliyuncs.com']}
    assert records[1]['done'] is True


def test_wait_timeout_detail_message():
    fake = FakeClock()

    def check_round(specs):
        fake.now += fake.round_cost
        return [Outcome(False, {'ns1.example.com': ['wrong.example.net'], 'ns2.example.com': 'SERVFAIL'}) for _s in specs]

    result = wait_for_records([spec()], check_round, timeout=5, clock=fake.clock, sleep=fake.sleep)
    assert result.timed_out
    assert result.completed == 0
    # the sleeps never run past the deadline, and the last round happens at the deadline
    assert sum(fake.sleeps) + result.rounds * fake.round_cost == pytest.approx(5 + fake.round_cost, abs=0.02)
    assert fake.sleeps[-1] < 0.25 * 1.25 ** (len(fake.sleeps) - 1)  # clipped to the deadline
    message = result.timeout_message(5)
    assert message.startswith('Timeout after 5.0s (timeout 5s): 1 of 1 record(s) not as expected after {0} round(s)'.format(result.rounds))
    assert 'cdn.example.com CNAME: expected equals [bucket.oss-cn-hangzhou.aliyuncs.com]' in message
    assert 'ns1.example.com said [wrong.example.net]' in message
    assert 'ns2.example.com said SERVFAIL' in message
    assert result.records()[0]['checks'] == result.rounds


def test_wait_timeout_zero_checks_once():
    fake = FakeClock()
    calls = []

    def check_round(specs):
        calls.append(1)
        return [Outcome(False, {'ns1.example.com': []}) for _s in specs]

    result = wait_for_records([spec()], check_round, timeout=0, clock=fake.clock, sleep=fake.sleep)
    assert result.timed_out and result.rounds == 1 and fake.sleeps == []
    assert 'ns1.example.com said no record (NXDOMAIN/NODATA)' in result.timeout_message(0)


def test_wait_reports_target_and_errors_in_message():
    fake = FakeClock()
    target = {'name': 'bucket.oss-cn-hangzhou.aliyuncs.com', 'done': False, 'nameservers': {'ns1.aliyuncs.com': []}}

    def check_round(specs):
        fake.now += 1
        return [Outcome(False, {}, error='zone lookup failed: timeout'), Outcome(False, {'ns1.example.com': ['x']}, target=target)]

    specs = [spec('a.example.com'), RecordSpec('b.example.com', 'CNAME', ['x'], target_resolves=True, index=1)]
    result = wait_for_records(specs, check_round, timeout=1, clock=fake.clock, sleep=fake.sleep)
    message = result.timeout_message(1)
    assert 'a.example.com CNAME: expected equals [bucket.oss-cn-hangzhou.aliyuncs.com] - zone lookup failed: timeout' in message
    assert 'the CNAME target bucket.oss-cn-hangzhou.aliyuncs.com does not resolve to an address yet: ns1.aliyuncs.com said no record' in message
    assert result.records()[0]['error'] == 'zone lookup failed: timeout'
    assert result.records()[1]['target'] == target
    assert 'target' not in result.records()[0]


def test_wait_propagates_zone_not_found():
    def check_round(specs):
        raise ZoneNotFoundError('records[0] (x.nope.test TXT): no DNS zone serves x.nope.test')

    with pytest.raises(ZoneNotFoundError):
        wait_for_records([spec('x.nope.test', 'TXT', ['a'])], check_round, timeout=10, clock=FakeClock().clock, sleep=FakeClock().sleep)


def test_progress_line():
    done = _wait.RecordState(spec('a.example.com'))
    done.done = True
    pending = _wait.RecordState(spec('b.example.com'))
    pending.last = Outcome(False, {'ns1.example.com': []})
    line = progress_line(3, 1.234, [done, pending, _wait.RecordState(spec('c.example.com'))], 17, now=1700000000.5)
    assert line.startswith('1700000000.500 round=3 elapsed=1.23s done=1/3 queries=17 waiting: b.example.com CNAME')
    assert 'ns1.example.com said no record' in line
    assert line.endswith('(+1 more)')


# ----------------------------------------------------------------------------------------------------------
# build_specs (the records option)
# ----------------------------------------------------------------------------------------------------------

def rec(**kwargs):
    base = dict(name='cdn.example.com', type='CNAME', value=None, values=None, mode='equals', target_resolves=False)
    base.update(kwargs)
    return base


def test_build_specs():
    specs = build_specs([rec(value='Bucket.Example.NET.', target_resolves=True),
                         rec(name='_dnsauth.cdn.example.com', type='TXT', values=['"a" "b"', 'c'], mode='subset')])
    assert [(s.name, s.rtype, s.expected, s.mode, s.target_resolves, s.index) for s in specs] == [
        ('cdn.example.com', 'CNAME', ['bucket.example.net'], 'equals', True, 0),
        ('_dnsauth.cdn.example.com', 'TXT', ['ab', 'c'], 'subset', False, 1),
    ]


@pytest.mark.parametrize('records, fragment', [
    ([rec(value='x.example.net'), rec(name='bad name.example.com', value='x.example.net')], 'records[1].name: '),
    ([rec(value='a.example.net', values=['a.example.net'])], 'records[0]: set either value or values'),
    ([rec()], 'records[0]: one of value or values is required'),
    ([rec(type='TXT', value='x', target_resolves=True)], 'records[0].target_resolves: only valid for type CNAME'),
    ([rec(values=['a.example.net', 'b.example.net'])], 'records[0]: a CNAME has a single target'),
    ([rec(value='not a host')], 'records[0].values[0]: '),
])
def test_build_specs_errors_name_the_field(records, fragment):
    with pytest.raises(ValueError) as exc:
        build_specs(records)
    assert fragment in str(exc.value)


# ----------------------------------------------------------------------------------------------------------
# The resolver against an in-process authoritative server (UDP and TCP, like BIND with recursion off)
# ----------------------------------------------------------------------------------------------------------

ZONES = {
    'example.org': '''
@ 60 IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 60
@ 60 IN NS ns1.example.org.
@ 60 IN NS ns2.example.org.
ns1 60 IN A 127.0.0.1
ns2 60 IN A 127.0.0.1
cdn 60 IN CNAME Bucket.oss-cn-hangzhou.aliyuncs.com.
_dnsauth.cdn 60 IN TXT "tok" "en-1"
www 60 IN A 192.0.2.10
alias 60 IN CNAME www
big 60 IN TXT "{big}"
sub 60 IN NS ns1.sub.example.org.
ns1.sub 60 IN A 127.0.0.1
'''.replace('{big}', 'x' * 250),
    'sub.example.org': '''
@ 60 IN SOA ns1.sub.example.org. hostmaster.example.org. 1 3600 600 86400 60
@ 60 IN NS ns1.sub.example.org.
ns1 60 IN A 127.0.0.1
deep 60 IN TXT "in the sub zone"
''',
    'aliyuncs.com': '''
@ 60 IN SOA ns1.aliyuncs.com. hostmaster.aliyuncs.com. 1 3600 600 86400 60
@ 60 IN NS ns1.aliyuncs.com.
ns1 60 IN A 127.0.0.1
bucket.oss-cn-hangzhou 60 IN A 127.0.0.5
''',
}


class FakeAuthoritativeServer(object):
    """Serves ZONES over UDP and TCP on 127.0.0.1; REFUSED outside them; counts and can script misbehaviour."""

    def __init__(self, zones=None):
        self.zones = {}
        for origin, text in (zones or ZONES).items():
            self.zones[dns.name.from_text(origin + '.')] = dns.zone.from_text(text, origin=origin + '.', relativize=False)
        self.truncate = set()  # qnames answered with TC over UDP
        self.servfail = {}  # qname -> how many SERVFAILs before a real answer
        self.drop = set()  # qnames never answered (timeouts)
        self.log = []  # (transport, qname, qtype)
        for attempt in range(20):  # a free UDP port whose TCP twin is free too
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp.bind(('127.0.0.1', 0))
            self.port = self.udp.getsockname()[1]
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                self.tcp.bind(('127.0.0.1', self.port))
                break
            except OSError:
                self.udp.close()
                self.tcp.close()
                if attempt == 19:
                    raise
        self.tcp.listen(16)
        self._stop = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve)
        self._thread.daemon = True
        self._thread.start()

    def close(self):
        self._stop = True
        self._thread.join(5)
        self.udp.close()
        self.tcp.close()

    def _serve(self):
        while not self._stop:
            readable, _w, _x = select.select([self.udp, self.tcp], [], [], 0.05)
            for sock in readable:
                if sock is self.udp:
                    data, peer = self.udp.recvfrom(65535)
                    reply = self.answer(data, 'udp')
                    if reply is not None:
                        self.udp.sendto(reply, peer)
                else:
                    conn, _peer = self.tcp.accept()
                    try:
                        length = struct.unpack('!H', self._recv(conn, 2))[0]
                        reply = self.answer(self._recv(conn, length), 'tcp')
                        if reply is not None:
                            conn.sendall(struct.pack('!H', len(reply)) + reply)
                    finally:
                        conn.close()

    @staticmethod
    def _recv(conn, size):
        data = b''
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def answer(self, wire, transport):
        query = dns.message.from_wire(wire)
        question = query.question[0]
        qname, qtype = question.name, question.rdtype
        text = qname.to_text().rstrip('.').lower()
        with self._lock:
            self.log.append((transport, text, dns.rdatatype.to_text(qtype)))
            if text in self.drop:
                return None
            if self.servfail.get(text):
                self.servfail[text] -= 1
                response = dns.message.make_response(query)
                response.set_rcode(dns.rcode.SERVFAIL)
                return response.to_wire()
        response = dns.message.make_response(query)
        response.flags &= ~dns.flags.RA
        origins = [origin for origin in self.zones if qname.is_subdomain(origin)]
        if not origins:
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        origin = max(origins, key=lambda o: len(o.labels))
        zone = self.zones[origin]
        # a delegation between the origin and the name: referral, not authoritative
        for depth in range(len(origin.labels) + 1, len(qname.labels) + 1):
            cut = qname.split(depth)[1]
            node = zone.get_node(cut)
            if node is not None and cut != origin and node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NS) is not None:
                rdataset = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NS)
                response.authority.append(dns.rrset.from_rdata_list(cut, rdataset.ttl, list(rdataset)))
                return response.to_wire()
        response.flags |= dns.flags.AA
        if transport == 'udp' and text in self.truncate:
            response.flags |= dns.flags.TC
            return response.to_wire()
        current = qname
        for _step in range(8):
            node = zone.get_node(current)
            if node is None:
                if current == qname:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                break
            rdataset = node.get_rdataset(dns.rdataclass.IN, qtype)
            if rdataset is not None:
                response.answer.append(dns.rrset.from_rdata_list(current, rdataset.ttl, list(rdataset)))
                return response.to_wire()
            cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
            if cname is None:
                break
            response.answer.append(dns.rrset.from_rdata_list(current, cname.ttl, list(cname)))
            current = cname[0].target
            if not current.is_subdomain(origin):
                return response.to_wire()
        if not response.answer:
            soa = zone.get_node(origin).get_rdataset(dns.rdataclass.IN, dns.rdatatype.SOA)
            response.authority.append(dns.rrset.from_rdata_list(origin, soa.ttl, list(soa)))
        return response.to_wire()


@pytest.fixture
def server():
    fake = FakeAuthoritativeServer()
    yield fake
    fake.close()


def make_resolver(server, **kwargs):
    kwargs.setdefault('query_timeout', 1)
    kwargs.setdefault('query_retries', 1)
    return _wait.RecordChecker([('127.0.0.1', server.port)], port=server.port, **kwargs)


def test_resolver_walks_delegation_and_asks_each_nameserver(server):
    with closing(make_resolver(server)) as resolver:
        specs = build_specs([rec(name='CDN.example.org.', value='bucket.oss-cn-hangzhou.aliyuncs.com', target_resolves=True),
                             rec(name='_dnsauth.cdn.example.org', type='TXT', value='token-1'),
                             rec(name='deep.sub.example.org', type='TXT', value='in the sub zone'),
                             rec(name='alias.example.org', type='A', value='192.0.2.10')])
        outcomes = resolver.check_round(specs)
        assert [o.done for o in outcomes] == [True, True, True, True]
        assert outcomes[0].nameservers == {'ns1.example.org': ['bucket.oss-cn-hangzhou.aliyuncs.com'],
                                           'ns2.example.org': ['bucket.oss-cn-hangzhou.aliyuncs.com']}
        assert outcomes[0].target == {'name': 'bucket.oss-cn-hangzhou.aliyuncs.com', 'done': True, 'nameservers': {'ns1.aliyuncs.com': ['127.0.0.5']}}
        assert outcomes[2].nameservers == {'ns1.sub.example.org': ['in the sub zone']}
        assert resolver.zone_of('deep.sub.example.org') == ('sub.example.org', ['ns1.sub.example.org'])
        # the record queries went to the authoritative servers without recursion; the walk asked SOA/NS/A
        asked = set((name, qtype) for _t, name, qtype in server.log)
        assert ('cdn.example.org', 'SOA') in asked and ('example.org', 'NS') in asked and ('ns2.example.org', 'A') in asked
        first = resolver.queries
        assert first == len(server.log)
        # a second round re-uses the cached walk: only the record (and target) queries are sent again
        resolver.check_round(specs[:1])
        assert resolver.queries - first == 3  # CNAME on ns1 and ns2, A of the target on ns1.aliyuncs.com


def test_resolver_nxdomain_nodata_and_wrong_values(server):
    with closing(make_resolver(server)) as resolver:
        specs = build_specs([rec(name='missing.example.org', type='TXT', value='x'),
                             rec(name='www.example.org', type='TXT', value='x'),
                             rec(name='cdn.example.org', value='other.example.net'),
                             rec(name='missing.example.org', type='TXT', values=[])])
        outcomes = resolver.check_round(specs)
        assert [o.done for o in outcomes] == [False, False, False, True]
        assert outcomes[0].nameservers == {'ns1.example.org': [], 'ns2.example.org': []}
        assert outcomes[1].nameservers['ns1.example.org'] == []
        assert outcomes[2].nameservers['ns1.example.org'] == ['bucket.oss-cn-hangzhou.aliyuncs.com']


def test_resolver_zone_not_found_names_the_record(server):
    with closing(make_resolver(server)) as resolver:
        specs = build_specs([rec(name='www.example.org', type='A', value='192.0.2.10'),
                             rec(name='x.nowhere.test', type='TXT', value='a')])
        with pytest.raises(ZoneNotFoundError) as exc:
            resolver.check_round(specs)
        assert 'records[1] (x.nowhere.test TXT)' in str(exc.value)
        assert 'no DNS zone serves x.nowhere.test' in str(exc.value)


def test_resolver_tcp_fallback_on_truncation(server):
    server.truncate.add('big.example.org')
    with closing(make_resolver(server)) as resolver:
        outcome = resolver.check(build_specs([rec(name='big.example.org', type='TXT', value='x' * 250)])[0])
        assert outcome.done
        assert ('tcp', 'big.example.org', 'TXT') in server.log


def test_resolver_retries_servfail(server):
    server.servfail['www.example.org'] = 2
    with closing(make_resolver(server, query_retries=3)) as resolver:
        outcome = resolver.check(build_specs([rec(name='www.example.org', type='A', value='192.0.2.10')])[0])
        assert outcome.done


def test_a_resolver_that_keeps_failing_is_named_by_its_answer_not_by_the_time(server):
    server.servfail['www.example.org'] = 100
    with closing(make_resolver(server, query_timeout=0.2)) as resolver:
        outcome = resolver.check(build_specs([rec(name='www.example.org', type='A', value='192.0.2.10')])[0])
        assert not outcome.done and outcome.error == 'www.example.org. SOA: no resolver answered (SERVFAIL)'
        assert resolver.queries == len(server.log)  # the retries of the walk are counted too


def test_resolver_reports_timeouts_as_errors(server):
    server.drop.add('www.example.org')
    with closing(make_resolver(server, query_timeout=0.2, query_retries=0)) as resolver:
        record = build_specs([rec(name='www.example.org', type='A', value='192.0.2.10')])[0]
        # the walk itself times out: not done, retried next round (the failure is not cached)
        outcome = resolver.check(record)
        assert not outcome.done
        assert outcome.nameservers == {}
        assert 'www.example.org. SOA: no resolver answered (timeout after 0.2s)' in outcome.error
        server.drop.discard('www.example.org')
        assert resolver.zone_of('www.example.org') == ('example.org', ['ns1.example.org', 'ns2.example.org'])
        # now the authoritative servers time out
        server.drop.add('www.example.org')
        outcome = resolver.check(record)
        assert not outcome.done
        assert outcome.nameservers == {'ns1.example.org': 'timeout after 0.2s', 'ns2.example.org': 'timeout after 0.2s'}
        server.drop.discard('www.example.org')
        assert resolver.check(record).done


def test_resolver_non_cname_type_on_cname_name(server):
    with closing(make_resolver(server)) as resolver:
        outcome = resolver.check(build_specs([rec(name='cdn.example.org', type='TXT', value='x')])[0])
        assert not outcome.done
        assert outcome.nameservers['ns1.example.org'] == 'CNAME to bucket.oss-cn-hangzhou.aliyuncs.com (not TXT)'


def test_resolver_target_not_resolving_is_not_done(server):
    with closing(make_resolver(server)) as resolver:
        specs = [RecordSpec('cdn.example.org', 'CNAME', ['bucket.oss-cn-hangzhou.aliyuncs.com'], target_resolves=True)]
        server.zones[dns.name.from_text('aliyuncs.com.')].delete_node('bucket.oss-cn-hangzhou.aliyuncs.com.')
        outcome = resolver.check(specs[0])
        assert not outcome.done
        assert outcome.target['done'] is False
        assert outcome.target['nameservers'] == {'ns1.aliyuncs.com': []}


def test_memo_computes_once_and_forgets_transient_errors():
    memo = _dns._Memo(keep=(ZoneNotFoundError,))
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise _dns.TransientDNSError('timeout')
        return 'value'

    with pytest.raises(_dns.TransientDNSError):
        memo.get('k', flaky)
    assert memo.get('k', flaky) == 'value'
    assert memo.get('k', flaky) == 'value'
    assert len(calls) == 2

    def missing():
        calls.append(1)
        raise ZoneNotFoundError('nope')

    for _i in range(2):
        with pytest.raises(ZoneNotFoundError):
            memo.get('z', missing)
    assert len(calls) == 3


def test_given_nameservers_are_asked_directly_without_the_walk(server):
    # Split-horizon DNS: no resolver at all, so nothing can be walked; the given server is the authoritative one.
    checker = _wait.RecordChecker([], port=53, query_timeout=1, query_retries=1, nameservers=[('127.0.0.1', server.port)])
    with closing(checker) as resolver:
        label = '127.0.0.1:%d' % server.port  # the port is shown when it is not the `port` option
        outcomes = resolver.check_round(build_specs([rec(name='www.example.org', type='A', value='192.0.2.10'),
                                                     rec(name='missing.example.org', type='TXT', value='x')]))
        assert [o.done for o in outcomes] == [True, False]
        assert outcomes[0].nameservers == {label: ['192.0.2.10']} and outcomes[1].nameservers == {label: []}  # NXDOMAIN: not yet
        assert set(qtype for dummy, dummy2, qtype in server.log) == {'A', 'TXT'}  # no SOA, NS or nameserver address lookups
        assert resolver.queries == len(server.log) == 2
        with pytest.raises(ZoneNotFoundError) as exc:
            resolver.check(build_specs([rec(name='x.nowhere.test', type='TXT', value='a')])[0])
        assert 'every authoritative server (%s) refused to answer for x.nowhere.test' % label in str(exc.value)


def test_one_resolver_address_with_two_ports_is_refused_naming_both_fields():
    with pytest.raises(ValueError) as err:
        _dns.module_resolvers({'resolvers': ['127.0.0.1:53', '192.0.2.1', '127.0.0.1:5353']})
    assert str(err.value).startswith('resolvers[2]: 127.0.0.1 is also resolvers[0] with port 53')


def test_the_same_resolver_twice_is_asked_once():
    assert _dns.module_resolvers({'resolvers': ['127.0.0.1:5353', '[::1]:53', '127.0.0.1:5353']}) == [('127.0.0.1', 5353), ('::1', 53)]
