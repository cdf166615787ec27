# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Data of the reliability suite: the bad-input catalogue and the secrecy scan (used by soak.py)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import datetime
import json
import os
import secrets as _random
import sys
import urllib.parse

ROLE_FIELDS = (
    'custom_domain_name', 'custom_domain_bucket', 'custom_domain_region', 'custom_domain_state', 'custom_domain_dns',
    'custom_domain_target', 'custom_domain_ttl', 'custom_domain_line', 'custom_domain_verify_ownership',
    'custom_domain_keep_ownership_record', 'custom_domain_replace_records', 'custom_domain_certificate',
    'custom_domain_delete_certificate', 'custom_domain_wait', 'custom_domain_wait_timeout',
    'custom_domain_resolvers', 'custom_domain_dns_port', 'custom_domain_bind_retries', 'custom_domain_bind_delay',
    'custom_domain_records_file', 'custom_domain_summary',
)
FQCN = 'alicloud_oss.domains.'


# ---------------------------------------------------------------------------------------------------------- certificates
def make_certificate(names, days=90):
    """A self-signed certificate and its private key (PEM text), made with cryptography."""
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode('ascii')
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode('ascii')
    return pem, key_pem


# ---------------------------------------------------------------------------------------------------------- bad inputs
def bad_inputs(emu, work):
    """The catalogue: each case is one module call or one role run that must fail, naming `field`, before any write."""
    pem, key = make_certificate(['bad.example.com'])
    _other_pem, other_key = make_certificate(['bad.example.com'])
    target = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    cert_file = os.path.join(work, 'bad-input.crt')
    with open(cert_file, 'w', encoding='utf-8') as handle:
        handle.write(pem)
    port = emu.dns_port
    role_base = {'custom_domain_resolvers': ['127.0.0.1:%d' % port], 'custom_domain_dns_port': port,
                 'custom_domain_wait_timeout': 30}

    def module(case_id, name, why, field, **args):
        return {'id': case_id, 'target': name, 'module': FQCN + name, 'why': why, 'field': field, 'args': args}

    def role(case_id, why, field, **variables):
        merged = dict(role_base, custom_domain_name='bad.example.com', custom_domain_bucket='demo-assets',
                      custom_domain_region='cn-hangzhou')
        merged.update(variables)
        for key_name in [k for k, v in merged.items() if v is None]:
            del merged[key_name]
        return {'id': case_id, 'target': 'role', 'why': why, 'field': field, 'vars': merged}

    wait_record = {'name': 'bad.example.com', 'type': 'CNAME', 'value': target}
    return [
        module('O01', 'oss_bucket_cname', 'bucket name with upper case and _', 'bucket', bucket='Bad_Bucket', domain='bad.example.com'),
        module('O02', 'oss_bucket_cname', 'wildcard domain', 'domain', bucket='demo-assets', domain='*.example.com'),
        module('O03', 'oss_bucket_cname', 'domain with a space', 'domain', bucket='demo-assets', domain='exa mple.com'),
        module('O04', 'oss_bucket_cname', 'IP address as domain', 'domain', bucket='demo-assets', domain='192.0.2.1'),
        module('O05', 'oss_bucket_cname', 'label of 64 characters', 'domain', bucket='demo-assets', domain='a' * 64 + '.example.com'),
        module('O06', 'oss_bucket_cname', 'unknown state', 'state', bucket='demo-assets', domain='bad.example.com', state='maybe'),
        module('O07', 'oss_bucket_cname', 'unknown target', 'target', bucket='demo-assets', domain='bad.example.com', target='sideways'),
        module('O08', 'oss_bucket_cname', 'certificate without its private key', 'private_key', bucket='demo-assets',
               domain='bad.example.com', certificate={'certificate': pem}),
        module('O09', 'oss_bucket_cname', 'certificate that is not PEM', 'certificate', bucket='demo-assets',
               domain='bad.example.com', certificate={'certificate': 'not a certificate', 'private_key': key}),
        module('O10', 'oss_bucket_cname', 'cert_id together with a PEM certificate', ['cert_id', 'certificate'],
               bucket='demo-assets', domain='bad.example.com', certificate={'cert_id': '10000001-cn-hangzhou', 'certificate': pem}),
        module('O11', 'oss_bucket_cname', 'private key of another certificate', ['private_key', 'private key'],
               bucket='demo-assets', domain='bad.example.com', certificate={'certificate': pem, 'private_key': other_key}),
        module('O12', 'oss_bucket_cname', 'bucket missing', 'bucket', domain='bad.example.com'),
        module('O13', 'oss_bucket_cname', 'api_retries not a number', 'api_retries', bucket='demo-assets',
               domain='bad.example.com', api_retries='many'),
        module('O14', 'oss_bucket_cname', 'negative api_timeout', 'api_timeout', bucket='demo-assets', domain='bad.example.com',
               api_timeout=-1),
        module('O15', 'oss_bucket_cname', 'oss_endpoint with an ftp:// scheme', 'oss_endpoint', bucket='demo-assets',
               domain='bad.example.com', oss_endpoint='ftp://127.0.0.1:1'),
        module('W01', 'oss_domain_ownership', 'domain with an empty label', 'domain', bucket='demo-assets', domain='bad..example.com'),
        module('W02', 'oss_domain_ownership', 'bucket name too short', 'bucket', bucket='ab', domain='bad.example.com'),
        module('I01', 'oss_bucket_cname_info', 'one bad bucket name in the list', 'bucket', bucket=['demo-assets', 'BAD!']),
        module('I02', 'oss_bucket_cname_info', 'domain filter with a space', 'domain', bucket='demo-assets', domain='bad domain.com'),
        module('A01', 'alidns_record', 'record and rr together', ['record', 'rr'], record='bad.example.com', rr='bad',
               type='CNAME', value=[target]),
        module('A02', 'alidns_record', 'unknown type', 'type', record='bad.example.com', type='BOGUS', value=['x']),
        module('A03', 'alidns_record', 'ttl not a number', 'ttl', record='bad.example.com', type='CNAME', value=[target], ttl='soon'),
        module('A04', 'alidns_record', 'A value not an address', 'value', record='bad.example.com', type='A', value=['not-an-ip']),
        module('A05', 'alidns_record', 'AAAA value an IPv4 address', 'value', record='bad.example.com', type='AAAA', value=['192.0.2.1']),
        module('A06', 'alidns_record', 'unknown on_existing', 'on_existing', record='bad.example.com', type='CNAME', value=[target],
               on_existing='sometimes'),
        module('A07', 'alidns_record', 'two values for a CNAME', 'value', record='bad.example.com', type='CNAME',
               value=['a.example.net', 'b.example.net']),
        module('A08', 'alidns_record', 'MX priority out of range', 'priority', record='bad.example.com', type='MX',
               value=['mail.example.com'], priority=70000),
        module('A09', 'alidns_record', 'zone without rr', ['rr', 'record'], zone='example.com', type='CNAME', value=[target]),
        module('A10', 'alidns_record', 'present without a value', 'value', record='bad.example.com', type='CNAME'),
        module('A11', 'alidns_record', 'alidns_endpoint with a path', 'alidns_endpoint', record='bad.example.com', type='CNAME',
               value=[target], alidns_endpoint='http://127.0.0.1:1/some/path'),
        module('A12', 'alidns_record', 'record name with a space', 'record', record='bad name.example.com', type='CNAME', value=[target]),
        module('R01', 'alidns_record_info', 'record with an empty label', 'record', record='bad..example.com'),
        module('R02', 'alidns_record_info', 'unknown type', 'type', record='bad.example.com', type='XYZ'),
        module('D01', 'wait_for_dns', 'records missing', 'records', timeout=5),
        module('D02', 'wait_for_dns', 'record without a type', 'type', records=[{'name': 'bad.example.com', 'value': target}]),
        module('D03', 'wait_for_dns', 'unknown record type', 'type', records=[dict(wait_record, type='BOGUS')]),
        module('D04', 'wait_for_dns', 'negative timeout', 'timeout', records=[wait_record], timeout=-5),
        module('D05', 'wait_for_dns', 'port out of range', 'port', records=[wait_record], port=70000),
        module('D06', 'wait_for_dns', 'resolver that is not an address', 'resolvers', records=[wait_record], resolvers=['not an address']),
        module('D07', 'wait_for_dns', 'value and values together', ['value', 'values'], records=[dict(wait_record, values=[target])]),
        module('D08', 'wait_for_dns', 'name with a space', 'name', records=[dict(wait_record, name='bad name.example.com')]),
        role('X01', 'custom_domain_name missing', 'custom_domain_name', custom_domain_name=None),
        role('X02', 'wildcard custom_domain_name', 'custom_domain_name', custom_domain_name='*.example.com'),
        role('X03', 'custom_domain_name with a space', ['custom_domain_name', 'domain'], custom_domain_name='exa mple.com'),
        role('X04', 'bad bucket name', ['custom_domain_bucket', 'bucket'], custom_domain_bucket='Bad_Bucket'),
        role('X05', 'unknown custom_domain_state', 'custom_domain_state', custom_domain_state='gone'),
        role('X06', 'unknown custom_domain_dns', 'custom_domain_dns', custom_domain_dns='route53'),
        role('X07', 'custom_domain_ttl not a number', 'custom_domain_ttl', custom_domain_ttl='soon'),
        role('X08', 'custom_domain_ttl of 0', 'custom_domain_ttl', custom_domain_ttl=0),
        role('X09', 'unknown custom_domain_verify_ownership', 'custom_domain_verify_ownership', custom_domain_verify_ownership='always'),
        role('X10', 'certificate files that do not exist', ['certificate_file', 'custom_domain_certificate'],
             custom_domain_certificate={'certificate_file': os.path.join(work, 'missing.crt'),
                                        'private_key_file': os.path.join(work, 'missing.key')}),
        role('X11', 'cert_id together with a certificate', ['custom_domain_certificate', 'cert_id'],
             custom_domain_certificate={'cert_id': '10000001-cn-hangzhou', 'certificate_file': cert_file}),
        role('X12', 'private key of another certificate', ['private_key', 'private key', 'custom_domain_certificate'],
             custom_domain_certificate={'certificate': pem, 'private_key': other_key}),
        role('X13', 'bucket that does not exist', ['custom_domain_bucket', 'no-such-bucket-soak'],
             custom_domain_bucket='no-such-bucket-soak'),
        role('X14', 'a private key without its certificate', ['custom_domain_certificate', 'certificate'],
             custom_domain_certificate={'private_key': key}),
        role('X15', 'custom_domain_dns alidns for a zone not in the account', ['custom_domain_dns', 'zone'],
             custom_domain_name='bad.example.org', custom_domain_dns='alidns'),
        role('X16', 'custom_domain_target that is not a host name', 'custom_domain_target', custom_domain_target='not a host!'),
        role('X17', 'negative custom_domain_wait_timeout', 'custom_domain_wait_timeout', custom_domain_wait_timeout=-1),
        role('X18', 'custom_domain_dns_port not a number', 'custom_domain_dns_port', custom_domain_dns_port='fifty'),
        role('X19', 'unknown custom_domain_target kind in a dict', 'custom_domain_target', custom_domain_target={'host': 'x'}),
    ]


