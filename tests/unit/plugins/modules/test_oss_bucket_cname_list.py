# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""List mode of oss_bucket_cname (steps bind and rebind) and oss_domain_ownership, with OSS faked at the _oss client
boundary and Alibaba Cloud DNS at the _alidns API boundary."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import threading
import time

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns, _flow, _oss
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import error_from_code
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import Record
from ansible_collections.alicloud_oss.domains.plugins.modules import oss_bucket_cname, oss_domain_ownership
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module

UTC = datetime.timezone.utc
BASE = dict(alicloud_access_key='AKID', alicloud_secret_key='SECRET-never-shown', alicloud_region='cn-hangzhou',
            oss_endpoint='http://127.0.0.1:1', alidns_endpoint='http://127.0.0.1:1')
WRITES = ('put_cname', 'delete_cname', 'create_token')


class Account(object):
    """OSS buckets (with their region), bindings, tokens, and Alibaba Cloud DNS zones, with a log of every call."""

    def __init__(self):
        self.regions = {'demo-assets': 'cn-hangzhou', 'demo-media': 'cn-hangzhou', 'demo-eu': 'eu-central-1'}
        self.bindings = dict((bucket, {}) for bucket in self.regions)
        self.tokens = {}
        self.proven = set()      # domains whose _dnsauth TXT OSS can see
        self.zones = {
            'example.com': dict(edition='version_enterprise_advanced', name='Enterprise Ultimate Edition', min_ttl=1,
                                records=[Record('www', 'A', '192.0.2.10', record_id='1'),
                                         Record('old', 'CNAME', 'cdn.example-cdn.net', record_id='2')]),
            'example.net': dict(edition='mianfei', name='Alibaba Cloud DNS', min_ttl=600, records=[]),
        }
        self.lines = ['default', 'telecom', 'unicom', 'mobile', 'oversea']
        self.calls = []
        self.lock = threading.Lock()
        self.now = datetime.datetime.now(UTC)

    def log(self, *call):
        with self.lock:
            self.calls.append(call)

    def count(self, action, key=None):
        return len([call for call in self.calls if call[0] == action and (key is None or call[1] == key)])

    def writes(self):
        return [call for call in self.calls if call[0] in WRITES or call[0] in ('add_record', 'update_record', 'delete_record')]

    def bind(self, bucket, *domains):
        for domain in domains:
            self.bindings[bucket][domain] = dict(domain=domain, status='Enabled', last_modified='2024-01-01T00:00:00.000Z',
                                                 certificate=None)


class Client(object):
    def __init__(self, account, params, bucket, region):
        self.account = account
        self.params = params
        self.bucket = bucket
        self.region = region
        self.endpoint = _oss.endpoint_url(params.oss_endpoint, region)
        self.retried = False

    def _check(self, action, *details):
        self.account.log(action, self.bucket, *details)
        if self.bucket not in self.account.regions:
            raise error_from_code('NoSuchBucket', 'The specified bucket does not exist.', 'RID-1', 404)
        right = self.account.regions[self.bucket]
        if right != self.region:
            raise error_from_code('AccessDenied', 'The bucket you are attempting to access must be addressed using the specified '
                                                  'endpoint.', 'RID-2', 403,
                                  details=dict(Endpoint='oss-%s.aliyuncs.com' % right, Bucket=self.bucket))

    def list_cnames(self):
        self._check('list_cnames')
        return [dict(binding) for binding in self.account.bindings[self.bucket].values()]

    def put_cname(self, domain, certificate=None):
        self._check('put_cname', domain)
        for bucket, bindings in self.account.bindings.items():
            if domain in bindings and bucket != self.bucket:
                raise error_from_code('CnameAlreadyExists', 'The cname already exists.', 'RID-3', 409, details=dict(Bucket=bucket))
        in_account = any(domain == zone or domain.endswith('.' + zone) for zone in self.account.zones)
        if domain not in self.account.bindings[self.bucket] and not in_account and domain not in self.account.proven:
            raise error_from_code('NeedVerifyDomainOwnership', 'Please verify domain ownership.', 'RID-4', 403)
        self.account.bind(self.bucket, domain)
        if certificate and certificate.get('cert_id'):
            self.account.bindings[self.bucket][domain]['certificate'] = dict(type='CAS', cert_id=certificate['cert_id'], status='Enabled')

    def delete_cname(self, domain):
        self._check('delete_cname', domain)
        self.account.bindings[self.bucket].pop(domain, None)

    def get_token(self, domain):
        self._check('get_token', domain)
        token = self.account.tokens.get((self.bucket, domain))
        return dict(token, server_time=self.account.now) if token else None

    def create_token(self, domain):
        self._check('create_token', domain)
        token = dict(token='tok-%s' % domain, expire_time=(self.account.now + datetime.timedelta(hours=72))
                     .strftime('%a, %d %b %Y %H:%M:%S GMT'), bucket=self.bucket, domain=domain)
        self.account.tokens[(self.bucket, domain)] = token
        return dict(token, server_time=self.account.now)

    def find_holder(self, domain):
        self.account.log('find_holder', self.bucket, domain)
        return None, 'not found'


