# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OSS custom-domain (CNAME) API over oss2.

This is the only file that imports oss2. The import is deferred until a client is built (after every check
that needs no API call), because it costs about a third of a second and a fleet runs these modules many times.

The client returns plain dicts, sends every call through the shared RetryPolicy, and raises only the
_alicloud error classes: an OssError becomes error_from_code(code, message, request id, status), a lost
connection an AlicloudConnectionError.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudAuthError, AlicloudConnectionError, AlicloudError, AlicloudServiceError, AlicloudValidationError,
    error_from_code, split_endpoint,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import DomainError, normalize_region
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _permissions
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _ratelimit
from ansible_collections.alicloud_oss.domains.plugins.module_utils._requirements import MissingRequirement, require

CONNECT_TIMEOUT_CAP = 5.0
HOLDER_SEARCH_LIMIT = 100
# The oss2 methods that only read; every other call counts as a write for the rate limiter (_ratelimit).
READ_METHODS = frozenset(['list_bucket_cname', 'get_bucket_cname_token', 'list_buckets'])

# A Python package the operation needs is not installed (or too old): .name is the requirement, .trace why.
MissingLibraryError = MissingRequirement


def _oss2():
    """oss2, imported on first use; 2.18.4 or later, the first with V4 signing (ProviderAuthV4)."""
    return require('oss2')[0]


# ---------------------------------------------------------------------------------------------------------------------
# Endpoint and credentials

def endpoint_url(endpoint, region):
    """The OSS endpoint as `scheme://host[:port]`; default `https://oss-<region>.aliyuncs.com`."""
    if not endpoint or not endpoint.strip():
        return 'https://oss-%s.aliyuncs.com' % region
    return '%s://%s' % split_endpoint(endpoint, 'oss_endpoint')


def make_auth(params, credentials=None):
    """oss2 signer over the run's credentials provider: V4 (ProviderAuthV4; the Bucket carries the region), or V1
    (ProviderAuth) only when oss_signature_version is v1. oss2 asks the provider for credentials on every request it
    signs, so credentials that expire are refreshed, whatever their source."""
    oss2 = _oss2()
    provider = (credentials or params.credentials()).for_oss()
    if params.oss_signature_version == 'v1':
        return oss2.ProviderAuth(provider)
    return oss2.ProviderAuthV4(provider)


def signing_region(region):
    """The region in a V4 signature's scope: the bucket's region id (`oss-` prefix removed)."""
    try:
        return normalize_region(region)
    except DomainError:
        return region


# ---------------------------------------------------------------------------------------------------------------------
# Translation of oss2 results and exceptions

def _text(value):
    return value if value not in ('',) else None


def _certificate_dict(info):
    if info is None:
        return None
    return dict(
        type=_text(info.type), cert_id=_text(info.cert_id), status=_text(info.status),
        fingerprint=_text(info.fingerprint), valid_start_date=_text(info.valid_start_date),
        valid_end_date=_text(info.valid_end_date), creation_date=_text(info.creation_date),
    )


def _binding_dict(cname):
    return dict(
        domain=(cname.domain or '').lower().rstrip('.'),
        status=_text(cname.status),
        last_modified=_text(cname.last_modified),
        certificate=_certificate_dict(getattr(cname, 'certificate', None)),
    )


def _server_time(result):
    headers = getattr(result, 'headers', None) or {}
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import parse_time  # pylint: disable=import-outside-toplevel
    return parse_time(headers.get('date') or headers.get('Date'))


def _token_dict(result):
    return dict(
        token=_text(result.token), expire_time=_text(result.expire_time),
        bucket=_text(result.bucket), domain=_text(result.cname), server_time=_server_time(result),
    )


def _connection_error(exc):
    """A requests failure wrapped by oss2 as RequestError (status -2). `sent` is False only when the connection
    could not be opened, because then the request cannot have reached OSS."""
    inner = getattr(exc, 'exception', None)
    import requests  # pylint: disable=import-outside-toplevel  # oss2 depends on it
    sent = True
    if isinstance(inner, requests.exceptions.ConnectTimeout):
        sent = False
    elif isinstance(inner, requests.exceptions.ConnectionError):
        text = str(inner)
        sent = not ('NewConnectionError' in text or 'Connection refused' in text or 'Name or service not known' in text)
    detail = type(inner).__name__ if inner is not None else 'RequestError'
    return AlicloudConnectionError('no answer from OSS (%s: %s)' % (detail, inner if inner is not None else exc), sent=sent)