def list_bad_inputs(emu, work):
    """List mode: the role with custom_domain_domains, and oss_bucket_cname with `domains`. Every item of a case is bad
    (no write may happen). `field`: alternatives the message must name (a tuple: all of its parts); `index_field`: the
    exact name with the item's index, which the contract asks for (custom_domain_domains[i].<key>)."""
    pem, key = make_certificate(['lbad.example.com'])
    _other_pem, other_key = make_certificate(['lbad.example.com'])
    port = emu.dns_port
    base = {'custom_domain_resolvers': ['127.0.0.1:%d' % port], 'custom_domain_dns_port': port, 'custom_domain_wait_timeout': 30}
    item = {'name': 'lbad.example.com', 'bucket': 'demo-assets', 'region': 'cn-hangzhou'}

    def role(case_id, why, key_name, index=0, items=None, field=None, variables=None, check=False, **changes):
        entries = items if items is not None else [dict(item, **changes)]
        for entry in entries:
            for name in [k for k, v in entry.items() if v is None] if isinstance(entry, dict) else []:
                del entry[name]
        exact = 'custom_domain_domains[%d].%s' % (index, key_name) if key_name else None
        fields = field or ([exact, ('custom_domain_domains', key_name)] if key_name else ['custom_domain_domains'])
        merged = dict(base, custom_domain_domains=entries)
        merged.update(variables or {})
        return {'id': case_id, 'target': 'role', 'why': why, 'field': fields, 'vars': merged, 'index_field': exact, 'check': check}

    def module(case_id, why, field, **args):
        return {'id': case_id, 'target': 'oss_bucket_cname', 'module': FQCN + 'oss_bucket_cname', 'why': why, 'field': field,
                'args': args, 'index_field': field[0] if isinstance(field[0], str) else None}

    missing = os.path.join(work, 'missing-list.crt')
    return [
        role('L01', 'an item without a name', 'name', name=None),
        role('L02', 'a wildcard name', 'name', name='*.example.com'),
        role('L03', 'a name with a space', 'name', name='exa mple.com'),
        role('L04', 'a bad bucket name', 'bucket', bucket='Bad_Bucket'),
        role('L05', 'an unknown state', 'state', state='gone'),
        role('L06', 'an unknown dns', 'dns', dns='route53'),
        role('L07', 'a ttl that is not a number', 'ttl', ttl='soon'),
        role('L08', 'a ttl of 0', 'ttl', ttl=0),
        role('L09', 'an unknown verify_ownership', 'verify_ownership', verify_ownership='always'),
        role('L10', 'certificate files that do not exist', 'certificate',
             certificate={'certificate_file': missing, 'private_key_file': missing + '.key'}),
        role('L11', 'cert_id together with a certificate', 'certificate',
             certificate={'cert_id': '10000001-cn-hangzhou', 'certificate': pem, 'private_key': key}),
        role('L12', 'a private key of another certificate', 'certificate', certificate={'certificate': pem, 'private_key': other_key}),
        role('L13', 'a bucket that does not exist', 'bucket', bucket='no-such-bucket-list'),
        role('L14', 'a private key without its certificate', 'certificate', certificate={'private_key': key}),
        role('L15', 'dns alidns for a zone not in the account', 'dns', name='lbad.example.org', dns='alidns'),
        role('L16', 'a target that is not a host name', 'target', target='not a host!'),
        role('L17', 'an unknown key in an item', 'bukcet', bukcet='demo-assets'),
        # In check mode: which of two items with one name is refused is the module's choice; check mode writes nothing.
        role('L18', 'the same name twice (check mode)', 'name', index=1, items=[dict(item), dict(item, bucket='demo-media')],
             check=True),
        role('L19', 'the same name twice, once in Unicode and once in punycode (check mode)', 'name', index=1,
             items=[dict(item, name='fa\u00df.example.com'), dict(item, name='xn--fa-hia.example.com', bucket='demo-media')],
             check=True),
        role('L20', 'the bucket in another region than the item says', 'region', region='cn-shanghai'),
        role('L21', 'a ttl below the minimum of the zone edition (example.net: free edition, 600)', 'ttl',
             name='lbad.example.net', ttl=60),
        role('L22', 'a role-level default that is wrong (custom_domain_ttl)', None, field=['custom_domain_ttl'],
             variables={'custom_domain_ttl': 'soon'}),
        role('L23', 'an item that is not a mapping', None, items=['lbad.example.com'], field=['custom_domain_domains']),
        role('L24', 'an A record in the way of the CNAME, replace_records false', 'replace_records', name='www.example.com',
             field=['custom_domain_domains[0].replace_records', 'custom_domain_replace_records']),
        role('L25', 'the second item bad, the first bad too (both named)', 'bucket', index=1,
             items=[dict(item, name='lbad1.example.com', bucket='Bad_Bucket'), dict(item, name='lbad2.example.com', bucket='B@d')],
             field=[('custom_domain_domains[0].bucket', 'custom_domain_domains[1].bucket')]),
        module('M01', 'domains: a wildcard name', ['domains[0].name', ('domains', 'name')],
               domains=[{'name': '*.example.com', 'bucket': 'demo-assets'}]),
        module('M02', 'defaults: a bad bucket name', ['defaults.bucket'], domains=[{'name': 'lbad.example.com'}],
               defaults={'bucket': 'Bad_Bucket'}),
        module('M03', 'domains together with domain', [('domains', 'domain')],
               domains=[{'name': 'lbad.example.com', 'bucket': 'demo-assets'}], domain='lbad.example.com', bucket='demo-assets'),
        module('M04', 'domains: a ttl that is not a number', ['domains[0].ttl', ('domains', 'ttl')],
               domains=[{'name': 'lbad.example.com', 'bucket': 'demo-assets', 'ttl': 'soon'}]),
        module('M05', 'domains: the third item without a bucket', ['domains[2].bucket'],
               domains=[{'name': 'lbad%d.example.com' % i, 'bucket': 'B@d'} for i in (1, 2)] + [{'name': 'lbad3.example.com'}]),
    ]


