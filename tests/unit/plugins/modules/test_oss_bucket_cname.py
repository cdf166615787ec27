# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""oss_bucket_cname, oss_bucket_cname_info and oss_domain_ownership with the API faked at the _oss client boundary."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import json

import pytest

from ansible.module_utils.common.warnings import get_warning_messages

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cas, _cname, _oss, _permissions
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import AlicloudError, error_from_code
from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import format_oss_time, load_certificate
from ansible_collections.alicloud_oss.domains.plugins.modules import oss_bucket_cname, oss_bucket_cname_info, oss_domain_ownership
from ansible_collections.alicloud_oss.domains.tests.unit.plugins.modules.utils import run_module

pytest.importorskip('cryptography')

from ansible_collections.alicloud_oss.domains.tests.unit.plugins.fakes import (  # noqa: E402
    key_pem, make_chain, make_key, make_pair,
)

UTC = datetime.timezone.utc
BASE = dict(alicloud_access_key='AKID', alicloud_secret_key='SECRET-never-shown', alicloud_region='cn-hangzhou',
            oss_endpoint='http://127.0.0.1:1')


class FakeOss(object):
    """An in-memory account: bindings per bucket, tokens, and a log of the calls that crossed the boundary."""

    def __init__(self):
        self.bindings = {'demo-assets': {}, 'demo-media': {}}
        self.tokens = {}
        self.chains = {}        # (bucket, domain) -> the PEM chain last uploaded (OSS does not show it)
        self.cas = None         # Certificate Management Service: None = SDK missing; else {cert_id: (PEM chain, key)}
        self.cas_error = None   # an AlicloudError GetUserCertificateDetail raises (a RAM refusal, ...)
        self.keep_ids = False   # True: an upload of the bound leaf keeps its id (as the emulator does)
        self.calls = []
        self.fail = {}          # action -> AlicloudError raised once
        self.retried_after = {}  # action -> apply the write, then raise this error as if its answer was lost
        self.clients = 0
        self.now = datetime.datetime.now(UTC)

    def writes(self):
        return [call for call in self.calls if call[0] in ('put_cname', 'delete_cname', 'create_token')]


class FakeClient(object):
    def __init__(self, fake, params, bucket, region):
        fake.clients += 1
        self.fake = fake
        self.bucket = bucket
        self.region = region
        self.endpoint = _oss.endpoint_url(params.oss_endpoint, region)
        self.retried = False

    def _check(self, action, *details):
        self.fake.calls.append((action, self.bucket) + details)
        if self.bucket not in self.fake.bindings:
            raise error_from_code('NoSuchBucket', 'The specified bucket does not exist.', 'RID-1', 404)
        error = self.fake.fail.pop(action, None)
        if error is not None:
            raise error

    def list_cnames(self):
        self._check('list_cnames')
        return [dict(binding) for binding in self.fake.bindings[self.bucket].values()]

    def put_cname(self, domain, certificate=None):
        self._check('put_cname', domain, dict(certificate or {}))
        binding = self.fake.bindings[self.bucket].get(domain)
        if binding is None:
            binding = dict(domain=domain, status='Enabled', last_modified='2024-01-01T00:00:00.000Z', certificate=None)
        cert = certificate or {}
        if cert.get('delete_certificate'):
            binding['certificate'] = None
        elif cert.get('cert_id'):
            binding['certificate'] = dict(type='CAS', cert_id=cert['cert_id'], status='Enabled', fingerprint='AA:BB',
                                          valid_start_date=None, valid_end_date=None, creation_date=None)
        elif cert.get('certificate'):
            info = load_certificate(cert['certificate'])
            same = (binding.get('certificate') or {}).get('fingerprint') == info['fingerprint'] and self.fake.keep_ids
            binding['certificate'] = dict(
                type='Upload', cert_id=binding['certificate']['cert_id'] if same else '%d-cn-hangzhou' % len(self.fake.calls),
                status='Enabled', fingerprint=info['fingerprint'],
                valid_start_date=format_oss_time(info['not_before']), valid_end_date=format_oss_time(info['not_after']), creation_date=None)
            self.fake.chains[(self.bucket, domain)] = cert['certificate']
            if self.fake.cas is not None:
                self.fake.cas[binding['certificate']['cert_id']] = (cert['certificate'], cert['private_key'])
        self.fake.bindings[self.bucket][domain] = binding
        lost = self.fake.retried_after.pop('put_cname', None)
        if lost is not None:
            self.retried = True
            raise lost

    def delete_cname(self, domain):
        self._check('delete_cname')
        self.fake.bindings[self.bucket].pop(domain, None)

    def get_token(self, domain):
        self._check('get_token')
        token = self.fake.tokens.get((self.bucket, domain))
        if token is None:
            return None
        return dict(token, server_time=self.fake.now)

    def create_token(self, domain):
        self._check('create_token')
        if domain in self.fake.bindings[self.bucket]:
            raise error_from_code('NoNeedCreateCnameToken', 'The domain is already bound to this bucket; no token is needed.', 'RID-N', 403)
        token = dict(token='tok-%d' % len(self.fake.calls), expire_time=(self.fake.now + datetime.timedelta(hours=72))
                     .strftime('%a, %d %b %Y %H:%M:%S GMT'), bucket=self.bucket, domain=domain)
        self.fake.tokens[(self.bucket, domain)] = token
        return dict(token, server_time=self.fake.now)

    def find_holder(self, domain):
        for bucket, bindings in self.fake.bindings.items():
            if domain in bindings and bucket != self.bucket:
                return bucket, None
        return None, 'not found'


