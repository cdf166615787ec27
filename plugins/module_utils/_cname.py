# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the OSS modules do: oss_bucket_cname, oss_bucket_cname_info and oss_domain_ownership.

Validate, read, plan, act: every check that needs no API call runs before the client is built, the plan is
computed from ListCname / GetCnameToken, and check mode stops before the writes. The API itself is _oss.py.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import datetime
import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _oss
from ansible_collections.alicloud_oss.domains.plugins.module_utils._alicloud import (
    AlicloudError, AlicloudParams, AlicloudValidationError, fail_with_error, redact,
)
from ansible_collections.alicloud_oss.domains.plugins.module_utils._domain import (
    DomainError, normalize_region, oss_accelerate_host, oss_public_host, ownership_record_name, to_unicode, validate_bind_domain,
    validate_bucket_name, with_unicode,
)

_UTC = datetime.timezone.utc


# ---------------------------------------------------------------------------------------------------------------------
# Shared module plumbing

def common_setup(module):
    """Resolve the shared options and the region; fail before any API call when something is wrong."""
    params = AlicloudParams.from_module(module)
    if not params.region:
        module.fail_json(msg='alicloud_region is required for OSS: set it to the region of the bucket (for example cn-hangzhou), '
                             'or set ALICLOUD_REGION. It names the bucket\'s endpoint and the CNAME target.',
                         error_code='InvalidParameter')
    try:
        region = normalize_region(params.region, field='alicloud_region')
        _oss.endpoint_url(params.oss_endpoint, region)
    except DomainError as exc:
        module.fail_json(msg=str(exc), error_code='InvalidParameter')
    except AlicloudValidationError as exc:
        module.fail_json(msg=exc.message, error_code=exc.code)
    return params, region


def make_client(module, params, bucket, region, secrets=None):
    try:
        return _oss.OssClient(params, bucket, region)
    except _oss.MissingLibraryError as exc:
        module.fail_json(msg=missing_required_lib(exc.name), exception=exc.trace)
    except AlicloudError as exc:
        fail_with_error(module, exc, secrets=secrets)
    return None


def validated_domain(module, value, field='domain'):
    try:
        return validate_bind_domain(value, field=field)
    except DomainError as exc:
        module.fail_json(msg=str(exc), error_code='InvalidParameter')
    return None


def validated_bucket(module, value, field='bucket'):
    try:
        return validate_bucket_name(value, field=field)
    except DomainError as exc:
        module.fail_json(msg=str(exc), error_code='InvalidParameter')
    return None


def find_binding(bindings, domain):
    for binding in bindings:
        if binding['domain'] == domain:
            return binding
    return None


def token_is_valid(token, now=None):
    """A token counts only while it has not expired (judged by the server's clock when its Date header came back)."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import parse_time  # pylint: disable=import-outside-toplevel
    if not token or not token.get('token'):
        return False
    expires = parse_time(token.get('expire_time'))
    if expires is None:
        return True
    now = now or token.get('server_time') or datetime.datetime.now(_UTC)
    return expires > now


def iso_time(text):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import format_time, parse_time  # pylint: disable=import-outside-toplevel
    return format_time(parse_time(text)) if text else None


def ownership_record(domain, token):
    # The token is plain text, so alidns_record writes it and wait_for_dns waits for it unchanged (one TXT grammar, _txt).
    name = ownership_record_name(domain)
    return dict(name=name, name_unicode=to_unicode(name), type='TXT', value=token)


def binding_result(binding):
    """A binding as modules return it: with the Unicode form of its domain next to it."""
    return with_unicode(dict(binding), 'domain') if binding else binding


def cname_target(bucket, region, target):
    return oss_accelerate_host(bucket) if target == 'accelerate' else oss_public_host(bucket, region)


# ---------------------------------------------------------------------------------------------------------------------
# oss_bucket_cname

def _binding_view(bucket, domain, binding):
    """What --diff shows: the binding, its certificate by id, fingerprint and validity (never a key)."""
    if binding is None:
        return dict(bucket=bucket, domain=domain, state='absent')
    cert = binding.get('certificate')
    view = dict(bucket=bucket, domain=domain, state='present', status=binding.get('status'), certificate=None)
    if cert:
        view['certificate'] = dict((key, cert.get(key)) for key in ('cert_id', 'fingerprint', 'valid_start_date', 'valid_end_date'))
    return view


def _same_certificate(bound, wanted_info):
    """Compare a bound certificate (ListCname) with a parsed PEM: fingerprint, and the validity end date when OSS shows it."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import (  # pylint: disable=import-outside-toplevel
        fingerprints_match, parse_time)
    if not bound or not fingerprints_match(bound.get('fingerprint'), wanted_info['fingerprint']):
        return False
    bound_end = parse_time(bound.get('valid_end_date'))
    if bound_end is not None and abs((bound_end - wanted_info['not_after']).total_seconds()) > 1:
        return False
    return True