def many_bad_items(work):
    """One list whose every item is bad in its own way (found by the bind step's checks and reads, before any write):
    the items, and for each (index, name, what the message about it must name)."""
    pem, _key = make_certificate(['many8.example.com'])
    _other_pem, other_key = make_certificate(['many8.example.com'])
    base = {'bucket': 'demo-assets', 'region': 'cn-hangzhou'}
    cases = [
        ('a bad bucket name', dict(base, name='many1.example.com', bucket='Bad_Bucket'), 'bucket'),
        ('a bucket that does not exist', dict(base, name='many2.example.com', bucket='no-such-bucket-many'), 'bucket'),
        ('the bucket in another region', dict(base, name='many3.example.com', region='cn-shanghai'), 'region'),
        ('a ttl below the zone edition\'s minimum', dict(base, name='many4.example.net', ttl=60), 'ttl'),
        ('an A record in the way', dict(base, name='www.example.com', replace_records=False), 'replace_records'),
        ('a target that is not a host name', dict(base, name='many6.example.com', target='not a host!'), 'target'),
        ('dns alidns, zone not in the account', dict(base, name='many7.example.org', dns='alidns'), 'dns'),
        ('a key of another certificate', dict(base, name='many8.example.com', certificate={'certificate': pem, 'private_key': other_key}),
         'certificate'),
        ('a wildcard name', dict(base, name='*.example.com'), 'name'),
    ]
    items = [item for _why, item, _key in cases]
    expected = [{'index': i, 'name': item['name'], 'why': why, 'field': 'custom_domain_domains[%d].%s' % (i, key)}
                for i, (why, item, key) in enumerate(cases)]
    return items, expected


