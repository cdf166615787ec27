# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""alidns_record and alidns_record_info with the API faked at the _alidns boundary (AlidnsAPI)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.module_utils import basic

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudNotFoundError, AlicloudServiceError, AlicloudValidationError,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import Record, longest_zone
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns_record
from ansible_collections.alicloud_oss.domains.plugins.modules import alidns_record, alidns_record_info
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module

SECRET = 'Secret-Never-Printed-42'


class FakeAlidns(object):
    """In-memory account: zones -> records; counts calls; can fail a write."""

    def __init__(self):
        self.zones = {'example.com': [], 'example.net': []}
        self.writes = []
        self.reads = 0
        self.next_id = 1000
        self.fail_on = None
        self.built = 0
        # zone -> (edition name, VersionCode, MinTtl), as DescribeDomainInfo tells
        self.editions = {'example.com': ('Enterprise Ultimate Edition', 'version_enterprise_advanced', 1),
                         'example.net': ('Alibaba Cloud DNS', 'mianfei', 600)}
        self.info_reads = 0

    def __call__(self, params, policy_factory=None):
        self.built += 1
        self.params = params
        return self

    def seed(self, zone, rr, rtype, value, ttl=600, line='default', priority=None, status='ENABLE', locked=False):
        self.next_id += 1
        record = Record(rr, rtype, value, ttl=ttl, line=line, priority=priority, record_id=str(self.next_id), status=status,
                        locked=locked)
        self.zones[zone].append(record)
        return record

    def find_zone(self, fqdn):
        self.reads += 1
        zone = longest_zone(fqdn, list(self.zones))
        if zone is None:
            raise AlicloudNotFoundError('InvalidDomainName.NoExist', 'no zone named %s' % fqdn.split('.', 1)[-1])
        return zone

    def _zone(self, zone):
        if zone not in self.zones:
            raise AlicloudNotFoundError('InvalidDomainName.NoExist', 'The zone %s is not in this account' % zone)
        return self.zones[zone]

    def list_name_records(self, zone, rr, rtype=None, line=None):
        self.reads += 1
        return [r.copy() for r in self._zone(zone) if r.rr == rr and (rtype is None or r.type == rtype)
                and (line is None or r.line == line)]

    def list_zone_records(self, zone, rtype=None):
        self.reads += 1
        return [r.copy() for r in self._zone(zone) if rtype is None or r.type == rtype]

    def _write(self, kind):
        self.writes.append(kind)
        if self.fail_on == kind:
            raise AlicloudServiceError('ServiceUnavailable', 'busy', request_id='REQ-9', http_status=503)

    def zone_info(self, zone, lines=False):
        self.reads += 1
        self.info_reads += 1
        self._zone(zone)
        name, code, min_ttl = self.editions[zone]
        return dict(zone=zone, edition=code, edition_name=name, min_ttl=min_ttl, lines=None)

    def _check_ttl(self, zone, record):
        if record.ttl is not None and record.ttl < self.editions[zone][2]:
            raise AlicloudValidationError('QuotaExceeded.TTL', 'The TTL value is less than the minimum value allowed.', http_status=400)

    def set_record_status(self, zone, record):
        self._write('status')
        for have in self.zones[zone]:
            if have.record_id == record.record_id:
                have.status = record.status
        return record.record_id

    def add_record(self, zone, record):
        self._write('add')
        self._check_ttl(zone, record)
        self.next_id += 1
        stored = record.copy(record_id=str(self.next_id))
        self.zones[zone].append(stored)
        return stored.record_id

    def update_record(self, zone, record):
        self._write('update')
        self._check_ttl(zone, record)
        records = self.zones[zone]
        for index, have in enumerate(records):
            if have.record_id == record.record_id:
                records[index] = record.copy()
        return record.record_id

    def delete_record(self, zone, record):
        self._write('delete')
        self.zones[zone] = [r for r in self.zones[zone] if r.record_id != record.record_id]
        return record.record_id


