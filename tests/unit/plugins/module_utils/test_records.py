# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import (
    PlanError, Record, RecordError, apply_plan, build_spec, canonical_value, cname_conflicts, longest_zone,
    normalize_value, parse_name, plan_record_set, set_view,
)


def spec_for(zone='example.com', **params):
    params.setdefault('ttl', 600)
    params.setdefault('state', 'present')
    if 'rr' in params:
        params['zone'] = zone
    spec = build_spec(params)
    if spec.zone is None:
        spec.set_zone(zone)
    return spec


def rec(rr, rtype, value, record_id, ttl=600, **kwargs):
    return Record(rr, rtype, canonical_value(rtype, value), ttl=ttl, record_id=record_id, **kwargs)


# --- values --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('rtype, given, expected', [
    ('A', ' 192.0.2.1 ', '192.0.2.1'),
    ('AAAA', '2001:DB8:0:0::1', '2001:db8::1'),
    ('CNAME', 'Demo-Assets.OSS-cn-hangzhou.aliyuncs.com.', 'demo-assets.oss-cn-hangzhou.aliyuncs.com'),
    ('NS', 'NS1.Example.NET.', 'ns1.example.net'),
    ('TXT', '"v=spf1 -all"', 'v=spf1 -all'),
    ('TXT', 'Case Matters', 'Case Matters'),
    ('SRV', '10 5  5060 SIP.example.com.', '10 5 5060 sip.example.com'),
    ('CAA', '0 ISSUE letsencrypt.org', '0 issue "letsencrypt.org"'),
    ('CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'),
    ('REDIRECT_URL', 'https://www.example.com/a', 'https://www.example.com/a'),
])
def test_normalize_value(rtype, given, expected):
    assert normalize_value(rtype, given, field='value[0]')[0] == expected


def test_mx_value_carries_its_preference_or_takes_priority():
    assert normalize_value('MX', '20 MX.example.com.', 'value[0]') == ('mx.example.com', 20)
    assert normalize_value('MX', 'mx.example.com', 'value[0]', priority=5) == ('mx.example.com', 5)


def test_srv_weight_port_target_takes_priority_option():
    assert normalize_value('SRV', '5 5060 sip.example.com', 'value[0]', priority=10)[0] == '10 5 5060 sip.example.com'


@pytest.mark.parametrize('rtype, given, field, words', [
    ('A', '300.1.1.1', 'value[0]', 'not an IPv4 address'),
    ('A', '2001:db8::1', 'value[0]', 'not an IPv4 address'),
    ('AAAA', '192.0.2.1', 'value[0]', 'not an IPv6 address'),
    ('CNAME', 'a b.example.com', 'value[0]', 'spaces'),
    ('MX', 'mx.example.com', 'priority', 'needs a preference'),
    ('MX', '99 mx.example.com', 'value[0]', 'between 1 and 50'),
    ('TXT', '""', 'value[0]', 'empty'),
    ('SRV', '10 sip.example.com', 'value[0]', 'priority weight port target'),
    ('CAA', 'issue letsencrypt.org', 'value[0]', 'flags tag value'),
    ('FORWARD_URL', 'www.example.com', 'value[0]', 'not a URL'),
])
def test_bad_values_name_the_field(rtype, given, field, words):
    with pytest.raises(RecordError) as exc:
        normalize_value(rtype, given, field='value[0]')
    assert exc.value.field == field
    assert str(exc.value).startswith(field + ': ')
    assert words in str(exc.value)


def test_canonical_value_never_fails_on_odd_service_values():
    assert canonical_value('A', 'not-an-ip') == 'not-an-ip'
    assert canonical_value('CNAME', 'Odd Host.') == 'odd host'
    # The API gives a TXT value back as stored (it removed the quotes around it when it was written): the content itself.
    assert canonical_value('TXT', '"quoted"') == '"quoted"'
    assert canonical_value('TXT', 'v=spf1 -all') == 'v=spf1 -all'
    assert canonical_value('TXT', None) == ''


# --- names ---------------------------------------------------------------------------------------------------------