def translate(oss2, exc):
    """Turn an oss2 exception into the collection's error classes."""
    if isinstance(exc, oss2.exceptions.RequestError):
        return _connection_error(exc)
    if isinstance(exc, oss2.exceptions.ClientError):
        return AlicloudValidationError('ClientError', str(getattr(exc, 'body', '') or exc))
    status = getattr(exc, 'status', None)
    code = getattr(exc, 'code', '') or ''
    message = getattr(exc, 'message', '') or ''
    if not code and not message:
        message = 'OSS answered HTTP %s without an error document' % status
    details = dict(getattr(exc, 'details', None) or {})
    detail = _access_denied_detail(getattr(exc, 'body', None))
    if detail:
        details['AccessDeniedDetail'] = detail
    return error_from_code(code, message, getattr(exc, 'request_id', None) or None, status, details=details)


def _access_denied_detail(body):
    """The AccessDeniedDetail element of an OSS error body as a dict (oss2 keeps only the flat elements in `details`)."""
    if not body or b'AccessDeniedDetail' not in (body if isinstance(body, bytes) else body.encode('utf-8')):
        return {}
    from xml.etree import ElementTree  # pylint: disable=import-outside-toplevel
    try:
        element = ElementTree.fromstring(body).find('AccessDeniedDetail')
    except ElementTree.ParseError:
        return {}
    if element is None:
        return {}
    return dict((child.tag, (child.text or '').strip()) for child in element)


# OSS's error page for a V1-signed request from an account or bucket that must use V4.
V1_REFUSED_EC = '0002-00000080'


def explain_v1_refusal(error):
    """Say what to change when OSS refuses a request because it was signed with V1 (oss_signature_version: v1)."""
    ec = (error.details or {}).get('EC') or ''
    text = (error.message or '').lower()
    if error.http_status == 403 and (ec == V1_REFUSED_EC or ('v1' in text and 'signature' in text)):
        error.message = ('%s OSS refused this V1-signed request: this account or bucket only accepts V4 signatures (OSS error '
                         '%s). Remove oss_signature_version: v1 (and ALICLOUD_OSS_SIGNATURE_VERSION); V4 is the default.'
                         % ((error.message or '').rstrip(), ec or V1_REFUSED_EC))
    return error


