# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""List mode of the custom-domain flow modules: the domain items, the progress they carry from step to step, and the
plumbing every step shares (oss_bucket_cname, oss_domain_ownership, alidns_record, wait_for_dns).

- list_argument_spec() is the one builder of the options `domains`, `defaults`, `progress`, `variable_prefix`,
  `single`, `keep_going`, `concurrency` (and `step` when the module has steps); item_options() the settings of a
  domain item (documented once, by the doc fragment alicloud_oss.domains._domain_items).
- Flow(module.params, ...) merges every item with `defaults` and the module's defaults, validates every item before
  any API call (a message names THE variable that is wrong, as the user wrote it: see Namer), and holds the
  `progress` (see new_entry() for the shape of an entry). An invalid item is that item's own failure (phase
  `invalid`); the other items go on.
- The progress model: entry(), concerned(), record_step(), set_phase(), fail(), next_step(), pending_counts(),
  failed_domains(); Flow.run() runs the items in a thread pool (_batch.run_items), Flow.finish() returns the result
  keys of list mode (progress, pending, changed, failed_domains, diff, results) and fails the task when an item
  failed, unless keep_going.

Plain Python: no SDK is imported here, so a module validates its items before it pays for one.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import os
import re

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import redact
from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import ItemError, run_items
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import (
    DomainError, normalize_domain, normalize_region, to_unicode, validate_bind_domain, validate_bucket_name,
)

# ---------------------------------------------------------------------------------------------------------------------
# The domain item

ITEM_KEYS = ('name', 'bucket', 'region', 'state', 'dns', 'target', 'ttl', 'line', 'certificate', 'delete_certificate',
             'replace_records', 'verify_ownership', 'keep_ownership_record', 'wait', 'wait_timeout')
CERTIFICATE_KEYS = ('cert_id', 'certificate', 'private_key', 'certificate_file', 'private_key_file', 'force')
STATES = ('present', 'absent')
DNS_MODES = ('auto', 'alidns', 'external')
TARGETS = ('public', 'accelerate')
VERIFY_OWNERSHIP = ('auto', 'never')
# What an item gets when neither it nor `defaults` sets a key (the role's defaults are the same).
ITEM_DEFAULTS = dict(state='present', dns='auto', target='public', ttl=600, line='default', certificate=None,
                     delete_certificate=False, replace_records=False, verify_ownership='auto', keep_ownership_record=False,
                     wait=True, wait_timeout=600)
TTL_MIN = 1
TTL_MAX = 86400
WAIT_TIMEOUT_MAX = 86400
CONCURRENCY_MAX = 64
DEFAULT_CONCURRENCY = 8
CERTIFICATE_FILE_MAX = 1024 * 1024
_LINE = re.compile(r'^[A-Za-z0-9_.-]{1,64}$')

# ---------------------------------------------------------------------------------------------------------------------
# The progress

PHASES = ('invalid', 'failed', 'bound', 'needs_ownership', 'ownership_pending', 'records_published', 'resolved', 'waiting',
          'unbound', 'removed')
FAILED_PHASES = ('invalid', 'failed')
# The steps of the flow, in role order, as `steps` entries and `pending` name them.
STEPS = ('bind', 'ownership', 'publish_ownership', 'wait_ownership', 'rebind', 'records', 'wait', 'cleanup')
PENDING_KEYS = ('ownership', 'publish_ownership', 'wait_ownership', 'rebind', 'records', 'wait', 'cleanup')
# How many failed domains the failure message names one by one.
MESSAGE_MAX_DOMAINS = 20