def mixed_list(emu):
    """One list of good items and one bad item (index 1): the plan of the good ones, the items, and what must be named."""
    plan = []
    for index in (1, 2, 3):
        rr = 'mix%d' % index
        plan.append({'domain': '%s.example.com' % rr, 'rr': rr, 'zone': 'example.com', 'bucket': 'demo-assets',
                     'region': 'cn-hangzhou', 'target': 'demo-assets.oss-cn-hangzhou.aliyuncs.com'})
    items = [{'name': e['domain'], 'bucket': e['bucket'], 'region': e['region']} for e in plan]
    bad = {'name': 'mixbad.example.com', 'bucket': 'Bad_Bucket', 'region': 'cn-hangzhou'}
    items.insert(1, bad)
    return {'plan': plan, 'items': items, 'bad_index': 1, 'bad_name': bad['name'], 'field': 'custom_domain_domains[1].bucket'}


def bad_inputs_playbook(work, cases, out, python, name='bad-inputs'):
    """Each case is a host (connection local) that includes its own task file: a block whose rescue keeps the failure
    message. Hosts run in parallel; a last play on localhost writes every host's result to `out`.
    Returns (playbook, inventory)."""
    directory = os.path.join(work, name)
    os.makedirs(directory, exist_ok=True)
    for case in cases:
        if case['target'] == 'role':
            action = {'name': 'Role with %s' % case['why'], 'ansible.builtin.include_role': {'name': 'alicloud_oss.domains.custom_domain'},
                      'vars': case['vars']}
        else:
            action = {'name': '%s with %s' % (case['target'], case['why']), case['module']: case['args']}
        tasks = [{
            'name': 'Case %s' % case['id'],
            'block': [action, {'name': 'Case %s did not fail' % case['id'], 'ansible.builtin.set_fact': {'bad_result': {'failed': False}}}],
            'rescue': [{'name': 'Case %s failed as it should' % case['id'], 'ansible.builtin.set_fact': {
                'bad_result': {'failed': True, 'msg': "{{ ansible_failed_result.msg | default('') | string }}"}}}],
        }]
        if case.get('check'):
            tasks[0]['check_mode'] = True   # on the block: include_role takes no check_mode
        with open(os.path.join(directory, '%s.json' % case['id']), 'w', encoding='utf-8') as handle:
            json.dump(tasks, handle, indent=1)
    plays = [
        {'name': 'Bad inputs, one case per host', 'hosts': 'cases', 'gather_facts': False,
         'tasks': [{'name': 'Run the case', 'ansible.builtin.include_tasks': os.path.join(directory, '{{ inventory_hostname }}.json')}]},
        {'name': 'Collect the results', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
            {'name': 'Write the results', 'ansible.builtin.copy': {
                'content': "{{ dict(groups['cases'] | zip(groups['cases'] | map('extract', hostvars, 'bad_result') | map('default', {}))) "
                           "| to_nice_json }}", 'dest': out, 'mode': '0600'}}]},
    ]
    playbook = os.path.join(work, '%s-playbook.json' % name)
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump(plays, handle, indent=1)
    inventory = os.path.join(work, '%s-inventory.json' % name)
    with open(inventory, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': python},
                           'children': {'cases': {'hosts': dict((c['id'], {}) for c in cases)}},
                           'hosts': {'localhost': {}}}}, handle)
    return playbook, inventory