class CnamePlan(object):
    """What oss_bucket_cname has to do for one binding: nothing, bind (maybe with a certificate), change the
    certificate, or unbind."""

    def __init__(self, action=None, certificate=None, reason=None):
        self.action = action              # None, 'bind', 'certificate', 'unbind'
        self.certificate = certificate    # the CertificateConfiguration to send, or None
        self.reason = reason

    @property
    def changed(self):
        return self.action is not None


def plan_binding(state, current, wanted_cert=None, wanted_info=None, delete_certificate=False, force=False):
    """Decide the write for the desired state against the binding ListCname returned (None when unbound).

    wanted_cert: {'cert_id': ...} or {'certificate': PEM, 'private_key': PEM}; wanted_info: the parsed PEM.
    """
    if state == 'absent':
        return CnamePlan('unbind', reason='bound') if current else CnamePlan()
    bound_cert = (current or {}).get('certificate') or None
    config = None
    reason = None
    if wanted_cert and wanted_cert.get('cert_id'):
        if not bound_cert or (bound_cert.get('cert_id') or '') != wanted_cert['cert_id']:
            config = dict(cert_id=wanted_cert['cert_id'])
            reason = 'certificate id differs' if bound_cert else 'no certificate bound'
    elif wanted_cert and wanted_cert.get('certificate'):
        if not _same_certificate(bound_cert, wanted_info):
            config = dict(certificate=wanted_cert['certificate'], private_key=wanted_cert['private_key'])
            reason = 'certificate fingerprint or validity differs' if bound_cert else 'no certificate bound'
    elif delete_certificate and bound_cert:
        config = dict(delete_certificate=True)
        reason = 'certificate to delete'
    if config is not None and not config.get('delete_certificate'):
        if bound_cert and bound_cert.get('cert_id'):
            # OSS replaces the certificate only if this still names the bound one (unless Force).
            config['previous_cert_id'] = bound_cert['cert_id']
        if force or not bound_cert:
            config['force'] = True
    if current is None:
        return CnamePlan('bind', config, 'not bound')
    if config is not None:
        return CnamePlan('certificate', config, reason)
    return CnamePlan()


def _predicted_binding(current, domain, plan, wanted_info):
    """The binding as it will look after the plan (for check mode and --diff)."""
    if plan.action == 'unbind':
        return None
    binding = dict(current) if current else dict(domain=domain, status='Enabled', last_modified=None, certificate=None)
    config = plan.certificate
    if config:
        if config.get('delete_certificate'):
            binding['certificate'] = None
        elif config.get('cert_id'):
            binding['certificate'] = dict(type='CAS', cert_id=config['cert_id'], status='Enabled', fingerprint=None,
                                          valid_start_date=None, valid_end_date=None, creation_date=None)
        else:
            from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import (  # pylint: disable=import-outside-toplevel
                format_time)
            binding['certificate'] = dict(type='Upload', cert_id=None, status='Enabled', fingerprint=wanted_info['fingerprint'],
                                          valid_start_date=format_time(wanted_info['not_before']),
                                          valid_end_date=format_time(wanted_info['not_after']), creation_date=None)
    return binding


def _reached(state, binding, wanted_cert, wanted_info, delete_certificate):
    """Whether a binding read back is what the plan aimed at (to reconcile a write whose answer was lost)."""
    return not plan_binding(state, binding, wanted_cert, wanted_info, delete_certificate).changed