def item_options(with_name=True):
    """The settings of a domain item (the suboptions of `domains`; of `defaults` without `name`).

    No default here: a key the item leaves unset (None) comes from `defaults`, then from ITEM_DEFAULTS, which Flow
    applies, so that the messages can name where a value came from.
    """
    options = dict(
        bucket=dict(type='str'),
        region=dict(type='str'),
        state=dict(type='str', choices=list(STATES)),
        dns=dict(type='str', choices=list(DNS_MODES)),
        target=dict(type='str'),
        ttl=dict(type='int'),
        line=dict(type='str'),
        certificate=dict(type='dict', options=dict(
            cert_id=dict(type='str'),
            certificate=dict(type='str'),
            private_key=dict(type='str', no_log=True),
            certificate_file=dict(type='path'),
            private_key_file=dict(type='path'),
            force=dict(type='bool'),
        )),
        delete_certificate=dict(type='bool'),
        replace_records=dict(type='bool'),
        verify_ownership=dict(type='str', choices=list(VERIFY_OWNERSHIP)),
        keep_ownership_record=dict(type='bool'),
        wait=dict(type='bool'),
        wait_timeout=dict(type='int'),
    )
    if with_name:
        # Required, but checked by validate_item(), whose message names the variable (custom_domain_name in the role's
        # single-domain mode) rather than Ansible's "missing required arguments: name found in domains".
        options['name'] = dict(type='str')
    return options


def list_argument_spec(steps=None, default_step=None):
    """The list-mode options of a flow module (merge into its argument spec). `steps`: the choices of `step`."""
    spec = dict(
        domains=dict(type='list', elements='dict', options=item_options(with_name=True)),
        defaults=dict(type='dict', options=item_options(with_name=False)),
        progress=dict(type='dict', default={}),
        variable_prefix=dict(type='str', default=''),
        single=dict(type='bool', default=False),
        keep_going=dict(type='bool', default=False),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    )
    if steps:
        spec['step'] = dict(type='str', choices=list(steps), default=default_step or steps[0])
    return spec


class Namer(object):
    """How a message names a setting, as the user wrote it.

    variable_prefix '' (direct use of a module): a key of item i is `domains[i].<key>`, a key from defaults
    `defaults.<key>`. With a prefix (the role, 'custom_domain_'): `custom_domain_domains[i].<key>` and
    `custom_domain_<key>`. single (the role's single-domain mode): every key is `<prefix><key>`.
    """

    def __init__(self, prefix='', single=False):
        self.prefix = prefix or ''
        self.single = bool(single)

    def item(self, index, key):
        if self.single:
            return '%s%s' % (self.prefix, key)
        return '%sdomains[%d].%s' % (self.prefix, index, key)

    def default(self, key):
        if self.single or self.prefix:
            return '%s%s' % (self.prefix, key)
        return 'defaults.%s' % key

    def option(self, name):
        """A module option (domains, defaults, progress, ...)."""
        return '%s%s' % (self.prefix, name)


class FlowError(ValueError):
    """An item setting that cannot be used; the message starts with the variable that holds it."""

    def __init__(self, field, message, code='InvalidParameter'):
        super(FlowError, self).__init__('%s: %s' % (field, message) if field else message)
        self.field = field
        self.code = code
        self.message = str(self)


def _unset(value):
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, dict) and all(_unset(v) or v is False for v in value.values()):
        return True
    return False


class Item(object):
    """One domain of the list: its merged settings, where each came from, and its progress entry."""

    def __init__(self, index, raw, namer):
        self.index = index
        self.raw = raw if isinstance(raw, dict) else {}
        self.namer = namer
        self.settings = {}
        self.sources = {}       # key -> the variable it came from (None: the module's default)
        self.name = None
        self.name_unicode = None
        self.error = None       # FlowError when the item is invalid
        self.entry = None
        self.certificate = None  # {'cert_id'} or {'certificate', 'private_key'} (PEM text, files read), or None
        self.data = {}          # what a step keeps about the item while it runs (not returned)

    def field(self, key, sub=None):
        """The variable the setting `key` came from (for messages): the item's, the default's, or the item's own key."""
        name = self.sources.get(key) or self.namer.item(self.index, key)
        return '%s.%s' % (name, sub) if sub else name

    def get(self, key, default=None):
        value = self.settings.get(key)
        return default if value is None else value

    def __repr__(self):
        return 'Item(%d, %r)' % (self.index, self.name)