def test_parse_name_variants():
    assert parse_name(record='WWW.Example.COM.') == ('www.example.com', None, None)
    assert parse_name(zone='Example.com', rr='@') == ('example.com', 'example.com', '@')
    assert parse_name(zone='example.com', rr='') == ('example.com', 'example.com', '@')
    assert parse_name(zone='example.com', rr='*') == ('*.example.com', 'example.com', '*')
    assert parse_name(zone='example.com', rr='*.Sub') == ('*.sub.example.com', 'example.com', '*.sub')
    assert parse_name(zone='example.com', rr='_dnsauth.static') == ('_dnsauth.static.example.com', 'example.com', '_dnsauth.static')
    assert parse_name(record='a.b.example.com', zone='b.example.com') == ('a.b.example.com', 'b.example.com', 'a')


@pytest.mark.parametrize('kwargs, field', [
    (dict(record='www.example.com', rr='www'), 'rr'),
    (dict(record='www.example.org', zone='example.com'), 'record'),
    (dict(zone='example.com', rr='www.'), 'rr'),
    (dict(zone='example.com', rr='a..b'), 'rr'),
    (dict(zone='http://example.com', rr='www'), 'zone'),
    (dict(record='w*w.example.com'), 'record'),
    (dict(), 'record'),
])
def test_parse_name_errors_name_the_field(kwargs, field):
    with pytest.raises(RecordError) as exc:
        parse_name(**kwargs)
    assert exc.value.field == field


def test_longest_zone():
    zones = ['example.com', 'sub.example.com', 'example.net']
    assert longest_zone('a.sub.example.com', zones) == 'sub.example.com'
    assert longest_zone('sub.example.com', zones) == 'sub.example.com'
    assert longest_zone('xsub.example.com', zones) == 'example.com'
    assert longest_zone('www.example.org', zones) is None


# --- spec ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('params, field', [
    (dict(record='www.example.com', type='SPF', value=['x']), 'type'),
    (dict(record='www.example.com', type='MX', value=['mx.example.com']), 'priority'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=0), 'ttl'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1'], ttl=86401), 'ttl'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1', 'example.com']), 'value[1]'),
    (dict(record='www.example.com', type='CNAME', value=['a.example.net', 'b.example.net']), 'value'),
    (dict(record='www.example.com', type='CNAME', value=['a.example.net b']), 'value[0]'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1'], priority=10), 'priority'),
    (dict(record='www.example.com', type='MX', value=['mx.example.com'], priority=51), 'priority'),
    (dict(record='www.example.com', type='A', value=[]), 'value'),
    (dict(record='www.example.com', type='A', value=['192.0.2.1'], line='bad line'), 'line'),
])
def test_build_spec_errors_name_the_field(params, field):
    params.setdefault('ttl', 600)
    params.setdefault('state', 'present')
    with pytest.raises(RecordError) as exc:
        build_spec(params)
    assert exc.value.field == field, str(exc.value)


def test_build_spec_deduplicates_normalised_values():
    spec = spec_for(record='www.example.com', type='AAAA', value=['2001:db8::1', '2001:DB8:0::1', '2001:db8::2'])
    assert spec.values == [('2001:db8::1', None), ('2001:db8::2', None)]
    assert spec.rr == 'www'


# --- plans ---------------------------------------------------------------------------------------------------------

def test_equal_set_plans_nothing_apex_case_and_dot_insensitive():
    spec = spec_for(zone='example.com', rr='@', type='CNAME', value=['Target.Example.NET.'])
    existing = [rec('@', 'CNAME', 'target.example.net', '1')]
    plan = plan_record_set(spec, existing)
    assert not plan.changed
    assert plan.after == existing


def test_ttl_change_is_one_update_keeping_the_id():
    spec = spec_for(record='www.example.com', type='A', value=['192.0.2.1'], ttl=300)
    plan = plan_record_set(spec, [rec('www', 'A', '192.0.2.1', '7', ttl=600)])
    assert len(plan.updates) == 1 and not plan.creates and not plan.deletes
    old, new = plan.updates[0]
    assert old.record_id == new.record_id == '7'
    assert new.ttl == 300


def test_replace_three_txt_with_two_updates_nothing_and_deletes_one():
    existing = [rec('t', 'TXT', 'a', '1'), rec('t', 'TXT', 'b', '2'), rec('t', 'TXT', 'c', '3')]
    spec = spec_for(record='t.example.com', type='TXT', value=['a', 'b'])
    plan = plan_record_set(spec, existing)
    assert plan.updates == [] and plan.creates == []
    assert [record.record_id for record in plan.deletes] == ['3']