def explain_cname_error(client, err, bucket, domain, region, endpoint):
    """An actionable message and extra result keys for an error of PutCname/ListCname/DeleteCname."""
    code = err.code
    extra = {}
    if code == 'NeedVerifyDomainOwnership':
        token = None
        try:
            found = client.get_token(domain)
            token = found['token'] if token_is_valid(found) else None
        except AlicloudError:
            token = None
        extra['ownership_record'] = ownership_record(domain, token)
        if token:
            step = ('A valid verification token already exists: publish the TXT record %s with the value %s '
                    '(alicloud_oss.domains.oss_domain_ownership returns the same record), wait until it resolves, then run this task again.'
                    % (ownership_record_name(domain), token))
        else:
            step = ('Run alicloud_oss.domains.oss_domain_ownership with bucket: %s and domain: %s, publish the TXT record it returns '
                    '(%s), wait until it resolves (alicloud_oss.domains.wait_for_dns), then run this task again.'
                    % (bucket, domain, ownership_record_name(domain)))
        return ('OSS needs proof that you own %s before it binds it to bucket %s (the domain is held by another account, '
                'or its DNS zone is not in this account). %s' % (domain, bucket, step)), extra
    if code == 'CnameAlreadyExists':
        cname_type = (err.details or {}).get('CnameType')
        if cname_type == 'CNAME_IMG':
            return ('%s is in use by the legacy image processing service of this account (CnameType CNAME_IMG); remove it there '
                    'before binding it to bucket %s.' % (domain, bucket)), extra
        holder = (err.details or {}).get('Bucket')
        why = None
        if not holder or holder == bucket:
            holder, why = client.find_holder(domain)
        if holder:
            extra['holder_bucket'] = holder
            return ('%s is already bound to bucket %s of this account; a domain can be bound to one bucket at a time. Unbind it there '
                    'first (alicloud_oss.domains.oss_bucket_cname with bucket: %s, domain: %s, state: absent), then run this task again.'
                    % (domain, holder, holder, domain)), extra
        return ('%s is already bound to another bucket of this account (which one could not be found: %s); a domain can be bound '
                'to one bucket at a time. Unbind it from that bucket first (alicloud_oss.domains.oss_bucket_cname_info lists a '
                'bucket\'s domains), then run this task again.' % (domain, why)), extra
    if code == 'NoSuchCnameInRecord':
        return ('OSS refused %s for bucket %s in %s: buckets in mainland China regions can only bind domains with an ICP filing. '
                'File the domain with the MIIT (ICP Beian) first, or bind it to a bucket in a region outside mainland China.'
                % (domain, bucket, region)), extra
    if code == 'NoSuchBucket':
        return ('Bucket %s was not found at %s (alicloud_region %s). Check the bucket name, and that alicloud_region (or oss_endpoint) '
                'is the region the bucket was created in.' % (bucket, endpoint, region)), extra
    if code == 'CnameDenied':
        # OSS's HTTP 403 troubleshooting page: "The cname belongs to another user", the domain is bound to another bucket.
        return ('OSS will not bind %s to bucket %s (CnameDenied): the domain is bound to a bucket of another Alibaba Cloud account, '
                'and a domain can be bound to one bucket at a time. Have that account unbind it (DeleteCname), then run this task '
                'again. If you own the domain but not that account, prove ownership first (alicloud_oss.domains.oss_domain_ownership '
                'and its TXT record): OSS lets a verified owner map the domain to another bucket.' % (domain, bucket)), extra
    if code == 'CnameIsForbidden':
        return ('OSS will not bind %s (CnameIsForbidden): the domain ends with a name Alibaba Cloud reserves (aliyuncs.com, '
                'aliyun.com, aliyun-inc.com, taobaocdn.com, taobao.com); use a domain of your own.' % domain), extra
    if code == 'CnameIsRisk':
        return ('OSS will not bind %s (CnameIsRisk): Alibaba Cloud classes the domain as high-risk; use another domain, or ask '
                'Alibaba Cloud support to review it.' % domain), extra
    argument = (err.details or {}).get('ArgumentName')
    if 'Conflict' in code or code.startswith('Cas') or argument == 'PreviousCertId':
        return ('OSS refused the certificate change for %s on bucket %s because the bound certificate is not the one this task read '
                '(PreviousCertId). If someone changed it meanwhile, run the task again; to replace it regardless, set force: true.'
                % (domain, bucket)), extra
    if 'Certificate' in code or argument in ('Certificate', 'PrivateKey', 'CertId'):
        option = {'Certificate': 'certificate.certificate', 'PrivateKey': 'certificate.private_key'}.get(argument, 'certificate.cert_id')
        return ('OSS refused the certificate for %s on bucket %s (%s); check %s.' % (domain, bucket, argument or code, option)), extra
    endpoint_hint = (err.details or {}).get('Endpoint')
    if code == 'AccessDenied' and (endpoint_hint or 'specified endpoint' in (err.message or '')):
        right = bucket_region_from_error(err)
        oss_endpoint = getattr(getattr(client, 'params', None), 'oss_endpoint', None) or ''
        if right:
            extra['bucket_region'] = right
            message = ('The bucket %s is in region %s; set alicloud_region: %s. It is not in region %s, which the request was made '
                       'for: OSS says it must be addressed at %s.' % (bucket, right, right, region, endpoint_hint))
            region_from = getattr(getattr(client, 'params', None), 'region_from', None)
            if region_from:
                message += ' (The region %s came from %s.)' % (region, region_from)
            if 'aliyuncs.com' in oss_endpoint:
                message += ' oss_endpoint (%s) names another region: remove it, or set it to %s.' % (oss_endpoint, endpoint_hint)
            return message, extra
        return ('Bucket %s is not in region %s: OSS says it must be addressed at %s. Set alicloud_region to the bucket\'s region '
                '(or oss_endpoint to that endpoint).' % (bucket, region, endpoint_hint or 'another endpoint')), extra
    if code in ('AccessDenied',) and (err.details or {}).get('EC') == _oss.V1_REFUSED_EC:
        return None, extra  # _oss says it all: drop oss_signature_version: v1
    if code in ('AccessDenied',):
        return ('Access denied on bucket %s: the key needs oss:ListCname, oss:PutCname and oss:DeleteCname (and, with a certificate, '
                'the yundun-cert permissions OSS documents), and the bucket must belong to this account.' % bucket), extra
    return None, extra


