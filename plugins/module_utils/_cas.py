# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificate Management Service (CAS 2020-04-07): the certificate chain bound to a custom domain.

OSS's ListCname shows only the leaf of a bound certificate (its SHA-1 fingerprint, dates and CertId); the chain that
was uploaded with it is kept by Certificate Management Service, whose GetUserCertificateDetail returns it as `Cert`
(the PEM chain as uploaded) for the numeric part of the CertId (`493xxxx-cn-hangzhou` -> 493xxxx). Its parameter
CertFilter would drop the key, but it drops `Cert` too, so the call is made without it: the `Key` of the answer is a
secret, dropped from the answer as soon as it arrives, never returned, logged or put in an error.

The SDK (alibabacloud-cas20200407) is optional: without it, or when RAM refuses the call
(yundun-cert:GetUserCertificateDetail), oss_bucket_cname compares the leaf only, as before.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re

from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import split_endpoint
from ansible_collections.alicloud_oss.domains.plugins.module_utils import _permissions, _requirements

DEFAULT_ENDPOINT = 'cas.aliyuncs.com'
SERVICE = 'Certificate Management Service'
ACTION = 'yundun-cert:GetUserCertificateDetail'

_SDK = {}
_CERT_ID = re.compile(r'^\s*(\d+)(?:-[a-z0-9-]+)?\s*$', re.I)

# The optional SDK is missing or too old (str(): the requirement; trace: why), as _alidns and _oss say it.
MissingSdkError = _requirements.MissingRequirement


def load_sdk():
    """The SDK's parts, imported and version-checked by _requirements on first use; MissingSdkError when missing or too old."""
    if not _SDK:
        dummy, client, models, openapi = _requirements.require('cas')
        _SDK.update(Client=client.Client, models=models, Config=openapi.Config)
    return _SDK


def numeric_cert_id(cert_id):
    """The number CAS knows a certificate by, from the CertId OSS shows (`<number>-<region>`, or the number alone); None
    when it has no such form."""
    match = _CERT_ID.match(cert_id or '')
    return int(match.group(1)) if match else None


def resource(uid='*'):
    """Certificate Management Service authorizes per operation (the ready policies grant it on *)."""
    return 'acs:yundun-cert:*:%s:*' % uid


class CasClient(object):
    """GetUserCertificateDetail of one account; one instance per module run."""

    def __init__(self, params, endpoint=None, client=None):
        self.params = params
        self.endpoint = endpoint or None
        self._client = client if client is not None else self._build_client()

    def _build_client(self):
        from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns import openapi_config  # pylint: disable=import-outside-toplevel
        sdk = load_sdk()
        if self.endpoint and self.endpoint.strip():
            protocol, host = split_endpoint(self.endpoint, 'cas_endpoint')
        else:
            protocol, host = 'https', DEFAULT_ENDPOINT
        self._credentials = self.params.credentials()
        return sdk['Client'](sdk['Config'](**openapi_config(self.params, protocol, host, self._credentials)))

    def _invoke(self, cert_number):
        from ansible_collections.alicloud_oss.domains.plugins.module_utils._alidns import translate_sdk_error  # pylint: disable=import-outside-toplevel
        request = load_sdk()['models'].GetUserCertificateDetailRequest(cert_id=cert_number)
        try:
            response = self._client.get_user_certificate_detail(request)
        except Exception as exc:  # pylint: disable=broad-except
            error = translate_sdk_error(exc, service=SERVICE)
            _permissions.explain(error, ACTION, resource())
            credentials = getattr(self, '_credentials', None)
            raise credentials.explain(error) if credentials is not None else error
        body = getattr(response, 'body', None)
        pem = getattr(body, 'cert', None)
        # The private key of the certificate came with it: drop it now, before anything can copy it.
        for holder in (body, response):
            if holder is not None and getattr(holder, 'key', None) is not None:
                holder.key = None
        if isinstance(body, dict):
            body.pop('Key', None)
            pem = body.get('Cert')
        return pem or ''

    def bound_chain_pem(self, cert_id):
        """The PEM chain of the certificate OSS names by cert_id, as it was uploaded; raises AlicloudError (a permission
        refusal names yundun-cert:GetUserCertificateDetail and the ready policy) or ValueError for an id of no known form."""
        number = numeric_cert_id(cert_id)
        if number is None:
            raise ValueError('the bound CertId %s is not of the form <number>-<region>' % cert_id)
        return self.params.retry_policy().run(self._invoke, number)
