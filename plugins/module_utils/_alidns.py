# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Alibaba Cloud DNS (Alidns 2015-01-09) API over its Python SDK.

The only file that imports alibabacloud_alidns20150109, alibabacloud_tea_openapi and darabonba. The import is
deferred to the first client (it costs about 0.3 s), so a module validates its options and fails on bad input
before paying for it. Every call goes through the shared RetryPolicy; SDK exceptions become the errors of
_alicloud. Writes are made safe to retry: after an answer was lost, an add re-reads before it tries again, and a
`DomainRecordDuplicate` met on a retry counts as success once a read shows the record.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    USER_AGENT, AlicloudAuthError, AlicloudConnectionError, AlicloudError, AlicloudNotFoundError, AlicloudServiceError,
    AlicloudValidationError, error_from_code, split_endpoint,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._records import (
    Record, fqdn_of, longest_zone, ttl_refusal,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _permissions
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _ratelimit
from ansible_collections.alicloud_oss.domains.plugins.module_utils._requirements import MissingRequirement, require, requirement

DEFAULT_ENDPOINT = 'alidns.aliyuncs.com'
DEFAULT_REGION = 'cn-hangzhou'
SDK_PACKAGE = requirement('alidns')
SUB_DOMAIN_PAGE_SIZE = 100   # DescribeSubDomainRecords maximum
ZONE_PAGE_SIZE = 500         # DescribeDomainRecords maximum
DOMAINS_PAGE_SIZE = 100      # DescribeDomains maximum
MAX_PAGES = 1000
CONNECT_TIMEOUT_CAP = 10.0
# SDK methods that only read (describe_domains, describe_domain_records, ...); the others count as writes (_ratelimit).
READ_PREFIXES = ('describe_', 'get_', 'list_', 'query_')

_SDK = {}

# Signs that a request never left this machine (so a write cannot have happened).
_NOT_SENT_HINTS = ('connection refused', 'newconnectionerror', 'failed to establish', 'name or service not known',
                   'nodename nor servname', 'temporary failure in name resolution', 'connecttimeout',
                   'connect timeout', 'no route to host', 'network is unreachable')


# The SDK is not installed (or too old); str() is the requirement, `tb` the import traceback for fail_json(exception=...).
MissingSdkError = MissingRequirement


def load_sdk():
    """Import the SDK once and return its parts; raises MissingSdkError."""
    if not _SDK:
        dummy, client, models, openapi_models = require('alidns')
        _SDK.update(Client=client.Client, models=models, Config=openapi_models.Config)
    return _SDK


def parse_endpoint(endpoint):
    """Return (protocol, host[:port]) for the SDK's Config: `http://127.0.0.1:8080` -> ('http', '127.0.0.1:8080').

    The SDK signs the host header with the endpoint string, so it must carry no scheme and no path.
    """
    if not endpoint or not endpoint.strip():
        return 'https', DEFAULT_ENDPOINT
    return split_endpoint(endpoint, 'alidns_endpoint')


def _looks_not_sent(text):
    text = (text or '').lower()
    return any(hint in text for hint in _NOT_SENT_HINTS)


def openapi_config(params, protocol, host, credentials):
    """The keyword arguments of the Tea OpenAPI Config that the RPC SDKs (Alidns, Certificate Management Service) are built
    with: endpoint, region, user agent, the timeouts of the module's `api_timeout` (connect capped) and the run's credentials."""
    timeout = float(params.timeout or 30.0)
    return dict(endpoint=host, protocol=protocol, region_id=params.region or DEFAULT_REGION, user_agent=USER_AGENT,
                read_timeout=int(timeout * 1000), connect_timeout=int(min(timeout, CONNECT_TIMEOUT_CAP) * 1000),
                credential=credentials.for_tea())


def translate_sdk_error(exc, service='Alibaba Cloud DNS'):
    """Turn anything an RPC SDK raised into an AlicloudError (connection problems into AlicloudConnectionError); service
    names the API in the messages that the answer does not word itself."""
    if isinstance(exc, AlicloudError):
        return exc
    status = getattr(exc, 'status_code', None)
    code = getattr(exc, 'code', None)
    if status is not None or (code and code != 'None' and not hasattr(exc, 'inner_exception')):
        data = getattr(exc, 'data', None)
        data = data if isinstance(data, dict) else {}
        code = code if code and code != 'None' else data.get('Code')
        message = data.get('Message') or getattr(exc, 'message', None) or str(exc)
        request_id = getattr(exc, 'request_id', None) or data.get('RequestId')
        retry_after = getattr(exc, 'retry_after', None)
        details = {}
        if data.get('Recommend'):
            details['recommend'] = data['Recommend']
        if data.get('AccessDeniedDetail'):
            details['access_denied_detail'] = data['AccessDeniedDetail']
        if code == 'InvalidCredentials':
            return AlicloudAuthError(code, 'No usable credentials: %s' % message)
        return error_from_code(code, message, request_id=request_id, http_status=status, details=details,
                               retry_after=retry_after / 1000.0 if retry_after else None)
    inner = getattr(exc, 'inner_exception', None)
    cause = inner if inner is not None else exc
    name = type(cause).__name__
    text = getattr(cause, 'message', None) or str(cause)
    if 'Credential' in name or 'unable to load credentials' in text.lower():
        return AlicloudAuthError('MissingCredentials', 'No usable credentials: %s' % text)
    if name in ('RetryError', 'ConnectionError', 'Timeout', 'ReadTimeout', 'ConnectTimeout') or isinstance(cause, (IOError, OSError)):
        return AlicloudConnectionError('No answer from %s: %s' % (service, text), sent=not _looks_not_sent(text))
    if isinstance(cause, (RuntimeError, ValueError)) and 'json' in text.lower():
        # An answer that is not the API's JSON (a proxy page, a cut-off body): the request may have been processed.
        return AlicloudConnectionError('%s sent an answer that is not JSON: %s' % (service, text[:300]), sent=True)
    return AlicloudError('SdkError', '%s: %s' % (name, text))


def _zone_missing(zone, exc):
    if exc.code != 'InvalidDomainName.NoExist':
        return exc
    return AlicloudNotFoundError(exc.code, 'The zone %s is not in this Alibaba Cloud DNS account (%s). Check the zone name, or add '
                                           'the zone to Alibaba Cloud DNS first.' % (zone, exc.message),
                                 request_id=exc.request_id, http_status=exc.http_status, details=exc.details)


class AlidnsAPI(object):
    """Record and zone operations of one account; one instance per module run (the zone list is cached)."""

    def __init__(self, params, client=None, policy_factory=None):
        self.params = params
        self._client = client
        self._policy_factory = policy_factory or params.retry_policy
        self._zones = None
        if client is None:
            self._client = self._build_client()

    # -- plumbing -----------------------------------------------------------------------------------------------------

    def _build_client(self):
        sdk = load_sdk()
        protocol, endpoint = parse_endpoint(self.params.alidns_endpoint)
        # One credentials provider for the run (the same one the OSS client uses), asked for every request: see
        # _credentials.py. Fetched once now, so that a source that cannot work fails, naming it, before any write.
        self._credentials = self.params.credentials()
        self._credentials.check()
        return sdk['Client'](sdk['Config'](**openapi_config(self.params, protocol, endpoint, self._credentials)))

    def _request(self, action, **fields):
        """Build the SDK request model of an action, leaving out unset fields."""
        models = load_sdk()['models']
        return getattr(models, action + 'Request')(**dict((k, v) for k, v in fields.items() if v is not None))

    def _invoke(self, method, request, zone=None):
        """One SDK call; zone names the zone of a record-id call in a permission refusal."""
        # Every attempt (retries too) waits for its turn in the schedule shared by the threads and forks of the controller.
        _ratelimit.limiter_for(self.params, 'alidns', 'read' if method.startswith(READ_PREFIXES) else 'write').acquire()
        try:
            response = getattr(self._client, method)(request)
        except Exception as exc:  # pylint: disable=broad-except
            error = translate_sdk_error(exc)
            # A refusal for want of a RAM permission names the action, the zone and the ready policy.
            zone = getattr(request, 'domain_name', None) or zone
            _permissions.explain(error, _permissions.alidns_action(method),
                                 _permissions.alidns_resource(zone.lower().rstrip('.') if zone else None))
            credentials = getattr(self, '_credentials', None)
            raise credentials.explain(error) if credentials is not None else error
        body = getattr(response, 'body', None)
        return body.to_map() if hasattr(body, 'to_map') else (body or {})

    def call(self, action, **fields):
        """One operation, retried by the policy; returns the response body as a dict of API names."""
        method = ''.join('_' + char.lower() if char.isupper() else char for char in action).lstrip('_')
        request = self._request(action, **fields)
        return self._policy_factory().run(self._invoke, method, request)

    def _paged(self, action, list_key, item_key, page_size, **fields):
        items = []
        page = 1
        while page <= MAX_PAGES:
            body = self.call(action, page_number=page, page_size=page_size, **fields)
            batch = (body.get(list_key) or {}).get(item_key) or []
            items.extend(batch)
            total = int(body.get('TotalCount') or 0)
            if not batch or page * page_size >= total:
                break
            page += 1
        return items

    # -- zones --------------------------------------------------------------------------------------------------------

    def list_zones(self):
        """The zone names of the account (lower case, punycode), all pages; cached for the run."""
        if self._zones is None:
            zones = []
            for item in self._paged('DescribeDomains', 'Domains', 'Domain', DOMAINS_PAGE_SIZE):
                name = (item.get('PunyCode') or item.get('DomainName') or '').lower().rstrip('.')
                if name and name not in zones:
                    zones.append(name)
            self._zones = zones
        return self._zones

    def zone_info(self, zone, lines=False):
        """What a zone's edition allows (DescribeDomainInfo): {zone, edition, edition_name, min_ttl, lines}.

        min_ttl is the lowest TTL the edition accepts (600 on the free and personal editions, 60 enterprise standard, 1
        enterprise ultimate: https://www.alibabacloud.com/help/doc-detail/29806.htm), None when the answer does not say.
        With lines, `lines` lists the line codes the zone may use (NeedDetailAttributes); else it is None.
        """
        try:
            body = self.call('DescribeDomainInfo', domain_name=zone, need_detail_attributes=True if lines else None)
        except AlicloudNotFoundError as exc:
            raise _zone_missing(zone, exc)
        min_ttl = body.get('MinTtl')
        try:
            min_ttl = int(min_ttl) if min_ttl not in (None, '') else None
        except (TypeError, ValueError):
            min_ttl = None
        codes = None
        if lines:
            codes = [line.get('LineCode') for line in ((body.get('RecordLines') or {}).get('RecordLine') or []) if line.get('LineCode')]
        return dict(zone=zone, edition=body.get('VersionCode'), edition_name=body.get('VersionName'), min_ttl=min_ttl,
                    lines=codes)

    def zone_turns(self, zone, clock=time.time, sleep=time.sleep):
        """The _ratelimit.ZoneTurns of a zone of this account: the writers of every process of the controller take turns
        (_records.ZonePacer)."""
        return _ratelimit.zone_turns_for(self.params, zone, clock=clock, sleep=sleep)

    def find_zone(self, fqdn):
        """The longest zone of the account that contains fqdn; AlicloudNotFoundError naming the candidates if none."""
        zone = longest_zone(fqdn, self.list_zones())
        if zone is None:
            labels = fqdn.split('.')
            candidates = ['.'.join(labels[index:]) for index in range(len(labels) - 1)]
            candidates = [name for name in candidates if not name.startswith('*')]
            owned = self.list_zones()
            raise AlicloudNotFoundError(
                'InvalidDomainName.NoExist',
                '%s is not in any zone of this Alibaba Cloud DNS account: there is no zone named %s. %s Add the zone to '
                'Alibaba Cloud DNS first, or create the record where the zone is hosted.'
                % (fqdn, ' or '.join(reversed(candidates)) or fqdn,
                   ('The account has: %s%s.' % (', '.join(owned[:10]), ', ...' if len(owned) > 10 else ''))
                   if owned else 'The account has no zones.'))
        return zone

    # -- records ------------------------------------------------------------------------------------------------------

    def list_name_records(self, zone, rr, rtype=None, line=None):
        """Every record at exactly rr in zone (all types unless rtype; all lines unless line), all pages."""
        try:
            items = self._paged('DescribeSubDomainRecords', 'DomainRecords', 'Record', SUB_DOMAIN_PAGE_SIZE,
                                sub_domain=fqdn_of(rr, zone), domain_name=zone, type=rtype, line=line)
        except AlicloudNotFoundError as exc:
            raise _zone_missing(zone, exc)
        records = [Record.from_api(item) for item in items]
        return [record for record in records
                if record.rr == rr and (rtype is None or record.type == rtype)
                and (line is None or record.line.lower() == line.lower())]

    def list_zone_records(self, zone, rtype=None):
        """Every record of the zone (optionally of one type), all pages."""
        try:
            items = self._paged('DescribeDomainRecords', 'DomainRecords', 'Record', ZONE_PAGE_SIZE, domain_name=zone, type=rtype)
        except AlicloudNotFoundError as exc:
            raise _zone_missing(zone, exc)
        records = [Record.from_api(item) for item in items]
        return [record for record in records if rtype is None or record.type == rtype]

    def _find(self, zone, record, by_id=False):
        for have in self.list_name_records(zone, record.rr, record.type, record.line):
            if (by_id and have.record_id == record.record_id) or (not by_id and have.key == record.key):
                return have
        return None

    def add_record(self, zone, record):
        """AddDomainRecord; returns the new record id. Never leaves a duplicate after a lost answer.

        Alidns accepts several A, AAAA and CNAME records with different values at one name (weighted round robin), so
        the service would not stop a second CNAME; only an identical record is refused (DomainRecordDuplicate). A retry
        therefore never adds blindly: after an attempt that may have been applied (no answer, or a 5xx), it reads the
        name first and takes the record it finds.
        """
        maybe_applied = []

        def attempt():
            if maybe_applied:
                # The previous attempt may have created the record before its answer was lost: look first.
                found = self._find(zone, record)
                if found is not None:
                    return found.record_id
            try:
                body = self._invoke('add_domain_record', self._request(
                    'AddDomainRecord', domain_name=zone, rr=record.rr, type=record.type, value=record.value,
                    ttl=record.ttl, line=record.line, priority=record.priority))
            except AlicloudConnectionError as exc:
                if exc.sent:
                    maybe_applied.append(exc)
                raise
            except AlicloudServiceError as exc:
                # A 5xx can come after the write was made; LastOperationNotFinished (400) and throttling never do.
                if (exc.http_status or 0) >= 500:
                    maybe_applied.append(exc)
                raise
            return str(body.get('RecordId'))

        policy = self._policy_factory()
        try:
            return policy.run(attempt)
        except AlicloudError as exc:
            if exc.code == 'DomainRecordDuplicate' and (policy.retried or maybe_applied):
                found = self._find(zone, record)
                if found is not None:
                    return found.record_id
            raise self._explained(zone, record, exc)

    def update_record(self, zone, record):
        """UpdateDomainRecord with the whole desired state (record carries the id to keep)."""
        policy = self._policy_factory()
        request = self._request('UpdateDomainRecord', record_id=record.record_id, rr=record.rr, type=record.type,
                                value=record.value, ttl=record.ttl, line=record.line, priority=record.priority)
        try:
            policy.run(self._invoke, 'update_domain_record', request, zone)
        except AlicloudError as exc:
            # The service refuses an update to the state the record already has; after a lost answer that is our own
            # earlier attempt. Success once a read shows the record as wanted.
            if exc.code != 'DomainRecordDuplicate':
                raise self._explained(zone, record, exc)
            found = self._find(zone, record, by_id=True)
            if found is None or found.key != record.key or found.differs_from(record):
                raise
        return record.record_id

    def _explained(self, zone, record, exc):
        """The error to raise for a refused add or update: QuotaExceeded.TTL gets the message of the check made before the
        first write (_records.ttl_refusal: the option, the zone's edition and its minimum)."""
        if exc.code != 'QuotaExceeded.TTL':
            return exc
        # The range depends on the zone's edition (https://www.alibabacloud.com/help/doc-detail/29806.htm); ask the zone.
        try:
            info = self.zone_info(zone)
        except AlicloudError:
            info = {}
        message = ttl_refusal(record.ttl, fqdn_of(record.rr, zone), zone, info, written=True, service_message=exc.message)
        return AlicloudValidationError(exc.code, message, request_id=exc.request_id, http_status=exc.http_status,
                                       details=exc.details)

    def set_record_status(self, zone, record):
        """SetDomainRecordStatus to record.status (ENABLE, or DISABLE for a paused record)."""
        status = 'Disable' if (record.status or '').upper() == 'DISABLE' else 'Enable'
        request = self._request('SetDomainRecordStatus', record_id=record.record_id, status=status)
        self._policy_factory().run(self._invoke, 'set_domain_record_status', request, zone)
        return record.record_id

    def delete_record(self, zone, record):
        """DeleteDomainRecord; a record that is already gone counts as deleted."""
        policy = self._policy_factory()
        try:
            policy.run(self._invoke, 'delete_domain_record', self._request('DeleteDomainRecord', record_id=record.record_id), zone)
        except AlicloudNotFoundError as exc:
            if exc.code != 'DomainRecordNotBelongToUser':
                raise
        return record.record_id