def merge_item(index, raw, defaults, namer, module_defaults=None):
    """An Item with every key set from the item, else `defaults`, else the module's defaults (None when none)."""
    item = Item(index, raw, namer)
    base = dict(ITEM_DEFAULTS)
    base.update(module_defaults or {})
    for key in ITEM_KEYS:
        value = item.raw.get(key)
        if not _unset(value):
            item.settings[key] = value
            item.sources[key] = namer.item(index, key)
            continue
        value = (defaults or {}).get(key) if key != 'name' else None
        if not _unset(value):
            item.settings[key] = value
            item.sources[key] = namer.default(key)
            continue
        item.settings[key] = copy.deepcopy(base.get(key))
        item.sources[key] = None
    return item


def _bool(value):
    return bool(value) and value not in ('false', 'no', 'off', '0')


def read_text_file(path, field):
    """The text of a file named by a setting; FlowError naming the setting and the file when it cannot be read."""
    path = os.path.expanduser(path)
    if not os.path.exists(path):
        raise FlowError(field, 'the file %s does not exist.' % path)
    if os.path.isdir(path):
        raise FlowError(field, '%s is a directory, not a PEM file.' % path)
    try:
        if os.path.getsize(path) > CERTIFICATE_FILE_MAX:
            raise FlowError(field, 'the file %s is larger than 1 MiB; it is not a PEM certificate or key.' % path)
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise FlowError(field, 'the file %s cannot be read (%s).' % (path, exc.strerror or exc))
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise FlowError(field, 'the file %s is not PEM text.' % path)


def validate_certificate(item):
    """item.certificate from the `certificate` setting: {'cert_id', 'force'} or {'certificate', 'private_key', 'force'}
    (files read); None when unset. FlowError names the sub-setting (and the file) that is wrong."""
    cert = item.settings.get('certificate')
    if _unset(cert):
        item.settings['certificate'] = None
        return None
    if not isinstance(cert, dict):
        raise FlowError(item.field('certificate'), 'must be a dict with cert_id, or certificate and private_key (as text or as '
                                                   'certificate_file and private_key_file).')
    unknown = sorted(key for key in cert if key not in CERTIFICATE_KEYS)
    if unknown:
        raise FlowError(item.field('certificate', unknown[0]), 'is not a certificate setting; use %s.' % ', '.join(CERTIFICATE_KEYS))
    given = dict((key, value) for key, value in cert.items() if not _unset(value) and key != 'force')
    force = _bool(cert.get('force'))
    if given.get('cert_id'):
        others = sorted(key for key in given if key != 'cert_id')
        if others:
            raise FlowError(item.field('certificate', others[0]), 'give either certificate.cert_id (a certificate in Certificate '
                                                                  'Management Service) or a PEM certificate with its key, not both.')
        return dict(cert_id=str(given['cert_id']).strip(), force=force)
    for text_key, file_key in (('certificate', 'certificate_file'), ('private_key', 'private_key_file')):
        if given.get(text_key) and given.get(file_key):
            raise FlowError(item.field('certificate', file_key), 'give either certificate.%s or certificate.%s, not both.'
                            % (text_key, file_key))
    pem = {}
    for text_key, file_key in (('certificate', 'certificate_file'), ('private_key', 'private_key_file')):
        if given.get(text_key):
            pem[text_key] = given[text_key]
            pem[text_key + '_field'] = item.field('certificate', text_key)
        elif given.get(file_key):
            pem[text_key] = read_text_file(given[file_key], item.field('certificate', file_key))
            pem[text_key + '_field'] = '%s (%s)' % (item.field('certificate', file_key), os.path.expanduser(given[file_key]))
    if not pem:
        return None
    if 'certificate' not in pem:
        raise FlowError(item.field('certificate', 'certificate_file'), 'the private key is given without its certificate: set '
                                                                       'certificate.certificate_file (or certificate.certificate).')
    if 'private_key' not in pem:
        raise FlowError(item.field('certificate', 'private_key_file'), 'the certificate is given without its private key: set '
                                                                       'certificate.private_key_file (or certificate.private_key).')
    pem['force'] = force
    return pem


def _domain_field_error(exc, field):
    """A DomainError re-raised naming the variable (its own message names the option it was given)."""
    text = str(exc)
    prefix = '%s: ' % exc.field
    if text.startswith(prefix):
        text = text[len(prefix):]
    return FlowError(field, text)