@pytest.fixture
def fake(monkeypatch):
    api = FakeAlidns()
    monkeypatch.setattr(_alidns_record, 'AlidnsAPI', api)
    for name in ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'):
        monkeypatch.delenv(name, raising=False)
    return api


def run(args, check=False, diff=False):
    args = dict(args)
    args.setdefault('alicloud_access_key', 'AK')
    args.setdefault('alicloud_secret_key', SECRET)
    args['_ansible_check_mode'] = check
    args['_ansible_diff'] = diff
    return run_module(alidns_record.main, args)


def info(args):
    args = dict(args)
    args.setdefault('alicloud_access_key', 'AK')
    args.setdefault('alicloud_secret_key', SECRET)
    return run_module(alidns_record_info.main, args)


def test_create_then_same_again_is_unchanged_with_no_writes(fake):
    failed, result = run(dict(record='www.example.com', type='CNAME', value=['demo.oss-cn-hangzhou.aliyuncs.com']))
    assert not failed and result['changed']
    assert result['zone'] == 'example.com' and result['rr'] == 'www' and result['fqdn'] == 'www.example.com'
    assert result['records'][0]['record_id'] and result['records'][0]['value'] == 'demo.oss-cn-hangzhou.aliyuncs.com'
    assert fake.writes == ['add']
    failed, again = run(dict(record='WWW.Example.com.', type='CNAME', value=['Demo.OSS-cn-hangzhou.aliyuncs.com.']))
    assert not failed and not again['changed']
    assert fake.writes == ['add']
    assert again['records'][0]['record_id'] == result['records'][0]['record_id']


def test_ttl_change_keeps_id(fake):
    record = fake.seed('example.com', 'www', 'A', '192.0.2.1')
    failed, result = run(dict(zone='example.com', rr='www', type='A', value=['192.0.2.1'], ttl=300))
    assert not failed and result['changed']
    assert fake.writes == ['update']
    assert result['records'][0]['record_id'] == record.record_id and result['records'][0]['ttl'] == 300


def test_check_mode_and_diff_never_write(fake):
    fake.seed('example.com', 't', 'TXT', 'a')
    fake.seed('example.com', 't', 'TXT', 'b')
    failed, result = run(dict(record='t.example.com', type='TXT', value=['a', 'c']), check=True, diff=True)
    assert not failed and result['changed']
    assert fake.writes == []
    assert [entry['value'] for entry in result['diff']['before']['records']] == ['a', 'b']
    assert [entry['value'] for entry in result['diff']['after']['records']] == ['a', 'c']
    failed, result = run(dict(record='t.example.com', type='TXT', state='absent'), check=True, diff=True)
    assert not failed and result['changed'] and result['diff']['after'] == {}
    assert fake.writes == []


def test_absent_with_and_without_value(fake):
    for value in ('a', 'b', 'c'):
        fake.seed('example.com', 't', 'TXT', value)
    failed, result = run(dict(record='t.example.com', type='TXT', value=['"b"'], state='absent'))
    assert not failed and result['changed'] and fake.writes == ['delete']
    assert sorted(r['value'] for r in result['records']) == ['a', 'c']
    failed, result = run(dict(record='t.example.com', type='TXT', state='absent'))
    assert not failed and result['changed'] and result['records'] == []
    assert fake.writes == ['delete', 'delete', 'delete']
    failed, result = run(dict(record='t.example.com', type='TXT', state='absent'))
    assert not failed and not result['changed']