class OssClient(object):
    """The five CNAME operations of one bucket, returning plain dicts."""

    def __init__(self, params, bucket, region, bucket_factory=None):
        self.params = params
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint_url(params.oss_endpoint, region)
        self.last_policy = None
        self._oss2 = _oss2()
        timeout = float(params.timeout or 30.0)
        self._timeout = (min(CONNECT_TIMEOUT_CAP, timeout), timeout)
        self.credentials = params.credentials()
        # Fetched once now: a source that cannot give credentials (no key, a role that cannot be assumed, no metadata
        # service) fails here, naming the source, before the first request and so before any write.
        self.credentials.check()
        self._auth = make_auth(params, self.credentials)
        factory = bucket_factory or self._oss2.Bucket
        try:
            self._bucket = factory(self._auth, self.endpoint, bucket, connect_timeout=self._timeout,
                                   app_name='alicloud_oss.domains', region=signing_region(region))
        except self._oss2.exceptions.OssError as exc:
            raise translate(self._oss2, exc)

    def _explain(self, error, action=None):
        if action:
            # A refusal for want of a RAM permission names the action, the bucket and the ready policy.
            _permissions.explain(error, action, _permissions.oss_resource(self.bucket))
        if isinstance(error, AlicloudAuthError):
            if self.params.oss_signature_version == 'v1':
                explain_v1_refusal(error)
            if not (error.details or {}).get('Endpoint'):  # the wrong-region refusal is not about the credentials
                self.credentials.explain(error)
        return error

    def _pace(self, method):
        """Wait for this call's turn in the schedule the threads and forks of the controller share (reads and writes
        apart); every attempt takes a turn, retries included, so a fleet stays below the rate instead of being refused."""
        _ratelimit.limiter_for(self.params, 'oss', 'read' if method in READ_METHODS else 'write').acquire()

    def _call(self, func, *args):
        oss2 = self._oss2
        method = getattr(func, '__name__', '')
        action = _permissions.OSS_ACTIONS.get(method)

        def attempt():
            self._pace(method)
            try:
                return func(*args)
            except oss2.exceptions.OssError as exc:
                raise self._explain(translate(oss2, exc), action)
            except (RuntimeError, SyntaxError) as exc:  # oss2 raises these for a response it cannot parse
                raise AlicloudServiceError('MalformedResponse', 'OSS sent a response oss2 could not parse (%s).' % exc)

        self.last_policy = self.params.retry_policy()
        return self.last_policy.run(attempt)

    @property
    def retried(self):
        """Whether the last call had to be repeated (so a write may have happened before its error)."""
        return bool(self.last_policy and self.last_policy.retried)

    def list_cnames(self):
        result = self._call(self._bucket.list_bucket_cname)
        return [_binding_dict(cname) for cname in (result.cname or [])]

    def put_cname(self, domain, certificate=None):
        """PutCname. certificate: dict with cert_id, certificate, private_key, previous_cert_id, force,
        delete_certificate (only the keys that are set are sent)."""
        oss2 = self._oss2
        cert = None
        if certificate:
            cert = oss2.models.CertInfo(
                cert_id=certificate.get('cert_id'), certificate=certificate.get('certificate'),
                private_key=certificate.get('private_key'), previous_cert_id=certificate.get('previous_cert_id'),
                force=True if certificate.get('force') else None,
                delete_certificate=True if certificate.get('delete_certificate') else None)
        request = oss2.models.PutBucketCnameRequest(domain, cert)
        self._call(self._bucket.put_bucket_cname, request)

    def delete_cname(self, domain):
        """DeleteCname; a domain that is not bound (NoSuchCname, as older OSS answers) counts as done."""
        try:
            self._call(self._bucket.delete_bucket_cname, domain)
        except AlicloudError as exc:
            if exc.code != 'NoSuchCname':
                raise

    def create_token(self, domain):
        return _token_dict(self._call(self._bucket.create_bucket_cname_token, domain))

    def get_token(self, domain):
        """The current token of the domain for this bucket, or None when there is none (or it expired)."""
        try:
            return _token_dict(self._call(self._bucket.get_bucket_cname_token, domain))
        except AlicloudError as exc:
            if exc.code == 'CnameTokenNotFound':
                return None
            raise

    def find_holder(self, domain, limit=HOLDER_SEARCH_LIMIT):
        """Which other bucket of this account has the domain bound: (bucket name or None, reason when unknown).

        Best effort, on the error path only: ListBuckets, then ListCname of each other bucket (one attempt each). Each
        request is signed like the others (V4 unless oss_signature_version is v1), for the region of the bucket it goes
        to: ListBuckets with this client's region, each bucket with the region OSS lists it in.
        """
        oss2 = self._oss2
        try:
            service = oss2.Service(self._auth, self.endpoint, connect_timeout=self._timeout, app_name='alicloud_oss.domains',
                                   region=signing_region(self.region))
            self._pace('list_buckets')
            buckets = (service.list_buckets(max_keys=limit).buckets or [])[:limit]
        except (oss2.exceptions.OssError, RuntimeError, SyntaxError, AlicloudError) as exc:
            return None, 'the account\'s buckets could not be listed (%s)' % (getattr(exc, 'code', '') or type(exc).__name__)
        for info in buckets:
            if info.name == self.bucket:
                continue
            endpoint = self.endpoint
            if not self.params.oss_endpoint and info.extranet_endpoint:
                endpoint = 'https://%s' % info.extranet_endpoint
            region = signing_region(info.location) if info.location else signing_region(self.region)
            try:
                other = oss2.Bucket(self._auth, endpoint, info.name, connect_timeout=self._timeout, app_name='alicloud_oss.domains',
                                    region=region)
                self._pace('list_bucket_cname')
                cnames = other.list_bucket_cname().cname or []
            except (oss2.exceptions.OssError, RuntimeError, SyntaxError, AlicloudError):
                continue
            if any((cname.domain or '').lower().rstrip('.') == domain for cname in cnames):
                return info.name, None
        return None, 'none of the %d buckets this key can list shows it' % len(buckets)
