# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_flow: the domain items (merge, validation, naming of variables), the progress model and the list-mode result."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import error_from_code


def params(domains, **kwargs):
    base = dict(domains=domains, defaults=None, progress={}, variable_prefix='', single=False, keep_going=False, concurrency=8,
                step='bind')
    base.update(kwargs)
    return base


def flow(domains, required=('bucket',), region='cn-hangzhou', **kwargs):
    return _flow.Flow(params(domains, **kwargs), required=required, default_region=region)


def test_argument_spec_is_valid_and_marks_the_private_key_no_log():
    spec = _flow.list_argument_spec(steps=('bind', 'rebind'), default_step='bind')
    assert spec['step'] == dict(type='str', choices=['bind', 'rebind'], default='bind')
    assert not spec['domains']['options']['name'].get('required')  # validate_item names the variable instead
    assert 'name' not in spec['defaults']['options']
    assert spec['domains']['options']['certificate']['options']['private_key']['no_log'] is True
    validator = ArgumentSpecValidator(spec)
    result = validator.validate(dict(domains=[dict(name='www.example.com', certificate=dict(certificate='PEM', private_key='SECRET-KEY'))]))
    assert result.error_messages == []
    assert 'SECRET-KEY' in result._no_log_values
    # No suboption has a default: what an item leaves out must stay None, so that defaults can fill it.
    assert result.validated_parameters['domains'][0]['ttl'] is None
    assert 'step' not in _flow.list_argument_spec()


def test_item_settings_come_from_the_item_then_defaults_then_the_module():
    f = flow([dict(name='WWW.Example.com.', ttl=300), dict(name='img.example.com', bucket='other-bucket', region='oss-eu-central-1')],
             defaults=dict(bucket='demo-assets', ttl=1200, region='', certificate={}))
    one, two = f.items
    expected = ('www.example.com', 'demo-assets', 300, 'cn-hangzhou')
    assert (one.name, one.settings['bucket'], one.settings['ttl'], one.settings['region']) == expected
    assert one.settings['line'] == 'default' and one.settings['dns'] == 'auto' and one.settings['certificate'] is None
    assert (two.settings['bucket'], two.settings['ttl'], two.settings['region']) == ('other-bucket', 1200, 'eu-central-1')
    assert one.field('ttl') == 'domains[0].ttl'
    assert one.field('bucket') == 'defaults.bucket'
    assert one.field('line') == 'domains[0].line'          # the module's default: named as the item's own
    assert one.field('region') == 'alicloud_region'


@pytest.mark.parametrize('prefix, single, item_key, default_key', [
    ('', False, 'domains[1].ttl', 'defaults.bucket'),
    ('custom_domain_', False, 'custom_domain_domains[1].ttl', 'custom_domain_bucket'),
    ('custom_domain_', True, 'custom_domain_ttl', 'custom_domain_bucket'),
])
def test_messages_name_the_variable_as_the_user_wrote_it(prefix, single, item_key, default_key):
    f = flow([dict(name='a.example.com'), dict(name='b.example.com', ttl=0), dict(name='c.example.com', bucket='Bad_Bucket')],
             defaults=dict(bucket='demo-assets'), variable_prefix=prefix, single=single)
    assert f.items[0].error is None
    assert f.items[1].error.message.startswith(item_key + ': 0 is out of range')
    assert f.items[2].error.message.startswith((prefix + 'bucket' if single else prefix + 'domains[2].bucket') + ':')
    missing = flow([dict(name='d.example.com')], variable_prefix=prefix, single=single).items[0].error.message
    assert missing.startswith((prefix + 'bucket' if single else prefix + 'domains[0].bucket') + ': a bucket is required')
    if not single:
        assert default_key in missing
    assert flow([dict(name='e.example.com', bucket='demo-assets')], defaults=dict(line='no such line!'), variable_prefix=prefix,
                single=single).items[0].error.message.startswith((prefix + 'line' if (prefix or single) else 'defaults.line') + ':')