class FakeCas(object):
    """_cas.CasClient over the fake account: GetUserCertificateDetail returns the chain last uploaded for the id."""

    def __init__(self, fake, params, endpoint):
        if fake.cas is None:
            raise _cas.MissingSdkError('Traceback: No module named alibabacloud_cas20200407')
        self.fake = fake
        self.endpoint = endpoint

    def bound_chain_pem(self, cert_id):
        self.fake.calls.append(('cas_detail', cert_id, self.endpoint))
        if self.fake.cas_error is not None:
            raise self.fake.cas_error
        return self.fake.cas[cert_id][0]


@pytest.fixture
def fake(monkeypatch):
    account = FakeOss()
    monkeypatch.setattr(_oss, 'OssClient', lambda params, bucket, region: FakeClient(account, params, bucket, region))
    monkeypatch.setattr(_cas, 'CasClient', lambda params, endpoint=None: FakeCas(account, params, endpoint))
    # The zones of the account's Alibaba Cloud DNS (check mode reads them to predict whether OSS asks for proof of ownership).
    account.zones = ['example.com', 'example.net']
    account.zone_error = None
    monkeypatch.setattr(_cname, '_account_zone', lambda params, fqdn: (None, account.zone_error) if account.zone_error else (
        next((zone for zone in account.zones if fqdn == zone or fqdn.endswith('.' + zone)), None), None))
    return account


def cname(args, check=False, diff=False):
    args = dict(BASE, **args)
    if check:
        args['_ansible_check_mode'] = True
    if diff:
        args['_ansible_diff'] = True
    return run_module(oss_bucket_cname.main, args)


# --- bind / unbind --------------------------------------------------------------------------------------------------

def test_bind_then_idempotent(fake):
    failed, result = cname(dict(bucket='demo-assets', domain='WWW.Example.com.'))
    assert not failed and result['changed']
    assert result['domain'] == 'www.example.com'
    assert result['binding']['domain'] == 'www.example.com' and result['binding']['status'] == 'Enabled'
    assert result['target'] == 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    assert result['cname_record'] == dict(name='www.example.com', name_unicode='www.example.com', type='CNAME',
                                          value='demo-assets.oss-cn-hangzhou.aliyuncs.com')
    assert len(fake.writes()) == 1
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert not failed and not result['changed']
    assert len(fake.writes()) == 1


def test_accelerate_target(fake):
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', target='accelerate'))
    assert not failed and result['target'] == 'demo-assets.oss-accelerate.aliyuncs.com'


def test_unbind_then_idempotent(fake):
    cname(dict(bucket='demo-assets', domain='www.example.com'))
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', state='absent'))
    assert not failed and result['changed'] and result['binding'] is None
    assert fake.bindings['demo-assets'] == {}
    writes = len(fake.writes())
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', state='absent'))
    assert not failed and not result['changed'] and len(fake.writes()) == writes


def test_check_mode_writes_nothing_and_diff_shows_before_after(fake):
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'), check=True, diff=True)
    assert not failed and result['changed'] and fake.writes() == []
    assert result['diff']['before'] == dict(bucket='demo-assets', domain='www.example.com', state='absent')
    assert result['diff']['after']['state'] == 'present'
    cname(dict(bucket='demo-assets', domain='www.example.com'))
    writes = len(fake.writes())
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', state='absent'), check=True, diff=True)
    assert result['changed'] and len(fake.writes()) == writes
    assert result['diff']['before']['state'] == 'present' and result['diff']['after']['state'] == 'absent'
    assert 'www.example.com' in fake.bindings['demo-assets']


# --- certificates ---------------------------------------------------------------------------------------------------

def test_certificate_upload_same_rotate_delete(fake):
    pem, key, _cert = make_pair()
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem, private_key=key))
    failed, result = cname(args, diff=True)
    assert not failed and result['changed']
    sent = fake.writes()[-1][3]
    assert sent['certificate'] == pem and sent['force'] is True and 'previous_cert_id' not in sent
    first_id = result['binding']['certificate']['cert_id']
    assert result['binding']['certificate']['fingerprint'] == result['certificate']['fingerprint']
    text = json.dumps(result)
    assert 'PRIVATE KEY' not in text and key.splitlines()[1] not in text

    writes = len(fake.writes())
    failed, result = cname(args)
    assert not failed and not result['changed'] and len(fake.writes()) == writes

    pem2, key2, _cert2 = make_pair()
    failed, result = cname(dict(args, certificate=dict(certificate=pem2, private_key=key2)), check=True, diff=True)
    assert result['changed'] and len(fake.writes()) == writes
    assert result['diff']['before']['certificate']['cert_id'] == first_id
    assert result['diff']['after']['certificate']['fingerprint'] == load_certificate(pem2)['fingerprint']
    failed, result = cname(dict(args, certificate=dict(certificate=pem2, private_key=key2)))
    assert not failed and result['changed']
    sent = fake.writes()[-1][3]
    assert sent['previous_cert_id'] == first_id and 'force' not in sent

    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', delete_certificate=True))
    assert not failed and result['changed'] and result['binding']['certificate'] is None
    assert fake.writes()[-1][3] == dict(delete_certificate=True)
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', delete_certificate=True))
    assert not failed and not result['changed']


