# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ask every authoritative nameserver of a name, with dnspython's own tools.

The zone cut of a name is dns.resolver.zone_for_name over the configured resolvers; the NS names of the zone and
their addresses are looked up through the same resolvers (every lookup is kept for the run). Every authoritative
server is then asked directly, without recursion (dns.query.udp_with_fallback: UDP, TCP when truncated). With
``nameservers`` the walk is skipped and exactly those servers are asked. No query outlives ``deadline``.

The waiting and the module are in _wait.
"""

import collections
import ipaddress
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements

try:
    _requirements.require('dnspython')  # present and recent enough (the one table of packages and versions)
except _requirements.MissingRequirement as exc:
    HAS_DNSPYTHON = False
    DNSPYTHON_IMPORT_ERROR = exc.trace
else:
    import dns.edns
    import dns.exception
    import dns.flags
    import dns.message
    import dns.name
    import dns.query
    import dns.rcode
    import dns.rdata
    import dns.rdatatype
    import dns.resolver
    HAS_DNSPYTHON = True
    DNSPYTHON_IMPORT_ERROR = None

from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import normalize_domain
from ansible_collections.alicloud_oss.domains.plugins.module_utils._txt import content as txt_content, join_strings as txt_join

DNSPYTHON_REQUIREMENT = _requirements.requirement('dnspython')

MAX_WORKERS = 32
MAX_CNAME_CHAIN = 8
EDNS_PAYLOAD = 1232
NO_TIME_LEFT = 'no time left before the timeout'


class DNSWaitError(Exception):
    """Base class of the errors of this module."""


class ZoneNotFoundError(DNSWaitError):
    """No zone serves the name: every resolver (or every authoritative server) refused it. Not retried."""


class TransientDNSError(DNSWaitError):
    """A lookup that failed for now (timeout, SERVFAIL, network error); retried in the next round."""


def normalize_name(name, field='name'):
    """``name`` as the collection's one name normaliser gives it (lower case, no trailing dot, IDNA 2008 punycode);
    wildcards, underscores (``_dnsauth``) and single labels are allowed. Raises ValueError naming ``field``."""
    if not isinstance(name, str):
        raise ValueError('{0}: expected a DNS name, got {1!r}'.format(field, name))
    return normalize_domain(name, field=field, allow_wildcard=True, allow_underscore=True, fqdn=False)


def _ascii(word):
    """A word of a value with an internationalised host name in it, in punycode by IDNA 2008 (dnspython reads IDNA 2003)."""
    if word.isascii():
        return word
    try:
        return normalize_name(word.rstrip('.')) + ('.' if word.endswith('.') else '')
    except ValueError:
        return word


def answer_value(rtype, rdata):
    """The comparable text of one rdata: dnspython's text, host names lower case without the trailing dot."""
    if rtype == 'TXT':
        return txt_join(rdata.strings)  # the one TXT grammar (see _txt): the joined content of the strings
    if rtype == 'CAA':
        return '{0} {1} {2}'.format(rdata.flags, rdata.tag.decode('ascii', 'replace').lower(), rdata.value.decode('utf-8', 'replace'))
    return ' '.join(word.rstrip('.').lower() or '.' for word in rdata.to_text().split())


def normalize_value(rtype, value):
    """Normalise one record value of type ``rtype`` for comparison (user input and DNS answers alike); a value that
    dnspython cannot read as that type is compared as given (white space collapsed)."""
    rtype = rtype.upper()
    if rtype == 'TXT':
        return txt_content('{0}'.format(value))
    text = ' '.join(_ascii(word) for word in '{0}'.format(value).split())
    try:
        return answer_value(rtype, dns.rdata.from_text('IN', rtype, text))
    except (dns.exception.DNSException, ValueError, UnicodeError):
        return text