def test_one_bad_item_is_its_own_and_every_rule_names_its_variable(tmp_path):
    f = flow([
        dict(name='ok.example.com'),
        dict(name='*.example.com'),
        dict(name='x.aliyuncs.com'),
        dict(name='t.example.com', target='http://cdn'),
        dict(name='r.example.com', region='hangzhou'),
        dict(name='w.example.com', wait_timeout=-1),
        dict(name='c.example.com', certificate=dict(certificate_file=str(tmp_path / 'missing.crt'), private_key_file=str(tmp_path / 'k.pem'))),
        dict(name='k.example.com', certificate=dict(cert_id='1-cn-hangzhou', certificate='PEM')),
        dict(name='d.example.com', certificate=dict(cert_id='1-cn-hangzhou'), delete_certificate=True),
        dict(name='OK.example.com'),
        dict(name=''),
    ], defaults=dict(bucket='demo-assets'))
    errors = [item.error.message if item.error else None for item in f.items]
    assert errors[0] is None
    assert errors[1].startswith('domains[1].name:') and 'wildcard' in errors[1]
    assert errors[2].startswith('domains[2].name:') and 'reserves' in errors[2]
    assert errors[3].startswith('domains[3].target:')
    assert errors[4].startswith('domains[4].region:')
    assert errors[5].startswith('domains[5].wait_timeout:')
    assert errors[6] == 'domains[6].certificate.certificate_file: the file %s does not exist.' % (tmp_path / 'missing.crt')
    assert errors[7].startswith('domains[7].certificate.certificate:')
    assert errors[8].startswith('domains[8].delete_certificate:') and 'domains[8].certificate' in errors[8]
    assert errors[9].startswith('domains[9].name: ok.example.com is already item 0 (domains[0].name)')
    assert errors[10].startswith('domains[10].name: a domain name is required')
    assert [item.name for item in f.valid_items] == ['ok.example.com']
    # Every item keeps its own progress entry, the duplicate too.
    invalid = f.mark_invalid()
    assert len(invalid) == 10 and len(f.progress) == 10
    assert f.progress['ok.example.com#9']['phase'] == 'invalid'
    assert f.progress['*.example.com']['failed'] is True and f.progress['*.example.com']['error_code'] == 'InvalidParameter'


def test_certificate_files_are_read_and_name_the_file(tmp_path):
    cert = tmp_path / 'site.crt'
    cert.write_text('CERT PEM')
    key = tmp_path / 'site.key'
    key.write_text('KEY PEM')
    f = flow([dict(name='a.example.com', certificate=dict(certificate_file=str(cert), private_key_file=str(key), force=True)),
              dict(name='b.example.com', certificate=dict(certificate_file=str(cert))),
              dict(name='c.example.com', certificate=dict(certificate_file=str(tmp_path)))],
             defaults=dict(bucket='demo-assets'))
    item = f.items[0]
    assert item.error is None
    assert (item.certificate['certificate'], item.certificate['private_key'], item.certificate['force']) == ('CERT PEM', 'KEY PEM', True)
    assert item.certificate['certificate_field'] == 'domains[0].certificate.certificate_file (%s)' % cert
    assert f.items[1].error.message.startswith('domains[1].certificate.private_key_file: the certificate is given without its private key')
    assert 'is a directory' in f.items[2].error.message


def test_structural_problems_fail_the_whole_run():
    with pytest.raises(_flow.FlowError) as info:
        flow([dict(name='a.example.com')], concurrency=0)
    assert info.value.message.startswith('concurrency: 0 is out of range')
    with pytest.raises(_flow.FlowError) as info:
        flow([dict(name='a.example.com')], concurrency=100, variable_prefix='custom_domain_')
    assert info.value.message.startswith('custom_domain_concurrency:')


def test_the_input_progress_is_not_changed_and_entries_carry_no_secret():
    progress = {'a.example.com': dict(name='a.example.com', phase='needs_ownership', steps=[dict(step='bind', changed=False, msg='x')])}
    f = flow([dict(name='a.example.com', certificate=dict(certificate='PEM', private_key='SECRET-KEY'))],
             defaults=dict(bucket='demo-assets'), progress=progress)
    entry = f.progress['a.example.com']
    _flow.record_step(entry, 'ownership', True, 'token created')
    assert len(progress['a.example.com']['steps']) == 1
    fresh = f.entry(f.items[0], reset=True)
    assert 'SECRET-KEY' not in repr(fresh)
    assert set(fresh) == set(['index', 'name', 'name_unicode', 'bucket', 'region', 'state', 'dns', 'zone', 'zone_unicode', 'target',
                              'phase', 'failed', 'msg', 'error_code', 'changed', 'steps', 'binding', 'ownership_record', 'records',
                              'records_to_add', 'records_to_remove', 'conflicts', 'replaced', 'notes', 'waits'])


def _entry(phase, steps=(), **kwargs):
    entry = dict(name=kwargs.pop('name', 'a.example.com'), phase=phase, failed=phase in ('failed', 'invalid'),
                 steps=[dict(step=step, changed=False, msg='') for step in steps])
    entry.update(kwargs)
    return entry


@pytest.mark.parametrize('entry, settings, step', [
    (_entry('needs_ownership', ['bind']), {}, 'ownership'),
    (_entry('ownership_pending', ['bind', 'ownership']), {}, 'publish_ownership'),
    (_entry('ownership_pending', ['bind', 'ownership', 'publish_ownership']), {}, 'wait_ownership'),
    (_entry('ownership_pending', ['bind', 'ownership', 'publish_ownership', 'wait_ownership']), {}, 'rebind'),
    (_entry('bound', ['bind']), {}, 'records'),
    (_entry('unbound', ['bind']), {}, 'records'),
    (_entry('records_published', ['bind']), {}, 'wait'),
    (_entry('waiting', ['bind', 'records', 'wait']), {}, 'wait'),
    (_entry('resolved', ['bind', 'wait'], ownership_record=dict(value=['t'])), {}, 'cleanup'),
    (_entry('resolved', ['bind', 'wait'], ownership_record=dict(value=['t'])), dict(keep_ownership_record=True), None),
    (_entry('resolved', ['bind', 'wait', 'cleanup'], ownership_record=dict(value=['t'])), {}, None),
    (_entry('resolved', ['bind', 'wait']), {}, None),
    (_entry('removed', ['bind', 'records']), {}, None),
    (_entry('failed', ['bind']), {}, None),
    (_entry('invalid'), {}, None),
])
def test_next_step(entry, settings, step):
    assert _flow.next_step(entry, settings) == step