def test_cname_clash_fails_listing_records_without_writing(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.10')
    failed, result = run(dict(record='www.example.com', type='CNAME', value=['target.example.net']))
    assert failed
    assert result['error_code'] == 'DomainRecordConflict'
    assert 'A 192.0.2.10' in result['msg']
    assert result['conflicting_records'][0]['type'] == 'A'
    assert fake.writes == []


def test_zone_not_in_account(fake):
    failed, result = run(dict(record='www.example.org', type='A', value=['192.0.2.1']))
    assert failed and result['error_code'] == 'InvalidDomainName.NoExist' and 'example.org' in result['msg']
    failed, result = run(dict(zone='example.org', rr='www', type='A', value=['192.0.2.1']))
    assert failed and 'example.org' in result['msg']
    assert fake.writes == []


@pytest.mark.parametrize('args, field', [
    (dict(record='www.example.com', type='SPF', value=['x']), 'type'),
    (dict(record='www.example.com', type='MX', value=['mx.example.com']), 'priority'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=0), 'ttl'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=100000), 'ttl'),
    (dict(record='www.example.com', type='A', value=['not-an-ip']), 'value[0]'),
    (dict(record='www.example.com', type='CNAME', value=['a.example.net', 'b.example.net']), 'value'),
    (dict(record='www.example.com', type='CNAME', value=['a.example.net x']), 'value[0]'),
    (dict(record='www.example.com', zone='example.com', rr='www', type='A', value=['192.0.2.1']), 'rr'),
    (dict(record='www.example.com', type='A'), 'value'),
])
def test_bad_input_fails_before_any_call_naming_the_field(fake, args, field):
    failed, result = run(args)
    assert failed
    assert field in result['msg']
    assert fake.built == 0 and fake.reads == 0 and fake.writes == []


def test_api_error_reports_code_request_id_and_hides_secret(fake):
    fake.fail_on = 'add'
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.1']))
    assert failed
    assert result['error_code'] == 'ServiceUnavailable' and result['request_id'] == 'REQ-9' and result['http_status'] == 503
    assert SECRET not in str(result)


def test_keep_and_warn_warns(fake, monkeypatch):
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, message: warnings.append(message))
    fake.seed('example.com', 't', 'TXT', 'a')
    failed, result = run(dict(record='t.example.com', type='TXT', value=['b'], on_existing='keep_and_warn'))
    assert not failed and result['changed']
    assert fake.writes == ['add']
    assert any('TXT "a"' in warning for warning in warnings)


