# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""emulatorctl: single copy, restart keeps everything, stop leaves no process. Also the signature test vectors."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import dns.rcode
from alibabacloud_alidns20150109 import models as m
from oss2.models import CertInfo, PutBucketCnameRequest

import signatures
from conftest import Emulator, ctl
from helpers import fingerprint, make_cert


def processes_mentioning(text):
    found = []
    for pid in os.listdir('/proc'):
        if pid.isdigit():
            try:
                with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                    if text.encode('utf-8') in handle.read():
                        found.append(int(pid))
            except OSError:
                continue
    return found


def test_start_restart_stop(tmp_path):
    state_dir = str(tmp_path / 'emu')
    result = ctl('start', '--state-dir', state_dir, '--faults', '{"latency_ms": 1}')
    assert result.returncode == 0, result.stderr
    try:
        emu = Emulator(state_dir)
        assert emu.ok('GET', 'faults')['latency_ms'] == 1
        pids = set(processes_mentioning(state_dir))
        assert len(pids) == 2  # server.py and named
        again = ctl('start', '--state-dir', state_dir)
        assert again.returncode == 0 and 'already running' in again.stdout
        assert set(processes_mentioning(state_dir)) == pids
        assert ctl('status', '--state-dir', state_dir).returncode == 0

        # Change everything that must survive a restart.
        bucket = emu.bucket('demo-assets')
        cert_pem, key_pem, cert = make_cert(['www.example.com'])
        bucket.put_bucket_cname(PutBucketCnameRequest('www.example.com', CertInfo(certificate=cert_pem, private_key=key_pem)))
        token = bucket.create_bucket_cname_token('app.example.org').token
        rid = emu.alidns().add_domain_record(m.AddDomainRecordRequest(domain_name='example.com', rr='kept', type='A',
                                                                      value='192.0.2.44')).body.record_id
        emu.ok('POST', 'external/records', {'name': 'cdn.example.org', 'type': 'CNAME', 'value': 'x.example.net.'})
        emu.ok('POST', 'clock', {'advance': 3600})
        sts = emu.ok('POST', 'sts', {'account': 'other'})
        before = emu.ok('GET', 'state')

        result = ctl('restart', '--state-dir', state_dir)
        assert result.returncode == 0, result.stderr
        emu = Emulator(state_dir)
        assert not pids & set(processes_mentioning(state_dir))
        after = emu.ok('GET', 'state')
        assert after == before
        listed = emu.bucket('demo-assets').list_bucket_cname().cname
        assert [(c.domain, c.certificate.fingerprint) for c in listed] == [('www.example.com', fingerprint(cert))]
        assert emu.bucket('demo-assets').get_bucket_cname_token('app.example.org').token == token
        info = emu.alidns().describe_domain_record_info(m.DescribeDomainRecordInfoRequest(record_id=rid)).body
        assert (info.rr, info.value) == ('kept', '192.0.2.44')
        assert emu.query('kept.example.com', 'A') == (dns.rcode.NOERROR, ['192.0.2.44'])
        assert emu.query('cdn.example.org', 'CNAME')[1] == ['x.example.net.']
        assert emu.ok('GET', 'clock')['offset'] >= 3600
        legacy = emu.bucket('legacy-site', keys=(sts['AccessKeyId'], sts['AccessKeySecret']), token=sts['SecurityToken'])
        assert legacy.list_bucket_cname().cname[0].domain == 'old.example.com'
        pids = set(processes_mentioning(state_dir))
        assert len(pids) == 2
    finally:
        result = ctl('stop', '--state-dir', state_dir)
    assert result.returncode == 0, result.stderr
    assert processes_mentioning(state_dir) == []
    assert ctl('status', '--state-dir', state_dir).returncode == 3
    assert 'not running' in ctl('stop', '--state-dir', state_dir).stdout


def test_fresh_start_discards_state(tmp_path):
    state_dir = str(tmp_path / 'emu')
    assert ctl('start', '--state-dir', state_dir).returncode == 0
    try:
        emu = Emulator(state_dir)
        emu.bucket('demo-assets').put_bucket_cname(PutBucketCnameRequest('www.example.com'))
        assert ctl('stop', '--state-dir', state_dir).returncode == 0
        assert ctl('start', '--state-dir', state_dir, '--fresh').returncode == 0
        assert Emulator(state_dir).bucket('demo-assets').list_bucket_cname().cname == []
    finally:
        ctl('stop', '--state-dir', state_dir)
    assert processes_mentioning(state_dir) == []


def test_acs3_reference_vector():
    headers = {'host': 'alidns.aliyuncs.com', 'x-acs-version': '2015-01-09', 'x-acs-action': 'AddDomainRecord',
               'user-agent': 'AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2', 'x-acs-date': '2025-01-01T00:00:00Z',
               'x-acs-signature-nonce': '0123456789abcdef0123456789abcdef', 'accept': 'application/json',
               'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
               'x-acs-credentials-provider': 'static_ak'}
    query = [('DomainName', 'example.com'), ('RR', 'www'), ('Type', 'TXT'), ('Value', 'v=spf1 include:_spf.example.com ~all'),
             ('TTL', '600')]
    canonical = signatures.acs3_canonical_request('POST', '/', query, headers, sorted(headers), headers['x-acs-content-sha256'])
    assert canonical.split('\n')[2] == 'DomainName=example.com&RR=www&TTL=600&Type=TXT&Value=v%3Dspf1%20include%3A_spf.example.com%20~all'
    assert signatures.acs3_signature('testsecret', canonical) == '241518aa9e25c88733439c1934ff226906181dee1e3151972105e5bab33866f8'


def test_oss_v1_reference_string_to_sign():
    headers = {'date': 'Tue, 23 May 2023 15:24:55 GMT'}
    assert signatures.oss_v1_string_to_sign('GET', headers, 'examplebucket', '', [('cname', 'example.com'), ('comp', 'token')]) == \
        'GET\n\n\nTue, 23 May 2023 15:24:55 GMT\n/examplebucket/?cname=example.com&comp=token'
    assert signatures.oss_v1_string_to_sign('POST', headers, 'examplebucket', '', [('cname', ''), ('comp', 'add'), ('other', 'x')]) == \
        'POST\n\n\nTue, 23 May 2023 15:24:55 GMT\n/examplebucket/?cname&comp=add'
