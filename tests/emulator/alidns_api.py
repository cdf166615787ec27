# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Alidns (2015-01-09) RPC API: record and zone operations, ACS3-HMAC-SHA256 and V2 signatures.

Wire formats and codes follow reference/alidns_api.md; codes it marks UNVERIFIED are listed in README.md.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import collections
import hashlib
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qsl

import ram
import records
import signatures
import world
from protocol import json_response

VERSION = '2015-01-09'
HOST_ID = 'alidns.aliyuncs.com'
WRITES = ('AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord', 'SetDomainRecordStatus', 'DeleteSubDomainRecords',
          'UpdateDomainRecordRemark')
REQUIRED_SIGNED = ('host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256')
TTLS = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 43200, 86400)
# Every edition's TTL range ends at 86400 s ("TTL" definition page, https://www.alibabacloud.com/help/doc-detail/29806.htm).
MAX_TTL = 86400
# The message real Alidns gave to Terraform (terraform-provider-alicloud issue #2976), apostrophe included.
LAST_OPERATION = 'You can\u2019t finish this operation because the last operation has not been finished.'
MULTI_LABEL_SUFFIXES = ('com.cn', 'net.cn', 'org.cn', 'gov.cn', 'edu.cn', 'ac.cn', 'com.hk', 'co.uk', 'org.uk', 'co.jp',
                        'com.au', 'co.nz', 'com.tw', 'com.sg')
NOT_EXIST = 'The specified domain name does not exist. Refresh the page and try again.'
# The refusal of a call the RAM policies do not allow: code, message and HTTP status as real Alidns answers were quoted
# (README.md, "RAM"), with AccessDeniedDetail.
FORBIDDEN_RAM = ('Forbidden.RAM', "User not authorized to operate on the specified resource, or this API doesn't support RAM.", 400)
# Record ids name no zone: the zone of the record is the resource.
BY_RECORD_ID = ('UpdateDomainRecord', 'DeleteDomainRecord', 'SetDomainRecordStatus', 'UpdateDomainRecordRemark',
                'DescribeDomainRecordInfo')


class ApiError(Exception):
    def __init__(self, code, message, status=400, refusal=None):
        super(ApiError, self).__init__(message)
        self.code, self.message, self.status = code, message, status
        self.refusal = refusal  # a ram.Refusal: the body carries its AccessDeniedDetail


class Call:
    def __init__(self, action, params):
        self.action, self.params = action, params
        self.write = action in WRITES
        self.account = None
        self.zone = None
        self.scheme = 'unknown'   # acs3, rpc_v2, anonymous or unknown (GET /_emulator/calls, by_signature)
        self.signer = None        # the account of the access key, known even when the call is refused
        self.principal = None     # ram.Principal: who signed, and the policies that limit it


def _require(params, name):
    value = params.get(name)
    if value is None or value == '':
        raise ApiError('Missing' + name, '%s is mandatory for this action.' % name)
    return value


def _int(params, name, default=None, low=None, high=None):
    raw = params.get(name)
    if raw is None or raw == '':
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError('InvalidParameter', 'The specified parameter "%s" is not valid.' % name)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ApiError('InvalidParameter', 'The specified parameter "%s" is not valid.' % name)
    return value


def main_domain(name):
    labels = name.split('.')
    suffix = 2 if '.'.join(labels[-2:]) in MULTI_LABEL_SUFFIXES else 1
    return '.'.join(labels[-(suffix + 1):]), suffix