# ---------------------------------------------------------------------------------------------------------- secrecy
def secrecy_setup(emu, work):
    """Distinctive secrets the emulator accepts: a new key pair of account main, an STS credential, a private key."""
    stamp = _random.token_hex(6)
    found = {
        'access_key': 'LTAI5tSoakScan' + stamp[:10],
        'secret_key': 'SoakSecretKey-%s-Qz7' % _random.token_hex(10),
    }
    emu.seed({'accounts': {'main': {'access_key': found['access_key'], 'secret_key': found['secret_key']}}})
    sts = emu.sts('main')
    found.update(sts_access_key=sts['AccessKeyId'], sts_secret=sts['AccessKeySecret'], sts_token=sts['SecurityToken'])
    pem, key = make_certificate(['sec%d.example.com' % i for i in range(1, 8)])
    # Another certificate (not a secret): with the private key above, a pair that does not match.
    other_pem, _other_key = make_certificate(['sec7.example.com'])
    found.update(certificate=pem, private_key=key, other_certificate=other_pem)
    files = {'certificate': os.path.join(work, 'secrecy.crt'), 'private_key': os.path.join(work, 'secrecy.key')}
    with open(files['certificate'], 'w', encoding='utf-8') as handle:
        handle.write(pem)
    with open(files['private_key'], 'w', encoding='utf-8') as handle:
        handle.write(key)
    os.chmod(files['private_key'], 0o600)
    return found, files


def needles(found):
    """(label, bytes) pairs to search for: each secret as is, base64- and URL-encoded, and every line of the key."""
    result = []
    for label in ('secret_key', 'sts_secret', 'sts_token'):
        value = found[label]
        result.append((label, value.encode('ascii')))
        result.append((label + ' (base64)', base64.b64encode(value.encode('ascii'))[:-4]))
        quoted = urllib.parse.quote(value, safe='')
        if quoted != value:
            result.append((label + ' (url-encoded)', quoted.encode('ascii')))
    lines = [line for line in found['private_key'].splitlines() if line and not line.startswith('-----')]
    for index, line in enumerate(lines):
        result.append(('private key line %d' % (index + 1), line.encode('ascii')))
    encoded = base64.b64encode(found['private_key'].encode('ascii'))
    result.append(('private key file (base64)', encoded[120:200]))
    result.append(('private key (JSON-escaped)', json.dumps(found['private_key'])[40:120].encode('ascii')))
    return result


