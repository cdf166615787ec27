# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the modules alidns_record and alidns_record_info do, once their options are parsed (their main() builds the
argument spec and hands the module here); the record model and the plan are in _records, the API in _alidns."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudError, AlicloudNotFoundError, AlicloudParams, fail_with_error,
)
# _alidns imports the SDK only when the first client is built, after the options proved usable.
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns import AlidnsAPI, MissingSdkError
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import with_unicode
from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import Flow, FlowError
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import (
    RECORD_TYPES, PlanError, PolicyRecorder, RecordError, build_spec, ensure_record_set, parse_name, run_list_step, set_view,
    split_name, step_concerns,
)


def run_list_mode(module, params):
    """The custom-domain flow's steps (ownership, records, cleanup) for many domains: see _records.run_list_step."""
    try:
        flow = Flow(module.params, check_mode=module.check_mode)
    except FlowError as exc:
        module.fail_json(msg=exc.message, error_code=exc.code)
    progress = flow.progress
    step = module.params['step']
    concerned = [entry for entry in progress.values() if step_concerns(entry, step, flow.settings_of(entry))]
    api = None
    recorder = None
    if any(entry.get('dns') == 'alidns' for entry in concerned):
        recorder = PolicyRecorder(params.retry_policy)
        try:
            api = AlidnsAPI(params, policy_factory=recorder)
        except MissingSdkError as exc:
            module.fail_json(msg=missing_required_lib(str(exc)), exception=exc.tb)
        except AlicloudError as exc:
            fail_with_error(module, exc, secrets=params.secrets(), progress=progress)
    probe = None
    if any(entry.get('dns') != 'alidns' for entry in concerned):
        probe = _dns_probe(module)
    try:
        results, diff = run_list_step(api, progress, step, flow.settings_of, check_mode=module.check_mode,
                                      concurrency=flow.concurrency, probe=probe, recorder=recorder, secrets=params.secrets())
    finally:
        if probe is not None:
            probe.close()
    flow.finish(module, results, diff if module._diff else None, changed=any(result['changed'] for result in results),
                secrets=params.secrets())


def _dns_probe(module):
    """What DNS publishes now for external domains (records that already resolve are not asked for again); a probe that
    knows nothing when dnspython or a resolver is missing, so that every record is asked for."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _dns  # pylint: disable=import-outside-toplevel
    if not _dns.HAS_DNSPYTHON:
        module.warn('dnspython is not installed: the records for other DNS providers are listed without checking whether they '
                    'already resolve.')
        return None
    try:
        resolvers = _dns.module_resolvers(module.params)
    except ValueError as exc:
        module.warn('%s: the records for other DNS providers are listed without checking whether they already resolve.' % exc)
        return None

    return _Probe(_dns, resolvers, module.params['port'])


class _Probe(object):
    """probe(queries) for _records.external_step, with one resolver for the run (zone cuts and nameservers asked once)."""

    def __init__(self, dns_utils, resolvers, port):
        self._dns = dns_utils
        self._resolvers = resolvers
        self._port = port
        self._resolver = None

    def __call__(self, queries):
        if self._resolver is None:
            self._resolver = self._dns.Resolver(self._resolvers, port=self._port, query_timeout=5.0, query_retries=1)
        return self._dns.probe_records(self._resolver, queries)

    def close(self):
        if self._resolver is not None:
            self._resolver.close()


def run_alidns_record(module):
    """alidns_record: one record set (or, with `domains`, a step of the custom-domain flow)."""
    params = AlicloudParams.from_module(module)
    if module.params['domains'] is not None:
        run_list_mode(module, params)
    result = dict(changed=False, type=module.params['type'], line=module.params['line'])
    try:
        spec = build_spec(module.params, check_mode=module.check_mode)
    except RecordError as exc:
        module.fail_json(msg=str(exc), error_code='InvalidParameter', field=exc.field, **result)
    result.update(fqdn=spec.fqdn, line=spec.line, type=spec.type)
    with_unicode(result, 'fqdn')

    done = []
    try:
        recorder = PolicyRecorder(params.retry_policy)
        plan = ensure_record_set(AlidnsAPI(params, policy_factory=recorder), spec, check_mode=module.check_mode, done=done, recorder=recorder)
    except MissingSdkError as exc:
        module.fail_json(msg=missing_required_lib(str(exc)), exception=exc.tb, **result)
    except PlanError as exc:
        result.update(zone=spec.zone, rr=spec.rr)
        if exc.field:
            result['field'] = exc.field
        module.fail_json(msg=exc.message, error_code=exc.code,
                         conflicting_records=[record.to_result(spec.zone) for record in exc.records], **with_unicode(result, 'zone', 'rr'))
    except AlicloudError as exc:
        result.update(zone=spec.zone, rr=spec.rr, changed=bool(done))
        fail_with_error(module, exc, secrets=params.secrets(), **with_unicode(result, 'zone', 'rr'))

    for warning in plan.warnings:
        module.warn(warning)
    result.update(changed=plan.changed, zone=spec.zone, rr=spec.rr, records=[record.to_result() for record in plan.after])
    if plan.note:
        result['msg'] = plan.note
    with_unicode(result, 'zone', 'rr')
    if module._diff:
        result['diff'] = dict(before=set_view(spec, plan.before), after=set_view(spec, plan.after))
    module.exit_json(**result)


def run_alidns_record_info(module):
    """alidns_record_info: the records of one name, or of a whole zone."""
    params = AlicloudParams.from_module(module)
    rtype = module.params['type']
    result = dict(changed=False, zone=None, zone_unicode=None, zone_found=False, rr=None, rr_unicode=None, records=[])
    if rtype is not None:
        rtype = rtype.strip().upper()
        if rtype not in RECORD_TYPES:
            module.fail_json(msg='type: unknown record type %r; use one of %s.' % (module.params['type'], ', '.join(RECORD_TYPES)),
                             error_code='InvalidParameter', field='type', **result)
    whole_zone = module.params['record'] is None and module.params['rr'] is None
    try:
        if whole_zone:
            fqdn, zone, rr = None, parse_name(record=module.params['zone'], zone=module.params['zone'])[1], None
        else:
            fqdn, zone, rr = parse_name(module.params['record'], module.params['zone'], module.params['rr'])
            result['fqdn'] = fqdn
            with_unicode(result, 'fqdn')
    except RecordError as exc:
        module.fail_json(msg=str(exc), error_code='InvalidParameter', field=exc.field, **result)

    try:
        api = AlidnsAPI(params)
        if zone is None:
            zone = api.find_zone(fqdn)
            rr = split_name(fqdn, zone)
        if whole_zone:
            records = api.list_zone_records(zone, rtype)
        else:
            records = api.list_name_records(zone, rr, rtype)
    except MissingSdkError as exc:
        module.fail_json(msg=missing_required_lib(str(exc)), exception=exc.tb, **result)
    except AlicloudNotFoundError as exc:
        if exc.code == 'InvalidDomainName.NoExist' and module.params['ignore_missing_zone']:
            module.exit_json(**result)
        fail_with_error(module, exc, secrets=params.secrets(), **result)
    except AlicloudError as exc:
        fail_with_error(module, exc, secrets=params.secrets(), **result)

    result.update(zone=zone, zone_found=True, rr=rr,
                  records=[record.to_result(zone) for record in sorted(records, key=lambda item: (item.rr, item.type, item.value))])
    with_unicode(result, 'zone', 'rr')
    module.exit_json(**result)