def test_cert_id_compares_by_id_and_force(fake):
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='1-cn-hangzhou'))
    assert cname(args)[1]['changed']
    assert not cname(args)[1]['changed']
    failed, result = cname(dict(args, certificate=dict(cert_id='2-cn-hangzhou'), force=True))
    assert result['changed']
    assert fake.writes()[-1][3] == dict(cert_id='2-cn-hangzhou', previous_cert_id='1-cn-hangzhou', force=True)


def test_bad_certificates_fail_before_any_call(fake):
    pem, _key, _cert = make_pair()
    other = key_pem(make_key())
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem, private_key=other)))
    assert failed and result['msg'].startswith('certificate.private_key does not match certificate.certificate')
    assert result['error_code'] == 'InvalidCertificate'
    assert 'PRIVATE KEY' not in json.dumps(result)
    old_pem, old_key, _old = make_pair(days=5, start_days_ago=10)
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=old_pem, private_key=old_key)))
    assert failed and result['msg'].startswith('certificate.certificate expired on ')
    assert fake.clients == 0 and fake.calls == []


def test_certificate_options_are_exclusive(fake):
    pem, key, _cert = make_pair()
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com',
                                certificate=dict(cert_id='1', certificate=pem, private_key=key)))
    assert failed and 'mutually exclusive' in result['msg']
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem)))
    assert failed and 'private_key' in result['msg']
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='1'),
                                delete_certificate=True))
    assert failed and 'mutually exclusive' in result['msg'] and 'delete_certificate' in result['msg']
    assert fake.calls == []


def test_certificate_with_explicit_delete_certificate_false(fake):
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='1-cn-hangzhou'),
                                delete_certificate=False))
    assert not failed, result
    assert result['changed'] is True
    assert fake.writes()[-1][3]['cert_id'] == '1-cn-hangzhou'


def test_leaf_alone_then_leaf_and_chain_warns_then_force_uploads_the_chain(fake):
    leaf, inter, _root, key = make_chain()
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=leaf, private_key=key))
    assert cname(args)[1]['changed']
    writes = len(fake.writes())
    failed, result = cname(dict(args, certificate=dict(certificate=leaf + inter, private_key=key)))
    assert not failed and not result['changed'] and len(fake.writes()) == writes
    assert any('bound chain could not be compared' in warning and 'force: true' in warning for warning in get_warning_messages())
    failed, predicted = cname(dict(args, certificate=dict(certificate=leaf + inter, private_key=key), force=True), check=True, diff=True)
    assert not failed and predicted['changed'] and len(fake.writes()) == writes
    fake.keep_ids = True  # as the emulator does: the same leaf keeps its id
    failed, result = cname(dict(args, certificate=dict(certificate=leaf + inter, private_key=key), force=True), diff=True)
    assert not failed and result['changed'] and len(fake.writes()) == writes + 1
    assert predicted['diff'] == result['diff']  # the same leaf: OSS shows the same certificate after the chain is uploaded
    sent = fake.writes()[-1][3]
    assert sent['certificate'] == leaf + inter and sent['force'] is True
    assert fake.chains[('demo-assets', 'www.example.com')] == leaf + inter
    # The leaf alone, bound with its chain: the leaf is the same, nothing is given that could differ.
    seen = len(get_warning_messages())
    failed, result = cname(args)
    assert not failed and not result['changed'] and get_warning_messages()[seen:] == ()


def test_whole_chain_is_compared_through_certificate_management(fake):
    """Issue 15: the leaf bound alone, then the leaf and its intermediate, without force: the bound chain is read from
    Certificate Management Service, differs, and is uploaded again; check mode predicts it (reading too); a second run
    is ok with zero writes. The key of the answer never shows."""
    fake.cas = {}
    fake.keep_ids = True
    leaf, inter, _root, key = make_chain()
    args = dict(bucket='demo-assets', domain='www.example.com', cas_endpoint='http://127.0.0.1:2',
                certificate=dict(certificate=leaf, private_key=key))
    assert cname(args)[1]['changed']
    writes = len(fake.writes())
    chained = dict(args, certificate=dict(certificate=leaf + inter, private_key=key))
    seen = len(get_warning_messages())
    failed, predicted = cname(chained, check=True, diff=True)
    assert not failed and predicted['changed'] and len(fake.writes()) == writes
    failed, result = cname(chained, diff=True)
    assert not failed and result['changed'] and len(fake.writes()) == writes + 1
    assert get_warning_messages()[seen:] == ()
    assert fake.writes()[-1][3]['certificate'] == leaf + inter and 'force' not in fake.writes()[-1][3]
    assert fake.chains[('demo-assets', 'www.example.com')] == leaf + inter
    assert predicted['diff'] == result['diff']
    before, after = result['diff']['before']['certificate']['chain'], result['diff']['after']['certificate']['chain']
    assert len(before) == 1 and len(after) == 2
    assert before[0] == after[0] and after[0].startswith('CN=www.example.com (SHA-1 ') and after[1].startswith('CN=Test Intermediate CA (SHA-1 ')
    cas_reads = [call for call in fake.calls if call[0] == 'cas_detail']
    assert cas_reads and all(call[2] == 'http://127.0.0.1:2' for call in cas_reads)
    # Again: the same chain is bound, nothing is sent.
    failed, result = cname(chained, diff=True)
    assert not failed and not result['changed'] and len(fake.writes()) == writes + 1
    assert 'PRIVATE KEY' not in json.dumps(result) and key.splitlines()[1] not in json.dumps(result)
    # The leaf alone again: not compared with the bound chain (that could only drop the intermediate), nothing read or sent.
    reads = len([call for call in fake.calls if call[0] == 'cas_detail'])
    failed, result = cname(args)
    assert not failed and not result['changed'] and fake.chains[('demo-assets', 'www.example.com')] == leaf + inter
    assert len([call for call in fake.calls if call[0] == 'cas_detail']) == reads