class Alidns(object):
    def __init__(self, account, params):
        self.account = account
        self.params = params
        self._zones = None

    def list_zones(self):
        if self._zones is None:
            self.account.log('list_zones', None)
            self._zones = sorted(self.account.zones)
        return self._zones

    def list_zone_records(self, zone):
        self.account.log('list_zone_records', zone)
        return list(self.account.zones[zone]['records'])

    def zone_info(self, zone, lines=False):
        self.account.log('zone_info', zone)
        info = self.account.zones[zone]
        return dict(zone=zone, edition=info['edition'], edition_name=info['name'], min_ttl=info['min_ttl'],
                    lines=list(self.account.lines) if lines else None)


@pytest.fixture
def account(monkeypatch):
    account = Account()
    monkeypatch.setattr(_oss, 'OssClient', lambda params, bucket, region: Client(account, params, bucket, region))
    monkeypatch.setattr(_alidns, 'AlidnsAPI', lambda params: Alidns(account, params))
    return account


def run(main, args, check=False, diff=False):
    args = dict(BASE, **args)
    if check:
        args['_ansible_check_mode'] = True
    if diff:
        args['_ansible_diff'] = True
    return run_module(main, args)


def bind(args, **kwargs):
    return run(oss_bucket_cname.main, args, **kwargs)


def names(count, zone='example.com'):
    return [dict(name='site%03d.%s' % (index, zone)) for index in range(count)]


def phases(result):
    return dict((name, entry['phase']) for name, entry in result['progress'].items())


# --- batching ---------------------------------------------------------------------------------------------------------

def test_one_listcname_per_bucket_and_one_listing_per_zone_for_many_domains(account):
    domains = names(30) + [dict(name='img%02d.example.net' % index, bucket='demo-media') for index in range(10)]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets')))
    assert not failed, result['msg']
    assert account.count('list_cnames') == 2
    assert account.count('list_cnames', 'demo-assets') == 1 and account.count('list_cnames', 'demo-media') == 1
    assert account.count('list_zones') == 1
    assert account.count('list_zone_records') == 2
    assert account.count('zone_info') == 0          # every TTL is 600: no edition needs asking
    assert account.count('put_cname') == 40
    assert result['changed'] and result['failed_domains'] == []
    assert set(phases(result).values()) == set(['bound'])
    assert result['pending']['records'] == 40
    entry = result['progress']['site007.example.com']
    assert entry['index'] == 7 and entry['dns'] == 'alidns' and entry['zone'] == 'example.com'
    assert entry['target'] == 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    assert entry['records'] == [dict(record='site007.example.com', type='CNAME', value=['demo-assets.oss-cn-hangzhou.aliyuncs.com'],
                                     ttl=600, line='default')]
    assert entry['steps'][-1]['step'] == 'bind' and entry['steps'][-1]['changed'] is True
    assert [item['name'] for item in result['results']] == [item['name'] for item in domains]


def test_second_run_writes_nothing_and_reports_no_change(account):
    domains = names(12)
    bind(dict(domains=domains, defaults=dict(bucket='demo-assets')))
    account.calls[:] = []
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets')))
    assert not failed and not result['changed']
    assert account.writes() == []
    assert account.count('list_cnames') == 1 and account.count('list_zone_records') == 1
    assert all(entry['steps'][-1]['msg'] == 'already bound to bucket demo-assets' for entry in result['progress'].values())
    assert result['diff'] == dict(before={}, after={})


def test_a_cname_already_in_place_goes_straight_to_records_published(account):
    account.bind('demo-assets', 'site000.example.com')
    account.zones['example.com']['records'].append(Record('site000', 'CNAME', 'demo-assets.oss-cn-hangzhou.aliyuncs.com', record_id='9'))
    failed, result = bind(dict(domains=names(2), defaults=dict(bucket='demo-assets')))
    assert not failed
    assert phases(result) == {'site000.example.com': 'records_published', 'site001.example.com': 'bound'}
    assert result['pending']['wait'] == 1 and result['pending']['records'] == 1


# --- checks before the first write --------------------------------------------------------------------------------------