def parse_resolver(text, default_port=53, field='resolvers'):
    """Parse ``address``, ``address:port``, ``[v6]`` or ``[v6]:port`` (a bare IPv6 address also works).

    Returns ``(address, port)``; raises ValueError naming ``field``.
    """
    raw = '{0}'.format(text).strip()
    host, port = raw, default_port
    if raw.startswith('['):
        host, bracket, rest = raw[1:].partition(']')
        if not bracket:
            raise ValueError('{0}: {1!r} has "[" without "]"'.format(field, text))
        if rest:
            if not rest.startswith(':'):
                raise ValueError('{0}: {1!r}: expected ":port" after "]"'.format(field, text))
            port = rest[1:]
    elif raw.count(':') == 1:
        host, port = raw.split(':')
    try:
        port = int(port)
    except (TypeError, ValueError):
        raise ValueError('{0}: {1!r}: the port {2!r} is not a number'.format(field, text, port))
    if not 0 < port < 65536:
        raise ValueError('{0}: {1!r}: the port {2} is out of range'.format(field, text, port))
    host = host.split('%', 1)[0]  # drop an IPv6 zone index (fe80::1%eth0): dnspython cannot use it anyway
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError('{0}: {1!r} is not an IP address (use "address", "address:port" or "[IPv6]:port")'.format(field, text))
    return host, port


def system_resolvers(path='/etc/resolv.conf'):
    """The system's resolvers as ``[(address, 53), ...]`` (dnspython reads the file); an empty list when none can be read."""
    try:
        addresses = dns.resolver.Resolver(filename=path).nameservers
    except (dns.exception.DNSException, OSError):
        return []
    result = []
    for address in addresses:
        try:
            result.append(parse_resolver('{0}'.format(address)))
        except ValueError:
            continue
    return result


def module_resolvers(params):
    """The resolvers of the module's options (or of /etc/resolv.conf); ValueError naming the option."""
    if params.get('resolvers'):
        resolvers, seen = [], {}
        for index, text in enumerate(params['resolvers']):
            field = 'resolvers[{0}]'.format(index)
            address, port = parse_resolver(text, field=field)
            if address in seen and seen[address][1] != port:
                # dnspython's resolver asks one port per address: a second port would be dropped without a word.
                raise ValueError('{0}: {1} is also {2} with port {3}; a resolver address can be given with one port only (keep one '
                                 'of them, or use nameservers to ask servers directly)'.format(field, address, seen[address][0], seen[address][1]))
            seen.setdefault(address, (field, port))
            if (address, port) not in resolvers:
                resolvers.append((address, port))
        return resolvers
    resolvers = system_resolvers()
    if not resolvers:
        raise ValueError('resolvers: not set and no nameserver found in /etc/resolv.conf')
    return resolvers


def format_server(address, port):
    return '[{0}]:{1}'.format(address, port) if ':' in address else '{0}:{1}'.format(address, port)


def _name_text(name):
    return name.to_text().rstrip('.').lower()


class _Memo:
    """A thread-safe per-run cache: concurrent callers for one key wait for a single computation.

    Results and the errors of ``keep`` are cached; other errors are not (the next round tries again).
    """

    def __init__(self, keep=()):
        self._lock = threading.Lock()
        self._entries = {}
        self._keep = keep

    def get(self, key, compute):
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if owner:
                entry = self._entries[key] = [threading.Event(), None, None]
        if owner:
            try:
                entry[1] = compute()
            except Exception as exc:  # pylint: disable=broad-except
                entry[2] = exc
                if not isinstance(exc, self._keep):
                    with self._lock:
                        self._entries.pop(key, None)
            finally:
                entry[0].set()
        else:
            entry[0].wait()
        if entry[2] is not None:
            raise entry[2]
        return entry[1]


_Answer = collections.namedtuple('_Answer', 'rcode response error', defaults=(None, None))