def test_chain_compared_in_pem_form_but_not_its_text(fake):
    """The same certificates with other line endings and text around them are the same chain; another order is not
    (it is sent leaf first, so the bound chain in the wrong order is replaced by the right one)."""
    fake.cas = {}
    fake.keep_ids = True
    leaf, inter, root, key = make_chain()
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=leaf + inter, private_key=key))
    assert cname(args)[1]['changed']
    writes = len(fake.writes())
    cert_id = fake.bindings['demo-assets']['www.example.com']['certificate']['cert_id']
    fake.cas[cert_id] = ('subject=leaf\r\n' + leaf.replace('\n', '\r\n') + '\n\n' + inter, key)
    failed, result = cname(args)
    assert not failed and not result['changed'] and len(fake.writes()) == writes
    fake.cas[cert_id] = (inter + leaf, key)   # bound in the wrong order (by another tool)
    failed, result = cname(args)
    assert not failed and result['changed'] and fake.writes()[-1][3]['certificate'] == leaf + inter


@pytest.mark.parametrize('why', ['sdk', 'refused'])
def test_without_certificate_management_the_leaf_is_compared_as_before(fake, why):
    """No SDK, or RAM refuses GetUserCertificateDetail: the leaf is compared, and a chain given warns saying why."""
    leaf, inter, _root, key = make_chain()
    if why == 'refused':
        fake.cas = {}
        fake.cas_error = error_from_code('NoPermission', 'You are not authorized to perform this operation.', 'RID-C', 403)
        _permissions.explain(fake.cas_error, _cas.ACTION, _cas.resource())
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=leaf, private_key=key))
    assert cname(args)[1]['changed']
    writes = len(fake.writes())
    seen = len(get_warning_messages())
    failed, result = cname(dict(args, certificate=dict(certificate=leaf + inter, private_key=key)), diff=True)
    assert not failed and not result['changed'] and len(fake.writes()) == writes
    warnings = get_warning_messages()[seen:]
    assert len(warnings) == 1 and 'bound chain could not be compared' in warnings[0] and 'force: true' in warnings[0]
    if why == 'sdk':
        assert 'alibabacloud-cas20200407' in warnings[0] and 'yundun-cert:GetUserCertificateDetail' in warnings[0]
    else:
        assert 'yundun-cert:GetUserCertificateDetail' in warnings[0] and 'certificates-cas.json' in warnings[0]
    assert 'chain' not in (result['diff']['before']['certificate'] or {})
    # The leaf alone: nothing to compare it with that could differ; no warning.
    seen = len(get_warning_messages())
    failed, result = cname(args)
    assert not failed and not result['changed'] and get_warning_messages()[seen:] == ()


def test_list_mode_compares_the_whole_chain_too(fake):
    fake.cas = {}
    fake.keep_ids = True
    leaf, inter, _root, key = make_chain()
    item = dict(name='www.example.com', bucket='demo-assets', region='cn-hangzhou', dns='external',
                certificate=dict(certificate=leaf, private_key=key))
    failed, result = cname(dict(domains=[item]))
    assert not failed and result['changed'], result
    writes = len(fake.writes())
    item['certificate'] = dict(certificate=leaf + inter, private_key=key)
    failed, predicted = cname(dict(domains=[item]), check=True, diff=True)
    assert not failed and predicted['changed'] and len(fake.writes()) == writes
    failed, result = cname(dict(domains=[item]), diff=True)
    assert not failed and result['changed'] and len(fake.writes()) == writes + 1
    assert fake.chains[('demo-assets', 'www.example.com')] == leaf + inter
    assert predicted['diff'] == result['diff']
    failed, result = cname(dict(domains=[item]))
    assert not failed and not result['changed'] and len(fake.writes()) == writes + 1


def test_chain_in_the_wrong_order_is_sent_leaf_first_with_a_warning(fake):
    leaf, inter, root, key = make_chain()
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com',
                                certificate=dict(certificate=root + inter + leaf, private_key=key)))
    assert not failed and result['changed'], result
    assert fake.writes()[-1][3]['certificate'] == leaf + inter + root
    assert result['certificate']['fingerprint'] == load_certificate(leaf)['fingerprint']
    assert any('wrong order' in warning for warning in get_warning_messages())


def test_unrelated_certificate_in_the_chain_is_refused_before_any_call(fake):
    leaf, inter, _root, key = make_chain()
    stranger, _key, _cert = make_pair(names=('stranger.example.org',))
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com',
                                certificate=dict(certificate=leaf + stranger + inter, private_key=key)))
    assert failed and result['error_code'] == 'InvalidCertificate'
    assert result['msg'].startswith('certificate.certificate holds 1 certificate(s) that are not part of the chain')
    assert fake.calls == []