def test_a_ttl_below_the_edition_minimum_fails_before_any_write(account):
    domains = [dict(name='a.example.net', ttl=60), dict(name='b.example.net'), dict(name='c.example.com', ttl=5)]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), variable_prefix='custom_domain_'))
    assert failed
    assert result['failed_domains'] == ['a.example.net']
    entry = result['progress']['a.example.net']
    assert entry['phase'] == 'failed' and entry['error_code'] == 'QuotaExceeded.TTL'
    assert entry['msg'].startswith('custom_domain_domains[0].ttl: 60 is below the minimum TTL of the zone example.net')
    assert 'Alibaba Cloud DNS' in entry['msg'] and '600' in entry['msg']
    assert ('put_cname', 'demo-assets', 'a.example.net') not in account.calls
    assert account.count('zone_info') == 2           # once per zone that has a TTL below 600
    assert phases(result)['b.example.net'] == 'bound' and phases(result)['c.example.com'] == 'bound'
    assert result['msg'].startswith('1 of 3 domains failed: a.example.net (custom_domain_domains[0].ttl: 60 is below')


def test_a_line_the_zone_does_not_have_fails_naming_the_variable(account):
    failed, result = bind(dict(domains=[dict(name='a.example.com')], defaults=dict(bucket='demo-assets', line='marsnet'),
                               variable_prefix='custom_domain_', keep_going=True))
    assert not failed
    assert result['progress']['a.example.com']['msg'].startswith("custom_domain_line: the zone example.com has no resolution line 'marsnet'")
    assert account.writes() == []


def test_records_in_the_way_and_a_cname_elsewhere_are_refused_unless_replace_records(account):
    domains = [dict(name='www.example.com'), dict(name='old.example.com'), dict(name='new.example.com')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), keep_going=True))
    assert not failed and result['failed_domains'] == ['www.example.com', 'old.example.com']
    www, old = result['progress']['www.example.com'], result['progress']['old.example.com']
    assert www['error_code'] == 'DomainRecordConflict' and www['conflicts'][0]['type'] == 'A'
    assert 'Set domains[0].replace_records' in www['msg']
    assert 'has a CNAME that points elsewhere: CNAME cdn.example-cdn.net' in old['msg']
    assert old['conflicts'] == [dict(record='old.example.com', type='CNAME', value='cdn.example-cdn.net', ttl=600, line='default')]
    assert [call[2] for call in account.calls if call[0] == 'put_cname'] == ['new.example.com']
    failed, result = bind(dict(domains=domains[:2], defaults=dict(bucket='demo-assets', replace_records=True)))
    assert not failed
    assert any('CNAME old.example.com cdn.example-cdn.net (line default) will be replaced by the CNAME to demo-assets' in note
               for note in result['progress']['old.example.com']['notes'])


def test_a_stale_ownership_record_is_noted(account):
    account.zones['example.com']['records'].append(Record('_dnsauth.site000', 'TXT', 'old-token', record_id='8'))
    failed, result = bind(dict(domains=names(1), defaults=dict(bucket='demo-assets')))
    assert not failed
    assert any('_dnsauth.site000.example.com' in note for note in result['progress']['site000.example.com']['notes'])
    # Handed to the cleanup step, which becomes pending even when nothing else changes.
    entry = result['progress']['site000.example.com']
    assert entry['ownership_record'] == dict(record='_dnsauth.site000.example.com', type='TXT', value=['old-token'], ttl=600, stale=True)
    # Once the domain resolves (the wait step), the cleanup comes next.
    assert _flow.next_step(dict(entry, phase='resolved')) == 'cleanup'
    failed, kept = bind(dict(domains=names(1), defaults=dict(bucket='demo-assets', keep_ownership_record=True)))
    assert not failed and kept['progress']['site000.example.com']['ownership_record'] is None
    assert _flow.next_step(dict(kept['progress']['site000.example.com'], phase='resolved')) is None


def test_a_wrong_region_is_its_own_diagnosis(account):
    domains = [dict(name='eu.example.com', bucket='demo-eu'), dict(name='a.example.com')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), keep_going=True))
    entry = result['progress']['eu.example.com']
    assert entry['failed'] and entry['bucket_region'] == 'eu-central-1'
    assert entry['msg'].startswith('The bucket demo-eu is in region eu-central-1, not cn-hangzhou: set alicloud_region (or '
                                   'domains[0].region) to eu-central-1.')
    assert phases(result)['a.example.com'] == 'bound'
    failed, result = bind(dict(domains=[dict(name='eu.example.com', bucket='demo-eu', region='eu-central-1')]))
    assert not failed and phases(result) == {'eu.example.com': 'bound'}
    assert result['progress']['eu.example.com']['target'] == 'demo-eu.oss-eu-central-1.aliyuncs.com'


