# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alidns_record in list mode (steps ownership, records, cleanup), with the API faked at the _alidns boundary."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns_record
from ansible_collections.alicloud_oss.domains.plugins.modules import alidns_record
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.test_alidns_record import FakeAlidns
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module

TARGET = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'


class ListFakeAlidns(FakeAlidns):
    """FakeAlidns, built with a policy factory, counting each kind of read."""

    def __init__(self):
        super(ListFakeAlidns, self).__init__()
        self.listings = []
        self.zone_lists = 0
        self.name_reads = 0

    def __call__(self, params, policy_factory=None):
        self.built += 1
        self.policy_factory = policy_factory
        return self

    def list_zones(self):
        self.zone_lists += 1
        return list(self.zones)

    def find_zone(self, fqdn):
        self.list_zones()
        return super(ListFakeAlidns, self).find_zone(fqdn)

    def list_zone_records(self, zone, rtype=None):
        self.listings.append(zone)
        return super(ListFakeAlidns, self).list_zone_records(zone, rtype)

    def list_name_records(self, zone, rr, rtype=None, line=None):
        self.name_reads += 1
        return super(ListFakeAlidns, self).list_name_records(zone, rr, rtype, line)


class FakeProbe(object):
    """What the authoritative nameservers serve, for external domains: {(name, type): [values per nameserver]}."""

    def __init__(self, served):
        self.served = served
        self.closed = False

    def __call__(self, queries):
        return dict((query, self.served.get(query, [])) for query in queries)

    def close(self):
        self.closed = True


@pytest.fixture
def fake(monkeypatch):
    api = ListFakeAlidns()
    monkeypatch.setattr(_alidns_record, 'AlidnsAPI', api)
    for name in ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'):
        monkeypatch.delenv(name, raising=False)
    return api


def entry(name, index, phase='bound', dns='alidns', zone=None, state='present', **extra):
    base = dict(index=index, name=name, name_unicode=name, bucket='demo-assets', region='cn-hangzhou', state=state, dns=dns,
                zone=zone if zone is not None else ('.'.join(name.split('.')[-2:]) if dns == 'alidns' else None), target=TARGET,
                phase=phase, failed=False, msg=None, error_code=None, changed=False,
                steps=[{'step': 'bind', 'changed': True, 'msg': 'bound'}], binding={'domain': name}, ownership_record=None,
                records=[{'record': name, 'type': 'CNAME', 'value': [TARGET], 'ttl': 600, 'line': 'default'}],
                records_to_add=[], records_to_remove=[], conflicts=[], replaced=[], notes=[], waits=[])
    base.update(extra)
    return base


def run(progress, step='records', check=False, diff=False, keep_going=True, defaults=None, **extra):
    names = sorted(progress, key=lambda name: progress[name]['index'])
    args = dict(domains=[{'name': name} for name in names], defaults=defaults or {}, progress=copy.deepcopy(progress), step=step,
                keep_going=keep_going, alicloud_access_key='AK', alicloud_secret_key='SK', _ansible_check_mode=check,
                _ansible_diff=diff)
    args.update(extra)
    return run_module(alidns_record.main, args)


def fleet(count=20, zone='example.com', start=0):
    return dict(('d%02d.%s' % (i, zone), entry('d%02d.%s' % (i, zone), start + i)) for i in range(count))


def test_one_zone_listing_per_zone_for_many_domains_and_never_a_per_name_read(fake):
    progress = fleet(20)
    progress.update(fleet(3, 'example.net', start=20))
    failed, result = run(progress)
    assert not failed and result['changed']
    assert sorted(fake.listings) == ['example.com', 'example.com', 'example.net', 'example.net']  # + one read back per zone
    assert fake.name_reads == 0 and fake.zone_lists == 0
    assert fake.writes == ['add'] * 23
    assert all(entry['phase'] == 'records_published' for entry in result['progress'].values())
    assert result['pending']['wait'] == 23
    assert [r['name'] for r in result['results']][:2] == ['d00.example.com', 'd01.example.com']
    assert result['progress']['d00.example.com']['steps'][-1]['step'] == 'records'