class _Walker(dns.resolver.Resolver if HAS_DNSPYTHON else object):
    """dnspython's stub resolver over our resolvers for the delegation walk: each lookup is made once per run (its
    answer, NXDOMAIN or NODATA kept), counted, and cut to what is left before the owner's deadline."""

    def __init__(self, owner, resolvers):
        super().__init__(configure=False)
        self.owner = owner
        self.nameserver_ports = dict(resolvers)
        self.nameservers = [address for address, dummy in resolvers]
        self.timeout = owner.query_timeout
        self.lifetime = owner.query_timeout * (owner.query_retries + 1)
        self.retry_servfail = True
        self.use_edns(0, 0, EDNS_PAYLOAD)
        self._memo = _Memo(keep=(dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, ZoneNotFoundError))

    def resolve(self, qname, rdtype='A', *args, **kwargs):  # pylint: disable=arguments-differ,keyword-arg-before-vararg
        key = (_name_text(dns.name.from_text('{0}'.format(qname))), dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype)))
        return self._memo.get(key, lambda: self._resolve(key, qname, rdtype, *args, **kwargs))

    def _resolve(self, key, qname, rdtype, *args, **kwargs):
        label = '{0}. {1}'.format(*key)
        lifetime = self.owner.time_for_query(self.lifetime)
        if lifetime is None:
            raise TransientDNSError('{0}: no resolver answered ({1})'.format(label, NO_TIME_LEFT))
        kwargs['lifetime'] = lifetime
        try:
            answer = super().resolve(qname, rdtype, *args, **kwargs)
        except dns.exception.DNSException as exc:
            errors = exc.kwargs.get('errors') or []
            self.owner.count(max(1, len(errors)))  # each error is a query that failed
            if isinstance(exc, (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer)):
                raise
            rcodes = [error[3] for error in errors if isinstance(error[3], str)]  # the answers (SERVFAIL, REFUSED), not timeouts
            if isinstance(exc, dns.resolver.NoNameservers) and rcodes and len(rcodes) == len(errors) and set(rcodes) == {'REFUSED'}:
                raise ZoneNotFoundError('every resolver refused it ({0})'.format(', '.join(format_server(*item) for item in self.nameserver_ports.items())))
            why = exc
            if isinstance(exc, dns.exception.Timeout):  # the last answer (SERVFAIL) says more than the time that ran out
                why = errors[-1][3] if errors and isinstance(errors[-1][3], str) else 'timeout after {0:g}s'.format(round(lifetime, 3))
            raise TransientDNSError('{0}: no resolver answered ({1})'.format(label, why))
        self.owner.count()
        return answer


