# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificate Management Service (CAS 2020-04-07) RPC API: GetUserCertificateDetail only.

It serves the certificates OSS's PutCname uploaded (state accounts[<account>].certificates, keyed by the CertId OSS hands
out, `<number>-<region>`): CAS knows a certificate by the number alone. Requests come to the same port as Alidns (RPC at
`/`); server.py tells them apart by the API version they name. Signatures (ACS3 or V2), security tokens and nonces are
checked as for Alidns; RAM checks yundun-cert:GetUserCertificateDetail.

The answer is shaped as the SDK reads it: Cert is the PEM chain as uploaded, Key its private key (unless CertFilter=true,
which drops both), with the leaf's Fingerprint (SHA-1, upper-case hex without separators, as CAS writes it), dates in
milliseconds, Sans and Name. ASSUMED (no reference page at hand): the code for an unknown CertId (`NotFound`, HTTP 404).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

import ram
from alidns_api import AlidnsApi, ApiError

VERSION = '2020-04-07'
HOST_ID = 'cas.aliyuncs.com'
FORBIDDEN_RAM = ('NoPermission', 'You are not authorized to perform this operation.', 403)
NOT_FOUND = ('NotFound', 'The certificate does not exist.', 404)   # ASSUMED code, message and status


def _bool(value):
    return str(value or '').strip().lower() == 'true'


class CasApi(AlidnsApi):
    version = VERSION
    product = 'cas'
    api_name = 'cas'
    host_id = HOST_ID

    def execute(self, call, _req):
        state = self.emu.state
        try:
            self._authorize(call)
            with state.lock:
                body = getattr(self, '_' + call.action)(call, call.params)
            return self.ok(body)
        except ApiError as err:
            return self.error_response(err)

    def _authorize(self, call):
        who = call.principal
        if who is None or not who.restricted:
            return
        with self.emu.state.lock:
            uid = self.emu.state.data['accounts'][call.account]['uid']
            refusal = ram.authorize(who, [('yundun-cert:' + call.action, ram.resource_certificates(uid))])
        if refusal is not None:
            self.emu.calls.refuse(call.action, call.account)
            code, message, status = FORBIDDEN_RAM
            raise ApiError(code, message, status, refusal=refusal)

    # ------------------------------------------------------------------ actions
    def _GetUserCertificateDetail(self, call, params):
        raw = (params.get('CertId') or '').strip()
        if not raw:
            raise ApiError('MissingCertId', 'CertId is mandatory for this action.')
        if not raw.isdigit():
            raise ApiError('InvalidParameter', 'The specified parameter "CertId" is not valid.')
        store = self.emu.state.data['accounts'][call.account].get('certificates') or {}
        found = next(((cert_id, cert) for cert_id, cert in sorted(store.items()) if cert_id.split('-', 1)[0] == raw), None)
        if found is None:
            code, message, status = NOT_FOUND
            raise ApiError(code, message, status)
        cert_id, cert = found
        body = {'Id': int(raw), 'Name': cert.get('name') or 'cert-%s' % cert_id, 'Common': (cert.get('names') or [''])[0],
                'Sans': ','.join(cert.get('names') or []), 'Fingerprint': (cert.get('fingerprint') or '').replace(':', ''),
                'StartDate': _day(cert.get('valid_start')), 'EndDate': _day(cert.get('valid_end')),
                'NotBefore': int((cert.get('valid_start') or 0) * 1000), 'NotAfter': int((cert.get('valid_end') or 0) * 1000),
                'BuyInAliyun': False, 'Expired': False}
        if not _bool(params.get('CertFilter')):
            body['Cert'] = cert.get('certificate') or ''
            body['Key'] = cert.get('private_key') or ''
        return body


def _day(ts):
    return time.strftime('%Y-%m-%d', time.gmtime(ts)) if ts else None