def test_a_missing_bucket_fails_its_domains_only_and_is_read_once(account):
    domains = [dict(name='a.example.com', bucket='no-such-bucket'), dict(name='b.example.com', bucket='no-such-bucket'),
               dict(name='c.example.com')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets')))
    assert failed and result['failed_domains'] == ['a.example.com', 'b.example.com']
    assert account.count('list_cnames', 'no-such-bucket') == 1
    assert result['progress']['a.example.com']['error_code'] == 'NoSuchBucket'
    assert 'Check domains[0].bucket' in result['progress']['a.example.com']['msg']
    assert phases(result)['c.example.com'] == 'bound'
    assert '2 of 3 domains failed: a.example.com (Bucket no-such-bucket was not found' in result['msg']


def test_a_domain_another_listed_bucket_holds_fails_before_the_write(account):
    account.bind('demo-media', 'a.example.com')
    failed, result = bind(dict(domains=[dict(name='a.example.com'), dict(name='x.example.com', bucket='demo-media')],
                               defaults=dict(bucket='demo-assets'), keep_going=True))
    entry = result['progress']['a.example.com']
    assert entry['error_code'] == 'CnameAlreadyExists' and entry['holder_bucket'] == 'demo-media'
    assert ('put_cname', 'demo-assets', 'a.example.com') not in account.calls


def test_bad_items_fail_alone_and_are_named(account, tmp_path):
    domains = [dict(name='ok.example.com'), dict(name='*.example.com'), dict(name='t.example.com', ttl=0),
               dict(name='c.example.com', certificate=dict(certificate_file=str(tmp_path / 'nope.crt'), private_key_file='/k'))]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), variable_prefix='custom_domain_'))
    assert failed and result['failed_domains'] == ['*.example.com', 't.example.com', 'c.example.com']
    progress = result['progress']
    assert progress['*.example.com']['phase'] == 'invalid' and progress['*.example.com']['msg'].startswith('custom_domain_domains[1].name:')
    assert progress['t.example.com']['msg'].startswith('custom_domain_domains[2].ttl:')
    assert progress['c.example.com']['msg'] == 'custom_domain_domains[3].certificate.certificate_file: the file %s does not exist.' \
        % (tmp_path / 'nope.crt')
    assert phases(result)['ok.example.com'] == 'bound'


def test_single_mode_names_the_role_variables(account):
    failed, result = bind(dict(domains=[dict(name='a.example.com', ttl=0)], defaults=dict(bucket='demo-assets'),
                               variable_prefix='custom_domain_', single=True))
    assert failed and result['msg'] == '1 of 1 domains failed: a.example.com (custom_domain_ttl: 0 is out of range: use 1 to 86400 seconds.)'
    # The role passes the single domain as [{name: custom_domain_name}]: without it, the message names that variable.
    failed, result = bind(dict(domains=[dict()], defaults=dict(bucket='demo-assets'), variable_prefix='custom_domain_', single=True))
    assert failed and 'custom_domain_name: a domain name is required' in result['msg']
    assert account.writes() == []


def test_a_bad_certificate_fails_before_any_call(account):
    pytest.importorskip('cryptography')
    failed, result = bind(dict(domains=[dict(name='a.example.com', certificate=dict(certificate='not a pem', private_key='SECRET-KEY'))],
                               defaults=dict(bucket='demo-assets')))
    assert failed and result['progress']['a.example.com']['error_code'] == 'InvalidCertificate'
    assert result['progress']['a.example.com']['msg'].startswith('domains[0].certificate.certificate:')
    assert 'SECRET-KEY' not in repr(result)
    assert account.calls == []


def test_list_mode_refuses_the_single_domain_options(account):
    failed, result = bind(dict(domains=names(1), bucket='demo-assets'))
    assert failed and 'mutually exclusive' in result['msg']
    failed, result = bind(dict(domains=names(1), state='absent', defaults=dict(bucket='demo-assets')))
    assert failed and result['msg'].startswith('state is a single-domain option')
    failed, result = bind(dict(bucket='demo-assets'))
    assert failed and result['msg'].startswith('bucket and domain are required (or domains, for list mode): missing domain')
    assert account.calls == []


# --- ownership --------------------------------------------------------------------------------------------------------