def test_info_name_zone_and_missing_zone(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.1')
    fake.seed('example.com', 'www', 'TXT', 'hello')
    fake.seed('example.com', 'mail', 'MX', 'mx.example.com', priority=10)
    failed, result = info(dict(record='WWW.example.com', type='A'))
    assert not failed and not result['changed']
    assert result['zone'] == 'example.com' and result['zone_found'] and result['rr'] == 'www'
    assert [(r['type'], r['value'], r['fqdn']) for r in result['records']] == [('A', '192.0.2.1', 'www.example.com')]
    failed, result = info(dict(zone='example.com'))
    assert not failed and len(result['records']) == 3 and result['rr'] is None
    failed, result = info(dict(zone='example.com', type='MX'))
    assert [r['priority'] for r in result['records']] == [10]
    failed, result = info(dict(record='www.example.org', ignore_missing_zone=True))
    assert not failed and result['zone'] is None and result['zone_found'] is False and result['records'] == []
    failed, result = info(dict(record='www.example.org'))
    assert failed and result['error_code'] == 'InvalidDomainName.NoExist'
    failed, result = info(dict(zone='example.org', ignore_missing_zone=True))
    assert not failed and result['zone_found'] is False
    assert fake.writes == []


# --- internationalised names and the one TXT grammar ------------------------------------------------------------------

@pytest.mark.parametrize('given, rr, unicode_rr', [
    (u'fa\u00df.example.com', 'xn--fa-hia', u'fa\u00df'),  # IDNA 2008; IDNA 2003 would write fass
    (u'STRA\u00dfE.example.com.', 'xn--strae-oqa', u'stra\u00dfe'),
    (u'_dnsauth.b\u00fccher.example.com', '_dnsauth.xn--bcher-kva', u'_dnsauth.b\u00fccher'),
])
def test_idn_record_names_are_written_in_punycode_and_shown_in_both_forms(fake, given, rr, unicode_rr):
    failed, result = run(dict(record=given, type='A', value=['192.0.2.1']))
    assert not failed and result['changed']
    assert [r.rr for r in fake.zones['example.com']] == [rr]
    assert (result['zone'], result['zone_unicode']) == ('example.com', 'example.com')
    assert (result['rr'], result['rr_unicode']) == (rr, unicode_rr)
    assert (result['fqdn'], result['fqdn_unicode']) == (rr + '.example.com', unicode_rr + u'.example.com')
    failed, again = run(dict(zone='example.com', rr=unicode_rr, type='A', value=['192.0.2.1']))
    assert not failed and not again['changed'] and again['rr'] == rr
    failed, listed = info(dict(record=given))
    assert (listed['fqdn'], listed['fqdn_unicode'], listed['rr_unicode']) == (rr + '.example.com', unicode_rr + u'.example.com', unicode_rr)
    assert [(r['rr'], r['rr_unicode'], r['fqdn_unicode']) for r in listed['records']] == [(rr, unicode_rr, unicode_rr + u'.example.com')]


def test_a_record_name_idna_2008_refuses_fails_naming_the_field(fake):
    failed, result = run(dict(record=u'a\u200db.example.com', type='A', value=['192.0.2.1']))
    assert failed and result['field'] == 'record' and 'IDNA 2008' in result['msg']
    failed, result = run(dict(zone='example.com', rr='xn--zz', type='A', value=['192.0.2.1']))
    assert failed and result['field'] == 'rr' and 'IDNA 2008' in result['msg']
    assert fake.writes == [] and fake.reads == 0


def test_conflicting_records_carry_unicode_names(fake):
    fake.seed('example.com', 'xn--fa-hia', 'A', '192.0.2.1')
    failed, result = run(dict(record=u'fa\u00df.example.com', type='CNAME', value=['x.example.net']))
    assert failed and result['error_code'] == 'DomainRecordConflict'
    assert [(r['fqdn'], r['fqdn_unicode']) for r in result['conflicting_records']] == [('xn--fa-hia.example.com', u'fa\u00df.example.com')]


def test_txt_written_as_its_joined_content_and_unchanged_the_second_time(fake):
    values = ['"v=spf1" "-all"', '"say \\"hi\\""', 'x' * 300]
    failed, result = run(dict(record='t.example.com', type='TXT', value=values))
    assert not failed and result['changed']
    assert sorted(r.value for r in fake.zones['example.com']) == sorted(['v=spf1-all', 'say "hi"', 'x' * 300])
    failed, again = run(dict(record='t.example.com', type='TXT', value=['v=spf1-all', '"say \\"hi\\""', '"%s" "%s"' % ('x' * 255, 'x' * 45)]))
    assert not failed and not again['changed']
    assert fake.writes == ['add', 'add', 'add']


def test_txt_value_the_service_would_change_is_refused_before_any_call(fake):
    failed, result = run(dict(record='t.example.com', type='TXT', value=['ok', '"ends with a space "']))
    assert failed and result['field'] == 'value[1]' and 'ends with a space' in result['msg']
    assert fake.writes == [] and fake.reads == 0


# --- issue 15: the zone's minimum TTL, values unknown in check mode, and small edges ---------------------------------

@pytest.fixture
def warnings(monkeypatch):
    said = []
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, message: said.append(message))
    return said


@pytest.mark.parametrize('check', [True, False])
def test_ttl_below_the_zone_editions_minimum_is_refused_before_any_write(fake, check):
    failed, result = run(dict(record='www.example.net', type='A', value=['192.0.2.1'], ttl=60), check=check)
    assert failed, result
    assert result['error_code'] == 'QuotaExceeded.TTL' and result['field'] == 'ttl'
    assert result['msg'].startswith('ttl: ') and '"Alibaba Cloud DNS"' in result['msg'] and 'mianfei' in result['msg']
    assert 'minimum TTL is 600' in result['msg'] and 'Nothing was changed' in result['msg']
    assert fake.writes == []