def test_certificate_diff_is_the_same_in_check_mode_and_for_real(fake):
    pem, key, _cert = make_pair()
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem, private_key=key))
    cname(dict(bucket='demo-assets', domain='www.example.com'))
    failed, predicted = cname(args, check=True, diff=True)
    assert not failed and predicted['changed']
    failed, real = cname(args, diff=True)
    assert not failed and real['changed']
    keys = ('fingerprint', 'valid_start_date', 'valid_end_date')
    assert dict((k, predicted['diff']['after']['certificate'][k]) for k in keys) == dict((k, real['diff']['after']['certificate'][k]) for k in keys)
    assert real['diff']['after']['certificate']['valid_end_date'].endswith(' GMT')


def test_check_mode_says_it_could_not_verify_a_cert_id(fake):
    cname(dict(bucket='demo-assets', domain='www.example.com'))
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='404-cn-hangzhou'))
    failed, result = cname(args, check=True)
    assert not failed and result['changed']
    assert any('could not verify certificate.cert_id 404-cn-hangzhou' in warning for warning in get_warning_messages())
    seen = len(get_warning_messages())
    failed, result = cname(args)
    assert not any('could not verify' in warning for warning in get_warning_messages()[seen:])


@pytest.mark.parametrize('check', [True, False])
def test_delete_certificate_on_an_unbound_domain_does_nothing(fake, check):
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', delete_certificate=True), check=check, diff=True)
    assert not failed and not result['changed'] and result['binding'] is None
    assert fake.writes() == [] and fake.bindings['demo-assets'] == {}
    assert any('delete_certificate: true has nothing to remove' in warning for warning in get_warning_messages())


def test_certificate_for_another_name_warns(fake):
    pem, key, _cert = make_pair(names=('cdn.example.net',))
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem, private_key=key)))
    assert not failed
    assert any('does not name www.example.com' in warning for warning in get_warning_messages())


def test_lost_answer_of_a_rotation_is_reconciled(fake):
    args = dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='1-cn-hangzhou'))
    cname(args)
    fake.retried_after['put_cname'] = error_from_code('CertificateConflict', 'PreviousCertId does not match', 'RID', 409)
    failed, result = cname(dict(args, certificate=dict(cert_id='2-cn-hangzhou')))
    assert not failed and result['changed'], result
    assert result['binding']['certificate']['cert_id'] == '2-cn-hangzhou'


# --- validation -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, field, words', [
    (dict(domain='*.example.com'), 'domain', 'wildcard'),
    (dict(domain='x.aliyuncs.com'), 'domain', 'reserves'),
    (dict(domain='192.0.2.10'), 'domain', 'IP address'),
    (dict(bucket='Demo-Assets'), 'bucket', 'capital letters'),
])
def test_bad_names_fail_before_any_call(fake, args, field, words):
    full = dict(bucket='demo-assets', domain='www.example.com')
    full.update(args)
    failed, result = cname(full)
    assert failed and result['msg'].startswith(field + ':') and words in result['msg']
    assert result['error_code'] == 'InvalidParameter'
    assert fake.clients == 0


def test_region_is_required(fake, monkeypatch):
    for name in ('ALICLOUD_REGION', 'ALIBABA_CLOUD_REGION_ID'):
        monkeypatch.delenv(name, raising=False)
    args = dict(BASE, bucket='demo-assets', domain='www.example.com')
    del args['alicloud_region']
    failed, result = run_module(oss_bucket_cname.main, args)
    assert failed and result['msg'].startswith('alicloud_region is required for OSS')
    assert fake.clients == 0


# --- classified errors ----------------------------------------------------------------------------------------------

def test_need_verify_returns_the_record_with_the_current_token(fake):
    fake.tokens[('demo-media', 'old.example.com')] = dict(
        token='abc123', expire_time=(fake.now + datetime.timedelta(hours=5)).strftime('%a, %d %b %Y %H:%M:%S GMT'))
    fake.fail['put_cname'] = error_from_code('NeedVerifyDomainOwnership', 'Please verify domain ownership.', 'RID-9', 403)
    failed, result = cname(dict(bucket='demo-media', domain='old.example.com'))
    assert failed and result['error_code'] == 'NeedVerifyDomainOwnership'
    assert result['request_id'] == 'RID-9' and result['http_status'] == 403
    assert result['ownership_record'] == dict(name='_dnsauth.old.example.com', name_unicode='_dnsauth.old.example.com', type='TXT',
                                              value='abc123')
    assert 'abc123' in result['msg'] and '_dnsauth.old.example.com' in result['msg']
    assert not any(call[0] == 'create_token' for call in fake.calls)


def test_need_verify_without_token_points_at_oss_domain_ownership(fake):
    fake.fail['put_cname'] = error_from_code('NeedVerifyDomainOwnership', 'Please verify domain ownership.', 'RID-9', 403)
    failed, result = cname(dict(bucket='demo-media', domain='old.example.com'))
    assert failed and result['ownership_record']['value'] is None
    assert 'alicloud_oss.domains.oss_domain_ownership' in result['msg']
    assert fake.writes() == [('put_cname', 'demo-media', 'old.example.com', {})]


def test_cname_already_exists_names_the_holder(fake):
    fake.bindings['demo-media']['www.example.com'] = dict(domain='www.example.com', status='Enabled', certificate=None)
    fake.fail['put_cname'] = error_from_code('CnameAlreadyExists', 'The cname already exists.', 'RID', 409,
                                             details=dict(CnameType='CNAME_OSS'))
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert failed and result['error_code'] == 'CnameAlreadyExists'
    assert result['holder_bucket'] == 'demo-media'
    assert 'bound to bucket demo-media' in result['msg'] and 'Unbind it there first' in result['msg']


