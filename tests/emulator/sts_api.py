# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""STS (2015-04-01) over HTTPS: AssumeRole (RPC, V2 HMAC-SHA1 or ACS3 signed) and AssumeRoleWithOIDC (unsigned).

Shapes and codes follow Alibaba's STS docs (cited in README.md); what the docs do not say is marked ASSUMED there.
The keys issued are STS keys of the role's account, known to OSS and Alidns through state.issue_sts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qsl, quote_plus

import ram
import signatures
from protocol import json_response

VERSION = '2015-04-01'
HOST_ID = 'sts.aliyuncs.com'
MIN_DURATION = 900
SESSION_NAME_RE = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')
EXTERNAL_ID_RE = re.compile(r'^[A-Za-z0-9_+=,.@:/-]{2,1224}$')
ROLE_ARN_RE = re.compile(r'^acs:ram::(\d+):role/([^/]+)$')
PROVIDER_ARN_RE = re.compile(r'^acs:ram::(\d+):oidc-provider/([^/]+)$')
REQUIRED_SIGNED = ('host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256')


class StsError(Exception):
    def __init__(self, code, message, status=400):
        super(StsError, self).__init__(message)
        self.code, self.message, self.status = code, message, status


def _missing(name):
    return StsError('Missing' + name, '%s is mandatory for this action.' % name)


def sdk_string_to_sign(method, params):
    """The V2 string to sign exactly as alibabacloud-credentials builds it (quote_plus: a space becomes '+', where the
    published algorithm writes %20). Both spellings are accepted, so that the real SDK and spec-following clients pass."""
    canon = '&'.join('%s=%s' % (quote_plus(k), quote_plus(v)) for k, v in sorted(params.items()) if k != 'Signature')
    return '%s&%s&%s' % (method, quote_plus('/'), quote_plus(canon))


def _policy_problem(text):
    """None if text is a RAM policy document STS would take, else the error."""
    if len(text.encode('utf-8')) > 2048:
        return StsError('InvalidParameter.PolicySize', 'The size of Policy must be smaller than 2048 bytes.')
    grammar = StsError('InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.')
    try:
        doc = json.loads(text)
    except ValueError:
        return grammar
    if not isinstance(doc, dict) or doc.get('Version') != '1':
        return grammar
    statements = doc.get('Statement')
    if not isinstance(statements, list) or not statements:
        return grammar
    for statement in statements:
        if not isinstance(statement, dict) or statement.get('Effect') not in ('Allow', 'Deny'):
            return grammar
        for key in ('Action', 'Resource'):
            value = statement.get(key, statement.get('Not' + key))
            if not (isinstance(value, str) or (isinstance(value, list) and value and all(isinstance(v, str) for v in value))):
                return grammar
    return None