def test_replace_reuses_records_in_place_before_creating_or_deleting():
    existing = [rec('www', 'A', '192.0.2.1', '1'), rec('www', 'A', '192.0.2.2', '2')]
    spec = spec_for(record='www.example.com', type='A', value=['192.0.2.9'])
    plan = plan_record_set(spec, existing)
    assert len(plan.updates) == 1 and plan.updates[0][1].value == '192.0.2.9' and plan.updates[0][1].record_id == '1'
    assert [record.record_id for record in plan.deletes] == ['2']
    assert plan.creates == []


def test_keep_adds_without_removing():
    existing = [rec('t', 'TXT', 'a', '1'), rec('t', 'TXT', 'b', '2')]
    spec = spec_for(record='t.example.com', type='TXT', value=['c'], on_existing='keep')
    plan = plan_record_set(spec, existing)
    assert [record.value for record in plan.creates] == ['c']
    assert plan.deletes == [] and plan.updates == []
    assert sorted(record.value for record in plan.after) == ['a', 'b', 'c']
    assert plan.warnings == []


def test_keep_and_warn_warns_about_kept_values():
    spec = spec_for(record='t.example.com', type='TXT', value=['c'], on_existing='keep_and_warn')
    plan = plan_record_set(spec, [rec('t', 'TXT', 'a', '1')])
    assert len(plan.creates) == 1
    assert 'TXT "a"' in plan.warnings[0]


def test_keep_and_fail_fails_before_writing_and_lists_values():
    spec = spec_for(record='t.example.com', type='TXT', value=['c'], on_existing='keep_and_fail')
    with pytest.raises(PlanError) as exc:
        plan_record_set(spec, [rec('t', 'TXT', 'a', '1')])
    assert exc.value.code == 'RecordSetExists'
    assert 'TXT "a"' in exc.value.message
    # Same values: nothing to fail about.
    spec = spec_for(record='t.example.com', type='TXT', value=['a'], on_existing='keep_and_fail')
    assert not plan_record_set(spec, [rec('t', 'TXT', 'a', '1')]).changed


def test_absent_with_values_removes_only_those():
    existing = [rec('t', 'TXT', 'a', '1'), rec('t', 'TXT', 'b', '2')]
    spec = spec_for(record='t.example.com', type='TXT', value=['"b"', 'zzz'], state='absent')
    plan = plan_record_set(spec, existing)
    assert [record.record_id for record in plan.deletes] == ['2']
    assert [record.value for record in plan.after] == ['a']


def test_absent_without_values_removes_the_set_only():
    existing = [rec('t', 'TXT', 'a', '1'), rec('t', 'TXT', 'b', '2'), rec('t', 'A', '192.0.2.1', '3'),
                rec('t', 'TXT', 'c', '4', line='telecom')]
    spec = spec_for(record='t.example.com', type='TXT', state='absent')
    plan = plan_record_set(spec, existing)
    assert sorted(record.record_id for record in plan.deletes) == ['1', '2']
    assert plan.after == []


def test_absent_of_missing_set_is_no_change():
    spec = spec_for(record='t.example.com', type='TXT', state='absent')
    assert not plan_record_set(spec, []).changed


def test_mx_host_alone_removes_whatever_preference():
    spec = spec_for(record='example.com', type='MX', value=['mx.example.com'], state='absent')
    plan = plan_record_set(spec, [rec('@', 'MX', 'mx.example.com', '1', priority=10)])
    assert len(plan.deletes) == 1


def test_mx_priority_change_is_an_update():
    spec = spec_for(record='example.com', type='MX', value=['10 mx.example.com', '20 mx2.example.com'])
    existing = [rec('@', 'MX', 'mx.example.com', '1', priority=5), rec('@', 'MX', 'mx2.example.com', '2', priority=20)]
    plan = plan_record_set(spec, existing)
    assert [(old.record_id, new.priority) for old, new in plan.updates] == [('1', 10)]