def test_ttl_allowed_by_the_zones_edition_is_written_and_the_edition_read_only_below_600(fake):
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=60))
    assert not failed and result['changed'] and fake.writes == ['add'] and fake.info_reads == 1
    failed, result = run(dict(record='www2.example.net', type='A', value=['192.0.2.1'], ttl=600))
    assert not failed and result['changed'] and fake.info_reads == 1


def test_ttl_below_minimum_on_a_record_that_needs_no_write_reads_no_edition(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.1', ttl=60)
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=60))
    assert not failed and not result['changed'] and fake.info_reads == 0


@pytest.mark.parametrize('unknown', [[''], [None], ['  ']])
def test_check_mode_accepts_a_value_unknown_because_its_task_did_not_run(fake, warnings, unknown):
    fake.seed('example.com', '_dnsauth.static', 'TXT', 'old-token')
    failed, result = run(dict(zone='example.com', rr='_dnsauth.static', type='TXT', value=unknown), check=True, diff=True)
    assert not failed, result
    assert result['changed'] and fake.writes == []
    assert any('value[0]' in warning and 'not known in check mode' in warning for warning in warnings)
    assert result['diff']['before']['records'][0]['value'] == 'old-token'
    assert result['diff']['after']['records'][0]['value'] != 'old-token'
    failed, result = run(dict(zone='example.com', rr='_dnsauth.new', type='TXT', value=unknown), check=True)
    assert not failed and result['changed'] and [r['record_id'] for r in result['records']] == [None]


def test_a_real_run_still_refuses_an_empty_value(fake):
    failed, result = run(dict(zone='example.com', rr='_dnsauth.static', type='TXT', value=['']))
    assert failed and result['msg'] == 'value[0]: an empty value is not allowed.' and result['field'] == 'value[0]'
    assert fake.writes == [] and fake.reads == 0


@pytest.mark.parametrize('rr, zone, expected_rr', [
    ('www.example.com', 'example.com', 'www'),
    ('WWW.Example.COM.', 'example.com', 'www'),
    ('example.com.', 'example.com', '@'),
    ('a.b.example.com', 'example.com', 'a.b'),
])
def test_rr_given_as_the_full_name_in_the_zone_is_taken_as_that_name(fake, rr, zone, expected_rr):
    failed, result = run(dict(zone=zone, rr=rr, type='A', value=['192.0.2.1']))
    assert not failed, result
    assert result['rr'] == expected_rr and [r.rr for r in fake.zones['example.com']] == [expected_rr]


def test_rr_given_as_a_full_name_outside_the_zone_is_refused_naming_rr(fake):
    failed, result = run(dict(zone='example.com', rr='www.example.org.', type='A', value=['192.0.2.1']))
    assert failed and result['field'] == 'rr' and 'example.com' in result['msg']
    assert fake.writes == [] and fake.reads == 0


@pytest.mark.parametrize('given', ['a', 'cname', 'Txt'])
def test_type_in_any_case_is_taken_in_upper_case(fake, given):
    value = {'A': '192.0.2.1', 'CNAME': 'x.example.net', 'TXT': 'hello'}[given.upper()]
    failed, result = run(dict(record='www.example.com', type=given, value=[value]))
    assert not failed, result
    assert result['type'] == given.upper() and fake.zones['example.com'][0].type == given.upper()


def test_absent_in_a_zone_not_in_the_account_is_nothing_to_remove(fake):
    for args in (dict(record='www.example.org', type='A', state='absent'),
                 dict(zone='example.org', rr='www', type='A', value=['192.0.2.1'], state='absent')):
        failed, result = run(args)
        assert not failed, result
        assert not result['changed'] and result['records'] == [] and 'example.org' in result['msg']
        assert 'nothing to remove' in result['msg']
    assert fake.writes == []