def test_icp_and_missing_bucket_are_explained(fake):
    fake.fail['put_cname'] = error_from_code('NoSuchCnameInRecord', 'no ICP', 'RID', 404)
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert failed and result['error_code'] == 'NoSuchCnameInRecord' and 'ICP' in result['msg']
    failed, result = cname(dict(bucket='no-such-bucket', domain='www.example.com'))
    assert failed and result['error_code'] == 'NoSuchBucket'
    assert 'alicloud_region' in result['msg'] and 'oss_endpoint' in result['msg']


# --- check mode predicts what only the reads can tell, and says what it cannot know (issue 15) --------------------------

def test_check_mode_predicts_cname_already_exists_like_the_real_run(fake):
    fake.bindings['demo-media']['www.example.com'] = dict(domain='www.example.com', status='Enabled', certificate=None)
    failed, check = cname(dict(bucket='demo-assets', domain='www.example.com'), check=True, diff=True)
    assert failed and check['error_code'] == 'CnameAlreadyExists' and check['holder_bucket'] == 'demo-media'
    assert fake.writes() == []
    fake.fail['put_cname'] = error_from_code('CnameAlreadyExists', 'The cname already exists.', 'RID', 409, details=dict(CnameType='CNAME_OSS'))
    failed, real = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert failed and real['error_code'] == check['error_code'] and real['holder_bucket'] == check['holder_bucket']
    assert real['msg'].startswith(check['msg'])


def test_check_mode_predicts_need_ownership_when_the_zone_is_elsewhere_and_no_token(fake):
    failed, check = cname(dict(bucket='demo-media', domain='cdn.example.org'), check=True)
    assert failed and check['error_code'] == 'NeedVerifyDomainOwnership'
    assert check['ownership_record'] == dict(name='_dnsauth.cdn.example.org', name_unicode='_dnsauth.cdn.example.org', type='TXT', value=None)
    assert fake.writes() == []
    fake.fail['put_cname'] = error_from_code('NeedVerifyDomainOwnership', 'Please verify domain ownership.', 'RID-9', 403)
    failed, real = cname(dict(bucket='demo-media', domain='cdn.example.org'))
    assert failed and real['error_code'] == check['error_code'] and real['msg'].startswith(check['msg'])
    assert real['ownership_record'] == check['ownership_record']


def test_check_mode_says_what_it_cannot_know(fake):
    failed, result = cname(dict(bucket='demo-assets', domain='shop.example.com'), check=True)
    assert not failed and result['changed']
    assert any(warning.startswith('check mode cannot know whether OSS will accept shop.example.com for bucket demo-assets')
               and 'ICP filing' in warning and 'another account' in warning for warning in get_warning_messages())
    fake.tokens[('demo-media', 'cdn.example.org')] = dict(
        token='abc123', expire_time=(fake.now + datetime.timedelta(hours=5)).strftime('%a, %d %b %Y %H:%M:%S GMT'))
    failed, result = cname(dict(bucket='demo-media', domain='cdn.example.org'), check=True)
    assert not failed and result['changed']
    assert any('_dnsauth.cdn.example.org' in warning and 'abc123' in warning for warning in get_warning_messages())
    fake.zone_error = 'the zones could not be read (Forbidden)'
    failed, result = cname(dict(bucket='demo-media', domain='img.example.com'), check=True)
    assert not failed and result['changed']
    assert any('img.example.com' in warning and 'proof of ownership' in warning and 'Forbidden' in warning for warning in get_warning_messages())
    assert fake.writes() == []


def test_account_zone_tells_in_the_account_elsewhere_and_unknown(monkeypatch):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns

    errors = []

    class Api(object):
        def __init__(self, params):
            pass

        def list_zones(self):
            for error in errors:
                raise error
            return ['example.com', 'sub.example.com']

    monkeypatch.setattr(_alidns, 'AlidnsAPI', Api)
    assert _cname._account_zone(None, 'a.sub.example.com') == ('sub.example.com', None)
    assert _cname._account_zone(None, 'cdn.example.org') == (None, None)
    errors.append(error_from_code('Forbidden.RAM', 'no', 'RID', 403))
    assert _cname._account_zone(None, 'a.example.com') == (None, 'the Alibaba Cloud DNS zones could not be read (Forbidden.RAM)')


def test_check_mode_on_a_bound_domain_reads_nothing_more(fake):
    fake.bindings['demo-assets']['www.example.com'] = dict(domain='www.example.com', status='Enabled', certificate=None)
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'), check=True)
    assert not failed and not result['changed']
    assert [call[0] for call in fake.calls] == ['list_cnames']


def test_secrets_never_in_failure_output(fake):
    pem, key, _cert = make_pair()
    fake.fail['put_cname'] = AlicloudError('InternalThing', 'echo: %s SECRET-never-shown' % key, 'RID', 400)
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem, private_key=key)))
    assert failed
    text = json.dumps(result)
    assert 'SECRET-never-shown' not in text and 'PRIVATE KEY' not in text


# --- oss_domain_ownership -------------------------------------------------------------------------------------------

def ownership(args, check=False):
    args = dict(BASE, **args)
    if check:
        args['_ansible_check_mode'] = True
    return run_module(oss_domain_ownership.main, args)