_REGION_ENDPOINT = re.compile(r'^(?:[a-z0-9-]+\.)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com\.?$')


def bucket_region_from_error(err):
    """The bucket's region when OSS refused a request addressed to another region (403 AccessDenied whose Endpoint is
    oss-<region>.aliyuncs.com), else None."""
    if err.code != 'AccessDenied':
        return None
    match = _REGION_ENDPOINT.match(((err.details or {}).get('Endpoint') or '').strip().lower())
    if not match:
        return None
    try:
        return normalize_region(match.group(1))
    except DomainError:
        return None


def _fail_api(module, client, err, bucket, domain, region, secrets, result):
    """Fail with the API error, an explanation of what to do about it, and its machine-readable code."""
    message, extra = explain_cname_error(client, err, bucket, domain, region, client.endpoint)
    right = extra.get('bucket_region')
    if right and result.get('target') == oss_public_host(bucket, region):
        # The target was computed from the wrong region: show the one the CNAME record must really point at.
        result['target'] = oss_public_host(bucket, right)
        if result.get('cname_record'):
            result['cname_record'] = dict(result['cname_record'], value=result['target'])
    result.update(extra)
    fail_with_error(module, err, msg=message, secrets=secrets, **result)


def run_bucket_cname(module):
    """The whole of oss_bucket_cname, given its AnsibleModule."""
    p = module.params
    params, region = common_setup(module)
    bucket = validated_bucket(module, p['bucket'])
    domain = validated_domain(module, p['domain'])
    state = p['state']
    target = cname_target(bucket, region, p['target'])
    result = dict(changed=False, bucket=bucket, domain=domain, domain_unicode=to_unicode(domain), target=target,
                  cname_record=dict(name=domain, name_unicode=to_unicode(domain), type='CNAME', value=target))
    wanted_cert = None
    wanted_info = None
    cert_option = p.get('certificate') or None
    if cert_option and not (cert_option.get('cert_id') or cert_option.get('certificate')):
        cert_option = None
    if cert_option and p['delete_certificate']:
        module.fail_json(msg='certificate and delete_certificate=true are mutually exclusive: give a certificate to attach or '
                             'replace one, or delete_certificate=true to remove the bound one.', error_code='InvalidParameter', **result)
    secrets = list(params.secrets())
    if state == 'absent' and (cert_option or p['delete_certificate']):
        module.warn('certificate and delete_certificate are ignored with state=absent: unbinding removes the certificate too.')
    elif cert_option and cert_option.get('cert_id'):
        wanted_cert = dict(cert_id=cert_option['cert_id'].strip())
    elif cert_option:
        # Imported here: cryptography is only needed when a PEM certificate is given.
        from ansible_collections.alicloud_oss.domains.plugins.module_utils import _certificate  # pylint: disable=import-outside-toplevel
        if not _certificate.HAS_CRYPTOGRAPHY:
            module.fail_json(msg=missing_required_lib('cryptography'), exception=_certificate.CRYPTOGRAPHY_IMPORT_ERROR)
        secrets.append(cert_option['private_key'])
        try:
            wanted_info = _certificate.check_certificate_pair(cert_option['certificate'], cert_option['private_key'])
        except _certificate.CertificateError as exc:
            module.fail_json(msg=str(exc), error_code='InvalidCertificate', **result)
        if _certificate.not_yet_valid(wanted_info):
            module.warn('certificate.certificate is not valid before %s; browsers will refuse it until then.'
                        % _certificate.format_time(wanted_info['not_before']))
        if not _certificate.covers_domain(wanted_info, domain):
            module.warn('certificate.certificate does not name %s (it names %s); HTTPS clients will reject it for this domain.'
                        % (domain, ', '.join(wanted_info['dns_names']) or 'no DNS name'))
        wanted_cert = dict(certificate=cert_option['certificate'], private_key=cert_option['private_key'])
        result['certificate'] = _certificate.describe(wanted_info)
    delete_certificate = bool(p['delete_certificate']) and state == 'present'

    client = make_client(module, params, bucket, region, secrets)
    try:
        current = find_binding(client.list_cnames(), domain)
    except AlicloudError as exc:
        _fail_api(module, client, exc, bucket, domain, region, secrets, result)
    plan = plan_binding(state, current, wanted_cert, wanted_info, delete_certificate, p['force'])
    after = _predicted_binding(current, domain, plan, wanted_info) if plan.changed else current
    if current and (current.get('status') or 'Enabled') != 'Enabled' and state == 'present':
        module.warn('The binding of %s is %s in OSS; OSS does not serve the domain while it is not Enabled.' % (domain, current.get('status')))

    if plan.changed and not module.check_mode:
        try:
            if plan.action == 'unbind':
                client.delete_cname(domain)
            else:
                client.put_cname(domain, plan.certificate)
        except AlicloudError as exc:
            if not _write_landed(client, exc, state, domain, wanted_cert, wanted_info, delete_certificate):
                _fail_api(module, client, exc, bucket, domain, region, secrets, result)
        try:
            after = find_binding(client.list_cnames(), domain)
        except AlicloudError as exc:
            module.warn('The change was made, but reading the binding back failed (%s); binding shows the expected state.' % exc)

    result.update(changed=plan.changed, binding=binding_result(after))
    if module._diff:
        result['diff'] = dict(before=_binding_view(bucket, domain, current), after=_binding_view(bucket, domain, after))
    module.exit_json(**result)