class AlidnsApi:
    version = VERSION  # the API version a request must name (cas_api.CasApi, an RPC API too, names its own)
    product = 'Alidns'  # as the Recommend link of an error names it
    api_name = 'alidns'  # its key in the fault throttle_rps "writes:<api>"
    host_id = HOST_ID

    def __init__(self, emu):
        self.emu = emu
        self.nonces = collections.OrderedDict()
        self.nonce_lock = threading.Lock()

    # ------------------------------------------------------------------ responses
    @classmethod
    def error_response(cls, err):
        request_id = str(uuid.uuid4()).upper()
        body = {'RequestId': request_id, 'HostId': cls.host_id, 'Code': err.code, 'Message': err.message,
                'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s' % (err.code, cls.product, request_id)}
        if getattr(err, 'refusal', None) is not None:
            body['AccessDeniedDetail'] = dict(err.refusal.detail(request_id))
        return json_response(err.status, body, {'Content-Type': 'application/json;charset=utf-8', 'x-acs-request-id': request_id})

    def injected(self, call, code):
        self.emu.calls.refusal(call.action, code)
        return self.error_response({
            'Throttling': ApiError('Throttling.User', 'Request was denied due to user flow control.'),
            'ServiceUnavailable': ApiError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503),
            'InternalError': ApiError('InternalError', 'The request processing has failed due to some unknown error, exception or failure.', 500),
            'LastOperationNotFinished': ApiError('LastOperationNotFinished', LAST_OPERATION),
        }.get(code) or ApiError(code, code))

    @staticmethod
    def ok(body):
        request_id = str(uuid.uuid4()).upper()
        body['RequestId'] = request_id
        return json_response(200, body, {'Content-Type': 'application/json;charset=utf-8', 'x-acs-request-id': request_id})

    # ------------------------------------------------------------------ request analysis and authentication
    def prepare(self, req):
        params = dict(req.query)
        if 'x-www-form-urlencoded' in (req.headers.get('Content-Type') or '') and req.body:
            params.update(parse_qsl(req.body.decode('utf-8'), keep_blank_values=True))
        auth = req.headers.get('Authorization') or ''
        acs3 = auth.startswith('ACS3-HMAC-SHA256')
        action = req.headers.get('x-acs-action') if acs3 else params.get('Action')
        call = Call(action or 'Unknown', params)
        call.scheme = 'acs3' if acs3 else 'rpc_v2' if 'Signature' in params else 'unknown' if auth else 'anonymous'
        try:
            if acs3:
                call.account = self._acs3(req, call)
                version = req.headers.get('x-acs-version')
            elif 'Signature' in params:
                call.account = self._v2(req, params, call)
                version = params.get('Version')
            else:
                raise ApiError('IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
            if version != self.version:
                raise ApiError('InvalidVersion', 'Specified parameter Version is not valid.')
            if not hasattr(self, '_' + call.action):
                raise ApiError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')
            if call.write:
                call.zone = self._zone_of_write(call)
        except ApiError as err:
            return call, self.error_response(err)
        return call, None

    def _zone_of_write(self, call):
        if call.params.get('DomainName'):
            return call.params['DomainName'].lower().rstrip('.')
        with self.emu.state.lock:
            zone, _record = self.emu.state.find_record(call.params.get('RecordId', ''))
        return zone

    def _credentials(self, access_key, call):
        with self.emu.state.lock:
            creds = self.emu.state.credentials(access_key)
        if creds is None:
            raise ApiError('InvalidAccessKeyId', 'Specified access key is not found or invalid.')
        call.signer = creds['account']
        with self.emu.state.lock:
            call.principal = ram.principal(self.emu.state.data, creds)
        return creds

    def _sts(self, creds, token):
        if creds['sts'] is None:
            return
        if token != creds['sts']['token']:
            raise ApiError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')
        with self.emu.state.lock:
            expired = self.emu.state.now() >= creds['sts']['expire']
        if expired:
            raise ApiError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')

    def _nonce(self, nonce):
        now = time.time()
        with self.nonce_lock:
            while self.nonces and next(iter(self.nonces.values())) < now - signatures.MAX_SKEW_SECONDS:
                self.nonces.popitem(last=False)
            if nonce in self.nonces:
                raise ApiError('SignatureNonceUsed', 'Specified signature nonce was used already.')
            self.nonces[nonce] = now

    def _acs3(self, req, call):
        fields = signatures.parse_acs3_authorization(req.headers.get('Authorization'))
        if fields is None or not all(h in fields['signed_headers'] for h in REQUIRED_SIGNED):
            raise ApiError('IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
        creds = self._credentials(fields['access_key'], call)
        if signatures.skewed(signatures.parse_iso_date(req.headers.get('x-acs-date') or ''), time.time()):
            raise ApiError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
        payload = hashlib.sha256(req.body or b'').hexdigest()
        canonical = signatures.acs3_canonical_request(req.method, req.path, req.query, req.headers, fields['signed_headers'],
                                                      req.headers.get('x-acs-content-sha256') or '')
        expected = signatures.acs3_signature(creds['secret'], canonical)
        if req.headers.get('x-acs-content-sha256') != payload or not secrets.compare_digest(expected, fields['signature']):
            raise ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. server string to sign is:'
                           'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical.encode('utf-8')).hexdigest())
        self._sts(creds, req.headers.get('x-acs-security-token'))
        self._nonce(req.headers.get('x-acs-signature-nonce'))
        return creds['account']

    def _v2(self, req, params, call):
        for name in ('AccessKeyId', 'Timestamp', 'SignatureNonce'):
            _require(params, name)
        creds = self._credentials(params['AccessKeyId'], call)
        if signatures.skewed(signatures.parse_iso_date(params['Timestamp']), time.time()):
            raise ApiError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
        to_sign = signatures.rpc_v2_string_to_sign(req.method, params)
        if not secrets.compare_digest(signatures.rpc_v2_signature(creds['secret'], to_sign), params['Signature']):
            raise ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. server string to sign is:'
                           + to_sign)
        self._sts(creds, params.get('SecurityToken'))
        self._nonce(params['SignatureNonce'])
        return creds['account']

    # ------------------------------------------------------------------ dispatch
    def execute(self, call, _req):
        state = self.emu.state
        try:
            self._authorize(call)
        except ApiError as err:
            return self.error_response(err)
        pacing = call.write and call.zone
        if pacing:
            with state.lock:
                interval = state.setting('zone_write_interval')
            admitted, previous = self.emu.faults.admit_zone_write(call.zone, interval)
            if not admitted:
                return self.injected(call, 'LastOperationNotFinished')
        try:
            with state.lock:
                body, changed_zones = getattr(self, '_' + call.action)(call, call.params)
                snapshots = self.emu.snapshot(changed_zones) if changed_zones else []
                if changed_zones:
                    state.save()
            self.emu.push(snapshots)
            return self.ok(body)
        except (ApiError, records.RecordError) as err:
            if pacing:
                self.emu.faults.release_zone_write(call.zone, previous)
            return self.error_response(err if isinstance(err, ApiError) else ApiError(err.code, err.message))

    # ------------------------------------------------------------------ RAM
    def _resource(self, call):
        """The resource Alidns authorizes a call on (the caller holds the state lock): the zone, as
        acs:alidns:*:<uid>:domain/<zone>; domain/* for DescribeDomains (and for a record id that names no zone of the
        caller); the whole service for GetMainDomainName."""
        state = self.emu.state
        uid = state.data['accounts'][call.account]['uid']
        params = call.params
        if call.action == 'GetMainDomainName':
            return ram.resource_alidns_any(uid)
        zone = None
        if call.action in BY_RECORD_ID:
            zone, _record = state.find_record(params.get('RecordId') or '')
            if zone is not None and state.data['zones'][zone]['account'] != call.account:
                zone = None
        elif params.get('DomainName'):
            zone = params['DomainName'].lower().rstrip('.')
        elif call.action == 'DescribeSubDomainRecords' and params.get('SubDomain'):
            sub = params['SubDomain'].lower().rstrip('.')
            main = main_domain(sub)[0]
            owned = state.data['zones'].get(main, {}).get('account') == call.account
            zone = main if owned else (state.alidns_zone(sub, call.account) or main)
        return ram.resource_alidns_domain(uid, zone or '*')

    def _authorize(self, call):
        who = call.principal
        if who is None or not who.restricted:
            return
        with self.emu.state.lock:
            refusal = ram.authorize(who, [('alidns:' + call.action, self._resource(call))])
        if refusal is not None:
            self.emu.calls.refuse(call.action, call.account)
            code, message, status = FORBIDDEN_RAM
            raise ApiError(code, message, status, refusal=refusal)

    # ------------------------------------------------------------------ helpers
    def _zone(self, call, name, foreign_code='InvalidDomainName.NoExist'):
        name = (name or '').lower().rstrip('.')
        zone = self.emu.state.data['zones'].get(name)
        if zone is None:
            raise ApiError('InvalidDomainName.NoExist', NOT_EXIST)
        if zone['account'] != call.account:
            if foreign_code == 'IncorrectDomainUser':
                raise ApiError('IncorrectDomainUser', 'The domain name does not belong to you.')
            raise ApiError('InvalidDomainName.NoExist', NOT_EXIST)
        return name, zone

    def _record(self, call, record_id):
        zone_name, record = self.emu.state.find_record(record_id or '')
        if record is None or self.emu.state.data['zones'][zone_name]['account'] != call.account:
            raise ApiError('DomainRecordNotBelongToUser', 'The DNS record does not belong to you.')
        return zone_name, record

    @staticmethod
    def _locked(record):
        if record.get('locked'):
            raise ApiError('DomainRecordLocked', 'The DNS record is locked.')

    def _fields(self, params, zone):
        """Validated (rr, type, value, ttl, line, priority) from Add/Update parameters."""
        rr = records.normalize_rr(_require(params, 'RR'))
        rtype = records.normalize_type(_require(params, 'Type'))
        value = records.normalize_value(rtype, _require(params, 'Value'))
        ttl = _int(params, 'TTL', 600)
        # The TTL range is the edition's: [600, 86400] free and personal, [60, 86400] enterprise standard, [1, 86400]
        # enterprise ultimate (https://www.alibabacloud.com/help/doc-detail/29806.htm). QuotaExceeded.TTL below it is
        # seen in third-party clients; above it the same code is ASSUMED.
        if ttl < world.EDITIONS[zone['edition']][1]:
            raise ApiError('QuotaExceeded.TTL', 'The TTL value is less than the minimum value allowed.')
        if ttl > MAX_TTL:
            raise ApiError('QuotaExceeded.TTL', 'The TTL has exceeded the limit of the domain edition.')
        line = params.get('Line') or 'default'
        if line not in records.LINES:
            raise ApiError('InvalidParameter', 'The specified parameter "Line" is not valid.')
        priority = None
        if rtype == 'MX':
            if not params.get('Priority'):
                raise ApiError('MissingPriority', 'Priority is mandatory for MX records.')
            priority = _int(params, 'Priority', low=1, high=50)
        return rr, rtype, value, ttl, line, priority

    @staticmethod
    def _conflicting(rr, new_type, old_type):
        """Whether a record of new_type may not join one of old_type at the same RR and line ("DNS record conflict
        rules", https://help.aliyun.com/en/dns/pubz-dns-record-conflict-rules). Records of one type may repeat (several
        A, AAAA or CNAME values are answered by weighted round robin), except URL forwarding. A CNAME stands alone but
        for NS, MX and TXT at the apex; URL forwarding excludes A, AAAA and CNAME. The page's matrix is for @; applying
        its URL row, and CNAME exclusivity with NS, to other names is ASSUMED."""
        pair = set((new_type, old_type))
        if new_type == old_type:
            return new_type in records.URL_TYPES
        if pair <= set(records.URL_TYPES):
            return True
        if 'CNAME' in pair:
            other = (pair - set(['CNAME'])).pop()
            return not (rr == '@' and other in ('NS', 'MX', 'TXT'))
        return bool(pair & set(records.URL_TYPES)) and bool(pair & set(('A', 'AAAA')))

    @classmethod
    def _check_conflicts(cls, zone, rr, rtype, value, line, exclude=None):
        same = [r for rid, r in zone['records'].items() if rid != exclude and r['rr'] == rr and r['line'] == line]
        if any(r['type'] == rtype and records.values_equal(rtype, r['value'], value) for r in same):
            raise ApiError('DomainRecordDuplicate', 'The DNS record already exists.')
        conflict = [r for r in same if cls._conflicting(rr, rtype, r['type'])]
        if conflict:
            raise ApiError('DomainRecordConflict', 'The DNS record conflicts with other records.')
        if len([r for r in same if r['type'] == rtype]) >= 90:
            raise ApiError('QuotaExceeded.Record', 'The number of DNS records exceeds the limit.')

    @staticmethod
    def _list_entry(zone_name, rid, rec, timestamps=True):
        entry = {'RecordId': rid, 'DomainName': zone_name, 'RR': rec['rr'], 'Type': rec['type'], 'Value': rec['value'],
                 'TTL': rec['ttl'], 'Line': rec['line'], 'Status': rec['status'], 'Locked': rec['locked'], 'Weight': rec['weight']}
        if rec['type'] == 'MX':
            entry['Priority'] = rec['priority']
        if rec.get('remark'):
            entry['Remark'] = rec['remark']
        if timestamps:
            entry.update(CreateTimestamp=int(rec['created'] * 1000), UpdateTimestamp=int(rec['updated'] * 1000), LbaStatus=False)
        return entry

    @staticmethod
    def _page(items, params, max_size):
        number = _int(params, 'PageNumber', 1, low=1)
        size = _int(params, 'PageSize', 20, low=1, high=max_size)
        return {'TotalCount': len(items), 'PageNumber': number, 'PageSize': size}, items[(number - 1) * size:number * size]

    @staticmethod
    def _sorted(items, params):
        """Newest first by default (Direction=ASC: oldest first)."""
        ascending = (params.get('Direction') or 'DESC').upper() == 'ASC'
        return sorted(items, key=lambda item: (item[1]['created'], int(item[0])), reverse=not ascending)

    # ------------------------------------------------------------------ record writes
    def _AddDomainRecord(self, call, params):
        zone_name, zone = self._zone(call, _require(params, 'DomainName'), 'IncorrectDomainUser')
        rr, rtype, value, ttl, line, priority = self._fields(params, zone)
        self._check_conflicts(zone, rr, rtype, value, line)
        state = self.emu.state
        rid, now = state.new_record_id(), state.now()
        zone['records'][rid] = {'rr': rr, 'type': rtype, 'value': value, 'ttl': ttl, 'line': line, 'priority': priority,
                                'status': 'ENABLE', 'locked': False, 'remark': None, 'weight': 1, 'created': now,
                                'updated': now, 'zone': zone_name}
        return {'RecordId': rid}, [zone_name]

    def _UpdateDomainRecord(self, call, params):
        zone_name, record = self._record(call, _require(params, 'RecordId'))
        self._locked(record)
        zone = self.emu.state.data['zones'][zone_name]
        rr, rtype, value, ttl, line, priority = self._fields(params, zone)
        unchanged = (rr == record['rr'] and rtype == record['type'] and records.values_equal(rtype, value, record['value'])
                     and ttl == record['ttl'] and line == record['line'] and priority == (record['priority'] if rtype == 'MX' else None))
        if unchanged:
            raise ApiError('DomainRecordDuplicate', 'The DNS record already exists.')
        self._check_conflicts(zone, rr, rtype, value, line, exclude=params['RecordId'])
        record.update(rr=rr, type=rtype, value=value, ttl=ttl, line=line, priority=priority, updated=self.emu.state.now())
        return {'RecordId': params['RecordId']}, [zone_name]

    def _DeleteDomainRecord(self, call, params):
        zone_name, record = self._record(call, _require(params, 'RecordId'))
        self._locked(record)
        del self.emu.state.data['zones'][zone_name]['records'][params['RecordId']]
        return {'RecordId': params['RecordId']}, [zone_name]

    def _SetDomainRecordStatus(self, call, params):
        zone_name, record = self._record(call, _require(params, 'RecordId'))
        status = _require(params, 'Status').upper()
        if status not in ('ENABLE', 'DISABLE'):
            raise ApiError('InvalidParameter', 'The specified parameter "Status" is not valid.')
        record.update(status=status, updated=self.emu.state.now())
        return {'RecordId': params['RecordId'], 'Status': status.capitalize()}, [zone_name]

    def _UpdateDomainRecordRemark(self, call, params):
        zone_name, record = self._record(call, _require(params, 'RecordId'))
        record['remark'] = params.get('Remark') or None
        return {}, [zone_name]

    def _DeleteSubDomainRecords(self, call, params):
        zone_name, zone = self._zone(call, _require(params, 'DomainName'))
        rr = records.normalize_rr(_require(params, 'RR'))
        rtype = (params.get('Type') or '').upper()
        doomed = [rid for rid, r in zone['records'].items()
                  if r['rr'] == rr and (not rtype or r['type'] == rtype) and not r.get('locked')]
        for rid in doomed:
            del zone['records'][rid]
        return {'RR': params['RR'], 'TotalCount': str(len(doomed))}, [zone_name] if doomed else []

    # ------------------------------------------------------------------ record reads
    @staticmethod
    def _matches(rec, params):
        mode = (params.get('SearchMode') or '').upper()
        keyword = (params.get('KeyWord') or '').lower()
        if mode not in ('', 'LIKE', 'EXACT', 'ADVANCED', 'COMBINATION'):
            raise ApiError('InvalidParameter', 'The specified parameter "SearchMode" is not valid.')
        rr, value = rec['rr'].lower(), rec['value'].lower()
        if mode in ('LIKE', 'EXACT') or (not mode and keyword):
            if not keyword:
                return True
            return keyword in (rr, value) if mode == 'EXACT' else (keyword in rr or keyword in value)
        exact = mode == 'COMBINATION'
        for key, field in (('RRKeyWord', rr), ('ValueKeyWord', value)):
            wanted = (params.get(key) or '').lower()
            if wanted and (wanted != field if exact else wanted not in field):
                return False
        for key, field in (('TypeKeyWord', rec['type']), ('Type', rec['type']), ('Status', rec['status'])):
            if params.get(key) and params[key].upper() != field:
                return False
        return not (params.get('Line') and params['Line'] != rec['line'])

    def _DescribeDomainRecords(self, call, params):
        zone_name, zone = self._zone(call, _require(params, 'DomainName'))
        if params.get('GroupId') == '0':
            found = []
        else:
            found = [(rid, r) for rid, r in zone['records'].items() if self._matches(r, params)]
        page, items = self._page(self._sorted(found, params), params, 500)
        page['DomainRecords'] = {'Record': [self._list_entry(zone_name, rid, r) for rid, r in items]}
        return page, []

    def _DescribeSubDomainRecords(self, call, params):
        sub = _require(params, 'SubDomain').lower().rstrip('.')
        state = self.emu.state
        if params.get('DomainName'):
            zone_name, zone = self._zone(call, params['DomainName'])
            if sub != zone_name and not sub.endswith('.' + zone_name):
                raise ApiError('InvalidParameter', 'The specified parameter "SubDomain" is not valid.')
        else:
            main = main_domain(sub)[0]
            zone_name = main if state.data['zones'].get(main, {}).get('account') == call.account else \
                state.alidns_zone(sub, call.account)
            zone_name, zone = self._zone(call, zone_name)
        rr = '@' if sub == zone_name else sub[:-len(zone_name) - 1]
        rtype = (params.get('Type') or '').upper()
        found = [(rid, r) for rid, r in zone['records'].items()
                 if r['rr'] == rr and (not rtype or r['type'] == rtype) and (not params.get('Line') or r['line'] == params['Line'])]
        page, items = self._page(self._sorted(found, params), params, 100)
        page['DomainRecords'] = {'Record': [self._list_entry(zone_name, rid, r, False) for rid, r in items]}
        return page, []

    def _DescribeDomainRecordInfo(self, call, params):
        zone_name, rec = self._record(call, _require(params, 'RecordId'))
        zone = self.emu.state.data['zones'][zone_name]
        body = {'RecordId': params['RecordId'], 'DomainId': zone['domain_id'], 'DomainName': zone_name,
                'PunyCode': zone_name, 'GroupId': '', 'GroupName': '', 'RR': rec['rr'], 'Type': rec['type'],
                'Value': rec['value'], 'TTL': rec['ttl'], 'Line': rec['line'], 'Status': rec['status'].capitalize(),
                'Locked': rec['locked'], 'Remark': rec.get('remark') or ''}
        if rec['type'] == 'MX':
            body['Priority'] = rec['priority']
        return body, []

    # ------------------------------------------------------------------ zones
    def _zone_summary(self, name, zone):
        version_name, _min_ttl = world.EDITIONS[zone['edition']]
        return {'DomainId': zone['domain_id'], 'DomainName': name, 'PunyCode': name, 'AliDomain': True,
                'VersionCode': zone['edition'], 'VersionName': version_name, 'InstanceId': '', 'GroupId': '', 'GroupName': '',
                'CreateTime': time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime(zone['created'])),
                'CreateTimestamp': int(zone['created'] * 1000), 'RecordCount': len(zone['records']),
                'ResourceGroupId': '', 'Remark': '', 'Starmark': False, 'InstanceExpired': False,
                'DnsServers': {'DnsServer': list(zone['dns_servers'])}, 'Tags': {'Tag': []}}

    def _DescribeDomains(self, call, params):
        mode = (params.get('SearchMode') or 'LIKE').upper()
        keyword = (params.get('KeyWord') or '').lower()
        names = sorted(n for n, z in self.emu.state.data['zones'].items() if z['account'] == call.account and
                       (not keyword or (keyword == n if mode == 'EXACT' else keyword in n)))
        page, items = self._page(names, params, 100)
        page['Domains'] = {'Domain': [self._zone_summary(n, self.emu.state.data['zones'][n]) for n in items]}
        return page, []

    def _DescribeDomainInfo(self, call, params):
        name, zone = self._zone(call, _require(params, 'DomainName'))
        summary = self._zone_summary(name, zone)
        body = dict((k, summary[k]) for k in ('DomainId', 'DomainName', 'PunyCode', 'AliDomain', 'VersionCode', 'VersionName',
                                              'InstanceId', 'GroupId', 'GroupName', 'CreateTime', 'Remark', 'ResourceGroupId',
                                              'DnsServers'))
        min_ttl = world.EDITIONS[zone['edition']][1]
        detail = (params.get('NeedDetailAttributes') or '').lower() == 'true'
        body.update(MinTtl=min_ttl, LineType='', RegionLines=False, SlaveDns=False, SubDomain=False, InBlackHole=False,
                    InClean=False, RecordLineTreeJson='',
                    AvailableTtls={'AvailableTtl': [str(t) for t in TTLS if t >= min_ttl] if detail else []},
                    RecordLines={'RecordLine': [{'LineCode': code, 'LineName': code, 'LineDisplayName': code, 'FatherCode': ''}
                                                for code in records.LINES] if detail else []})
        return body, []

    def _DescribeDomainNs(self, call, params):
        _name, zone = self._zone(call, _require(params, 'DomainName'))
        servers = list(zone['dns_servers'])
        return {'AllAliDns': True, 'IncludeAliDns': True, 'DetectFailedReasonCode': '',
                'DnsServers': {'DnsServer': servers}, 'ExpectDnsServers': {'ExpectDnsServer': servers}}, []

    def _GetMainDomainName(self, _call, params):
        text = _require(params, 'InputString').strip().lower().rstrip('.')
        if len(text) > 128:
            raise ApiError('QuotaExceeded.StringLength', 'The length of InputString exceeds the limit.')
        main, suffix_labels = main_domain(text)
        labels = text.split('.')
        if len(labels) <= suffix_labels or not all(records.LABEL.match(label) and label != '*' for label in labels):
            raise ApiError('InvalidDomainName.Format', 'The domain name format is invalid.')
        rr = '@' if text == main else text[:-len(main) - 1]
        return {'DomainName': main, 'RR': rr, 'DomainLevel': len(labels) - suffix_labels}, []