def test_ownership_creates_only_when_no_valid_token(fake):
    failed, result = ownership(dict(bucket='demo-media', domain='old.example.com'), check=True)
    assert not failed and result['changed'] and result['token'] is None and fake.writes() == []
    failed, result = ownership(dict(bucket='demo-media', domain='old.example.com'))
    assert not failed and result['changed']
    token = result['token']
    assert result['record'] == dict(name='_dnsauth.old.example.com', name_unicode='_dnsauth.old.example.com', type='TXT', value=token)
    assert result['expire_time'].endswith('Z')
    assert 'zone' not in result
    failed, result = ownership(dict(bucket='demo-media', domain='old.example.com'))
    assert not failed and not result['changed'] and result['token'] == token
    assert len([w for w in fake.writes() if w[0] == 'create_token']) == 1
    fake.now += datetime.timedelta(hours=73)
    failed, result = ownership(dict(bucket='demo-media', domain='old.example.com'))
    assert not failed and result['changed'] and result['token'] != token


def test_ownership_of_a_bound_domain_is_nothing_to_do_in_check_mode_and_for_real(fake):
    # Issue 15: check mode said changed, the real run said ok with a warning, and every run sent CreateCnameToken.
    fake.bindings['demo-media']['old.example.com'] = dict(domain='old.example.com', status='Enabled', certificate=None)
    failed, check = ownership(dict(bucket='demo-media', domain='old.example.com'), check=True)
    check_warnings = list(get_warning_messages())
    assert not failed and not check['changed']
    failed, real = ownership(dict(bucket='demo-media', domain='old.example.com'))
    assert not failed and not real['changed']
    assert fake.writes() == []
    for result in (check, real):
        assert result['bound'] is True and result['token'] is None and result['record']['value'] is None
    assert any('already bound to bucket demo-media' in warning for warning in check_warnings)
    assert any('already bound to bucket demo-media' in warning for warning in get_warning_messages())


def test_ownership_reads_the_token_once_valid_and_writes_nothing(fake):
    fake.tokens[('demo-media', 'old.example.com')] = dict(
        token='abc123', expire_time=(fake.now + datetime.timedelta(hours=5)).strftime('%a, %d %b %Y %H:%M:%S GMT'))
    failed, check = ownership(dict(bucket='demo-media', domain='old.example.com'), check=True)
    failed2, real = ownership(dict(bucket='demo-media', domain='old.example.com'))
    assert not failed and not failed2 and fake.writes() == []
    assert check['token'] == real['token'] == 'abc123' and not check['changed'] and not real['changed']
    assert check['bound'] is False and real['bound'] is False


def test_ownership_check_mode_says_the_new_token_is_unknown(fake):
    failed, result = ownership(dict(bucket='demo-media', domain='old.example.com'), check=True)
    assert not failed and result['changed'] and result['token'] is None and fake.writes() == []
    assert any('check mode' in warning and 'token' in warning and 'not known' in warning for warning in get_warning_messages())


def test_ownership_zone_lookup(fake, monkeypatch):
    monkeypatch.setattr(oss_domain_ownership, 'alidns_zone_lookup', lambda module, params, fqdn: ('example.com', fqdn[:-12]))
    failed, result = ownership(dict(bucket='demo-media', domain='old.example.com', lookup_zone=True))
    assert not failed and result['zone'] == 'example.com' and result['rr'] == '_dnsauth.old'


# --- oss_bucket_cname_info ------------------------------------------------------------------------------------------

def test_info_lists_bindings_with_expiry_and_token(fake):
    pem, key, _cert = make_pair(days=40, start_days_ago=0)
    cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate=pem, private_key=key)))
    ownership(dict(bucket='demo-media', domain='media.example.com'))  # before binding: OSS needs no token for a bound domain
    cname(dict(bucket='demo-media', domain='media.example.com'))
    writes = len(fake.writes())
    failed, result = run_module(oss_bucket_cname_info.main, dict(BASE, bucket=['demo-assets', 'demo-media'], token_status=True))
    assert not failed and not result['changed'] and len(fake.writes()) == writes
    by_domain = dict((b['domain'], b) for b in result['bindings'])
    assert by_domain['www.example.com']['bucket'] == 'demo-assets'
    assert by_domain['www.example.com']['certificate']['expires_in_days'] in (38, 39)
    assert by_domain['www.example.com']['token'] == dict(valid=False, token=None, expire_time=None)
    assert by_domain['media.example.com']['token']['valid'] is True
    assert by_domain['media.example.com']['target'] == 'demo-media.oss-cn-hangzhou.aliyuncs.com'
    failed, result = run_module(oss_bucket_cname_info.main, dict(BASE, bucket='demo-media', domain='nothing.example.com'))
    assert not failed and result['bindings'] == []


def test_cname_already_exists_uses_the_bucket_named_in_the_error(fake):
    fake.fail['put_cname'] = error_from_code('CnameAlreadyExists', 'exists', 'RID', 409, details=dict(CnameType='CNAME_OSS', Bucket='demo-media'))
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert failed and result['holder_bucket'] == 'demo-media'


def test_cname_already_exists_without_a_holder_says_so(fake):
    fake.fail['put_cname'] = error_from_code('CnameAlreadyExists', 'exists', 'RID', 409, details=dict(CnameType='CNAME_OSS'))
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert failed and 'holder_bucket' not in result
    assert 'which one could not be found: not found' in result['msg'] and 'Unbind it from that bucket first' in result['msg']


def test_disabled_binding_warns(fake):
    fake.bindings['demo-assets']['www.example.com'] = dict(domain='www.example.com', status='Disabled', certificate=None)
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert not failed and not result['changed']
    assert any('is Disabled in OSS' in warning for warning in get_warning_messages())