def secrecy_playbook(work, emu, found, files):
    """The role for three domains (certificate from files, certificate as text, ownership proof) with the new key pair
    in module_defaults, then each module with the STS credential, including calls that fail."""
    varsfile = os.path.join(work, 'secrecy-vars.json')
    with open(varsfile, 'w', encoding='utf-8') as handle:
        json.dump({'sec_access_key': found['access_key'], 'sec_secret_key': found['secret_key'],
                   'sts_access_key': found['sts_access_key'], 'sts_secret': found['sts_secret'], 'sts_token': found['sts_token'],
                   'sec_private_key': found['private_key'], 'sec_certificate': found['certificate']}, handle)
    os.chmod(varsfile, 0o600)
    endpoints = {'oss_endpoint': emu.env['ALICLOUD_OSS_ENDPOINT'], 'alidns_endpoint': emu.env['ALICLOUD_ALIDNS_ENDPOINT'],
                 'alicloud_region': 'cn-hangzhou'}
    keys = dict(endpoints, alicloud_access_key='{{ sec_access_key }}', alicloud_secret_key='{{ sec_secret_key }}')
    sts = dict(endpoints, alicloud_access_key='{{ sts_access_key }}', alicloud_secret_key='{{ sts_secret }}',
               alicloud_security_token='{{ sts_token }}')
    port = emu.dns_port
    inventory = os.path.join(work, 'secrecy-inventory.json')
    hosts = {
        'sec1.example.com': {'custom_domain_bucket': 'demo-assets', 'custom_domain_certificate': {
            'certificate_file': files['certificate'], 'private_key_file': files['private_key']}},
        'sec2.example.com': {'custom_domain_bucket': 'demo-media', 'custom_domain_certificate': {
            'certificate': '{{ sec_certificate }}', 'private_key': '{{ sec_private_key }}'}},
        'old.example.com': {'custom_domain_bucket': 'demo-media', 'custom_domain_replace_records': True},
    }
    for name, host in hosts.items():
        host.update(custom_domain_name=name, custom_domain_region='cn-hangzhou')
    with open(inventory, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable},
                           'children': {'secfleet': {'hosts': hosts}, 'local': {'hosts': {'mod-a': {}, 'mod-b': {}, 'mod-c': {}}}}}}, handle)
    target = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    group = 'group/alicloud_oss.domains.alicloud'
    module_tasks = [
        {'name': 'List bindings with the STS credential', FQCN + 'oss_bucket_cname_info': {'bucket': ['demo-assets', 'demo-media']}},
        {'name': 'Bind with a PEM certificate and key', FQCN + 'oss_bucket_cname': {
            'bucket': 'demo-assets', 'domain': 'sec3.example.com',
            'certificate': {'certificate': '{{ sec_certificate }}', 'private_key': '{{ sec_private_key }}'}}},
        {'name': 'Bind again (no change)', FQCN + 'oss_bucket_cname': {
            'bucket': 'demo-assets', 'domain': 'sec3.example.com',
            'certificate': {'certificate': '{{ sec_certificate }}', 'private_key': '{{ sec_private_key }}'}}, 'diff': True},
        {'name': 'Token', FQCN + 'oss_domain_ownership': {'bucket': 'demo-assets', 'domain': 'sec3.example.com'}},
        {'name': 'CNAME record', FQCN + 'alidns_record': {'record': 'sec3.example.com', 'type': 'CNAME', 'value': [target]},
         'diff': True},
        {'name': 'Read the record', FQCN + 'alidns_record_info': {'record': 'sec3.example.com'}},
        {'name': 'Wait for it', FQCN + 'wait_for_dns': {'records': [{'name': 'sec3.example.com', 'type': 'CNAME', 'value': target}],
                                                        'resolvers': ['127.0.0.1:%d' % port], 'port': port, 'timeout': 30}},
        {'name': 'Fail: no such bucket', FQCN + 'oss_bucket_cname_info': {'bucket': 'no-such-bucket-sec'}, 'ignore_errors': True},
        {'name': 'Fail: zone not in the account', FQCN + 'alidns_record_info': {'record': 'x.example.org'}, 'ignore_errors': True},
        {'name': 'Fail: OSS endpoint that refuses connections', FQCN + 'oss_bucket_cname_info': {
            'bucket': 'demo-assets', 'oss_endpoint': 'http://127.0.0.1:9', 'api_retries': 0}, 'ignore_errors': True},
        {'name': 'Fail: Alidns endpoint that refuses connections', FQCN + 'alidns_record_info': {
            'record': 'sec3.example.com', 'alidns_endpoint': 'http://127.0.0.1:9', 'api_retries': 0}, 'ignore_errors': True},
        {'name': 'Fail: key of another certificate', FQCN + 'oss_bucket_cname': {
            'bucket': 'demo-assets', 'domain': 'sec3.example.com', 'certificate': {
                'certificate': '{{ lookup("ansible.builtin.file", "%s") }}' % os.path.join(work, 'bad-input.crt')
                if os.path.exists(os.path.join(work, 'bad-input.crt')) else '{{ sec_certificate }}',
                'private_key': '{{ sec_private_key }}'}}, 'ignore_errors': True},
        {'name': 'Fail: STS key with the wrong secret (signature mismatch), token sent', FQCN + 'oss_bucket_cname_info': {
            'bucket': 'demo-assets', 'alicloud_secret_key': '{{ sec_secret_key }}', 'api_retries': 0}, 'ignore_errors': True},
        {'name': 'Fail: Alidns with the wrong secret, token sent', FQCN + 'alidns_record_info': {
            'record': 'sec3.example.com', 'alicloud_secret_key': '{{ sec_secret_key }}', 'api_retries': 0}, 'ignore_errors': True},
    ]
    # Every host includes its own task file, so the role's domains and three slices of module calls run in parallel.
    directory = os.path.join(work, 'secrecy')
    os.makedirs(directory, exist_ok=True)
    role_vars = {'custom_domain_resolvers': ['127.0.0.1:%d' % port], 'custom_domain_dns_port': port, 'custom_domain_wait_timeout': 60,
                 'custom_domain_bind_delay': 1}
    for name in hosts:
        _write_json(os.path.join(directory, '%s.json' % name), [{
            'name': 'The role with a new key pair in module_defaults', 'module_defaults': {group: keys},
            'block': [{'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'alicloud_oss.domains.custom_domain'},
                       'vars': role_vars}]}])
    slices = {'mod-a': module_tasks[:3], 'mod-b': module_tasks[3:7], 'mod-c': module_tasks[7:]}
    for name, tasks in slices.items():
        _write_json(os.path.join(directory, '%s.json' % name), [{
            'name': 'The modules with an STS credential', 'module_defaults': {group: sts}, 'block': tasks}])
    plays = [{'name': 'Secrecy scan', 'hosts': 'secfleet:local', 'gather_facts': False,
              'tasks': [{'name': 'Run this host\'s part', 'ansible.builtin.include_tasks': os.path.join(directory, '{{ inventory_hostname }}.json')}]}]
    playbook = os.path.join(work, 'secrecy.json')
    with open(playbook, 'w', encoding='utf-8') as handle:
        json.dump(plays, handle, indent=1)
    return playbook, inventory, varsfile


