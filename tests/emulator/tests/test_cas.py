# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificate Management Service (2020-04-07) GetUserCertificateDetail: the chains OSS's PutCname uploaded, read with the
unmodified alibabacloud-cas20200407 SDK (ACS3 and V2 signatures), with RAM and the error of an unknown id."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import oss2
import pytest

from helpers import alidns_error, fingerprint, make_cert

models = pytest.importorskip('alibabacloud_cas20200407.models')


def upload(emu, domain='www.example.com', account='main', bucket='demo-assets'):
    """Bind domain with a leaf and a second certificate after it; (cert_id, chain PEM, key PEM, leaf)."""
    leaf_pem, key_pem, leaf = make_cert([domain])
    other_pem, _other_key, _other = make_cert(['Intermediate CA'])
    chain = leaf_pem + other_pem
    handle = emu.bucket(bucket, account=account)
    cert = oss2.models.CertInfo(certificate=chain, private_key=key_pem, force=True)
    handle.put_bucket_cname(oss2.models.PutBucketCnameRequest(domain, cert))
    bound = [entry for entry in handle.list_bucket_cname().cname if entry.domain == domain][0].certificate
    assert bound.fingerprint == fingerprint(leaf)
    return bound.cert_id, chain, key_pem, leaf


def detail(client, cert_id, cert_filter=None):
    request = models.GetUserCertificateDetailRequest(cert_id=int(cert_id.split('-', 1)[0]), cert_filter=cert_filter)
    return client.get_user_certificate_detail(request).body


def test_env_names_the_cas_endpoint(emu):
    assert emu.env['ALICLOUD_CAS_ENDPOINT'] == emu.env['ALICLOUD_OSS_ENDPOINT']


@pytest.mark.parametrize('v2', [False, True], ids=['acs3', 'v2'])
def test_the_chain_put_cname_uploaded_with_its_key(emu, v2):
    cert_id, chain, key_pem, leaf = upload(emu)
    body = detail(emu.cas(v2=v2), cert_id)
    assert body.cert == chain
    assert body.key == key_pem
    assert body.fingerprint == fingerprint(leaf).replace(':', '')
    assert body.id == int(cert_id.split('-', 1)[0])
    assert body.sans == 'www.example.com'
    calls = emu.ok('GET', 'calls')
    assert calls['by_action']['GetUserCertificateDetail']['reads'] >= 1


def test_cert_filter_drops_the_certificate_and_the_key(emu):
    cert_id, _chain, _key, _leaf = upload(emu)
    body = detail(emu.cas(), cert_id, cert_filter=True)
    assert body.cert is None and body.key is None
    assert body.fingerprint


def test_the_chain_uploaded_last_is_served(emu):
    cert_id, chain, key_pem, _leaf = upload(emu)
    leaf_only = chain.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n'
    handle = emu.bucket('demo-assets')
    cert = oss2.models.CertInfo(certificate=leaf_only, private_key=key_pem, previous_cert_id=cert_id)
    handle.put_bucket_cname(oss2.models.PutBucketCnameRequest('www.example.com', cert))
    assert detail(emu.cas(), cert_id).cert == leaf_only


def test_unknown_cert_id_and_another_accounts_certificate(emu):
    cert_id, _chain, _key, _leaf = upload(emu)
    err = alidns_error(detail, emu.cas(), '99999999-cn-hangzhou')
    assert err.code == 'NotFound' and err.status_code == 404
    err = alidns_error(detail, emu.cas(account='other'), cert_id)
    assert err.code == 'NotFound'


def test_signature_is_checked(emu):
    access_key, _secret = emu.keys['main']
    err = alidns_error(detail, emu.cas(keys=(access_key, 'not-the-secret-000000000000000')), '1-cn-hangzhou')
    assert err.code == 'SignatureDoesNotMatch'
    err = alidns_error(detail, emu.cas(keys=('LTAI5tNoSuchKey000000000', 'x' * 30)), '1-cn-hangzhou')
    assert err.code == 'InvalidAccessKeyId'


def test_ram_needs_yundun_cert_get_user_certificate_detail(emu):
    cert_id, chain, _key, _leaf = upload(emu)
    keys = emu.env['EMULATOR_RAM_READONLY_ACCESS_KEY'], emu.env['EMULATOR_RAM_READONLY_SECRET_KEY']
    err = alidns_error(detail, emu.cas(keys=keys), cert_id)
    assert err.code == 'NoPermission' and err.status_code == 403
    assert err.data['AccessDeniedDetail']['AuthAction'] == 'yundun-cert:GetUserCertificateDetail'
    key, secret = 'LTAI5tRamTestcasreader0', 'secret-of-cas-reader-0000000000000'
    allowed = {'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'yundun-cert:GetUserCertificateDetail', 'Resource': '*'}]}
    user = {'access_key': key, 'secret_key': secret, 'policies': [allowed]}
    emu.ok('POST', 'seed', {'accounts': {'main': {'users': {'cas-reader': user}}}})
    assert detail(emu.cas(keys=(key, secret)), cert_id).cert == chain