class Resolver:
    """Asks every authoritative server of a name directly: those the walk from ``resolvers`` finds, on ``port``, or
    exactly ``nameservers`` (``[(address, port)]``) when given."""

    def __init__(self, resolvers, port=53, query_timeout=5.0, query_retries=2, max_workers=MAX_WORKERS, nameservers=None):
        if not HAS_DNSPYTHON:
            raise DNSWaitError('dnspython is required')
        if not resolvers and not nameservers:
            raise DNSWaitError('no resolver to walk the delegation from')
        self.port = port
        self.query_timeout = query_timeout
        self.query_retries = query_retries
        self.queries = 0
        # The time (time.monotonic) by which every query must be over: the wait's deadline. A query gets what is left of it
        # (at most query_timeout), and none is sent once it passed, so retries and the delegation walk never overrun it.
        self.deadline = None
        self._count_lock = threading.Lock()
        # The given nameservers, by the label their answers are shown under (the address, with the port when not `port`).
        self.direct = None
        if nameservers:
            self.direct = dict((address if nsport == port else format_server(address, nsport), [(address, nsport)]) for address, nsport in nameservers)
        self._walker = _Walker(self, resolvers) if resolvers else None
        self._record_pool = ThreadPoolExecutor(max_workers=max_workers)
        self._server_pool = ThreadPoolExecutor(max_workers=max_workers)

    def close(self):
        for pool in (self._record_pool, self._server_pool):
            pool.shutdown(wait=True)

    def count(self, number=1):
        with self._count_lock:
            self.queries += number

    def map(self, func, items, pool=None):
        items = list(items)
        if len(items) <= 1:
            return [func(item) for item in items]
        return list((pool or self._record_pool).map(func, items))

    def time_for_query(self, limit=None):
        """Seconds the next query (or lookup) may take: ``limit`` (query_timeout), cut to what is left before the deadline;
        None when no time is left."""
        limit = self.query_timeout if limit is None else limit
        if self.deadline is None:
            return limit
        left = self.deadline - time.monotonic()
        return min(limit, left) if left > 0.001 else None

    def _query(self, qname, rtype, address, port, subnet=None):
        """One query without recursion (UDP, TCP on truncation). Returns an _Answer; network problems become rcode
        'timeout'/'error'. subnet (``address/prefix``) adds an EDNS Client Subnet option (RFC 7871)."""
        timeout = self.time_for_query()
        if timeout is None:
            return _Answer('timeout', error=NO_TIME_LEFT)
        options = [dns.edns.ECSOption.from_text(subnet)] if subnet else None
        message = dns.message.make_query(qname, rtype, use_edns=0, payload=EDNS_PAYLOAD, options=options)
        message.flags &= ~dns.flags.RD
        self.count()
        try:
            response, used_tcp = dns.query.udp_with_fallback(message, address, timeout=timeout, port=port)
        except dns.exception.Timeout:
            return _Answer('timeout', error='timeout after {0:g}s'.format(round(timeout, 3)))
        except (dns.exception.DNSException, OSError, EOFError) as exc:
            return _Answer('error', error='{0}: {1}'.format(type(exc).__name__, exc))
        if used_tcp:
            self.count()
        return _Answer(dns.rcode.to_text(response.rcode()), response=response)

    # -- the walk -----------------------------------------------------------------------------------------

    def zone_of(self, name):
        """``(zone, [ns names])`` for ``name`` (normalised, no trailing dot); ``(None, [labels])`` with ``nameservers``."""
        if self.direct:
            return None, sorted(self.direct)
        try:
            zone = _name_text(dns.resolver.zone_for_name(name + '.', resolver=self._walker))
        except ZoneNotFoundError as exc:
            raise ZoneNotFoundError('no DNS zone serves {0}: {1}'.format(name, exc))
        except dns.resolver.NoRootSOA:
            zone = ''
        if not zone:
            raise ZoneNotFoundError('no DNS zone below the root serves {0}'.format(name))
        return zone, self._ns_names(zone)

    def _ns_names(self, zone):
        try:
            answer = self._walker.resolve(zone + '.', 'NS')
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            raise TransientDNSError('the zone {0} has no NS records'.format(zone))
        return sorted(set(_name_text(rdata.target) for rdata in answer))

    def ns_addresses(self, ns_name):
        """``[(address, port)]`` of a nameserver."""
        if self.direct:
            return self.direct[ns_name]
        addresses = []
        for rtype in ('A', 'AAAA'):
            try:
                addresses.extend((rdata.address, self.port) for rdata in self._walker.resolve(ns_name + '.', rtype))
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                continue
        if not addresses:
            raise TransientDNSError('the nameserver {0} has no address'.format(ns_name))
        return addresses

    # -- authoritative queries ----------------------------------------------------------------------------

    def ask_server(self, ns_name, qname, rtype, subnet=None):
        """Ask one authoritative server (all its addresses in turn). Returns ``(status, values, cname, used)``.

        ``status`` is 'NOERROR', 'NXDOMAIN', 'REFUSED', or an error text; ``values`` the data of type ``rtype`` at the
        end of the in-answer CNAME chain; ``cname`` the chain's end when it left the answer (else None). ``used`` says how
        the server used ``subnet`` (an EDNS Client Subnet option): False when its answer does not carry the option back
        (it ignores ECS, RFC 7871 section 7.2.1), else the scope prefix length (0: the same answer for every network);
        None without subnet or answer.
        """
        try:
            addresses = self.ns_addresses(ns_name)
        except TransientDNSError as exc:
            return '{0}'.format(exc), [], None, None
        last = None
        for dummy in range(self.query_retries + 1):
            for address, port in addresses:
                last = self._query(qname + '.', rtype, address, port, subnet=subnet)
                if last.rcode in ('NOERROR', 'NXDOMAIN'):
                    used = None
                    if subnet:
                        echoed = [option for option in last.response.options if option.otype == dns.edns.ECS]
                        used = getattr(echoed[0], 'scopelen', 0) if echoed else False
                    return self._extract(last, qname, rtype) + (used,)
                if last.rcode == 'REFUSED':
                    return 'REFUSED', [], None, None
        return last.error or last.rcode, [], None, None

    @staticmethod
    def _extract(answer, qname, rtype):
        response = answer.response
        if answer.rcode == 'NOERROR' and not response.answer and not response.flags & dns.flags.AA:
            for rrset in response.authority:
                if rrset.rdtype == dns.rdatatype.NS:
                    return 'not authoritative: referral to {0}'.format(_name_text(rrset.name) or '.'), [], None
        try:
            chain = response.resolve_chaining()
        except dns.exception.DNSException:  # a CNAME chain too long, or an answer for NXDOMAIN: nothing usable
            return answer.rcode, [], None
        if chain.answer is not None:
            return answer.rcode, [answer_value(rtype, rdata) for rdata in chain.answer], None
        return answer.rcode, [], _name_text(chain.canonical_name) if chain.cnames else None

    def lookup(self, name, rtype, subnet=None):
        """Ask every authoritative server of ``name``. Returns ``({ns: values or error}, cnames, {ns: status}, {ns: used})``:
        status NOERROR, NXDOMAIN, ...; used how the server used the subnet (see ask_server)."""
        zone, ns_names = self.zone_of(name)
        results = self.map(lambda ns: self.ask_server(ns, name, rtype, subnet), ns_names, self._server_pool)
        answers, cnames, statuses, ecs = {}, set(), {}, {}
        for ns_name, (status, values, cname, used) in zip(ns_names, results):
            statuses[ns_name] = status
            ecs[ns_name] = used
            if status in ('NOERROR', 'NXDOMAIN') and cname and not values:
                answers[ns_name] = 'CNAME to {0} (not {1})'.format(cname, rtype)
                cnames.add(cname)
            else:
                answers[ns_name] = values if status in ('NOERROR', 'NXDOMAIN') else status
        if answers and all(answer == 'REFUSED' for answer in answers.values()):
            where = 'of {0} '.format(zone) if zone else ''
            raise ZoneNotFoundError('every authoritative server {0}({1}) refused to answer for {2}'.format(where, ', '.join(ns_names), name))
        return answers, cnames, statuses, ecs

    def resolve_address(self, name, depth=0):
        """Does ``name`` resolve to an address (A, else AAAA) on every authoritative server, following CNAMEs?

        Returns ``{'name', 'done', 'nameservers'}``, and ``nxdomain: True`` when every server says the name does not exist.
        """
        answers, cnames, statuses, dummy = self.lookup(name, 'A')
        if not all(isinstance(values, list) and values for values in answers.values()):
            aaaa, more, aaaa_statuses, dummy = self.lookup(name, 'AAAA')
            cnames.update(more)
            answers.update((ns_name, values) for ns_name, values in aaaa.items() if isinstance(values, list) and values)
            statuses = dict((ns_name, status if status == aaaa_statuses.get(ns_name) else 'mixed') for ns_name, status in statuses.items())
        done = bool(answers) and all(isinstance(values, list) and values for values in answers.values())
        result = {'name': name, 'done': done, 'nameservers': answers}
        if not done and statuses and all(status == 'NXDOMAIN' for status in statuses.values()):
            result['nxdomain'] = True  # no wait makes it appear
        if not done and len(cnames) == 1 and depth < MAX_CNAME_CHAIN:
            chained = self.resolve_address(sorted(cnames)[0], depth + 1)
            chained['via'] = name
            return chained
        return result


def probe_records(resolver, queries):
    """What the authoritative nameservers publish now, for alidns_record's external domains: {(name, type): [values per
    nameserver]} ([] when no zone serves the name), or None for a query DNS could not answer (SERVFAIL, timeout)."""
    found = {}
    for name, rtype in queries:
        try:
            answers = resolver.lookup(normalize_name(name), rtype.upper())[0]
        except ZoneNotFoundError:
            found[(name, rtype)] = []
            continue
        except (TransientDNSError, ValueError):
            found[(name, rtype)] = None
            continue
        if not answers or not all(isinstance(values, list) for values in answers.values()):
            found[(name, rtype)] = None
        else:
            found[(name, rtype)] = [list(values) for values in answers.values()]
    return found


def valid_subnet(text):
    """Whether ``text`` is a client subnet (``address/prefix``) for an EDNS Client Subnet option."""
    try:
        dns.edns.ECSOption.from_text(text)
    except (ValueError, dns.exception.DNSException):
        return False
    return True