class StsApi:
    def __init__(self, emu):
        self.emu = emu
        self.nonces = collections.OrderedDict()
        self.nonce_lock = threading.Lock()

    # ------------------------------------------------------------------ responses
    @staticmethod
    def _response(status, body):
        request_id = str(uuid.uuid4()).upper()
        body = dict(body, RequestId=request_id)
        return json_response(status, body, {'Content-Type': 'application/json;charset=utf-8', 'x-acs-request-id': request_id})

    def error_response(self, err):
        request_id = str(uuid.uuid4()).upper()
        body = {'RequestId': request_id, 'HostId': HOST_ID, 'Code': err.code, 'Message': err.message,
                'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=Sts&requestId=%s' % (err.code, request_id)}
        return json_response(err.status, body, {'Content-Type': 'application/json;charset=utf-8', 'x-acs-request-id': request_id})

    # ------------------------------------------------------------------ entry point
    def handle(self, req):
        started = time.monotonic()
        params = dict(req.query)
        if 'x-www-form-urlencoded' in (req.headers.get('Content-Type') or '') and req.body:
            params.update(parse_qsl(req.body.decode('utf-8'), keep_blank_values=True))
        acs3 = (req.headers.get('Authorization') or '').startswith('ACS3-HMAC-SHA256')
        action = (req.headers.get('x-acs-action') if acs3 else params.get('Action')) or 'Unknown'
        account = None
        scheme, signer = self._scheme(req, params, acs3)
        try:
            version = req.headers.get('x-acs-version') if acs3 else params.get('Version')
            if action not in ('AssumeRole', 'AssumeRoleWithOIDC'):
                raise StsError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.', 404)
            if version != VERSION:
                raise StsError('InvalidVersion', 'Specified parameter Version is not valid.')
            if action == 'AssumeRole':
                creds = self._authenticate(req, params, acs3)
                account = creds['account']
                body, account = self._assume_role(params, creds)
            else:
                body, account = self._assume_role_with_oidc(params)
            return self._response(200, body)
        except StsError as err:
            return self.error_response(err)
        finally:
            self.emu.calls.record(action, account, False, scheme=scheme, signer=signer)
            self.emu.timings.add(action, time.monotonic() - started)

    def _scheme(self, req, params, acs3):
        """(signature scheme, account of the signing key or None) for GET /_emulator/calls by_signature."""
        if acs3:
            fields = signatures.parse_acs3_authorization(req.headers.get('Authorization')) or {}
            scheme, access_key = 'acs3', fields.get('access_key')
        elif 'Signature' in params:
            scheme, access_key = 'rpc_v2', params.get('AccessKeyId')
        else:
            return 'anonymous', None
        with self.emu.state.lock:
            creds = self.emu.state.credentials(access_key or '')
        return scheme, (creds or {}).get('account')

    # ------------------------------------------------------------------ authentication (AssumeRole)
    def _credentials(self, access_key):
        with self.emu.state.lock:
            creds = self.emu.state.credentials(access_key)
        if creds is None:
            raise StsError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404)
        return creds

    def _nonce(self, nonce):
        now = time.time()
        with self.nonce_lock:
            while self.nonces and next(iter(self.nonces.values())) < now - signatures.MAX_SKEW_SECONDS:
                self.nonces.popitem(last=False)
            if nonce in self.nonces:
                raise StsError('SignatureNonceUsed', 'Specified signature nonce was used already.')
            self.nonces[nonce] = now

    def _sts_token(self, creds, token):
        """An STS key calling STS (role chaining) must bring its token, the right one, unexpired."""
        if creds['sts'] is None:
            return
        if not token:
            raise StsError('MissingSecurityToken', 'SecurityToken is mandatory for this action.')
        if token != creds['sts']['token']:
            raise StsError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')
        with self.emu.state.lock:
            expired = self.emu.state.now() >= creds['sts']['expire']
        if expired:
            raise StsError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')

    def _authenticate(self, req, params, acs3):
        """The caller's credentials (state.credentials()), or StsError."""
        if acs3:
            fields = signatures.parse_acs3_authorization(req.headers.get('Authorization'))
            if fields is None or not all(h in fields['signed_headers'] for h in REQUIRED_SIGNED):
                raise StsError('IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
            creds = self._credentials(fields['access_key'])
            if signatures.skewed(signatures.parse_iso_date(req.headers.get('x-acs-date') or ''), time.time()):
                raise StsError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
            canonical = signatures.acs3_canonical_request(req.method, req.path, req.query, req.headers, fields['signed_headers'],
                                                          req.headers.get('x-acs-content-sha256') or '')
            payload_ok = req.headers.get('x-acs-content-sha256') == hashlib.sha256(req.body or b'').hexdigest()
            if not payload_ok or not secrets.compare_digest(signatures.acs3_signature(creds['secret'], canonical), fields['signature']):
                raise StsError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. server string to sign is:'
                               'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical.encode('utf-8')).hexdigest())
            self._sts_token(creds, req.headers.get('x-acs-security-token'))
            self._nonce(req.headers.get('x-acs-signature-nonce'))
            return creds
        if 'Signature' not in params:
            raise StsError('IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        for name in ('AccessKeyId', 'Timestamp', 'SignatureNonce'):
            if not params.get(name):
                raise _missing(name)
        if params.get('SignatureMethod', 'HMAC-SHA1') != 'HMAC-SHA1' or params.get('SignatureVersion', '1.0') != '1.0':
            raise StsError('IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        creds = self._credentials(params['AccessKeyId'])
        if signatures.skewed(signatures.parse_iso_date(params['Timestamp']), time.time()):
            raise StsError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
        spec = signatures.rpc_v2_string_to_sign(req.method, params)
        if not any(secrets.compare_digest(signatures.rpc_v2_signature(creds['secret'], text), params['Signature'])
                   for text in (spec, sdk_string_to_sign(req.method, params))):
            raise StsError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. server string to sign is:'
                           + spec)
        self._sts_token(creds, params.get('SecurityToken'))
        self._nonce(params['SignatureNonce'])
        return creds

    # ------------------------------------------------------------------ shared parameter checks
    def _role(self, params):
        """(account name, role) for params['RoleArn'] (the caller holds the state lock)."""
        arn = params.get('RoleArn')
        if not arn:
            raise _missing('RoleArn')
        match = ROLE_ARN_RE.match(arn)
        if not match:
            raise StsError('InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.')
        for name, account in self.emu.state.data['accounts'].items():
            if account['uid'] == match.group(1):
                for role_name, role in account.get('roles', {}).items():
                    if role_name.lower() == match.group(2).lower():
                        return name, role
        raise StsError('EntityNotExist.Role', 'The specified Role not exists .', 404)

    @staticmethod
    def _session_name(params):
        name = params.get('RoleSessionName')
        if not name:
            raise _missing('RoleSessionName')
        if not SESSION_NAME_RE.match(name):
            raise StsError('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.')
        return name

    @staticmethod
    def _duration(params, role):
        raw = params.get('DurationSeconds')
        maximum = role['max_session_duration']
        try:
            duration = 3600 if raw in (None, '') else int(raw)
        except ValueError:
            duration = -1
        if not MIN_DURATION <= duration <= maximum:
            limit = '%dhr' % (maximum // 3600) if maximum % 3600 == 0 else '%ds' % maximum
            raise StsError('InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/%s.' % limit)
        return duration

    @staticmethod
    def _policy(params):
        policy = params.get('Policy')
        if policy in (None, ''):
            return None
        problem = _policy_problem(policy)
        if problem:
            raise problem
        return policy

    def _issue(self, account, role, session, duration, policy, source, extra_body=None):
        state = self.emu.state
        access_key, entry = state.issue_sts(account, duration, source=source, role_arn=role['arn'], session_name=session,
                                            policy=policy)
        state.save()
        body = {'AssumedRoleUser': {'AssumedRoleId': '%s:%s' % (role['role_id'], session), 'Arn': '%s/%s' % (role['arn'], session)},
                'Credentials': {'AccessKeyId': access_key, 'AccessKeySecret': entry['secret'], 'SecurityToken': entry['token'],
                                'Expiration': state.expiration_text(entry['expire'])}}
        body.update(extra_body or {})
        return body

    # ------------------------------------------------------------------ actions
    def _assume_role(self, params, creds):
        caller = creds['account']
        with self.emu.state.lock:
            data = self.emu.state.data
            account, role = self._role(params)
            # A RAM user (or a role session) needs sts:AssumeRole on the role in its policies, besides the role's trust.
            who = ram.principal(data, creds)
            role_name = role['arn'].rsplit('/', 1)[-1]
            denied = ram.authorize(who, [('sts:AssumeRole', ram.resource_role(data['accounts'][account]['uid'], role_name))])
            session = self._session_name(params)
            duration = self._duration(params, role)
            policy = self._policy(params)
            if params.get('ExternalId') and not EXTERNAL_ID_RE.match(params['ExternalId']):
                raise StsError('InvalidParameter.ExternalId', 'The parameter ExternalId is wrongly formed.')
            caller_uid = data['accounts'][caller]['uid']
            trusted = set(role.get('trusted_accounts', [])) | {account}
            if denied is not None or (caller not in trusted and caller_uid not in trusted):
                raise StsError('NoPermission', 'No permission perform sts:AssumeRole on this Role. Maybe you are not authorized to '
                               'perform sts:AssumeRole or the specified role does not trust you', 403)
            body = self._issue(account, role, session, duration, policy, 'AssumeRole')
            if params.get('SourceIdentity'):
                body['SourceIdentity'] = params['SourceIdentity']
            return body, account

    def _assume_role_with_oidc(self, params):
        arn = params.get('OIDCProviderArn')
        if not arn:
            raise _missing('OIDCProviderArn')
        token = params.get('OIDCToken') or ''
        if not token:
            raise StsError('AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.', 401)
        if len(token.split('.')) != 3:
            raise StsError('AuthenticationFail.OIDCToken.Invalid', "The number of Jwt field should be divided into 3 parts with '.' .", 401)
        with self.emu.state.lock:
            data = self.emu.state.data
            match = PROVIDER_ARN_RE.match(arn)
            provider = None
            for account in data['accounts'].values():
                if match and account['uid'] == match.group(1):
                    provider = account.get('oidc_providers', {}).get(match.group(2))
            if provider is None:
                raise StsError('AuthenticationFail.NoPermission', 'No such OIDC Provider registered.', 401)
            if not secrets.compare_digest(token.encode('utf-8'), provider['token'].encode('utf-8')):
                raise StsError('AuthenticationFail.OIDCToken.InvalidSignature', 'OIDC token validate failed: invalid signature.', 401)
            if self.emu.state.now() >= provider['expire']:
                raise StsError('AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.', 401)
            account, role = self._role(params)
            provider_name = match.group(2)
            if data['accounts'][account]['uid'] != match.group(1) or \
                    provider_name not in role.get('trusted_oidc_providers', []) and arn not in role.get('trusted_oidc_providers', []):
                raise StsError('AuthenticationFail.NoPermission', 'There is no permission', 401)
            session = self._session_name(params)
            duration = self._duration(params, role)
            policy = self._policy(params)
            info = {'OIDCTokenInfo': {'Subject': provider['subject'], 'Issuer': provider['issuer'],
                                      'ClientIds': ','.join(provider['client_ids']),
                                      'IssuanceTime': self.emu.state.expiration_text(provider['issued']),
                                      'ExpirationTime': self.emu.state.expiration_text(provider['expire']),
                                      'VerificationInfo': 'Success'}}
            return self._issue(account, role, session, duration, policy, 'AssumeRoleWithOIDC', info), account