def test_need_verify_then_ownership_then_rebind(account):
    domains = [dict(name='cdn.example.org'), dict(name='a.example.com')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-media')))
    assert not failed
    assert phases(result) == {'cdn.example.org': 'needs_ownership', 'a.example.com': 'bound'}
    assert result['progress']['cdn.example.org']['dns'] == 'external'
    assert result['pending']['ownership'] == 1
    args = dict(domains=domains, defaults=dict(bucket='demo-media'), progress=result['progress'])
    account.calls[:] = []
    failed, owned = run(oss_domain_ownership.main, args)
    assert not failed and owned['changed']
    assert [call[0] for call in account.calls] == ['list_cnames', 'get_token', 'create_token']   # only the domain that needs it
    entry = owned['progress']['cdn.example.org']
    assert entry['phase'] == 'ownership_pending'
    assert entry['ownership_record']['record'] == '_dnsauth.cdn.example.org'
    assert entry['ownership_record']['value'] == ['tok-cdn.example.org'] and entry['ownership_record']['type'] == 'TXT'
    assert owned['pending']['publish_ownership'] == 1
    failed, again = run(oss_domain_ownership.main, dict(args))
    assert not again['changed']                      # the progress given was the bind's: the valid token is reused
    account.proven.add('cdn.example.org')
    args = dict(domains=domains, defaults=dict(bucket='demo-media'), progress=owned['progress'], step='rebind', bind_delay=0)
    account.calls[:] = []
    failed, rebound = bind(args)
    assert not failed and rebound['changed']
    assert phases(rebound) == {'cdn.example.org': 'bound', 'a.example.com': 'bound'}
    assert [call[0] for call in account.calls] == ['list_cnames', 'put_cname']
    assert rebound['progress']['cdn.example.org']['steps'][-1]['step'] == 'rebind'


def test_ownership_of_a_domain_bound_meanwhile_is_nothing_to_do_in_check_mode_and_for_real(account):
    domains = [dict(name='cdn.example.org')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-media')))
    assert phases(result) == {'cdn.example.org': 'needs_ownership'}
    account.bind('demo-media', 'cdn.example.org')
    args = dict(domains=domains, defaults=dict(bucket='demo-media'), progress=result['progress'])
    account.calls[:] = []
    failed, check = run(oss_domain_ownership.main, dict(args), check=True)
    failed2, real = run(oss_domain_ownership.main, dict(args))
    assert not failed and not failed2
    assert not check['changed'] and not real['changed']
    assert [call[0] for call in account.calls] == ['list_cnames', 'list_cnames']
    for outcome in (check, real):
        entry = outcome['progress']['cdn.example.org']
        assert entry['phase'] == 'ownership_pending' and entry['ownership_record'] is None
        assert 'already bound to bucket demo-media' in entry['steps'][-1]['msg']


def test_rebind_asks_again_then_fails_with_the_reason(account):
    progress = {'cdn.example.org': dict(name='cdn.example.org', index=0, phase='ownership_pending', dns='external', failed=False,
                                        steps=[], target='demo-media.oss-cn-hangzhou.aliyuncs.com')}
    failed, result = bind(dict(domains=[dict(name='cdn.example.org')], defaults=dict(bucket='demo-media'), progress=progress,
                               step='rebind', bind_retries=2, bind_delay=0))
    assert failed and account.count('put_cname') == 3
    assert 'OSS still asks for proof of ownership of cdn.example.org after 3 attempts' in result['progress']['cdn.example.org']['msg']
    progress['cdn.example.org']['phase'] = 'ownership_pending'
    failed, result = bind(dict(domains=[dict(name='cdn.example.org', wait=False)], defaults=dict(bucket='demo-media'), progress=progress,
                               step='rebind', bind_retries=0, bind_delay=0))
    assert not failed                                # nobody waited for a record a person adds: the next run binds it
    assert result['progress']['cdn.example.org']['phase'] == 'ownership_pending'


def test_verify_ownership_never_fails_the_domain(account):
    failed, result = bind(dict(domains=[dict(name='cdn.example.org', verify_ownership='never')], defaults=dict(bucket='demo-media'),
                               keep_going=True))
    entry = result['progress']['cdn.example.org']
    assert entry['failed'] and entry['error_code'] == 'NeedVerifyDomainOwnership'
    assert 'domains[0].verify_ownership is never' in entry['msg']


# --- check mode, diff, exclusive ---------------------------------------------------------------------------------------

def _comparable(result):
    return dict((name, (entry['phase'], entry['failed'], entry['error_code'], entry['dns'], entry['zone'], entry['target'],
                        entry['records'], entry['conflicts']))
                for name, entry in result['progress'].items())


def test_check_mode_writes_nothing_and_predicts_the_real_run(account):
    account.bind('demo-assets', 'gone.example.com', 'site001.example.com')
    domains = [dict(name='site000.example.com'), dict(name='site001.example.com', state='absent'), dict(name='www.example.com'),
               dict(name='cdn.example.org'), dict(name='low.example.net', ttl=60)]
    args = dict(domains=domains, defaults=dict(bucket='demo-assets'), keep_going=True, exclusive=True)
    failed, predicted = bind(args, check=True, diff=True)
    assert not failed and predicted['changed']
    assert account.writes() == []
    failed, real = bind(args, diff=True)
    assert not failed
    assert _comparable(predicted) == _comparable(real)
    assert predicted['diff'] == real['diff']
    assert predicted['pending'] == real['pending']
    assert phases(real) == {'site000.example.com': 'bound', 'site001.example.com': 'unbound', 'www.example.com': 'failed',
                            'cdn.example.org': 'needs_ownership', 'low.example.net': 'failed', 'gone.example.com': 'unbound'}
    assert real['diff']['before']['gone.example.com']['state'] == 'present'
    assert real['diff']['after']['gone.example.com']['state'] == 'absent'
    assert real['diff']['after']['site000.example.com']['state'] == 'present'


def test_exclusive_unbinds_the_others_of_the_named_buckets_only(account):
    account.bind('demo-assets', 'a.example.com', 'b.example.com', 'c.example.com')
    account.bind('demo-media', 'm.example.com')
    domains = [dict(name='a.example.com'), dict(name='c.example.com', ttl=0)]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), exclusive=True, keep_going=True))
    assert not failed
    # b is unbound; c stays bound although its item is invalid (a typo must not take a site down); demo-media is not named.
    assert sorted(account.bindings['demo-assets']) == ['a.example.com', 'c.example.com']
    assert account.bindings['demo-media'] == {'m.example.com': account.bindings['demo-media']['m.example.com']}
    entry = result['progress']['b.example.com']
    assert entry['phase'] == 'unbound' and entry['state'] == 'absent' and entry['dns'] == 'alidns' and entry['zone'] == 'example.com'
    assert entry['target'] == 'demo-assets.oss-cn-hangzhou.aliyuncs.com' and entry['index'] == 2
    assert result['pending']['records'] == 2         # a (to publish) and b (its CNAME to remove)
    assert [item['name'] for item in result['results']] == ['a.example.com', 'c.example.com', 'b.example.com']