def test_changing_only_the_value_keeps_a_custom_ttl(fake):
    record = fake.seed('example.com', 'www', 'A', '192.0.2.1', ttl=3600)
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.2']))
    assert not failed and result['changed'] and fake.writes == ['update']
    assert [(r.record_id, r.value, r.ttl) for r in fake.zones['example.com']] == [(record.record_id, '192.0.2.2', 3600)]
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.2', '192.0.2.3'], on_existing='keep'))
    assert not failed and sorted(r.ttl for r in fake.zones['example.com']) == [3600, 3600]
    failed, result = run(dict(record='new.example.com', type='A', value=['192.0.2.2']))
    assert not failed and result['records'][0]['ttl'] == 600


def test_values_added_to_a_paused_set_are_paused_too_and_the_diff_shows_status(fake, warnings):
    fake.seed('example.com', 'www', 'A', '192.0.2.1', status='DISABLE')
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.1', '192.0.2.2']), diff=True)
    assert not failed, result
    assert sorted((r.value, r.status) for r in fake.zones['example.com']) == [('192.0.2.1', 'DISABLE'), ('192.0.2.2', 'DISABLE')]
    assert fake.writes == ['add', 'status']
    assert [e['status'] for e in result['diff']['before']['records']] == ['DISABLE']
    assert [e['status'] for e in result['diff']['after']['records']] == ['DISABLE', 'DISABLE']
    assert any('paused' in warning for warning in warnings)


@pytest.mark.parametrize('args', [
    dict(record='www.example.com', type='CNAME', value=['WWW.example.com.']),
    dict(zone='example.com', rr='@', type='CNAME', value=['example.com']),
])
def test_a_cname_pointing_at_itself_is_refused_naming_value(fake, args):
    failed, result = run(args)
    assert failed and result['field'] == 'value[0]' and 'itself' in result['msg']
    assert fake.writes == [] and fake.reads == 0


