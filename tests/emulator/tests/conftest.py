# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures: one emulator per session (fresh state dir, started and stopped through emulatorctl)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import subprocess
import sys
import urllib.request

import pytest

# The credential chain reads these at import time; never fall through to a metadata service.
os.environ['ALIBABA_CLOUD_ECS_METADATA_DISABLED'] = 'true'
os.environ['ALIBABA_CLOUD_CLI_PROFILE_DISABLED'] = 'true'

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR_DIR = os.path.dirname(HERE)
CTL = os.path.join(EMULATOR_DIR, 'emulatorctl.py')
sys.path.insert(0, EMULATOR_DIR)
sys.path.insert(0, HERE)

import dns.message  # noqa: E402  pylint: disable=wrong-import-position
import dns.query  # noqa: E402  pylint: disable=wrong-import-position
import dns.rdatatype  # noqa: E402  pylint: disable=wrong-import-position
import oss2  # noqa: E402  pylint: disable=wrong-import-position
from alibabacloud_alidns20150109.client import Client  # noqa: E402  pylint: disable=wrong-import-position
from alibabacloud_tea_openapi.models import Config  # noqa: E402  pylint: disable=wrong-import-position

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def ctl(*args):
    return subprocess.run([sys.executable, CTL] + list(args), capture_output=True, text=True, timeout=120, check=False)


def read_env(state_dir):
    env = {}
    with open(os.path.join(state_dir, 'env'), 'r', encoding='utf-8') as handle:
        for line in handle:
            key, _sep, value = line.strip()[len('export '):].partition('=')
            env[key] = value
    return env


class Emulator:
    """Handles on a running emulator: control API, SDK clients and a DNS client."""

    def __init__(self, state_dir):
        self.state_dir = str(state_dir)
        self.env = read_env(self.state_dir)
        self.url = self.env['ALICLOUD_OSS_ENDPOINT']
        self.host_port = self.url.split('//', 1)[1]
        self.port = int(self.host_port.split(':')[1])
        self.dns_port = int(self.env['EMULATOR_DNS_PORT'])
        self.keys = {'main': (self.env['ALICLOUD_ACCESS_KEY'], self.env['ALICLOUD_SECRET_KEY']),
                     'other': (self.env['EMULATOR_OTHER_ACCESS_KEY'], self.env['EMULATOR_OTHER_SECRET_KEY'])}
        if 'EMULATOR_LEGACY_ACCESS_KEY' in self.env:
            self.keys['legacy'] = (self.env['EMULATOR_LEGACY_ACCESS_KEY'], self.env['EMULATOR_LEGACY_SECRET_KEY'])

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode('utf-8')
        req = urllib.request.Request(self.env['EMULATOR_URL'] + '/' + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with OPENER.open(req, timeout=30) as response:
                return response.status, json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read().decode('utf-8'))

    def ok(self, method, path, body=None):
        status, doc = self.control(method, path, body)
        assert status == 200, doc
        return doc

    def bucket(self, name, account='main', v4=True, keys=None, token=None, endpoint=None, region=None):
        """An oss2 Bucket signing V4 for the bucket's own region (unless region is given). v4=False signs V1, which OSS
        accepts only from accounts marked legacy (the account "legacy" of the default world)."""
        access_key, secret = keys or self.keys[account]
        if token:
            auth = oss2.StsAuth(access_key, secret, token, auth_version='v4' if v4 else 'v1')
        else:
            auth = oss2.AuthV4(access_key, secret) if v4 else oss2.Auth(access_key, secret)
        if v4 and region is None:
            region = self.ok('GET', 'state')['buckets'].get(name, {}).get('region', 'cn-hangzhou')
        return oss2.Bucket(auth, endpoint or self.url, name, region=region if v4 else None, connect_timeout=10)

    def alidns(self, account='main', keys=None, token=None, v2=False):
        access_key, secret = keys or self.keys[account]
        config = Config(access_key_id=access_key, access_key_secret=secret, security_token=token,
                        endpoint=self.host_port, protocol='http', read_timeout=10000, connect_timeout=5000)
        if v2:
            config.signature_algorithm = 'v2'
        return Client(config)

    def cas(self, account='main', keys=None, v2=False):
        """A Certificate Management Service (2020-04-07) client, at ALICLOUD_CAS_ENDPOINT (the same port)."""
        from alibabacloud_cas20200407.client import Client as CasClient  # pylint: disable=import-outside-toplevel
        access_key, secret = keys or self.keys[account]
        config = Config(access_key_id=access_key, access_key_secret=secret, endpoint=self.env['ALICLOUD_CAS_ENDPOINT'].split('//', 1)[1],
                        protocol='http', read_timeout=10000, connect_timeout=5000)
        if v2:
            config.signature_algorithm = 'v2'
        return CasClient(config)

    def query(self, name, rdtype):
        """(rcode, [rdata text]) straight from the emulator's BIND."""
        response = dns.query.udp(dns.message.make_query(name, rdtype), '127.0.0.1', port=self.dns_port, timeout=2)
        answers = [r.to_text() for rrset in response.answer if rrset.rdtype == dns.rdatatype.from_text(rdtype) for r in rrset]
        return response.rcode(), answers


@pytest.fixture(scope='session')
def emulator(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp('emulator')
    result = ctl('start', '--state-dir', str(state_dir), '--fresh')
    assert result.returncode == 0, result.stderr + result.stdout
    emu = Emulator(state_dir)
    yield emu
    result = ctl('stop', '--state-dir', str(state_dir))
    assert result.returncode == 0, result.stderr


@pytest.fixture
def emu(emulator):
    """The session emulator, reset to the default world (counters and faults cleared).

    The pace rule of Alidns zones (zone_write_interval, LastOperationNotFinished for writes too close together) is
    turned off: these tests make writes back to back on purpose; test_faults.py tests the rule itself."""
    emulator.ok('POST', 'reset')
    emulator.ok('POST', 'settings', {'zone_write_interval': 0})
    return emulator