class _Module(object):
    def __init__(self):
        self.warnings = []

    def warn(self, text):
        self.warnings.append(text)


def test_alidns_zone_lookup_splits_zone_and_rr(monkeypatch):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns

    class FakeApi(object):
        def __init__(self, params):
            self.params = params

        def find_zone(self, fqdn):
            if fqdn.endswith('.example.com') or fqdn == 'example.com':
                return 'example.com'
            raise error_from_code('InvalidDomainName.NoExist', 'no zone', None, 400)

    monkeypatch.setattr(_alidns, 'AlidnsAPI', FakeApi)
    module = _Module()
    assert _cname.alidns_zone_lookup(module, None, '_dnsauth.old.example.com') == ('example.com', '_dnsauth.old')
    assert _cname.alidns_zone_lookup(module, None, 'example.com') == ('example.com', '@')
    assert _cname.alidns_zone_lookup(module, None, '_dnsauth.cdn.example.org') is None
    assert module.warnings == []


@pytest.mark.parametrize('error, words', [
    (error_from_code('InvalidArgument', 'PreviousCertId does not match', 'RID', 400, details=dict(ArgumentName='PreviousCertId')),
     'set force: true'),
    (error_from_code('CasRenewCertificateConflict', 'conflict', 'RID', 409), 'set force: true'),
    (error_from_code('InvalidArgument', 'The certificate 9-cn-hangzhou does not exist.', 'RID', 400, details=dict(ArgumentName='CertId')),
     'check certificate.cert_id'),
])
def test_certificate_refusals_are_explained(fake, error, words):
    cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='1-cn-hangzhou')))
    fake.fail['put_cname'] = error
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(cert_id='9-cn-hangzhou')))
    assert failed and words in result['msg'] and result['error_code'] == error.code


def test_wrong_region_is_explained(fake):
    error = error_from_code('AccessDenied', 'The bucket you are attempting to access must be addressed using the specified endpoint. '
                            'Please send all future requests to this endpoint.', 'RID', 403,
                            details={'Endpoint': 'oss-eu-central-1.aliyuncs.com'})
    fake.fail['list_cnames'] = error
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com'))
    assert failed
    assert result['error_code'] == 'AccessDenied'
    assert 'The bucket demo-assets is in region eu-central-1; set alicloud_region: eu-central-1' in result['msg']
    assert result['bucket_region'] == 'eu-central-1'
    assert result['target'] == 'demo-assets.oss-eu-central-1.aliyuncs.com'
    assert fake.writes() == []


# --- internationalised names: bound under their IDNA 2008 names, shown in both forms -----------------------------------

@pytest.mark.parametrize('given, ascii_name, unicode_name', [
    (u'fa\u00df.example.com', 'xn--fa-hia.example.com', u'fa\u00df.example.com'),  # IDNA 2003 would bind fass.example.com
    (u'Stra\u00dfe.Example.com.', 'xn--strae-oqa.example.com', u'stra\u00dfe.example.com'),
    (u'b\u00fccher.example.com', 'xn--bcher-kva.example.com', u'b\u00fccher.example.com'),
    ('xn--bcher-kva.example.com', 'xn--bcher-kva.example.com', u'b\u00fccher.example.com'),
])
def test_idn_is_bound_under_its_idna_2008_name(fake, given, ascii_name, unicode_name):
    failed, result = cname(dict(bucket='demo-assets', domain=given))
    assert not failed and result['changed']
    assert ('put_cname', 'demo-assets', ascii_name, {}) in fake.calls
    assert (result['domain'], result['domain_unicode']) == (ascii_name, unicode_name)
    assert (result['binding']['domain'], result['binding']['domain_unicode']) == (ascii_name, unicode_name)
    assert (result['cname_record']['name'], result['cname_record']['name_unicode']) == (ascii_name, unicode_name)
    failed, again = cname(dict(bucket='demo-assets', domain=unicode_name))
    assert not failed and not again['changed']
    failed, listed = run_module(oss_bucket_cname_info.main, dict(BASE, bucket=['demo-assets'], domain=[unicode_name]))
    assert not failed
    assert [(b['domain'], b['domain_unicode']) for b in listed['bindings']] == [(ascii_name, unicode_name)]
    failed, owned = ownership(dict(bucket='demo-assets', domain=given))
    assert not failed
    assert (owned['domain'], owned['domain_unicode']) == (ascii_name, unicode_name)
    assert (owned['record']['name'], owned['record']['name_unicode']) == ('_dnsauth.' + ascii_name, u'_dnsauth.' + unicode_name)


@pytest.mark.parametrize('given', [u'a\u200db.example.com', 'xn--zz.example.com', u'a\u2488com.example'])
def test_a_name_idna_2008_refuses_fails_naming_the_field_before_any_call(fake, given):
    failed, result = cname(dict(bucket='demo-assets', domain=given))
    assert failed
    assert result['msg'].startswith('domain: ') and 'IDNA 2008' in result['msg']
    assert result['error_code'] == 'InvalidParameter'
    assert fake.calls == []


def test_empty_certificate_text_is_refused_naming_the_field(fake):
    _pem, key, _cert = make_pair()
    failed, result = cname(dict(bucket='demo-assets', domain='www.example.com', certificate=dict(certificate='', private_key=key)))
    assert failed and result['msg'].startswith('certificate.certificate is empty'), result
    assert fake.calls == []