def test_check_mode_writes_nothing_and_predicts_the_real_run(fake):
    fake.seed('example.com', 'd01', 'A', '192.0.2.1')
    fake.seed('example.com', 'd02', 'CNAME', TARGET, ttl=300)
    progress = fleet(4)
    failed, predicted = run(progress, check=True, diff=True, defaults={'replace_records': True})
    assert not failed and predicted['changed'] and fake.writes == []
    failed, real = run(progress, diff=True, defaults={'replace_records': True})
    assert not failed
    assert [r['writes'] for r in predicted['results']] == [r['writes'] for r in real['results']]
    assert predicted['diff'] == real['diff']
    assert [e['phase'] for e in predicted['progress'].values()] == [e['phase'] for e in real['progress'].values()]
    failed, again = run(progress)
    assert not failed and not again['changed'] and all(r['writes'] == [] for r in again['results'])


def test_a_cname_to_a_cdn_is_replaced_only_when_told_and_diff_shows_both(fake):
    fake.seed('example.com', 'www', 'CNAME', 'www.cdn.example.net')
    fake.seed('example.com', 'api', 'A', '192.0.2.1')
    progress = {'www.example.com': entry('www.example.com', 0), 'api.example.com': entry('api.example.com', 1)}
    failed, result = run(progress, keep_going=False)
    assert failed and fake.writes == []
    assert 'www.example.com' in result['msg'] and 'api.example.com' in result['msg']
    www = result['progress']['www.example.com']
    assert www['phase'] == 'failed' and www['error_code'] == 'DomainRecordConflict' and 'www.cdn.example.net' in www['msg']
    assert www['conflicts'][0]['value'] == 'www.cdn.example.net'
    failed, result = run(progress, check=True, diff=True, defaults={'replace_records': True})
    assert not failed and fake.writes == []
    assert result['diff']['before']['www.example.com'][0]['value'] == 'www.cdn.example.net'
    assert result['diff']['after']['www.example.com'][0]['value'] == TARGET
    assert [r['type'] for r in result['diff']['before']['api.example.com']] == ['A']
    assert [(r['type'], r['value']) for r in result['diff']['after']['api.example.com']] == [('CNAME', TARGET)]
    www = result['progress']['www.example.com']
    assert www['replaced'][0]['value'] == 'www.cdn.example.net'
    assert any('www.cdn.example.net' in note and 'would be replaced' in note for note in www['notes'])
    failed, result = run(progress, defaults={'replace_records': True})
    assert fake.writes == ['update', 'delete', 'add']


def test_one_domain_failing_does_not_stop_the_others(fake):
    fake.seed('example.com', 'd01', 'MX', 'mx.example.net', priority=10)
    fake.fail_on = None
    progress = fleet(3)
    failed, result = run(progress, keep_going=False)
    assert failed and result['failed_domains'] == ['d01.example.com']
    assert result['msg'].startswith('1 of 3 domains failed: d01.example.com (')
    assert fake.writes == ['add', 'add']
    assert result['progress']['d00.example.com']['phase'] == 'records_published'


def test_an_api_error_is_the_domain_s_own(fake):
    progress = fleet(2)
    fake.fail_on = 'add'
    failed, result = run(progress)
    assert not failed  # keep_going
    assert result['failed_domains'] == ['d00.example.com', 'd01.example.com']
    assert result['progress']['d00.example.com']['error_code'] == 'ServiceUnavailable'


def test_unbound_domains_lose_only_the_records_pointing_at_the_bucket(fake):
    fake.seed('example.com', 'a', 'CNAME', TARGET)
    fake.seed('example.com', '_dnsauth.a', 'TXT', 'old-token')
    fake.seed('example.com', 'b', 'CNAME', 'cdn.example.net')
    progress = {'a.example.com': entry('a.example.com', 0, phase='unbound', state='absent'),
                'b.example.com': entry('b.example.com', 1, phase='unbound', state='absent')}
    failed, result = run(progress)
    assert not failed and fake.writes == ['delete', 'delete']
    a, b = result['progress']['a.example.com'], result['progress']['b.example.com']
    assert a['phase'] == 'removed' and b['phase'] == 'removed'
    assert any('CNAME left alone' in note and 'cdn.example.net' in note for note in b['notes'])
    # the removed CNAME is waited for until it is gone (wait_for_dns, step records)
    assert _flow.next_step(a) == 'wait' and _flow.next_step(b) is None