def secrecy_list_playbook(work, emu, found, files):
    """List mode: the role with custom_domain_domains (a certificate as text with its private key in an item, one from
    files, one without) and the new key pair in module_defaults; then oss_bucket_cname and oss_domain_ownership with
    `domains` and the STS credential, including a key that does not match its certificate. Both hosts run at once."""
    varsfile = os.path.join(work, 'secrecy-list-vars.json')
    with open(varsfile, 'w', encoding='utf-8') as handle:
        json.dump({'sec_access_key': found['access_key'], 'sec_secret_key': found['secret_key'],
                   'sts_access_key': found['sts_access_key'], 'sts_secret': found['sts_secret'], 'sts_token': found['sts_token'],
                   'sec_private_key': found['private_key'], 'sec_certificate': found['certificate'],
                   'sec_other_certificate': found['other_certificate']}, handle)
    os.chmod(varsfile, 0o600)
    endpoints = {'oss_endpoint': emu.env['ALICLOUD_OSS_ENDPOINT'], 'alidns_endpoint': emu.env['ALICLOUD_ALIDNS_ENDPOINT'],
                 'alicloud_region': 'cn-hangzhou'}
    keys = dict(endpoints, alicloud_access_key='{{ sec_access_key }}', alicloud_secret_key='{{ sec_secret_key }}')
    sts = dict(endpoints, alicloud_access_key='{{ sts_access_key }}', alicloud_secret_key='{{ sts_secret }}',
               alicloud_security_token='{{ sts_token }}')
    port = emu.dns_port
    group = 'group/alicloud_oss.domains.alicloud'
    inventory = os.path.join(work, 'secrecy-list-inventory.json')
    with open(inventory, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable},
                           'hosts': {'seclist': {}, 'modlist': {}}}}, handle)
    items = [
        {'name': 'sec4.example.com', 'bucket': 'demo-assets', 'region': 'cn-hangzhou',
         'certificate': {'certificate': '{{ sec_certificate }}', 'private_key': '{{ sec_private_key }}'}},
        {'name': 'sec5.example.com', 'bucket': 'demo-media', 'region': 'cn-hangzhou',
         'certificate': {'certificate_file': files['certificate'], 'private_key_file': files['private_key']}},
        {'name': 'sec6.example.com', 'bucket': 'demo-assets', 'region': 'cn-hangzhou'},
    ]
    role_vars = {'custom_domain_domains': items, 'custom_domain_resolvers': ['127.0.0.1:%d' % port], 'custom_domain_dns_port': port,
                 'custom_domain_wait_timeout': 60}
    with_key = {'certificate': '{{ sec_certificate }}', 'private_key': '{{ sec_private_key }}'}
    module_tasks = [
        {'name': 'Bind a list with a PEM certificate and key', FQCN + 'oss_bucket_cname': {
            'domains': [{'name': 'sec7.example.com', 'bucket': 'demo-assets', 'certificate': with_key}]}, 'diff': True},
        {'name': 'Bind the list again (no change)', FQCN + 'oss_bucket_cname': {
            'domains': [{'name': 'sec7.example.com', 'bucket': 'demo-assets', 'certificate': with_key}]}, 'diff': True},
        {'name': 'Tokens for a list', FQCN + 'oss_domain_ownership': {
            'domains': [{'name': 'sec7.example.com', 'bucket': 'demo-assets'}], 'progress': {}}, 'ignore_errors': True},
        {'name': 'Fail: a list whose key does not match its certificate', FQCN + 'oss_bucket_cname': {
            'domains': [{'name': 'sec7.example.com', 'bucket': 'demo-assets',
                         'certificate': {'certificate': '{{ sec_other_certificate }}', 'private_key': '{{ sec_private_key }}'}}]},
         'ignore_errors': True},
        {'name': 'Fail: a list with the key in defaults and a bucket that does not exist', FQCN + 'oss_bucket_cname': {
            'domains': [{'name': 'sec7.example.com', 'bucket': 'no-such-bucket-sec'}], 'defaults': {'certificate': with_key}},
         'ignore_errors': True},
    ]
    directory = os.path.join(work, 'secrecy-list')
    os.makedirs(directory, exist_ok=True)
    _write_json(os.path.join(directory, 'seclist.json'), [{
        'name': 'The role in list mode with a new key pair in module_defaults', 'module_defaults': {group: keys},
        'block': [{'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'alicloud_oss.domains.custom_domain'},
                   'vars': role_vars}]}])
    _write_json(os.path.join(directory, 'modlist.json'), [{
        'name': 'The modules with `domains` and an STS credential', 'module_defaults': {group: sts}, 'block': module_tasks}])
    plays = [{'name': 'Secrecy scan, list mode', 'hosts': 'all', 'gather_facts': False,
              'tasks': [{'name': 'Run this host\'s part', 'ansible.builtin.include_tasks': os.path.join(directory, '{{ inventory_hostname }}.json')}]}]
    playbook = os.path.join(work, 'secrecy-list.json')
    _write_json(playbook, plays)
    return playbook, inventory, varsfile