def validate_item(item, required=(), default_region=None, bind_name=True):
    """Check and normalise the settings of one item in place; raise FlowError naming the variable that is wrong.

    required: keys that must be set (bucket for the OSS steps); default_region: the module's alicloud_region, used when
    the item sets none. bind_name: the name must be one OSS can bind (no wildcard, no reserved suffix).
    """
    settings = item.settings
    name = item.raw.get('name')
    field = item.field('name')
    if _unset(name):
        raise FlowError(field, 'a domain name is required, for example www.example.com.')
    try:
        item.name = validate_bind_domain(name, field=field) if bind_name else normalize_domain(name, field=field)
    except DomainError as exc:
        raise _domain_field_error(exc, field)
    item.name_unicode = to_unicode(item.name)
    settings['name'] = item.name
    for key in required:
        if _unset(settings.get(key)):
            where = item.namer.default(key) if not item.namer.single else None
            raise FlowError(item.field(key), 'a %s is required%s.' % (key, ': set it on the item or in %s' % where if where else ''))
    if not _unset(settings.get('bucket')):
        try:
            settings['bucket'] = validate_bucket_name(settings['bucket'], field=item.field('bucket'))
        except DomainError as exc:
            raise _domain_field_error(exc, item.field('bucket'))
    region = settings.get('region')
    if _unset(region):
        region = default_region
        item.sources['region'] = 'alicloud_region'
    if not _unset(region):
        try:
            settings['region'] = normalize_region(region, field=item.field('region'))
        except DomainError as exc:
            raise _domain_field_error(exc, item.field('region'))
    else:
        settings['region'] = None
    for key, choices in (('state', STATES), ('dns', DNS_MODES), ('verify_ownership', VERIFY_OWNERSHIP)):
        value = settings.get(key)
        if value not in choices:
            raise FlowError(item.field(key), '%r is not one of %s.' % (value, ', '.join(choices)))
    target = settings.get('target')
    if target not in TARGETS:
        try:
            settings['target'] = normalize_domain(target, field=item.field('target'))
        except DomainError:
            raise FlowError(item.field('target'), '%r is neither public, accelerate nor a host name (such as '
                                                  'cdn.example.net).' % (target,))
    for key, low, high in (('ttl', TTL_MIN, TTL_MAX), ('wait_timeout', 0, WAIT_TIMEOUT_MAX)):
        value = settings.get(key)
        try:
            number = int(value)
            if isinstance(value, bool) or number != float(value):
                raise ValueError(value)
        except (TypeError, ValueError):
            raise FlowError(item.field(key), '%r is not a whole number of seconds.' % (value,))
        if not low <= number <= high:
            raise FlowError(item.field(key), '%s is out of range: use %d to %d seconds.' % (number, low, high))
        settings[key] = number
    line = settings.get('line')
    if not isinstance(line, str) or not _LINE.match(line):
        raise FlowError(item.field('line'), '%r is not an Alibaba Cloud DNS line code (such as default, telecom, unicom, '
                                            'mobile, oversea).' % (line,))
    for key in ('delete_certificate', 'replace_records', 'keep_ownership_record', 'wait'):
        settings[key] = _bool(settings.get(key))
    item.certificate = validate_certificate(item)
    if item.certificate and settings['delete_certificate'] and settings['state'] == 'present':
        raise FlowError(item.field('delete_certificate'), 'is true while %s gives a certificate: give a certificate to attach '
                                                          'or replace one, or delete_certificate to remove the bound one.'
                        % item.field('certificate'))
    return item