def test_ownership_step_publishes_the_txt_or_asks_for_it(fake, monkeypatch):
    record = {'record': '_dnsauth.a.example.com', 'type': 'TXT', 'value': ['tok-1'], 'ttl': 600}
    ext_record = {'record': '_dnsauth.x.example.org', 'type': 'TXT', 'value': ['tok-2'], 'ttl': 600}
    steps = [{'step': 'bind', 'changed': False, 'msg': 'needs ownership'}, {'step': 'ownership', 'changed': True, 'msg': 'token'}]
    progress = {'a.example.com': entry('a.example.com', 0, phase='ownership_pending', ownership_record=record, steps=list(steps)),
                'x.example.org': entry('x.example.org', 1, phase='ownership_pending', dns='external', ownership_record=ext_record,
                                       steps=list(steps))}
    monkeypatch.setattr(_alidns_record, '_dns_probe', lambda module: FakeProbe({}))
    failed, result = run(progress, step='ownership')
    assert not failed and fake.writes == ['add']
    assert fake.zones['example.com'][0].rr == '_dnsauth.a' and fake.zones['example.com'][0].value == 'tok-1'
    x = result['progress']['x.example.org']
    assert x['records_to_add'] == [{'name': '_dnsauth.x.example.org', 'type': 'TXT', 'value': 'tok-2', 'ttl': 600}]
    assert result['pending']['wait_ownership'] == 2


def test_external_records_are_asked_for_unless_they_already_resolve(fake, monkeypatch):
    served = {('ok.example.org', 'CNAME'): [[TARGET], [TARGET]], ('new.example.org', 'CNAME'): [[]],
              ('_dnsauth.ok.example.org', 'TXT'): [['old-token']]}
    monkeypatch.setattr(_alidns_record, '_dns_probe', lambda module: FakeProbe(served))
    progress = {'ok.example.org': entry('ok.example.org', 0, dns='external'), 'new.example.org': entry('new.example.org', 1, dns='external')}
    failed, result = run(progress)
    assert not failed and fake.built == 0  # no Alibaba Cloud DNS client for external domains
    ok, new = result['progress']['ok.example.org'], result['progress']['new.example.org']
    assert ok['records_to_add'] == [] and ok['phase'] == 'records_published'
    assert new['records_to_add'] == [{'name': 'new.example.org', 'type': 'CNAME', 'value': TARGET, 'ttl': 600}]
    # a _dnsauth TXT record left by an earlier run is noticed, and offered for removal by the cleanup step
    assert ok['ownership_record']['stale'] and ok['ownership_record']['value'] == ['old-token']
    ok['phase'] = 'resolved'
    failed, result = run({'ok.example.org': ok}, step='cleanup')
    assert result['progress']['ok.example.org']['records_to_remove'] == [{'name': '_dnsauth.ok.example.org', 'type': 'TXT', 'value': 'old-token'}]
    assert _flow.next_step(result['progress']['ok.example.org']) is None


def test_cleanup_removes_the_txt_of_proven_domains_and_stale_ones(fake):
    fake.seed('example.com', 'a', 'CNAME', TARGET)
    fake.seed('example.com', '_dnsauth.a', 'TXT', 'tok-1')
    fake.seed('example.com', 'b', 'CNAME', TARGET)
    fake.seed('example.com', '_dnsauth.b', 'TXT', 'left-over')
    progress = {'a.example.com': entry('a.example.com', 0, ownership_record={'record': '_dnsauth.a.example.com', 'type': 'TXT',
                                                                             'value': ['tok-1'], 'ttl': 600}),
                'b.example.com': entry('b.example.com', 1),
                'c.example.com': entry('c.example.com', 2, ownership_record={'record': '_dnsauth.c.example.com', 'type': 'TXT',
                                                                             'value': ['tok-3'], 'ttl': 600})}
    failed, result = run(progress)  # records: nothing to write for a and b, the stale TXT of b is noticed
    assert not failed and fake.writes == ['add']
    for name in progress:
        result['progress'][name]['phase'] = 'resolved'
    domains = [{'name': 'a.example.com'}, {'name': 'b.example.com'}, {'name': 'c.example.com', 'keep_ownership_record': True}]
    failed, result = run(result['progress'], step='cleanup', defaults={}, domains=domains)
    assert not failed and fake.writes == ['add', 'delete', 'delete']
    assert [r.rr for r in fake.zones['example.com'] if r.type == 'TXT'] == []
    b = result['progress']['b.example.com']
    assert any('stale ownership TXT record' in note for note in b['notes'])
    assert [r['name'] for r in result['results']] == ['a.example.com', 'b.example.com']  # c keeps its record