def _write_landed(client, err, state, domain, wanted_cert, wanted_info, delete_certificate):
    """After a write failed once its retries had started, read back: the first attempt may have landed with its answer lost
    (then OSS rejects the repeat, for example because PreviousCertId no longer names the bound certificate)."""
    if not client.retried:
        return False
    try:
        binding = find_binding(client.list_cnames(), domain)
    except AlicloudError:
        return False
    return _reached(state, binding, wanted_cert, wanted_info, delete_certificate)


# ---------------------------------------------------------------------------------------------------------------------
# oss_bucket_cname_info

def run_bucket_cname_info(module):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import days_until  # pylint: disable=import-outside-toplevel
    p = module.params
    params, region = common_setup(module)
    buckets = []
    for index, name in enumerate(p['bucket']):
        name = validated_bucket(module, name, field='bucket[%d]' % index if len(p['bucket']) > 1 else 'bucket')
        if name not in buckets:
            buckets.append(name)
    domains = None
    if p['domain']:
        domains = [validated_domain(module, value, field='domain') for value in p['domain']]
    secrets = params.secrets()
    bindings = []
    for bucket in buckets:
        client = make_client(module, params, bucket, region, secrets)
        try:
            found = client.list_cnames()
        except AlicloudError as exc:
            _fail_api(module, client, exc, bucket, None, region, secrets, dict(changed=False, bindings=bindings))
        for binding in found:
            if domains is not None and binding['domain'] not in domains:
                continue
            entry = dict(bucket=bucket, target=oss_public_host(bucket, region))
            entry.update(binding_result(binding))
            cert = entry.get('certificate')
            if cert:
                cert = dict(cert)
                cert['expires_in_days'] = days_until(cert.get('valid_end_date'))
                entry['certificate'] = cert
            if p['token_status']:
                try:
                    token = client.get_token(binding['domain'])
                except AlicloudError as exc:
                    _fail_api(module, client, exc, bucket, binding['domain'], region, secrets, dict(changed=False, bindings=bindings))
                entry['token'] = _token_view(token)
            bindings.append(entry)
    module.exit_json(changed=False, bindings=bindings)