class Flow(object):
    """The items of one list-mode module run, validated, with the progress they carry.

    params: module.params. required: keys every item must have (bucket for the OSS steps). default_region: the
    module's alicloud_region. module_defaults: item defaults of this module that differ from ITEM_DEFAULTS.
    """

    def __init__(self, params, required=(), default_region=None, module_defaults=None, bind_name=True, check_mode=False):
        self.params = params
        self.namer = Namer(params.get('variable_prefix') or '', params.get('single'))
        self.check_mode = bool(check_mode)
        self.keep_going = bool(params.get('keep_going'))
        self.step = params.get('step')
        concurrency = params.get('concurrency')
        concurrency = DEFAULT_CONCURRENCY if concurrency is None else concurrency
        if not 1 <= concurrency <= CONCURRENCY_MAX:
            raise FlowError(self.namer.option('concurrency'), '%s is out of range: use 1 to %d threads.' % (concurrency, CONCURRENCY_MAX))
        self.concurrency = concurrency
        progress = params.get('progress') or {}
        if not isinstance(progress, dict):
            raise FlowError(self.namer.option('progress'), 'must be the progress result of the previous step (a dict).')
        # Deep copy: the result is a new progress; the input is left as the caller gave it.
        self.progress = copy.deepcopy(dict((key, value) for key, value in progress.items() if isinstance(value, dict)))
        self.items = []
        self.by_name = {}
        defaults = params.get('defaults') or {}
        seen = {}
        for index, raw in enumerate(params.get('domains') or []):
            item = merge_item(index, raw, defaults, self.namer, module_defaults)
            try:
                validate_item(item, required=required, default_region=default_region, bind_name=bind_name)
                if item.name in seen:
                    raise FlowError(item.field('name'), '%s is already item %d (%s); each domain may appear once in the list.'
                                    % (item.name, seen[item.name], self.namer.item(seen[item.name], 'name')))
                seen[item.name] = index
            except FlowError as exc:
                item.error = exc
                if item.name is None:
                    raw_name = item.raw.get('name')
                    item.name = raw_name.strip().lower().rstrip('.') if isinstance(raw_name, str) and raw_name.strip() else '#%d' % index
                    item.name_unicode = to_unicode(item.name)
                if item.name in seen and seen[item.name] != index:
                    item.name = '%s#%d' % (item.name, index)  # a duplicate keeps its own progress entry
            self.items.append(item)
            if item.name not in self.by_name:
                self.by_name[item.name] = item

    # -- items ---------------------------------------------------------------------------------------------------------

    @property
    def valid_items(self):
        return [item for item in self.items if item.error is None]

    @property
    def invalid_items(self):
        return [item for item in self.items if item.error is not None]

    def settings_of(self, entry):
        """The settings of the item of a progress entry (for the steps that work from progress); {} when not listed."""
        item = self.by_name.get((entry or {}).get('name'))
        return dict(item.settings) if item is not None and item.error is None else {}

    def item_of(self, entry):
        return self.by_name.get((entry or {}).get('name'))

    def entry(self, item, reset=False, **fields):
        """The progress entry of an item (created when missing, or fresh with reset); fields update it."""
        entry = self.progress.get(item.name)
        if entry is None or reset:
            entry = self.progress[item.name] = new_entry(item)
        entry.update(fields)
        item.entry = entry
        return entry

    def extra_entry(self, name, **fields):
        """The entry of a domain that is not in the list (exclusive mode: a binding to unbind), after the listed ones."""
        entry = self.progress.get(name)
        if entry is None:
            index = max([len(self.items) - 1] + [e.get('index', -1) for e in self.progress.values() if isinstance(e.get('index'), int)]) + 1
            entry = self.progress[name] = new_entry(None, name=name, index=index)
        entry.update(fields)
        return entry

    def mark_invalid(self):
        """Record every invalid item in progress (phase invalid, its message); returns them."""
        for item in self.invalid_items:
            entry = self.entry(item, reset=True)
            entry.update(phase='invalid', failed=True, msg=item.error.message, error_code=item.error.code)
            record_step(entry, self.step or 'validate', False, item.error.message)
        return self.invalid_items

    def concerned(self, step):
        """The listed, valid items whose progress says `step` is next (in input order); their entry set."""
        items = []
        for item in self.valid_items:
            entry = self.progress.get(item.name)
            if entry is not None and next_step(entry, item.settings) == step:
                item.entry = entry
                items.append(item)
        return items

    # -- running -------------------------------------------------------------------------------------------------------

    def run(self, items, func, on_result=None):
        """func(item) for every item in a thread pool of `concurrency`; [ItemResult] in input order."""
        return run_items(items, func, max_workers=self.concurrency, on_result=on_result,
                         describe=lambda item, index: 'domain %s' % item.name if isinstance(item, Item) else 'item %d' % (index + 1))

    def result(self, results=None, diff=None, changed=None, **extra):
        """The list-mode result keys."""
        if changed is None:
            changed = any(entry.get('changed_now') for entry in self.progress.values())
        for entry in self.progress.values():
            entry.pop('changed_now', None)
        result = dict(changed=bool(changed), progress=self.progress, pending=pending_counts(self.progress, self.settings_of),
                      failed_domains=failed_domains(self.progress), diff=diff or dict(before={}, after={}),
                      results=results or [])
        result.update(extra)
        return result

    def finish(self, module, results=None, diff=None, changed=None, secrets=None, **extra):
        """exit_json with the list-mode result; fail_json naming the failed domains (and why) unless keep_going."""
        result = self.result(results, diff, changed, **extra)
        failed = result['failed_domains']
        if failed and not self.keep_going:
            module.fail_json(msg=redact(failure_message(self.progress, failed), secrets), **result)
            return
        module.exit_json(**result)