def secrecy_list_used(emu, run):
    """The list-mode run really authenticated with the secrets: the role bound its three domains (two with the
    certificate), the module bound sec7 with it."""
    state = emu.state()
    assets, media = state['buckets']['demo-assets']['cnames'], state['buckets']['demo-media']['cnames']
    ok = all(name in assets for name in ('sec4.example.com', 'sec6.example.com', 'sec7.example.com')) and 'sec5.example.com' in media
    ok = ok and bool(assets['sec4.example.com'].get('certificate')) and bool(media['sec5.example.com'].get('certificate'))
    ok = ok and bool(assets['sec7.example.com'].get('certificate'))
    return ok and not run.failed_hosts()


def _write_json(path, data):
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle, indent=1)


def secrecy_used(emu, run):
    """The run really authenticated with the secrets: the role bound its domains, the module tasks ran."""
    state = emu.state()
    bound = state['buckets']['demo-assets']['cnames']
    ok = 'sec1.example.com' in bound and 'sec3.example.com' in bound and bool(bound['sec1.example.com'].get('certificate'))
    ok = ok and 'old.example.com' in state['buckets']['demo-media']['cnames']
    return ok and not run.failed_hosts()


def files_to_search(work, emu, inputs):
    """Every file the run wrote (outputs, logs, callback data, temp files, emulator and BIND logs), minus the inputs that
    hold the secrets by design (vars file, key files) and the emulator's database (it stores the account's keys)."""
    searched, excluded = [], []
    inputs = set(os.path.abspath(p) for p in inputs)
    skip_dirs = set([os.path.join(work, 'tree')])
    database = os.path.join(emu.state_dir, 'state.json')
    for root, dirs, names in os.walk(work):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in skip_dirs]
        for name in names:
            path = os.path.abspath(os.path.join(root, name))
            if path in inputs or path == database:
                excluded.append(os.path.relpath(path, work))
                continue
            if os.path.isfile(path) and not os.path.islink(path):
                searched.append(path)
    return searched, sorted(excluded)