def test_info_type_in_any_case(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.1')
    failed, result = info(dict(record='www.example.com', type='a'))
    assert not failed, result
    assert [r['type'] for r in result['records']] == ['A']
    failed, result = info(dict(record='www.example.com', type='spf'))
    assert failed and result['field'] == 'type' and 'spf' in result['msg']


def test_info_rr_given_as_the_full_name_in_the_zone(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.1')
    failed, result = info(dict(zone='example.com', rr='www.example.com.'))
    assert not failed and result['rr'] == 'www' and len(result['records']) == 1


# --- the edge-case catalogue of records (issue 15, /work/notes/catalogue-H2.md) ---------------------------------------

def test_catalogue_name_in_the_wrong_field(fake):
    # a full name in zone is refused naming zone (zone is a zone, not a record name that is not in the account)
    failed, result = run(dict(zone='www.example.com', rr='@', type='A', value=['192.0.2.1']))
    assert failed and 'www.example.com' in result['msg']
    assert fake.writes == []
    # a single label in record is not a full name: refused naming record, before any call
    reads = fake.reads
    failed, result = run(dict(record='www', type='A', value=['192.0.2.1']))
    assert failed and result['field'] == 'record' and fake.reads == reads
    # a value in the name's place (an address in record) is refused naming record
    failed, result = run(dict(record='192.0.2.1', type='A', value=['192.0.2.1']))
    assert failed and result['field'] == 'record'


def test_catalogue_names_case_and_trailing_dot_are_one_name(fake):
    failed, result = run(dict(record='WWW.EXAMPLE.COM.', type='A', value=['192.0.2.1']))
    assert not failed and result['fqdn'] == 'www.example.com' and result['rr'] == 'www'
    failed, result = run(dict(zone='Example.COM.', rr='WWW', type='a', value=['192.0.2.1']))
    assert not failed and not result['changed']


@pytest.mark.parametrize('label, ok', [('a' * 63, True), ('a' * 64, False)])
def test_catalogue_label_of_63_is_taken_64_refused(fake, label, ok):
    failed, result = run(dict(record='%s.example.com' % label, type='A', value=['192.0.2.1']))
    assert failed is not ok
    if not ok:
        assert result['field'] == 'record' and fake.reads == 0


@pytest.mark.parametrize('length, ok', [(253, True), (254, False)])
def test_catalogue_name_of_253_is_taken_254_refused(fake, length, ok):
    name = '.'.join(['a' * 63] * 3 + ['b' * (length - 12 - 3 * 64)]) + '.example.com'
    assert len(name) == length
    failed, result = run(dict(record=name, type='A', value=['192.0.2.1']))
    assert failed is not ok, result
    if not ok:
        assert result['field'] == 'record' and fake.reads == 0


@pytest.mark.parametrize('size, ok', [(511, True), (512, False)])
def test_catalogue_txt_of_511_bytes_is_taken_512_refused(fake, size, ok):
    failed, result = run(dict(record='t.example.com', type='TXT', value=['x' * size]))
    assert failed is not ok
    if not ok:
        assert result['field'] == 'value[0]' and '511' in result['msg'] and fake.writes == []


def test_catalogue_cname_at_the_apex_lives_with_mx_and_txt_not_with_a(fake):
    fake.seed('example.com', '@', 'MX', 'mx.example.com', priority=10)
    fake.seed('example.com', '@', 'TXT', 'v=spf1 -all')
    failed, result = run(dict(zone='example.com', rr='@', type='CNAME', value=['apex.example.net']))
    assert not failed and result['changed']
    fake.seed('example.net', '@', 'A', '192.0.2.1')
    failed, result = run(dict(zone='example.net', rr='@', type='CNAME', value=['apex.example.org']))
    assert failed and result['error_code'] == 'DomainRecordConflict' and result['conflicting_records'][0]['type'] == 'A'
    assert fake.writes == ['add']


def test_catalogue_locked_record_is_never_changed(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.1', locked=True)
    for check in (True, False):
        failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.2']), check=check)
        assert failed and result['error_code'] == 'DomainRecordLocked' and result['conflicting_records'][0]['locked']
    assert fake.writes == []
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.1', '192.0.2.2'], on_existing='keep'))
    assert not failed and fake.writes == ['add']


def test_catalogue_paused_set_keeps_its_status_on_a_ttl_change(fake):
    fake.seed('example.com', 'www', 'A', '192.0.2.1', status='DISABLE')
    failed, result = run(dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=1200))
    assert not failed and fake.writes == ['update'] and result['records'][0]['status'] == 'DISABLE'


def test_catalogue_mx_without_priority_names_priority(fake):
    failed, result = run(dict(record='example.com', type='mx', value=['mx.example.com']))
    assert failed and result['field'] == 'priority' and fake.reads == 0
    failed, result = run(dict(record='example.com', type='MX', value=['10 mx.example.com']))
    assert not failed and result['records'][0]['priority'] == 10


def test_a_null_or_a_number_as_value_in_a_real_run(fake):
    """The elements of value reach the module as given (a null from a template on any ansible-core): a null is refused
    in a real run with the empty-value message, a number is taken as its text."""
    failed, result = run(dict(zone='example.com', rr='_dnsauth.static', type='TXT', value=[None]))
    assert failed and result['msg'] == 'value[0]: an empty value is not allowed.' and fake.writes == []
    failed, result = run(dict(zone='example.com', rr='num', type='TXT', value=[42]))
    assert not failed and result['changed'] and fake.writes == ['add']
    assert [record['value'] for record in result['records']] == ['42']
    failed, result = run(dict(zone='example.com', rr='flag', type='TXT', value=[True]))
    assert failed and result['msg'].startswith('value[0]: must be a string') and fake.writes == ['add']