def test_exclusive_moves_a_domain_between_named_buckets(account):
    account.bind('demo-media', 'a.example.com')
    account.bind('demo-assets', 'keep.example.com')
    domains = [dict(name='a.example.com'), dict(name='keep.example.com'), dict(name='other.example.com', bucket='demo-media')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), exclusive=True))
    assert not failed, result.get('msg')
    assert 'a.example.com' in account.bindings['demo-assets'] and 'a.example.com' not in account.bindings['demo-media']
    writes = [call[:3] for call in account.writes()]
    assert writes.index(('delete_cname', 'demo-media', 'a.example.com')) < writes.index(('put_cname', 'demo-assets', 'a.example.com'))
    assert any('unbound from bucket demo-media first' in note for note in result['progress']['a.example.com']['notes'])


def test_absent_items_unbind_and_leave_the_records_to_the_records_step(account):
    account.bind('demo-assets', 'a.example.com')
    failed, result = bind(dict(domains=[dict(name='a.example.com', state='absent'), dict(name='b.example.org', state='absent')],
                               defaults=dict(bucket='demo-assets')))
    assert not failed and result['changed']
    assert phases(result) == {'a.example.com': 'unbound', 'b.example.org': 'unbound'}
    assert result['progress']['a.example.com']['dns'] == 'alidns' and result['progress']['b.example.org']['dns'] == 'external'
    assert account.count('list_zone_records') == 0   # nothing to check before an unbind
    failed, result = bind(dict(domains=[dict(name='a.example.com', state='absent')], defaults=dict(bucket='demo-assets')))
    assert not result['changed'] and account.count('delete_cname') == 1


def test_exclusive_does_not_move_a_domain_that_cannot_be_bound(account):
    account.bind('demo-media', 'www.example.com')
    domains = [dict(name='www.example.com'), dict(name='x.example.com', bucket='demo-media')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), exclusive=True, keep_going=True))
    assert result['failed_domains'] == ['www.example.com']     # an A record is in the way of its CNAME
    assert 'www.example.com' in account.bindings['demo-media']
    assert ('delete_cname', 'demo-media', 'www.example.com') not in account.calls
    assert any('left bound to bucket demo-media' in note for note in result['progress']['www.example.com']['notes'])


def test_a_bucket_has_room_for_100_domains_the_others_fail_before_any_write(account):
    account.bind('demo-assets', *['old%03d.example.com' % index for index in range(95)])
    domains = names(8) + [dict(name='old000.example.com', state='absent')]
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), keep_going=True), check=True)
    assert result['failed_domains'] == ['site006.example.com', 'site007.example.com']   # 95 - 1 unbound + 6 new = 100
    assert result['progress']['site006.example.com']['error_code'] == 'TooManyCname'
    assert 'at most 100 custom domains' in result['progress']['site006.example.com']['msg']
    failed, real = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), keep_going=True))
    assert real['failed_domains'] == result['failed_domains'] and len(account.bindings['demo-assets']) == 100
    assert ('put_cname', 'demo-assets', 'site006.example.com') not in account.calls


# --- publish_records: the records step in the bind run --------------------------------------------------------------------