# ---------------------------------------------------------------------------------------------------------------------
# Progress entries

def new_entry(item, name=None, index=None):
    """A fresh progress entry (no secret: no private key, no credential; the token is public in DNS anyway)."""
    settings = item.settings if item is not None else {}
    name = item.name if item is not None else name
    return dict(
        index=item.index if item is not None else index, name=name, name_unicode=to_unicode(name),
        bucket=settings.get('bucket'), region=settings.get('region'), state=settings.get('state', 'present'),
        dns=settings.get('dns') if settings.get('dns') in ('alidns', 'external') else None,
        zone=None, zone_unicode=None, target=None, phase=None, failed=False, msg=None, error_code=None, changed=False,
        steps=[], binding=None, ownership_record=None, records=[], records_to_add=[], records_to_remove=[], conflicts=[],
        replaced=[], notes=[], waits=[],
    )


def record_step(entry, step, changed, msg, elapsed=None):
    """Append {step, changed, msg} to the entry's steps; `changed` of the entry is any step's."""
    record = dict(step=step, changed=bool(changed), msg=msg)
    if elapsed is not None:
        record['elapsed'] = round(elapsed, 3)
    entry.setdefault('steps', []).append(record)
    entry['msg'] = msg
    if changed:
        entry['changed'] = True
        entry['changed_now'] = True  # popped by Flow.result(): `changed` of this module run
    return record


def set_phase(entry, phase):
    if phase not in PHASES:
        raise ValueError('unknown phase %r' % (phase,))
    entry['phase'] = phase
    if phase not in FAILED_PHASES:
        entry['failed'] = False
        entry['error_code'] = None
    return entry


def note(entry, text):
    notes = entry.setdefault('notes', [])
    if text not in notes:
        notes.append(text)


def error_fields(error, secrets=None):
    """(message, code, extra result keys) of an exception raised for an item."""
    if isinstance(error, ItemError):
        return redact(error.message, secrets), error.code, {}
    code = getattr(error, 'code', None) or ('InvalidParameter' if isinstance(error, ValueError) else 'Error')
    message = getattr(error, 'message', None) or str(error)
    extra = {}
    if hasattr(error, 'to_result'):
        extra = dict((key, value) for key, value in error.to_result().items() if key != 'error_code' and value is not None)
    return redact(message, secrets), code, extra


def fail(entry, error, step=None, secrets=None, msg=None, code=None, phase='failed', elapsed=None):
    """Mark the entry failed with an exception (or msg and code); record the step when given."""
    message, error_code, extra = error_fields(error, secrets) if error is not None else (msg, code or 'Error', {})
    if msg is not None and error is not None:
        message = redact(msg, secrets)
    entry.update(failed=True, phase=phase, msg=message, error_code=code or error_code)
    for key in ('request_id', 'http_status', 'missing_permission'):
        if key in extra:
            entry[key] = extra[key]
    if step:
        record_step(entry, step, False, message, elapsed)
        entry['msg'] = message
    return entry