def _token_view(token):
    if not token_is_valid(token):
        return dict(valid=False, token=None, expire_time=None)
    return dict(valid=True, token=token['token'], expire_time=iso_time(token['expire_time']))


# ---------------------------------------------------------------------------------------------------------------------
# oss_domain_ownership

def run_domain_ownership(module, zone_lookup=None):
    """The whole of oss_domain_ownership. zone_lookup(params, fqdn) -> (zone, rr) or None, when asked for."""
    p = module.params
    params, region = common_setup(module)
    bucket = validated_bucket(module, p['bucket'])
    domain = validated_domain(module, p['domain'])
    secrets = params.secrets()
    result = dict(changed=False, bucket=bucket, domain=domain, domain_unicode=to_unicode(domain))
    client = make_client(module, params, bucket, region, secrets)
    try:
        current = client.get_token(domain)
    except AlicloudError as exc:
        _fail_api(module, client, exc, bucket, domain, region, secrets, result)
    token = current if token_is_valid(current) else None
    before = dict(token=token['token'], expire_time=iso_time(token['expire_time'])) if token else dict(token=None, expire_time=None)
    if token is None:
        result['changed'] = True
        if not module.check_mode:
            try:
                token = client.create_token(domain)
            except AlicloudError as exc:
                if exc.code != 'NoNeedCreateCnameToken':
                    _fail_api(module, client, exc, bucket, domain, region, secrets, result)
                result['changed'] = False
                module.warn('OSS says no token is needed for %s on bucket %s (NoNeedCreateCnameToken): the domain is already '
                            'verified for this bucket.' % (domain, bucket))
    value = token['token'] if token else None
    result.update(token=value, expire_time=iso_time(token['expire_time']) if token else None,
                  record=ownership_record(domain, value))
    if zone_lookup is not None:
        result.update(zone=None, rr=None)
        found = zone_lookup(module, params, ownership_record_name(domain))
        if found:
            result['zone'], result['rr'] = found
        with_unicode(result, 'zone', 'rr')
    if module._diff:
        result['diff'] = dict(before=before, after=dict(token=value, expire_time=result['expire_time']))
    module.exit_json(**result)


def alidns_zone_lookup(module, params, fqdn):
    """(zone, rr) of fqdn when its zone is in this account's Alibaba Cloud DNS, else None (warning on API errors)."""
    # Imported only when asked for: the Alidns SDK costs about 0.3 s to import.
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns  # pylint: disable=import-outside-toplevel
    try:
        api = _alidns.AlidnsAPI(params)
        zone = api.find_zone(fqdn)
    except _alidns.MissingSdkError as exc:
        module.fail_json(msg=missing_required_lib(_alidns.SDK_PACKAGE), exception=exc.tb)
    except AlicloudError as exc:
        if exc.code != 'InvalidDomainName.NoExist':
            module.warn('lookup_zone: the Alibaba Cloud DNS zones could not be read (%s); zone and rr are not set.'
                        % redact(str(exc), params.secrets()))
        return None
    rr = '@' if fqdn == zone else fqdn[:-len(zone) - 1]
    return zone, rr