def test_publish_records_publishes_the_cnames_in_the_same_run_as_check_mode_predicts(account, monkeypatch):
    from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.test_alidns_record_list import ListFakeAlidns
    dns = ListFakeAlidns()
    monkeypatch.setattr(_alidns, 'AlidnsAPI', dns)
    domains = [dict(name='a.example.com'), dict(name='b.example.net'), dict(name='c.example.com', dns='external')]
    account.bind('demo-assets', 'c.example.com')
    args = dict(domains=domains, defaults=dict(bucket='demo-assets'), publish_records=True)
    failed, predicted = bind(args, check=True, diff=True)
    assert not failed, predicted['msg']
    assert dns.writes == [] and account.writes() == []
    want = {'a.example.com': 'records_published', 'b.example.net': 'records_published', 'c.example.com': 'bound'}
    assert phases(predicted) == want
    # The domain of another DNS provider is left to the records step (it asks DNS what already resolves).
    assert predicted['pending']['records'] == 1 and predicted['pending']['wait'] == 2
    assert [result['name'] for result in predicted['records_results']] == ['a.example.com', 'b.example.net']
    failed, real = bind(args, diff=True)
    assert not failed and real['changed']
    assert dns.writes == ['add', 'add'] and account.count('put_cname') == 2
    assert phases(real) == want
    assert real['diff'] == predicted['diff']
    assert sorted(real['diff']['after']) == ['a.example.com', 'b.example.net', 'records of a.example.com',
                                             'records of b.example.net']
    assert [step['step'] for step in real['progress']['a.example.com']['steps']] == ['bind', 'records']
    assert [r['writes'] for r in real['records_results']] == [r['writes'] for r in predicted['records_results']]
    failed, again = bind(args)
    assert not failed and not again['changed'] and again['records_results'] == []
    assert dns.writes == ['add', 'add'] and account.count('put_cname') == 2


def test_without_publish_records_the_bind_step_writes_no_record(account, monkeypatch):
    from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.test_alidns_record_list import ListFakeAlidns
    dns = ListFakeAlidns()
    monkeypatch.setattr(_alidns, 'AlidnsAPI', dns)
    failed, result = bind(dict(domains=[dict(name='a.example.com')], defaults=dict(bucket='demo-assets')))
    assert not failed and dns.writes == [] and 'records_results' not in result
    assert phases(result) == {'a.example.com': 'bound'} and result['pending']['records'] == 1


# --- publish_records: each zone's records written while the other domains are still being bound (the pipeline) ---------

def _records_fake(account, monkeypatch):
    """ListFakeAlidns for the bind step's reads and its records step, its record writes logged in account.calls (so the
    order of PutCname and AddDomainRecord can be read from one log)."""
    from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.test_alidns_record_list import ListFakeAlidns
    dns = ListFakeAlidns()
    monkeypatch.setattr(_alidns, 'AlidnsAPI', dns)
    add = dns.add_record

    def logged(zone, record):
        account.log('add_record', zone, '%s.%s' % (record.rr, zone))
        return add(zone, record)
    monkeypatch.setattr(dns, 'add_record', logged)
    return dns


def _order(account):
    return [(call[0], call[2]) for call in account.calls if call[0] in ('put_cname', 'add_record')]


def test_publish_records_writes_a_domains_cname_while_the_next_domains_are_still_being_bound(account, monkeypatch):
    # Before, the bind step made every PutCname first and every CNAME record after them: two phases, one after the other,
    # each held to its own API's rate limit. Here the last binding waits (up to 10 s) until a CNAME record was written:
    # with the pipeline one is, while that binding is still in flight; without it the wait runs out and the order shows it.
    _records_fake(account, monkeypatch)
    domains = names(4) + names(3, 'example.net')
    last = domains[-1]['name']
    record_written = threading.Event()
    put = Client.put_cname

    def slow_last(self, domain, certificate=None):
        if domain == last:
            record_written.wait(10)
        return put(self, domain, certificate)
    monkeypatch.setattr(Client, 'put_cname', slow_last)
    log = account.log

    def watching(*call):
        log(*call)
        if call[0] == 'add_record':
            record_written.set()
    monkeypatch.setattr(account, 'log', watching)
    args = dict(domains=domains, defaults=dict(bucket='demo-assets'), publish_records=True, concurrency=2)
    failed, predicted = bind(args, check=True, diff=True)
    assert not failed, predicted['msg']
    failed, real = bind(args, diff=True)
    assert not failed, real['msg']
    order = _order(account)
    names_ = [domain['name'] for domain in domains]
    assert sorted(name for kind, name in order if kind == 'put_cname') == sorted(names_)
    assert sorted(name for kind, name in order if kind == 'add_record') == sorted(names_)
    for name in names_:
        assert order.index(('put_cname', name)) < order.index(('add_record', name))
    assert order.index(('add_record', domains[0]['name'])) < order.index(('put_cname', last)), order
    # What is written, and what check mode said, are as without the pipeline.
    assert set(phases(real).values()) == {'records_published'}
    assert real['diff'] == predicted['diff']
    assert [r['writes'] for r in real['records_results']] == [r['writes'] for r in predicted['records_results']]
    assert [step['step'] for step in real['progress']['site000.example.net']['steps']] == ['bind', 'records']