def test_cname_onto_a_record_fails_naming_it():
    spec = spec_for(record='www.example.com', type='CNAME', value=['target.example.net'])
    with pytest.raises(PlanError) as exc:
        plan_record_set(spec, [rec('www', 'A', '192.0.2.1', '9')])
    assert exc.value.code == 'DomainRecordConflict'
    assert 'A 192.0.2.1' in exc.value.message and 'state=absent' in exc.value.message
    assert [record.record_id for record in exc.value.records] == ['9']


def test_a_record_onto_cname_fails_naming_the_cname():
    spec = spec_for(record='www.example.com', type='A', value=['192.0.2.1'])
    with pytest.raises(PlanError) as exc:
        plan_record_set(spec, [rec('www', 'CNAME', 'x.example.net', '9')])
    assert 'CNAME x.example.net' in exc.value.message


def test_cname_conflicts_are_per_line_and_relaxed_at_apex():
    spec = spec_for(record='www.example.com', type='CNAME', value=['target.example.net'])
    assert cname_conflicts(spec, [rec('www', 'A', '192.0.2.1', '1', line='telecom')]) == []
    apex = spec_for(zone='example.com', rr='@', type='CNAME', value=['target.example.net'])
    others = [rec('@', 'MX', 'mx.example.com', '1', priority=10), rec('@', 'TXT', 'v=spf1 -all', '2'), rec('@', 'A', '192.0.2.1', '3')]
    assert [record.record_id for record in cname_conflicts(apex, others)] == ['3']


def test_second_cname_value_with_keep_fails():
    spec = spec_for(record='www.example.com', type='CNAME', value=['b.example.net'], on_existing='keep')
    with pytest.raises(PlanError) as exc:
        plan_record_set(spec, [rec('www', 'CNAME', 'a.example.net', '1')])
    assert 'CNAME a.example.net' in exc.value.message and 'on_existing=replace' in exc.value.message


def test_cname_change_with_replace_is_one_update_in_place():
    spec = spec_for(record='www.example.com', type='CNAME', value=['b.example.net'])
    plan = plan_record_set(spec, [rec('www', 'CNAME', 'a.example.net', '1')])
    assert (len(plan.updates), plan.creates, plan.deletes) == (1, [], []) and plan.updates[0][1].record_id == '1'


def test_locked_record_fails_before_writing():
    spec = spec_for(record='www.example.com', type='A', value=['192.0.2.2'])
    with pytest.raises(PlanError) as exc:
        plan_record_set(spec, [rec('www', 'A', '192.0.2.1', '1', locked=True)])
    assert exc.value.code == 'DomainRecordLocked'


def test_set_view_and_apply_plan_order():
    existing = [rec('t', 'TXT', 'a', '1'), rec('t', 'TXT', 'b', '2'), rec('t', 'TXT', 'c', '3')]
    spec = spec_for(record='t.example.com', type='TXT', value=['x', 'y', 'z', 'w'], ttl=300)
    plan = plan_record_set(spec, existing)
    calls = []

    class Api(object):
        def update_record(self, zone, record):
            calls.append(('update', record.record_id, record.value))

        def add_record(self, zone, record):
            calls.append(('add', record.value))
            return 'new-%s' % record.value

        def delete_record(self, zone, record):
            calls.append(('delete', record.record_id))

    done = apply_plan(Api(), 'example.com', plan)
    assert [call[0] for call in calls] == ['update', 'update', 'update', 'add']
    assert len(done) == 4
    assert plan.creates[0].record_id == 'new-w'
    view = set_view(spec, plan.after)
    assert view['record'] == 't.example.com' and [entry['value'] for entry in view['records']] == ['w', 'x', 'y', 'z']
    assert set_view(spec, []) == {}


def test_host_records_the_api_gives_in_unicode_compare_in_punycode():
    # The console accepts Chinese labels; a record read back so is compared under its IDNA 2008 name.
    record = Record.from_api(dict(RR=u'\u4f8b\u5b50', Type='A', Value='192.0.2.1', TTL=600, RecordId='1'))
    assert record.rr == 'xn--fsqu00a'
    assert record.to_result('example.com')['fqdn_unicode'] == u'\u4f8b\u5b50.example.com'
    assert Record.from_api(dict(RR='WWW', Type='A', Value='192.0.2.1')).rr == 'www'
    assert Record.from_api(dict(RR=None, Type='A', Value='192.0.2.1')).rr == '@'