def last_step(entry, among=None):
    for record in reversed(entry.get('steps') or []):
        if among is None or record.get('step') in among:
            return record.get('step')
    return None


def next_step(entry, settings=None):
    """The step the entry waits for (a key of `pending`), or None when there is nothing left to do for it."""
    settings = settings or {}
    phase = entry.get('phase')
    if entry.get('failed') or phase in FAILED_PHASES or phase is None:
        return None
    dns_wait = dns_wait_step(entry)
    if dns_wait is not False:
        return dns_wait
    if phase == 'needs_ownership':
        return 'ownership'
    if phase == 'ownership_pending':
        last = last_step(entry, ('ownership', 'publish_ownership', 'wait_ownership', 'rebind'))
        return {'ownership': 'publish_ownership', 'publish_ownership': 'wait_ownership', 'wait_ownership': 'rebind',
                'rebind': 'rebind'}.get(last, 'publish_ownership')
    if phase in ('bound', 'unbound'):
        return 'records'
    if phase in ('records_published', 'waiting'):
        return 'wait'
    if phase == 'resolved':
        if settings.get('keep_ownership_record') or entry.get('state') == 'absent':
            return None
        if entry.get('ownership_record') and last_step(entry, ('cleanup',)) is None:
            return 'cleanup'
    return None


# H-B (wait_for_dns): two waits that the phase alone does not tell apart.
# - `waiting` after the ownership wait (the TXT record is not served yet: external DNS, or wait false) is not a wait
#   for the domain's records: nothing is left to do in this run (a later run binds again from the start).
# - `removed` with an unfinished wait (alidns_record removed the domain's CNAME; wait true): the records wait step
#   waits until the CNAME is gone from every nameserver.
REMOVAL_WAIT = 'the removal of the CNAME record'


def dns_wait_step(entry):
    """The step for those two cases (None or 'wait'); False when the phase alone decides."""
    waits = [wait for wait in entry.get('waits') or [] if isinstance(wait, dict)]
    phase = entry.get('phase')
    if phase == 'waiting' and waits and waits[-1].get('step') == 'ownership':
        return None
    if phase == 'removed':
        open_removal = any(wait.get('what') == REMOVAL_WAIT and not wait.get('done') and not wait.get('final') for wait in waits)
        return 'wait' if open_removal else None
    return False


def pending_counts(progress, settings_of=None):
    """{step: how many entries wait for it} for every key of PENDING_KEYS."""
    counts = dict((key, 0) for key in PENDING_KEYS)
    for entry in progress.values():
        if not isinstance(entry, dict):
            continue
        step = next_step(entry, settings_of(entry) if settings_of else None)
        if step in counts:
            counts[step] += 1
    return counts


def ordered(progress):
    """The entries in input order (index), the unlisted ones after."""
    return sorted((entry for entry in progress.values() if isinstance(entry, dict)),
                  key=lambda entry: (entry.get('index') if isinstance(entry.get('index'), int) else 1 << 30, entry.get('name') or ''))


def failed_domains(progress):
    return [entry['name'] for entry in ordered(progress) if entry.get('failed') or entry.get('phase') in FAILED_PHASES]


def failure_message(progress, names=None):
    """'N of M domains failed: a (why); b (why); ...' naming each failed domain with its reason."""
    names = failed_domains(progress) if names is None else names
    total = len([entry for entry in progress.values() if isinstance(entry, dict)])
    parts = []
    for name in names[:MESSAGE_MAX_DOMAINS]:
        entry = progress.get(name) or {}
        parts.append('%s (%s)' % (entry.get('name_unicode') or name, entry.get('msg') or entry.get('error_code') or 'failed'))
    more = len(names) - MESSAGE_MAX_DOMAINS
    text = '%d of %d domains failed: %s' % (len(names), total, '; '.join(parts))
    if more > 0:
        text += '; and %d more (see failed_domains and progress)' % more
    return text


def diff_add(diff, name, before, after):
    """Record one domain's before/after in a diff {'before': {name: ...}, 'after': {name: ...}}."""
    diff.setdefault('before', {})[name] = before
    diff.setdefault('after', {})[name] = after
    return diff