def test_publish_records_binds_the_domains_of_one_zone_concurrently(account, monkeypatch):
    # The records of one zone are written one after the other; its bindings are not held back by them.
    _records_fake(account, monkeypatch)
    state = dict(inflight=0, most=0)
    lock = threading.Lock()
    put = Client.put_cname

    def counted(self, domain, certificate=None):
        with lock:
            state['inflight'] += 1
            state['most'] = max(state['most'], state['inflight'])
        try:
            time.sleep(0.02)
            return put(self, domain, certificate)
        finally:
            with lock:
                state['inflight'] -= 1
    monkeypatch.setattr(Client, 'put_cname', counted)
    failed, real = bind(dict(domains=names(12), defaults=dict(bucket='demo-assets'), publish_records=True, concurrency=4))
    assert not failed, real['msg']
    assert state['most'] >= 2, state
    assert set(phases(real).values()) == {'records_published'}


def test_publish_records_with_many_workers_publishes_every_cname_once(account, monkeypatch):
    dns = _records_fake(account, monkeypatch)
    domains = names(12) + names(9, 'example.net')
    failed, real = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), publish_records=True, concurrency=6))
    assert not failed, real['msg']
    assert len(dns.writes) == 21 and account.count('put_cname') == 21
    assert set(phases(real).values()) == {'records_published'}
    # Per zone, as without the pipeline: one listing for the bind step's checks, one for the records step's plans, one read
    # back after the CNAMEs were created (a second CNAME at a name is removed).
    assert sorted(dns.listings) == ['example.com'] * 3 + ['example.net'] * 3


def test_a_zone_unreadable_in_the_records_step_still_gets_its_domains_bound_and_fails_only_their_records(account, monkeypatch):
    dns = _records_fake(account, monkeypatch)
    listing = dns.list_zone_records

    def flaky(zone, rtype=None):
        records = listing(zone, rtype)
        if zone == 'example.net' and dns.listings.count(zone) > 1:   # the bind step's read passes, the records step's fails
            raise error_from_code('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 'RID-9', 503)
        return records
    monkeypatch.setattr(dns, 'list_zone_records', flaky)
    domains = names(2) + names(3, 'example.net')
    failed, result = bind(dict(domains=domains, defaults=dict(bucket='demo-assets'), publish_records=True, keep_going=True))
    assert not failed   # keep_going: the failed domains are named in the result
    assert sorted(account.bindings['demo-assets']) == sorted(domain['name'] for domain in domains)
    assert result['failed_domains'] == ['site000.example.net', 'site001.example.net', 'site002.example.net']
    net = result['progress']['site001.example.net']
    assert net['error_code'] == 'ServiceUnavailable' and [step['step'] for step in net['steps']] == ['bind', 'records']
    assert net['binding'] is not None
    assert phases(result)['site000.example.com'] == 'records_published'
    assert sorted(name for kind, name in _order(account) if kind == 'add_record') == ['site000.example.com', 'site001.example.com']


def test_a_domain_whose_binding_fails_gets_no_record_and_the_rest_of_its_zone_goes_on(account, monkeypatch):
    _records_fake(account, monkeypatch)
    put = Client.put_cname

    def refusing(self, domain, certificate=None):
        if domain == 'site001.example.com':
            self.account.log('put_cname', self.bucket, domain)
            raise error_from_code('InternalError', 'The request processing has failed due to some unknown error.', 'RID-8', 500)
        return put(self, domain, certificate)
    monkeypatch.setattr(Client, 'put_cname', refusing)
    failed, result = bind(dict(domains=names(4), defaults=dict(bucket='demo-assets'), publish_records=True, keep_going=True,
                               concurrency=2))
    assert not failed and result['failed_domains'] == ['site001.example.com']
    assert result['progress']['site001.example.com']['error_code'] == 'InternalError'
    assert [step['step'] for step in result['progress']['site001.example.com']['steps']] == ['bind']
    assert sorted(name for kind, name in _order(account) if kind == 'add_record') == \
        ['site000.example.com', 'site002.example.com', 'site003.example.com']
    assert set(phases(result)[name] for name in ('site000.example.com', 'site002.example.com', 'site003.example.com')) == {'records_published'}