def test_pending_failed_domains_and_the_failure_message():
    progress = dict((name, dict(entry, name=name, index=index, name_unicode=name)) for index, (name, entry) in enumerate([
        ('a.example.com', _entry('bound')), ('b.example.com', _entry('failed', msg='bucket demo-x was not found')),
        ('c.example.com', _entry('needs_ownership')), ('d.example.com', _entry('invalid', msg='domains[3].ttl: 0 is out of range'))]))
    counts = _flow.pending_counts(progress)
    assert counts == dict(ownership=1, publish_ownership=0, wait_ownership=0, rebind=0, records=1, wait=0, cleanup=0)
    assert _flow.failed_domains(progress) == ['b.example.com', 'd.example.com']
    assert _flow.failure_message(progress) == ('2 of 4 domains failed: b.example.com (bucket demo-x was not found); d.example.com '
                                               '(domains[3].ttl: 0 is out of range)')
    many = dict(('d%02d.example.com' % i, dict(_entry('failed', msg='no'), name='d%02d.example.com' % i, index=i)) for i in range(25))
    assert _flow.failure_message(many).endswith('; and 5 more (see failed_domains and progress)')


def test_fail_records_the_error_and_the_step():
    entry = _flow.new_entry(None, name='a.example.com', index=3)
    error = error_from_code('NoSuchBucket', 'The specified bucket does not exist.', 'RID-1', 404)
    _flow.fail(entry, error, step='bind', secrets=['does'])
    assert entry['failed'] and entry['phase'] == 'failed' and entry['error_code'] == 'NoSuchBucket'
    assert entry['request_id'] == 'RID-1' and entry['http_status'] == 404
    assert entry['msg'] == 'The specified bucket ******** not exist.'
    assert entry['steps'] == [dict(step='bind', changed=False, msg=entry['msg'])]
    _flow.set_phase(entry, 'bound')
    assert entry['failed'] is False and entry['error_code'] is None
    with pytest.raises(ValueError):
        _flow.set_phase(entry, 'nowhere')


class _Module(object):
    def __init__(self):
        self.exited = None
        self.failed = None

    def exit_json(self, **kwargs):
        self.exited = kwargs

    def fail_json(self, msg, **kwargs):
        self.failed = dict(kwargs, msg=msg)


@pytest.mark.parametrize('keep_going', [False, True])
def test_finish_fails_naming_the_failed_domains_unless_keep_going(keep_going):
    f = flow([dict(name='a.example.com'), dict(name='b.example.com', ttl=0)], defaults=dict(bucket='demo-assets'), keep_going=keep_going)
    f.mark_invalid()
    entry = f.entry(f.items[0], reset=True)
    _flow.set_phase(entry, 'bound')
    _flow.record_step(entry, 'bind', True, 'bound')
    module = _Module()
    f.finish(module, results=[dict(name='a.example.com')])
    result = module.exited if keep_going else module.failed
    assert result['changed'] is True and result['failed_domains'] == ['b.example.com']
    assert result['pending']['records'] == 1
    assert 'changed_now' not in result['progress']['a.example.com']
    if not keep_going:
        assert module.exited is None
        assert result['msg'].startswith('1 of 2 domains failed: b.example.com (domains[1].ttl: 0 is out of range')


def test_run_keeps_one_failure_to_its_item():
    f = flow([dict(name='a.example.com'), dict(name='b.example.com')], defaults=dict(bucket='demo-assets'))

    def work(item):
        if item.name == 'b.example.com':
            raise KeyError('boom')
        return item.name

    results = f.run(f.items, work)
    assert results[0].value == 'a.example.com'
    assert 'domain b.example.com: unexpected error KeyError' in str(results[1].error)
    message, code, extra = _flow.error_fields(results[1].error)
    assert code == 'UnexpectedError' and 'b.example.com' in message


def test_settings_of_and_extra_entries():
    f = flow([dict(name='a.example.com', ttl=1200)], defaults=dict(bucket='demo-assets'))
    entry = f.entry(f.items[0])
    assert f.settings_of(entry)['ttl'] == 1200
    assert f.settings_of(dict(name='unknown.example.com')) == {}
    extra = f.extra_entry('gone.example.com', bucket='demo-assets', state='absent')
    assert extra['index'] == 1 and extra['state'] == 'absent' and extra['name_unicode'] == 'gone.example.com'
