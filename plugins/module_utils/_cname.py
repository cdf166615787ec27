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

def _binding_view(bucket, domain, binding, chain=None):
    """What --diff shows: the binding, its certificate by id, fingerprint and validity (never a key); with chain (when the
    bound chain was read from Certificate Management Service), each certificate of the chain as a subject/fingerprint line."""
    if binding is None:
        return dict(bucket=bucket, domain=domain, state='absent')
    cert = binding.get('certificate')
    view = dict(bucket=bucket, domain=domain, state='present', status=binding.get('status'), certificate=None)
    if cert:
        view['certificate'] = dict((key, cert.get(key)) for key in ('cert_id', 'fingerprint', 'valid_start_date', 'valid_end_date'))
        if chain is not None:
            view['certificate']['chain'] = [entry['line'] for entry in chain]
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

    def __init__(self, action=None, certificate=None, reason=None, warnings=None):
        self.action = action              # None, 'bind', 'certificate', 'unbind'
        self.certificate = certificate    # the CertificateConfiguration to send, or None
        self.reason = reason
        self.warnings = list(warnings or [])  # what the plan could not decide for sure (shown as warnings, or notes in list mode)

    @property
    def changed(self):
        return self.action is not None


def plan_binding(state, current, wanted_cert=None, wanted_info=None, delete_certificate=False, force=False, bound_chain=None,
                 chain_unknown=None):
    """Decide the write for the desired state against the binding ListCname returned (None when unbound).

    wanted_cert: {'cert_id': ...} or {'certificate': PEM, 'private_key': PEM}; wanted_info: the parsed PEM.
    bound_chain: the bound certificate's whole chain ([{'der', 'line'}], read from Certificate Management Service by
    read_bound_chain), or None when it is not known (then chain_unknown says why, for the warning).
    """
    if state == 'absent':
        return CnamePlan('unbind', reason='bound') if current else CnamePlan()
    bound_cert = (current or {}).get('certificate') or None
    config = None
    reason = None
    warnings = []
    if wanted_cert and wanted_cert.get('cert_id'):
        if not bound_cert or (bound_cert.get('cert_id') or '') != wanted_cert['cert_id']:
            config = dict(cert_id=wanted_cert['cert_id'])
            reason = 'certificate id differs' if bound_cert else 'no certificate bound'
    elif wanted_cert and wanted_cert.get('certificate'):
        if not _same_certificate(bound_cert, wanted_info):
            config = dict(certificate=wanted_cert['certificate'], private_key=wanted_cert['private_key'])
            reason = 'certificate fingerprint or validity differs' if bound_cert else 'no certificate bound'
        elif bound_chain is not None and wanted_info and wanted_info.get('chain') is not None:
            # The leaf is the bound one: compare the whole chain, certificate by certificate, in order (cert_chain_compared).
            if [entry['der'] for entry in bound_chain] != [entry['der'] for entry in wanted_info['chain']]:
                config = dict(certificate=wanted_cert['certificate'], private_key=wanted_cert['private_key'])
                reason = ('certificate chain differs: the bound chain has %d certificate(s), %d given'
                          % (len(bound_chain), len(wanted_info['chain'])))
        elif (wanted_info or {}).get('chain_length', 1) > 1:
            # The leaf is the bound one; ListCname shows only the leaf and the chain could not be read (cert_chain_unknown).
            if force:
                config = dict(certificate=wanted_cert['certificate'], private_key=wanted_cert['private_key'])
                reason = 'certificate chain re-uploaded (force: true): OSS shows only the leaf, so the bound chain cannot be compared'
            else:
                warnings.append('The bound certificate is this leaf (fingerprint %s), but OSS shows only the leaf, so the bound chain '
                                'could not be compared with the %d certificates given; nothing was sent. %s If the bound chain lacks an '
                                'intermediate certificate (or holds an old one), run once with force: true to upload the chain again.'
                                % (wanted_info['fingerprint'], wanted_info['chain_length'], chain_unknown or CHAIN_HOWTO))
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
        return CnamePlan('bind', config, 'not bound', warnings)
    if config is not None:
        return CnamePlan('certificate', config, reason, warnings)
    return CnamePlan(warnings=warnings)


CHAIN_HOWTO = ('The whole chain is compared when Certificate Management Service can be read: install the Python package '
               'alibabacloud-cas20200407 and allow yundun-cert:GetUserCertificateDetail (docs/ram-policies/certificates-cas.json).')


def read_bound_chain(cas, bound_cert, wanted_info, secrets=None):
    """(chain, why): the whole chain of the bound certificate from Certificate Management Service ([{'der', 'line'}]), read
    only when it decides something: a PEM certificate with its chain is given (more than one certificate), its leaf is the
    bound one, and the binding names a CertId; else (None, None). When it cannot be read: (None, why), and the plan falls
    back on the leaf (cas: a _cas.CasClient, or a callable that makes one and may raise _cas.MissingSdkError).

    A leaf given alone is not compared with the bound chain: the comparison could only ever upload the leaf without the
    intermediate certificates bound with it, which breaks the clients that do not have them (cert_leaf_alone_keeps_chain)."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cas, _certificate  # pylint: disable=import-outside-toplevel
    if not wanted_info or wanted_info.get('chain_length', 1) < 2 or not bound_cert or not bound_cert.get('cert_id') \
            or not _same_certificate(bound_cert, wanted_info):
        return None, None
    try:
        client = cas() if callable(cas) else cas
        pem = client.bound_chain_pem(bound_cert['cert_id'])
        return _certificate.parse_chain(pem), None
    except _cas.MissingSdkError:
        return None, CHAIN_HOWTO
    except AlicloudError as exc:
        # A refusal names the action and the ready policy (_permissions); the text never holds the key (it is not in errors).
        return None, redact('Reading it from Certificate Management Service failed: %s' % exc, secrets or [])
    except (ValueError, _certificate.CertificateError) as exc:
        return None, 'Certificate Management Service gave no readable chain for the bound certificate (%s).' % exc


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
        elif _same_certificate(binding.get('certificate'), wanted_info):
            pass  # the bound leaf with its chain again (force): ListCname will show the same leaf, its id and its dates
        else:
            from ansible_collections.alicloud_oss.domains.plugins.module_utils._certificate import (  # pylint: disable=import-outside-toplevel
                format_oss_time)
            # The dates as ListCname writes them: the real run's diff shows the binding read back (cert_diff_dates).
            binding['certificate'] = dict(type='Upload', cert_id=None, status='Enabled', fingerprint=wanted_info['fingerprint'],
                                          valid_start_date=format_oss_time(wanted_info['not_before']),
                                          valid_end_date=format_oss_time(wanted_info['not_after']), creation_date=None)
    return binding


def certificate_check_mode_warnings(plan, check_mode):
    """What check mode cannot know about the certificate of a plan: only OSS (with Certificate Management) checks a cert_id."""
    config = plan.certificate or {}
    if not check_mode or not config.get('cert_id'):
        return []
    return ['Check mode could not verify certificate.cert_id %s: only OSS checks it against Certificate Management, when it binds. '
            'The real run fails (InvalidArgument, CertId) if the id does not exist in this account or region.' % config['cert_id']]


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
    if (err.details or {}).get('missing_permission'):
        return None, extra  # _oss named the refused action, the bucket and the ready policy (see _permissions.py)
    if code in ('AccessDenied',):
        return ('Access denied on bucket %s: the bucket must belong to this account, and the key needs oss:ListCname, oss:PutCname '
                'and oss:DeleteCname (and, with a certificate, the yundun-cert permissions OSS documents; the ready policies in '
                'docs/ram-policies grant them).' % bucket), extra
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


def wanted_certificate(cert_option, domain, field='certificate'):
    """(wanted_cert, wanted_info, warnings) of a certificate option: {'cert_id'} or {'certificate', 'private_key'} with the
    parsed PEM (wanted_info); raises _certificate.CertificateError (its field under `field`) or MissingLibraryError."""
    if cert_option.get('cert_id'):
        return dict(cert_id=cert_option['cert_id'].strip()), None, []
    # Imported here: cryptography is only needed when a PEM certificate is given.
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _certificate  # pylint: disable=import-outside-toplevel
    if not _certificate.HAS_CRYPTOGRAPHY:
        raise _oss.MissingLibraryError(_certificate.CRYPTOGRAPHY_REQUIREMENT, _certificate.CRYPTOGRAPHY_IMPORT_ERROR)
    info = _certificate.check_certificate_pair(cert_option['certificate'], cert_option['private_key'])
    warnings = []
    if info.get('reordered'):
        warnings.append('%s.certificate lists its certificates in the wrong order; they are sent leaf first (%s), then each '
                        'certificate\'s issuer. Put them in that order to silence this warning.' % (field, info['subject']))
    if info.get('chain_expired'):
        warnings.append('%s.certificate carries expired chain certificates: %s; clients that need them will refuse the site. '
                        'Give the current intermediate certificates of your certificate authority.' % (field, ', '.join(info['chain_expired'])))
    if _certificate.not_yet_valid(info):
        warnings.append('%s.certificate is not valid before %s; browsers will refuse it until then.'
                        % (field, _certificate.format_time(info['not_before'])))
    if not _certificate.covers_domain(info, domain):
        warnings.append('%s.certificate does not name %s (it names %s); HTTPS clients will reject it for this domain.'
                        % (field, domain, ', '.join(info['dns_names']) or 'no DNS name'))
    return dict(certificate=info.get('pem') or cert_option['certificate'], private_key=cert_option['private_key']), info, warnings


def write_binding(client, plan, state, domain, wanted_cert, wanted_info, delete_certificate):
    """Make the write of a plan (PutCname or DeleteCname). An error after retries counts as done when a read-back shows the
    binding as wanted (the first attempt landed, its answer was lost); otherwise the AlicloudError is raised."""
    try:
        if plan.action == 'unbind':
            client.delete_cname(domain)
        else:
            client.put_cname(domain, plan.certificate)
    except AlicloudError as exc:
        if not _write_landed(client, exc, state, domain, wanted_cert, wanted_info, delete_certificate):
            raise


def run_bucket_cname(module):
    """The whole of oss_bucket_cname, given its AnsibleModule."""
    p = module.params
    if p.get('domains') is not None:
        return run_bucket_cname_list(module)
    if p.get('step') not in (None, 'bind'):
        module.fail_json(msg='step: %s is a step of list mode; give the domains as domains (with progress).' % p['step'],
                         error_code='InvalidParameter')
    if not p.get('bucket') or not p.get('domain'):
        module.fail_json(msg='bucket and domain are required (or domains, for list mode): missing %s.'
                         % ', '.join(key for key in ('bucket', 'domain') if not p.get(key)), error_code='InvalidParameter')
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
        if cert_option.get('private_key'):
            # An empty certificate (an empty file read with lookup) next to its key: never bind without it (cert_empty).
            module.fail_json(msg='certificate.certificate is empty; give the PEM text of the certificate that belongs to '
                                 'certificate.private_key (for example with lookup("file", ...)).', error_code='InvalidCertificate',
                             **result)
        cert_option = None
    if cert_option and p['delete_certificate']:
        module.fail_json(msg='certificate and delete_certificate=true are mutually exclusive: give a certificate to attach or '
                             'replace one, or delete_certificate=true to remove the bound one.', error_code='InvalidParameter', **result)
    secrets = list(params.secrets())
    if state == 'absent' and (cert_option or p['delete_certificate']):
        module.warn('certificate and delete_certificate are ignored with state=absent: unbinding removes the certificate too.')
    elif cert_option:
        from ansible_collections.alicloud_oss.domains.plugins.module_utils import _certificate  # pylint: disable=import-outside-toplevel
        if cert_option.get('private_key'):
            secrets.append(cert_option['private_key'])
        try:
            wanted_cert, wanted_info, warnings = wanted_certificate(cert_option, domain)
        except _oss.MissingLibraryError as exc:
            module.fail_json(msg=missing_required_lib(exc.name), exception=exc.trace)
        except _certificate.CertificateError as exc:
            module.fail_json(msg=str(exc), error_code='InvalidCertificate', **result)
        for warning in warnings:
            module.warn(warning)
        if wanted_info is not None:
            result['certificate'] = _certificate.describe(wanted_info)
    delete_certificate = bool(p['delete_certificate']) and state == 'present'

    client = make_client(module, params, bucket, region, secrets)
    try:
        current = find_binding(client.list_cnames(), domain)
    except AlicloudError as exc:
        _fail_api(module, client, exc, bucket, domain, region, secrets, result)
    bound_chain = None
    if current is None and delete_certificate:
        # A task that removes the certificate of a binding does not create the binding (list mode, whose items are domains to
        # bind, does): nothing to remove, nothing done.
        plan = CnamePlan(warnings=['delete_certificate: true has nothing to remove: %s is not bound to bucket %s, and this task does '
                                   'not bind it (remove delete_certificate to bind it).' % (domain, bucket)])
    else:
        bound_chain, chain_unknown = None, None
        if state == 'present' and current is not None and wanted_info is not None:
            # OSS shows only the leaf: the whole bound chain comes from Certificate Management Service (a read, in check mode too).
            from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cas  # pylint: disable=import-outside-toplevel
            bound_chain, chain_unknown = read_bound_chain(lambda: _cas.CasClient(params, p.get('cas_endpoint')), current.get('certificate'),
                                                          wanted_info, secrets)
        plan = plan_binding(state, current, wanted_cert, wanted_info, delete_certificate, p['force'], bound_chain, chain_unknown)
    for warning in plan.warnings + certificate_check_mode_warnings(plan, module.check_mode):
        module.warn(warning)
    if plan.action == 'bind' and module.check_mode:
        _predict_new_binding(module, client, params, bucket, domain, region, secrets, result)
    after = _predicted_binding(current, domain, plan, wanted_info) if plan.changed else current
    if current and (current.get('status') or 'Enabled') != 'Enabled' and state == 'present':
        module.warn('The binding of %s is %s in OSS; OSS does not serve the domain while it is not Enabled.' % (domain, current.get('status')))

    if plan.changed and not module.check_mode:
        try:
            write_binding(client, plan, state, domain, wanted_cert, wanted_info, delete_certificate)
        except AlicloudError as exc:
            _fail_api(module, client, exc, bucket, domain, region, secrets, result)
        try:
            after = find_binding(client.list_cnames(), domain)
        except AlicloudError as exc:
            module.warn('The change was made, but reading the binding back failed (%s); binding shows the expected state.' % exc)

    result.update(changed=plan.changed, binding=binding_result(after))
    if module._diff:
        after_chain = bound_chain
        if bound_chain is not None and plan.certificate and plan.certificate.get('certificate'):
            after_chain = wanted_info['chain']
        result['diff'] = dict(before=_binding_view(bucket, domain, current, bound_chain),
                              after=_binding_view(bucket, domain, after, after_chain))
    module.exit_json(**result)


def _account_zone(params, fqdn):
    """(zone, None) with the longest zone of this account's Alibaba Cloud DNS that holds fqdn, or (None, None) when none
    does; (None, reason) when the zones could not be read."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns, _records  # pylint: disable=import-outside-toplevel
    try:
        return _records.longest_zone(fqdn, _alidns.AlidnsAPI(params).list_zones()), None
    except _alidns.MissingSdkError:
        return None, 'the Alibaba Cloud DNS SDK is not installed'
    except AlicloudError as exc:
        return None, 'the Alibaba Cloud DNS zones could not be read (%s)' % exc.code


def _predict_new_binding(module, client, params, bucket, domain, region, secrets, result):
    """Check mode, a domain not yet bound to the bucket: fail as the real run will where reads can tell (another bucket of this
    account holds the domain; OSS will ask for proof of ownership and no valid token exists), warn about what they cannot."""
    holder, dummy = client.find_holder(domain)
    if holder:
        err = AlicloudError('CnameAlreadyExists', 'predicted by check mode', details=dict(CnameType='CNAME_OSS', Bucket=holder))
        message, extra = explain_cname_error(client, err, bucket, domain, region, client.endpoint)
        result.update(extra)
        module.fail_json(msg=redact(message, secrets), error_code=err.code, **result)
    unknown = []
    if region.startswith('cn-') and region != 'cn-hongkong':
        unknown.append('its ICP filing (mainland regions)')
    # OSS binds without proof only a domain whose zone is in this account's Alibaba Cloud DNS and that no bucket holds.
    zone, why = _account_zone(params, domain)
    if zone:
        unknown.append('proof of ownership, if another account has it bound')
    elif why:
        unknown.append('proof of ownership (%s)' % why)
    else:
        try:
            found = client.get_token(domain)
        except AlicloudError as exc:
            found = exc
        if isinstance(found, AlicloudError):
            unknown.append('proof of ownership (GetCnameToken: %s)' % found.code)
        elif token_is_valid(found):
            unknown.append('the TXT record %s = %s, which OSS must see' % (ownership_record_name(domain), found['token']))
        else:
            err = AlicloudError('NeedVerifyDomainOwnership', 'predicted by check mode')
            message, extra = explain_cname_error(client, err, bucket, domain, region, client.endpoint)
            result.update(extra)
            module.fail_json(msg=redact(message, secrets), error_code=err.code, **result)
    module.warn('check mode cannot know whether OSS will accept %s for bucket %s: %s.' % (domain, bucket, '; '.join(unknown)))


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
    # Read first, the same reads in check mode and for real, so that both decide alike: a domain bound to this bucket needs
    # no token (OSS would answer CreateCnameToken with NoNeedCreateCnameToken), a valid token is returned as it is.
    try:
        bound = find_binding(client.list_cnames(), domain) is not None
        current = None if bound else client.get_token(domain)
    except AlicloudError as exc:
        _fail_api(module, client, exc, bucket, domain, region, secrets, result)
    result['bound'] = bound
    token = current if token_is_valid(current) else None
    before = dict(token=token['token'], expire_time=iso_time(token['expire_time'])) if token else dict(token=None, expire_time=None)
    if bound:
        module.warn('%s is already bound to bucket %s: no ownership token is needed, nothing to do.' % (domain, bucket))
    elif token is None and module.check_mode:
        result['changed'] = True
        module.warn('check mode: a new token would be created for %s; its value is not known until a real run (token is null).' % domain)
    elif token is None:
        try:
            token = client.create_token(domain)
            result['changed'] = True
        except AlicloudError as exc:
            if exc.code != 'NoNeedCreateCnameToken':
                _fail_api(module, client, exc, bucket, domain, region, secrets, result)
            # Bound between the read and the write (a concurrent run): a refused CreateCnameToken changed nothing.
            result['bound'] = True
            module.warn('%s is already bound to bucket %s: no ownership token is needed, nothing to do.' % (domain, bucket))
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


# ---------------------------------------------------------------------------------------------------------------------
# List mode (the custom-domain flow): oss_bucket_cname step bind and step rebind, oss_domain_ownership
#
# Every item is validated (_flow) before the first API call. Reads are shared: one ListCname per (bucket, region), and for
# the items whose DNS may be in this account, one DescribeDomains for the zone list and one paged DescribeDomainRecords per
# zone (DescribeDomainInfo per zone only when an item asks for a TTL below 600 s or a line other than default). Every check
# that can fail an item (bucket, region, zone, TTL, line, records in the way, a domain another bucket holds) runs on what
# those reads returned, before any write; then the writes run in a thread pool, unbinds first (so that a domain can move
# between buckets in one run). Check mode stops before the writes and predicts the phase each item would reach.

# Every Alidns edition accepts a TTL of 600 s or more: below it the zone's edition must be asked (DescribeDomainInfo).
EDITION_SAFE_TTL = 600
# OSS maps at most 100 custom domains to one bucket ("Quotas and limits" of the OSS user guide).
MAX_DOMAINS_PER_BUCKET = 100
DEFAULT_BIND_RETRIES = 6
DEFAULT_BIND_DELAY = 10.0


class ItemFailure(ValueError):
    """An item fails with this message and code (and extra progress keys: holder_bucket, conflicts, ...).

    A ValueError, so that _batch.run_items keeps it as the item's own error (its message is written for the user)."""

    def __init__(self, message, code, **extra):
        super(ItemFailure, self).__init__(message)
        self.message = message
        self.code = code
        self.extra = extra


class OssReads(object):
    """OSS clients (one per thread and bucket: a client remembers its last retry policy) and the shared ListCname reads."""

    def __init__(self, params):
        import threading  # pylint: disable=import-outside-toplevel
        from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import Memo  # pylint: disable=import-outside-toplevel
        self.params = params
        self._local = threading.local()
        self.listings = Memo(lambda key: self.client(*key).list_cnames())

    def client(self, bucket, region):
        clients = getattr(self._local, 'clients', None)
        if clients is None:
            clients = self._local.clients = {}
        key = (bucket, region)
        if key not in clients:
            clients[key] = _oss.OssClient(self.params, bucket, region)
        return clients[key]

    def listing(self, bucket, region):
        return self.listings.get((bucket, region))

    def reread(self, bucket, region):
        self.listings.forget((bucket, region))
        return self.listing(bucket, region)


def _list_setup(module):
    """The shared options of a list-mode run: (AlicloudParams, the module's region or None, secrets)."""
    params = AlicloudParams.from_module(module)
    region = None
    if params.region:
        try:
            region = normalize_region(params.region, field='alicloud_region')
            _oss.endpoint_url(params.oss_endpoint, region)
        except DomainError as exc:
            module.fail_json(msg=str(exc), error_code='InvalidParameter')
        except AlicloudValidationError as exc:
            module.fail_json(msg=exc.message, error_code=exc.code)
    return params, region, list(params.secrets())


def _make_flow(module, region, required=('bucket',)):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    try:
        return _flow.Flow(module.params, required=required, default_region=region, check_mode=module.check_mode)
    except _flow.FlowError as exc:
        module.fail_json(msg=exc.message, error_code=exc.code)
    return None


def _region_check(flow, item):
    """The region every OSS item needs: from the item, the defaults or alicloud_region."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import FlowError  # pylint: disable=import-outside-toplevel
    if not item.settings.get('region'):
        where = flow.namer.default('region') if not flow.namer.single else None
        raise FlowError(item.field('region'), 'the region of bucket %s is required: set it%s, or alicloud_region.'
                        % (item.settings['bucket'], ' on the item, in %s' % where if where else ''))


def _prepare_certificate(item):
    """wanted_cert / wanted_info of an item (PEM parsed before any API call); FlowError naming the variable."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _certificate  # pylint: disable=import-outside-toplevel
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import FlowError  # pylint: disable=import-outside-toplevel
    cert = item.certificate
    item.data.update(wanted_cert=None, wanted_info=None, force=bool(cert and cert.get('force')))
    if not cert or item.settings['state'] == 'absent':
        if cert or item.settings.get('delete_certificate'):
            item.data.setdefault('notes', []).append('certificate and delete_certificate are ignored with state absent: unbinding '
                                                     'removes the certificate too.')
        return
    try:
        wanted_cert, wanted_info, warnings = wanted_certificate(cert, item.name, field=item.field('certificate'))
    except _oss.MissingLibraryError as exc:
        raise FlowError(item.field('certificate'), 'a PEM certificate needs the Python package %s on the machine the module runs on.'
                        % exc.name, code='MissingLibrary')
    except _certificate.CertificateError as exc:
        # The certificate's own field names certificate.certificate or certificate.private_key: name the variable instead.
        text = str(exc)
        sub = 'private_key' if exc.field.endswith('private_key') else 'certificate'
        if text.startswith(exc.field + ': '):
            text = text[len(exc.field) + 2:]
        raise FlowError(cert.get(sub + '_field') or item.field('certificate', sub), text, code='InvalidCertificate')
    item.data.update(wanted_cert=wanted_cert, wanted_info=wanted_info)
    item.data.setdefault('notes', []).extend(warnings)
    if wanted_info is not None:
        item.data['certificate'] = _certificate.describe(wanted_info)


def _target_of(item):
    target = item.settings['target']
    bucket, region = item.settings['bucket'], item.settings['region']
    if target == 'public':
        return oss_public_host(bucket, region)
    if target == 'accelerate':
        return oss_accelerate_host(bucket)
    return target


def _cname_item(item, target):
    """The CNAME of the domain in the form alidns_record's items take."""
    return dict(record=item.name, type='CNAME', value=[target], ttl=item.settings['ttl'], line=item.settings['line'])


def _list_error_message(flow, item, err, client_endpoint):
    """The message of an OSS error met for an item in list mode: the wrong region names the variable to set."""
    bucket, region = item.settings['bucket'], item.settings['region']
    right = bucket_region_from_error(err)
    if right:
        field = item.field('region')
        if field == 'alicloud_region':
            field = 'alicloud_region (or %s)' % item.namer.item(item.index, 'region')
        return ('The bucket %s is in region %s, not %s: set %s to %s.' % (bucket, right, region, field, right)), \
            dict(bucket_region=right)
    if err.code == 'NoSuchBucket':
        return ('Bucket %s was not found in region %s (%s). Check %s, and that %s is the region the bucket was created in.'
                % (bucket, region, client_endpoint, item.field('bucket'), item.field('region'))), {}
    return None, {}


class _Explainer(object):
    """Stands in for an OssClient in explain_cname_error where the list mode must not call the API per item."""

    def __init__(self, client, holder=None):
        self.params = getattr(client, 'params', None)
        self.endpoint = getattr(client, 'endpoint', None)
        self._client = client
        self._holder = holder

    def get_token(self, domain):
        return None  # oss_domain_ownership (step ownership) reads the token; the bind step does not

    def find_holder(self, domain):
        if self._holder:
            return self._holder, None
        return self._client.find_holder(domain)


def _fail_item(flow, item, error, step, secrets, elapsed=None):
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    entry = item.entry
    if isinstance(error, ItemFailure):
        _flow.fail(entry, None, step=step, secrets=secrets, msg=redact(error.message, secrets), code=error.code, elapsed=elapsed)
        entry.update(error.extra)
    else:
        _flow.fail(entry, error, step=step, secrets=secrets, elapsed=elapsed)
    item.data['failed'] = True


def _oss_failure(flow, item, err, client, secrets, holder=None):
    """An ItemFailure for an AlicloudError of an item's bucket, with the explanation single mode gives."""
    bucket, region = item.settings['bucket'], item.settings['region']
    endpoint = getattr(client, 'endpoint', None) or _oss.endpoint_url(flow.params.get('oss_endpoint'), region)
    message, extra = _list_error_message(flow, item, err, endpoint)
    if message is None:
        message, extra = explain_cname_error(_Explainer(client, holder), err, bucket, item.name, region, endpoint)
    text = '%s %s' % (message, err) if message else str(err)
    extra = dict(extra)
    extra.pop('ownership_record', None)
    for key, value in err.to_result().items():
        if key != 'error_code' and value is not None:
            extra[key] = value
    return ItemFailure(redact(text, secrets), err.code, **extra)


def _zone_checks(item, zone, listing, info):
    """The DNS checks of a present item whose zone is in this account, before any write: TTL against the edition, line,
    records in the way of its CNAME (a CNAME elsewhere given way only with replace_records), a stale _dnsauth TXT.

    Returns (cname_in_place, notes, stale ownership record or None); raises ItemFailure (with `conflicts`)."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _records  # pylint: disable=import-outside-toplevel
    settings = item.settings
    ttl, line = settings['ttl'], settings['line']
    notes = []
    if info is not None:
        low = info.get('min_ttl')
        if low and ttl < low:
            raise ItemFailure('%s: %s is below the minimum TTL of the zone %s, whose Alibaba Cloud DNS edition (%s) allows %s to 86400 '
                              'seconds. Set it to %s or more, or move the zone to an edition that allows it. Nothing was changed.'
                              % (item.field('ttl'), ttl, zone, info.get('edition_name') or info.get('edition') or 'unknown', low, low),
                              'QuotaExceeded.TTL')
        lines = info.get('lines')
        if line != _records.DEFAULT_LINE and lines and line not in lines:
            raise ItemFailure('%s: the zone %s has no resolution line %r; its lines are %s. Nothing was changed.'
                              % (item.field('line'), zone, line, ', '.join(lines[:30]) + (', ...' if len(lines) > 30 else '')),
                              'InvalidParameter')
    rr = _records.split_name(item.name, zone)
    target = item.data['target']
    try:
        plan = _records.plan_cname(zone, rr, target, listing, ttl=ttl, line=line, replace_records=settings['replace_records'])
    except _records.PlanError as exc:
        message = exc.message
        if settings['replace_records'] is False and 'replace_records' in message:
            message = message.replace('Set replace_records', 'Set %s' % item.field('replace_records'))
        raise ItemFailure(message, exc.code, conflicts=[_records.record_view(record, zone) for record in exc.records])
    for record in plan.replaced:
        notes.append('%s %s %s (line %s) will be replaced by the CNAME to %s (replace_records).'
                     % (record.type, _records.fqdn_of(record.rr, zone), record.value, record.line, target))
    stale = [record for record in _records.records_at(listing, _records.ownership_rr(rr)) if record.type == 'TXT']
    stale_record = None
    if stale:
        fqdn = _records.fqdn_of(_records.ownership_rr(rr), zone)
        if settings['keep_ownership_record']:
            notes.append('a _dnsauth TXT record is at %s (left by an earlier ownership proof); it is kept (%s).'
                         % (fqdn, item.field('keep_ownership_record')))
        else:
            notes.append('a _dnsauth TXT record is at %s (left by an earlier ownership proof); the cleanup step removes it.' % fqdn)
            # Handed to the cleanup step, so that it is removed even on a run where nothing else changes.
            stale_record = dict(record=fqdn, type='TXT', value=[record.value for record in stale], ttl=stale[0].ttl, stale=True)
    return not plan.changed, notes, stale_record


def _alidns_reads(flow, params, items, secrets):
    """Zones for the items whose DNS may be in this account: sets item.data dns/zone (or fails the item).

    Returns (api, {zone: listing Memo key}, infos needed). One DescribeDomains (all pages) for the zone list.
    """
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns, _records  # pylint: disable=import-outside-toplevel
    wanting = [item for item in items if item.settings['dns'] in ('auto', 'alidns')]
    for item in items:
        if item.settings['dns'] == 'external':
            item.data.update(dns='external', zone=None)
    if not wanting:
        return None, [], []
    try:
        api = _alidns.AlidnsAPI(params)
        zones = api.list_zones()
    except _alidns.MissingSdkError as exc:
        raise _FatalMissing(_alidns.SDK_PACKAGE, exc.tb)
    except AlicloudError as exc:
        for item in wanting:
            if item.settings['dns'] == 'alidns':
                item.data['error'] = ItemFailure(redact('The zones of this Alibaba Cloud DNS account could not be read (%s is alidns): %s'
                                                        % (item.field('dns'), exc), secrets), exc.code)
            else:
                item.data.update(dns='external', zone=None)
                item.data.setdefault('notes', []).append('the Alibaba Cloud DNS zones could not be read (%s): the records are listed '
                                                         'for the DNS provider (dns auto).' % redact(str(exc), secrets))
        return None, [], []
    for item in wanting:
        zone = _records.longest_zone(item.name, zones)
        if zone is None and item.settings['dns'] == 'alidns':
            item.data['error'] = ItemFailure('%s is not in any zone of this Alibaba Cloud DNS account (%s is alidns); the account has %s. '
                                             'Add the zone to Alibaba Cloud DNS, or set %s to external or auto.'
                                             % (item.name, item.field('dns'), ', '.join(zones[:10]) or 'no zones', item.field('dns')),
                                             'InvalidDomainName.NoExist')
        elif zone is None:
            item.data.update(dns='external', zone=None)
        else:
            item.data.update(dns='alidns', zone=zone)
    present = [item for item in wanting if item.data.get('dns') == 'alidns' and item.settings['state'] == 'present'
               and not item.data.get('error')]
    zones_listed = []
    infos = []
    for item in present:
        if item.data['zone'] not in zones_listed:
            zones_listed.append(item.data['zone'])
        if (item.settings['ttl'] < EDITION_SAFE_TTL or item.settings['line'] != _records.DEFAULT_LINE) and item.data['zone'] not in infos:
            infos.append(item.data['zone'])
    return api, zones_listed, infos


class _FatalMissing(Exception):
    def __init__(self, name, trace):
        super(_FatalMissing, self).__init__(name)
        self.name = name
        self.trace = trace


def _read_all(flow, oss, api, buckets, zones, infos):
    """Every read of the step, concurrently: ListCname per (bucket, region), the zone listings, the zone editions.
    Returns {('oss'|'zone'|'info', key): value or exception}."""
    keys = [('oss', key) for key in buckets] + [('zone', zone) for zone in zones] + [('info', zone) for zone in infos]

    def read(key):
        kind, what = key
        if kind == 'oss':
            return oss.listing(*what)
        if kind == 'zone':
            return api.list_zone_records(what)
        return api.zone_info(what, lines=True)

    answers = {}
    for outcome in flow.run(keys, read):
        answers[outcome.item] = outcome.error if outcome.failed else outcome.value
    return answers


def _fail_on_missing_library(module, answers):
    """oss2 missing is no item's failure: the whole task fails, as in single mode."""
    for answer in answers.values():
        answer = getattr(answer, 'cause', answer)  # run_items wraps what is not an API or input error
        if isinstance(answer, _oss.MissingLibraryError):
            module.fail_json(msg=missing_required_lib(answer.name), exception=answer.trace)


def _binding_entry(binding):
    return binding_result(binding) if binding else None


def run_bucket_cname_list(module):
    """oss_bucket_cname with `domains`: step bind or step rebind of the custom-domain flow."""
    p = module.params
    for option in ('domain', 'bucket', 'certificate'):
        if p.get(option):
            module.fail_json(msg='%s and domains are mutually exclusive: in list mode set %s on each item of domains (or in '
                                 'defaults).' % (option, 'name' if option == 'domain' else option), error_code='InvalidParameter')
    for option, default in (('state', 'present'), ('target', 'public'), ('delete_certificate', False), ('force', False)):
        if p.get(option) not in (None, default):
            module.fail_json(msg='%s is a single-domain option: in list mode set it on each item of domains (or in defaults).' % option,
                             error_code='InvalidParameter')
    params, region, secrets = _list_setup(module)
    flow = _make_flow(module, region)
    if flow.step == 'rebind':
        return _run_rebind(module, flow, params, secrets)
    return _run_bind(module, flow, params, secrets)


def _run_bind(module, flow, params, secrets):
    import time  # pylint: disable=import-outside-toplevel
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    started = time.time()
    check_mode = module.check_mode
    exclusive = bool(module.params.get('exclusive'))
    # 1. Every check that needs no API call, for every item.
    items = []
    for item in flow.items:
        if item.error is None:
            try:
                _region_check(flow, item)
                _prepare_certificate(item)
                if item.certificate and item.certificate.get('private_key'):
                    secrets.append(item.certificate['private_key'])
            except _flow.FlowError as exc:
                item.error = exc
        if item.error is None:
            item.data['target'] = _target_of(item)
            items.append(item)
    for item in flow.mark_invalid():
        item.entry['steps'][-1]['step'] = 'bind'
    for item in items:
        entry = flow.entry(item, reset=True)
        entry.update(target=item.data['target'], records=[_cname_item(item, item.data['target'])] if item.settings['state'] == 'present' else [])
    # 2. The reads, shared.
    oss = OssReads(params)
    try:
        api, zones, infos = _alidns_reads(flow, params, items, secrets)
    except _FatalMissing as exc:
        module.fail_json(msg=missing_required_lib(exc.name), exception=exc.trace)
    buckets = []
    for item in items:
        key = (item.settings['bucket'], item.settings['region'])
        if key not in buckets:
            buckets.append(key)
    try:
        answers = _read_all(flow, oss, api, buckets, zones, infos)
    except _oss.MissingLibraryError as exc:
        module.fail_json(msg=missing_required_lib(exc.name), exception=exc.trace)
    _fail_on_missing_library(module, answers)
    # 3. The checks that need the reads, still before any write.
    holders = {}
    for (kind, key), answer in answers.items():
        if kind == 'oss' and isinstance(answer, list):
            for binding in answer:
                holders.setdefault(binding['domain'], []).append(key)
    listed = set((item.name, item.settings['bucket']) for item in items)
    # A domain named by an item that cannot be used is never unbound by exclusive mode: a typo must not take a site down.
    protected = set(item.name for item in flow.items if item.error is not None)
    unbinds = []   # (bucket, region, domain) of exclusive mode
    if exclusive:
        for key in buckets:
            answer = answers.get(('oss', key))
            if not isinstance(answer, list):
                continue
            for binding in answer:
                if (binding['domain'], key[0]) not in listed and binding['domain'] not in protected:
                    unbinds.append((key[0], key[1], binding))
    unbinds.sort(key=lambda unbind: (unbind[0], unbind[2]['domain']))
    moving = set(binding['domain'] for dummy, dummy2, binding in unbinds)
    cas = _shared_cas(params, module.params.get('cas_endpoint'))
    for item in items:
        entry = item.entry
        data = item.data
        entry.update(dns=data.get('dns'), zone=data.get('zone'), zone_unicode=to_unicode(data['zone']) if data.get('zone') else None)
        for text in data.get('notes') or []:
            _flow.note(entry, text)
        try:
            if data.get('error'):
                raise data['error']
            key = (item.settings['bucket'], item.settings['region'])
            listing = answers[('oss', key)]
            if isinstance(listing, Exception):
                if isinstance(listing, AlicloudError):
                    raise _oss_failure(flow, item, listing, None, secrets)
                raise listing
            data['current'] = find_binding(listing, item.name)
            entry['binding'] = _binding_entry(data['current'])
            if item.settings['state'] == 'present' and data['current'] is None:
                others = [other for other in holders.get(item.name, []) if other != key]
                if others and item.name not in moving:
                    raise ItemFailure('%s is already bound to bucket %s of this account; a domain can be bound to one bucket at a time. Unbind '
                                      'it there first (state absent on that bucket, or exclusive mode), then run again. Nothing was changed.'
                                      % (item.name, others[0][0]), 'CnameAlreadyExists', holder_bucket=others[0][0])
            data['cname_in_place'] = False
            if item.settings['state'] == 'present' and data.get('dns') == 'alidns':
                zone = data['zone']
                records = answers.get(('zone', zone))
                info = answers.get(('info', zone))
                for answer in (records, info):
                    if isinstance(answer, Exception):
                        raise answer
                in_place, notes, stale_record = _zone_checks(item, zone, records, info)
                data['cname_in_place'] = in_place
                for text in notes:
                    _flow.note(entry, text)
                if stale_record and not entry.get('ownership_record'):
                    entry['ownership_record'] = stale_record
            if data['current'] and (data['current'].get('status') or 'Enabled') != 'Enabled' and item.settings['state'] == 'present':
                _flow.note(entry, 'the binding is %s in OSS; OSS does not serve the domain while it is not Enabled.' % data['current'].get('status'))
            bound_chain, chain_unknown = None, None
            if item.settings['state'] == 'present' and data['current'] is not None and data['wanted_info'] is not None:
                bound_chain, chain_unknown = read_bound_chain(cas, data['current'].get('certificate'), data['wanted_info'], secrets)
            data['bound_chain'] = bound_chain
            data['plan'] = plan_binding(item.settings['state'], data['current'], data['wanted_cert'], data['wanted_info'],
                                        bool(item.settings['delete_certificate']) and item.settings['state'] == 'present', data['force'],
                                        bound_chain, chain_unknown)
            for text in data['plan'].warnings + certificate_check_mode_warnings(data['plan'], check_mode):
                _flow.note(entry, text)
        except (ItemFailure, AlicloudError, ValueError) as exc:
            _fail_item(flow, item, exc, 'bind', secrets, time.time() - started)
    # 4. The writes: unbinds first (a domain may move to another bucket in this run), then binds.
    _check_bucket_capacity(flow, items, answers, unbinds, secrets, time.time() - started)
    extras = []
    for bucket, region, binding in unbinds:
        if binding['domain'] in flow.by_name and flow.by_name[binding['domain']].error is None:
            item = flow.by_name[binding['domain']]
            if item.data.get('failed') or item.settings['state'] != 'present':
                # Moving a domain that cannot be bound to its new bucket would take it down: it stays where it is.
                _flow.note(item.entry, 'left bound to bucket %s (exclusive mode moves it only once it can be bound to bucket %s)'
                           % (bucket, item.settings['bucket']))
                continue
            extras.append(dict(bucket=bucket, region=region, binding=binding, entry=None, moved=True))
            continue
        entry = flow.extra_entry(binding['domain'], bucket=bucket, region=region, state='absent',
                                 target=oss_public_host(bucket, region), binding=_binding_entry(binding))
        extras.append(dict(bucket=bucket, region=region, binding=binding, entry=entry, moved=False))
    _resolve_extra_zones(flow, params, api, [extra for extra in extras if not extra['moved']], secrets)
    work = [('unbind', extra) for extra in extras]
    work += [('item', item) for item in items if not item.data.get('failed') and item.settings['state'] == 'absent']
    _run_writes(flow, oss, work, check_mode, secrets, started)
    work = [('item', item) for item in items if not item.data.get('failed') and item.settings['state'] == 'present']
    pipeline = _records_pipeline(module, flow, params, work)
    _run_writes(flow, oss, work, check_mode, secrets, started, pipeline)
    # 5. What each item reached. A binding is as predicted (so check mode shows what the real run returns), but for an
    # uploaded or changed certificate, whose id and dates only OSS knows: those buckets are read back once.
    if not check_mode:
        written = set((item.settings['bucket'], item.settings['region']) for item in items if _uploads_certificate(item))
        for key in written:
            try:
                oss.reread(*key)
            except AlicloudError:
                pass
    results = []
    diff = dict(before={}, after={})
    for item in items:
        if not item.data.get('failed'):
            _finish_bind_item(flow, oss, item, check_mode, time.time() - started, secrets)
        results.append(_item_result(item))
        if item.data.get('plan') is not None and item.data['plan'].changed and not item.data.get('failed'):
            before_chain = after_chain = item.data.get('bound_chain')
            if before_chain is not None and (item.data['plan'].certificate or {}).get('certificate'):
                after_chain = item.data['wanted_info']['chain']
            _flow.diff_add(diff, item.name, _binding_view(item.settings['bucket'], item.name, item.data['current'], before_chain),
                           _binding_view(item.settings['bucket'], item.name, item.data.get('after'), after_chain))
    for item in flow.items:
        if item.error is not None:
            results.append(_item_result(item))
    for extra in extras:
        bucket, domain = extra['bucket'], extra['binding']['domain']
        if extra.get('error') is None:
            _flow.diff_add(diff, domain if not extra['moved'] else '%s (%s)' % (domain, bucket),
                           _binding_view(bucket, domain, extra['binding']), _binding_view(bucket, domain, None))
        if not extra['moved']:
            results.append(_extra_result(extra))
    results.sort(key=lambda result: result.get('index', 1 << 30))
    _finish_list(module, flow, params, results, diff, secrets, pipeline)


def _records_pipeline(module, flow, params, work):
    """The _records.RecordsPipeline of a real run whose publish_records asks for the records step (None in check mode,
    where nothing is written, and when no domain goes on to its records; also None when the Alibaba Cloud DNS client
    cannot be made: the records step then says why, as without a pipeline)."""
    if not module.params.get('publish_records') or module.check_mode or not any(_goes_on_to_records(unit) for unit in work):
        return None
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _records  # pylint: disable=import-outside-toplevel
    try:
        api, recorder = _records.records_api(params)
    except AlicloudError:
        return None
    return _records.RecordsPipeline(api, recorder, flow.settings_of)


def _finish_list(module, flow, params, results, diff, secrets, pipeline=None):
    """The list-mode result of step bind or rebind, after the records step for the domains of Alibaba Cloud DNS when
    publish_records asks for it (in the same run: one module run less per domain; with a pipeline, their zone work was
    done while the bind step wrote)."""
    extra = {}
    if module.params.get('publish_records'):
        from ansible_collections.alicloud_oss.domains.plugins.module_utils import _records  # pylint: disable=import-outside-toplevel
        extra['records_results'] = _records.records_in_same_run(params, flow, diff, module.check_mode, secrets, pipeline)
    flow.finish(module, results=results, diff=diff, secrets=secrets, **extra)


def _shared_cas(params, endpoint):
    """A callable that makes the run's one CasClient on first use (only a chain comparison needs it) and then returns it;
    raises _cas.MissingSdkError each time when the SDK is missing."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _cas  # pylint: disable=import-outside-toplevel
    made = []

    def client():
        if not made:
            made.append(_cas.CasClient(params, endpoint))
        return made[0]
    return client


def _check_bucket_capacity(flow, items, answers, unbinds, secrets, elapsed):
    """Fail, before any write, the new bindings a bucket has no room for (OSS maps at most 100 domains to a bucket).

    The room is what the bucket holds now, less what this run unbinds from it; the new bindings get it in input order.
    """
    for key, listing in answers.items():
        if key[0] != 'oss' or not isinstance(listing, list):
            continue
        bucket, region = key[1]
        leaving = set(binding['domain'] for ubucket, uregion, binding in unbinds if (ubucket, uregion) == key[1])
        leaving.update(item.name for item in items if (item.settings['bucket'], item.settings['region']) == key[1]
                       and item.settings['state'] == 'absent' and not item.data.get('failed') and item.data.get('current'))
        room = MAX_DOMAINS_PER_BUCKET - len([binding for binding in listing if binding['domain'] not in leaving])
        for item in items:
            if (item.settings['bucket'], item.settings['region']) != key[1] or item.data.get('failed'):
                continue
            plan = item.data.get('plan')
            if plan is None or plan.action != 'bind':
                continue
            if room > 0:
                room -= 1
                continue
            _fail_item(flow, item, ItemFailure('Bucket %s cannot take %s: OSS maps at most %d custom domains to a bucket, and it has (or '
                                               'this run gives it) that many. Bind it to another bucket (%s), or unbind domains the '
                                               'bucket no longer needs. Nothing was changed for it.'
                                               % (bucket, item.name, MAX_DOMAINS_PER_BUCKET, item.field('bucket')), 'TooManyCname'),
                       'bind', secrets, elapsed)


def _resolve_extra_zones(flow, params, api, extras, secrets):
    """dns and zone of the domains exclusive mode unbinds (from the zone list already read, if any)."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _alidns, _records  # pylint: disable=import-outside-toplevel
    if not extras:
        return
    defaults = flow.params.get('defaults') or {}
    mode = defaults.get('dns') or 'auto'
    zones = None
    if mode != 'external':
        try:
            zones = (api or _alidns.AlidnsAPI(params)).list_zones()
        except (AlicloudError, _alidns.MissingSdkError) as exc:
            zones = None
            for extra in extras:
                from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import note  # pylint: disable=import-outside-toplevel
                note(extra['entry'], 'the Alibaba Cloud DNS zones could not be read (%s): its CNAME record is listed for removal at the DNS '
                                     'provider.' % redact(str(exc), secrets))
    for extra in extras:
        entry = extra['entry']
        zone = _records.longest_zone(entry['name'], zones) if zones else None
        entry.update(dns='alidns' if zone else 'external', zone=zone, zone_unicode=to_unicode(zone) if zone else None)


def _run_writes(flow, oss, work, check_mode, secrets, started, pipeline=None):
    """The PutCname / DeleteCname of the work list in the thread pool; an error is its item's own. With a pipeline
    (_records.RecordsPipeline), the domains of Alibaba Cloud DNS go on to their records step as soon as they are bound
    (_pipelined_writes)."""
    import time  # pylint: disable=import-outside-toplevel

    def write(unit):
        kind, what = unit
        if kind == 'unbind':
            if not check_mode:
                client = oss.client(what['bucket'], what['region'])
                write_binding(client, CnamePlan('unbind'), 'absent', what['binding']['domain'], None, None, False)
                what['written'] = True
            return None
        item = what
        plan = item.data['plan']
        if not plan.changed or check_mode:
            return None
        client = oss.client(item.settings['bucket'], item.settings['region'])
        delete_certificate = bool(item.settings['delete_certificate']) and item.settings['state'] == 'present'
        try:
            write_binding(client, plan, item.settings['state'], item.name, item.data['wanted_cert'], item.data['wanted_info'],
                          delete_certificate)
        except AlicloudError as exc:
            item.data['write_error'] = exc
            item.data['client'] = client
            return None
        item.data['written'] = True
        return None

    outcomes = flow.run(work, write) if pipeline is None else _pipelined_writes(flow, work, write, pipeline)
    for outcome in outcomes:
        if outcome.failed:
            kind, what = outcome.item
            if kind == 'unbind':
                what['error'] = outcome.error
                bucket, domain = what['bucket'], what['binding']['domain']
                message = 'exclusive: unbinding %s from bucket %s failed: %s' % (domain, bucket, redact(str(outcome.error), secrets))
                if what['entry'] is not None:
                    from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import fail  # pylint: disable=import-outside-toplevel
                    fail(what['entry'], outcome.error, step='bind', secrets=secrets, msg=message, elapsed=time.time() - started)
                else:
                    item = flow.by_name[domain]
                    _fail_item(flow, item, ItemFailure(message, getattr(outcome.error, 'code', 'Error')), 'bind', secrets)
            else:
                _fail_item(flow, what, outcome.error, 'bind', secrets, time.time() - started)
    for kind, what in work:
        if kind == 'unbind' and what.get('error') is None:
            entry = what['entry']
            domain = what['binding']['domain']
            if entry is not None:
                from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
                _flow.set_phase(entry, 'unbound')
                entry['binding'] = None
                msg = '%s from bucket %s (exclusive: not in the list)' % ('would be unbound' if check_mode else 'unbound', what['bucket'])
                _flow.record_step(entry, 'bind', True, msg, time.time() - started)
            else:
                from ansible_collections.alicloud_oss.domains.plugins.module_utils._flow import note  # pylint: disable=import-outside-toplevel
                item = flow.by_name[domain]
                item.data['moved_from'] = what['bucket']
                note(item.entry, '%s from bucket %s first (exclusive: it is listed for bucket %s)'
                     % ('would be unbound' if check_mode else 'unbound', what['bucket'], item.settings['bucket']))


def _goes_on_to_records(unit):
    """Whether a unit of the bind writes is a domain whose records the pipeline publishes once it is bound: to be bound
    (state present), in this account's Alibaba Cloud DNS, its CNAME record not in place yet."""
    kind, item = unit
    return kind == 'item' and item.settings['state'] == 'present' and item.data.get('dns') == 'alidns' and bool(item.data.get('zone')) \
        and not item.data.get('cname_in_place')


def _pipelined_writes(flow, work, write, pipeline):
    """_run_writes' writes with the records step beside them (RecordsPipeline.run): the PutCname calls in the thread
    pool as without it, and each domain of Alibaba Cloud DNS handed to its zone's records as soon as its write went
    through. The domains are bound taking turns among the zones (the first domain of each zone, then the second, ...),
    so that every zone's records can start early. Returns an ItemResult per unit of work, as flow.run() does."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    from ansible_collections.alicloud_oss.domains.plugins.module_utils._batch import ItemResult, run_items  # pylint: disable=import-outside-toplevel
    rank = {}
    counts = {}
    for index, unit in enumerate(work):
        if _goes_on_to_records(unit):
            zone = unit[1].data['zone']
            rank[index] = counts.get(zone, 0)
            counts[zone] = rank[index] + 1
            pipeline.add(zone, unit[1].entry)
    order = sorted(range(len(work)), key=lambda index: (rank.get(index, 0), index))

    def bind(index):
        ok = False
        try:
            write(work[index])
            ok = work[index][1].data.get('write_error') is None
        finally:
            if index in rank:
                if ok:
                    _flow.set_phase(work[index][1].entry, 'bound')   # as _finish_bind_item will say: the records step plans from it
                pipeline.bound(work[index][1].entry, ok)

    def describe(index, dummy):
        kind, what = work[index]
        return 'domain %s' % (what.name if kind == 'item' else what['binding']['domain'])

    results = pipeline.run(flow.concurrency, lambda: run_items(order, bind, max_workers=flow.concurrency, describe=describe))
    outcomes = [None] * len(work)
    for result in results:
        outcomes[result.item] = ItemResult(result.item, work[result.item], error=result.error)
    return outcomes


def _finish_bind_item(flow, oss, item, check_mode, elapsed, secrets):
    """Phase, binding, message and step record of an item after its write (or its prediction in check mode)."""
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    entry = item.entry
    data = item.data
    plan = data['plan']
    state = item.settings['state']
    error = data.get('write_error')
    if error is not None and error.code == 'NeedVerifyDomainOwnership':
        if item.settings['verify_ownership'] == 'never':
            client = data.get('client')
            failure = _oss_failure(flow, item, error, client, secrets)
            failure.message = ('%s (%s is never, so the flow does not prove it.)' % (failure.message, item.field('verify_ownership')))
            _fail_item(flow, item, failure, 'bind', secrets, elapsed)
            return
        _flow.set_phase(entry, 'needs_ownership')
        _flow.record_step(entry, 'bind', False, 'OSS asks for proof of ownership of %s before it binds it to bucket %s: the ownership '
                                                'step gets the token' % (item.name, item.settings['bucket']), elapsed)
        data['after'] = data['current']
        return
    if error is not None:
        holder = None
        if error.code == 'CnameAlreadyExists':
            holder = ((error.details or {}).get('Bucket') or None)
        _fail_item(flow, item, _oss_failure(flow, item, error, data.get('client'), secrets, holder=holder), 'bind', secrets, elapsed)
        return
    if state == 'absent':
        data['after'] = None
        _flow.set_phase(entry, 'unbound')
        entry['binding'] = None
        msg = ('%s from bucket %s' % ('would be unbound' if check_mode else 'unbound', item.settings['bucket'])) if plan.changed \
            else 'not bound to bucket %s' % item.settings['bucket']
        _flow.record_step(entry, 'bind', plan.changed, msg, elapsed)
        return
    predicted = _predicted_binding(data['current'], item.name, plan, data['wanted_info']) if plan.changed else data['current']
    after = predicted
    if plan.changed and not check_mode and plan.certificate and not plan.certificate.get('delete_certificate'):
        try:
            after = find_binding(oss.listing(item.settings['bucket'], item.settings['region']), item.name) or predicted
        except AlicloudError:
            after = predicted
    data['after'] = after
    entry['binding'] = _binding_entry(after)
    new_binding = plan.action == 'bind'
    if check_mode and new_binding and data.get('dns') != 'alidns':
        # OSS binds without proof only a domain whose zone is in this account's Alibaba Cloud DNS: predict what it will ask.
        _flow.set_phase(entry, 'needs_ownership' if item.settings['verify_ownership'] != 'never' else 'failed')
        if item.settings['verify_ownership'] == 'never':
            _fail_item(flow, item, ItemFailure('OSS will ask for proof that you own %s (its zone is not in this account\'s Alibaba Cloud '
                                               'DNS) and %s is never.' % (item.name, item.field('verify_ownership')),
                                               'NeedVerifyDomainOwnership'), 'bind', secrets, elapsed)
            return
        entry['binding'] = _binding_entry(data['current'])
        data['after'] = data['current']
        _flow.record_step(entry, 'bind', False, 'OSS would ask for proof of ownership of %s (its zone is not in this account\'s '
                                                'Alibaba Cloud DNS): the ownership step gets the token' % item.name, elapsed)
        return
    if data.get('cname_in_place'):
        _flow.set_phase(entry, 'records_published')
    else:
        _flow.set_phase(entry, 'bound')
    if plan.changed:
        what = {'bind': 'bound to', 'certificate': 'certificate changed on'}.get(plan.action, 'changed on')
        msg = '%s bucket %s%s' % ('would be ' + what if check_mode else what, item.settings['bucket'],
                                  ' (%s)' % plan.reason if plan.action == 'certificate' else '')
    else:
        msg = 'already bound to bucket %s' % item.settings['bucket']
    if data.get('cname_in_place'):
        msg += '; its CNAME record is in place'
    _flow.record_step(entry, 'bind', plan.changed, msg, elapsed)


def _uploads_certificate(item):
    """Whether the item's write (made, not predicted) attached or replaced a certificate."""
    plan = item.data.get('plan')
    config = (plan.certificate if plan is not None else None) or {}
    return bool(item.data.get('written') and config and not config.get('delete_certificate'))


def _item_result(item):
    """The per-item result of the bind and rebind steps: the keys of the single-domain result plus the flow's."""
    entry = item.entry or {}
    target = (item.data or {}).get('target') or entry.get('target')
    result = dict(index=item.index, name=item.name, name_unicode=item.name_unicode, domain=item.name, domain_unicode=item.name_unicode,
                  bucket=item.settings.get('bucket'), region=item.settings.get('region'), state=item.settings.get('state'),
                  dns=entry.get('dns'), zone=entry.get('zone'), target=target, phase=entry.get('phase'),
                  changed=bool(entry.get('steps') and entry['steps'][-1].get('changed')), failed=bool(entry.get('failed')),
                  msg=entry.get('msg'), error_code=entry.get('error_code') if entry.get('failed') else None,
                  binding=entry.get('binding'), notes=list(entry.get('notes') or []))
    if target:
        result['cname_record'] = dict(name=item.name, name_unicode=item.name_unicode, type='CNAME', value=target)
    for key in ('certificate',):
        if (item.data or {}).get(key):
            result[key] = item.data[key]
    for key in ('holder_bucket', 'conflicts', 'ownership_record', 'bucket_region'):
        if entry.get(key):
            result[key] = entry[key]
    return result


def _extra_result(extra):
    entry = extra['entry']
    return dict(index=entry.get('index'), name=entry['name'], name_unicode=entry['name_unicode'], domain=entry['name'],
                domain_unicode=entry['name_unicode'], bucket=extra['bucket'], region=extra['region'], state='absent',
                dns=entry.get('dns'), zone=entry.get('zone'), target=entry.get('target'), phase=entry.get('phase'),
                changed=extra.get('error') is None, failed=bool(entry.get('failed')), msg=entry.get('msg'),
                error_code=entry.get('error_code') if entry.get('failed') else None, binding=entry.get('binding'),
                notes=list(entry.get('notes') or []))


def _run_rebind(module, flow, params, secrets):
    """Step rebind: PutCname again for the items whose ownership record was published (phase ownership_pending)."""
    import time  # pylint: disable=import-outside-toplevel
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    started = time.time()
    check_mode = module.check_mode
    retries = module.params.get('bind_retries')
    retries = DEFAULT_BIND_RETRIES if retries is None else max(0, retries)
    delay = module.params.get('bind_delay')
    delay = DEFAULT_BIND_DELAY if delay is None else max(0.0, delay)
    items = []
    for item in flow.valid_items:
        entry = flow.progress.get(item.name)
        if entry is None or entry.get('failed') or entry.get('phase') != 'ownership_pending':
            continue
        item.entry = entry
        try:
            _region_check(flow, item)
            _prepare_certificate(item)
            if item.certificate and item.certificate.get('private_key'):
                secrets.append(item.certificate['private_key'])
        except _flow.FlowError as exc:
            _fail_item(flow, item, exc, 'rebind', secrets)
            continue
        item.data['target'] = entry.get('target') or _target_of(item)
        items.append(item)
    oss = OssReads(params)
    buckets = []
    for item in items:
        key = (item.settings['bucket'], item.settings['region'])
        if key not in buckets:
            buckets.append(key)
    answers = _read_all(flow, oss, None, buckets, [], [])
    _fail_on_missing_library(module, answers)

    def rebind(item):
        key = (item.settings['bucket'], item.settings['region'])
        listing = answers[('oss', key)]
        if isinstance(listing, AlicloudError):
            raise _oss_failure(flow, item, listing, None, secrets)
        if isinstance(listing, Exception):
            raise listing
        current = find_binding(listing, item.name)
        item.data['current'] = current
        plan = plan_binding('present', current, item.data['wanted_cert'], item.data['wanted_info'],
                            bool(item.settings['delete_certificate']), item.data['force'])
        item.data['plan'] = plan
        for text in plan.warnings + certificate_check_mode_warnings(plan, check_mode):
            _flow.note(item.entry, text)
        if not plan.changed or check_mode:
            return plan
        client = oss.client(*key)
        attempt = 0
        while True:
            try:
                write_binding(client, plan, 'present', item.name, item.data['wanted_cert'], item.data['wanted_info'],
                              bool(item.settings['delete_certificate']))
                item.data['written'] = True
                return plan
            except AlicloudError as exc:
                # OSS reads the _dnsauth TXT through its own resolvers: it may not see it for a while after every
                # authoritative nameserver serves it. Ask again, a few times, before giving up.
                if exc.code != 'NeedVerifyDomainOwnership' or attempt >= retries:
                    if exc.code == 'NeedVerifyDomainOwnership':
                        item.data['still_unverified'] = exc
                        return plan
                    raise _oss_failure(flow, item, exc, client, secrets,
                                       holder=(exc.details or {}).get('Bucket') if exc.code == 'CnameAlreadyExists' else None)
                attempt += 1
                item.data['attempts'] = attempt + 1
                time.sleep(delay)

    results = []
    diff = dict(before={}, after={})
    outcomes = flow.run(items, rebind)
    for key in set((item.settings['bucket'], item.settings['region']) for item in items if _uploads_certificate(item)):
        oss.listings.forget(key)  # read back once per bucket: only OSS knows the id and dates of an uploaded certificate
    for outcome in outcomes:
        item = outcome.item
        entry = item.entry
        elapsed = time.time() - started
        if outcome.failed:
            _fail_item(flow, item, outcome.error, 'rebind', secrets, elapsed)
        elif item.data.get('still_unverified') is not None:
            exc = item.data['still_unverified']
            waited = 'the TXT record %s is not visible to OSS yet' % ownership_record_name(item.name)
            if entry.get('dns') == 'external' and not item.settings.get('wait'):
                # Nobody waited for the record a person must add: not a failure, the next run binds it.
                _flow.record_step(entry, 'rebind', False, 'OSS still asks for proof of ownership: %s; add it at the DNS provider and run '
                                                          'again' % waited, elapsed)
            else:
                _fail_item(flow, item, ItemFailure('OSS still asks for proof of ownership of %s after %d attempts: %s (is its value the '
                                                   'token in ownership_record?). %s' % (item.name, item.data.get('attempts', 1), waited,
                                                                                        redact(str(exc), secrets)),
                                                   exc.code), 'rebind', secrets, elapsed)
        else:
            plan = item.data['plan']
            after = _predicted_binding(item.data['current'], item.name, plan, item.data['wanted_info']) if plan.changed else item.data['current']
            if _uploads_certificate(item):
                try:
                    after = find_binding(oss.listing(item.settings['bucket'], item.settings['region']), item.name) or after
                except AlicloudError:
                    pass
            item.data['after'] = after
            entry['binding'] = _binding_entry(after)
            _flow.set_phase(entry, 'bound')
            msg = ('%s bucket %s once ownership was proven' % ('would be bound to' if check_mode else 'bound to', item.settings['bucket'])
                   if plan.changed else 'already bound to bucket %s' % item.settings['bucket'])
            _flow.record_step(entry, 'rebind', plan.changed, msg, elapsed)
            if plan.changed:
                _flow.diff_add(diff, item.name, _binding_view(item.settings['bucket'], item.name, item.data['current']),
                               _binding_view(item.settings['bucket'], item.name, after))
        results.append(_item_result(item))
    _finish_list(module, flow, params, results, diff, secrets)


# ---------------------------------------------------------------------------------------------------------------------
# oss_domain_ownership, list mode (step ownership): needs_ownership -> ownership_pending with its ownership_record

def run_domain_ownership_list(module):
    import time  # pylint: disable=import-outside-toplevel
    from ansible_collections.alicloud_oss.domains.plugins.module_utils import _flow  # pylint: disable=import-outside-toplevel
    p = module.params
    for option in ('domain', 'bucket'):
        if p.get(option):
            module.fail_json(msg='%s and domains are mutually exclusive: in list mode set %s on each item of domains (or in defaults).'
                             % (option, 'name' if option == 'domain' else option), error_code='InvalidParameter')
    started = time.time()
    params, region, secrets = _list_setup(module)
    flow = _make_flow(module, region)
    check_mode = module.check_mode
    items = []
    for item in flow.valid_items:
        entry = flow.progress.get(item.name)
        if entry is None or entry.get('failed') or entry.get('phase') != 'needs_ownership':
            continue
        item.entry = entry
        try:
            _region_check(flow, item)
        except _flow.FlowError as exc:
            _fail_item(flow, item, exc, 'ownership', secrets)
            continue
        items.append(item)
    oss = OssReads(params)

    def ownership(item):
        client = oss.client(item.settings['bucket'], item.settings['region'])
        try:
            # Read first (one ListCname per bucket, shared): a domain bound to this bucket needs no token, in check mode too.
            if find_binding(oss.listing(item.settings['bucket'], item.settings['region']), item.name) is not None:
                item.data['no_need'] = True
                return None
            current = client.get_token(item.name)
        except AlicloudError as exc:
            raise _oss_failure(flow, item, exc, client, secrets)
        token = current if token_is_valid(current) else None
        item.data['before'] = dict(token=token['token'], expire_time=iso_time(token['expire_time'])) if token else \
            dict(token=None, expire_time=None)
        item.data['created'] = False
        if token is None and not check_mode:
            try:
                token = client.create_token(item.name)
                item.data['created'] = True
            except AlicloudError as exc:
                if exc.code != 'NoNeedCreateCnameToken':
                    raise _oss_failure(flow, item, exc, client, secrets)
                item.data['no_need'] = True
        item.data['token'] = token
        return token

    results = []
    diff = dict(before={}, after={})
    for outcome in flow.run(items, ownership):
        item = outcome.item
        entry = item.entry
        elapsed = time.time() - started
        if outcome.failed:
            _fail_item(flow, item, outcome.error, 'ownership', secrets, elapsed)
        elif item.data.get('no_need'):
            # The domain is verified for this bucket already: binding again will work, no record is needed.
            entry['ownership_record'] = None
            _flow.set_phase(entry, 'ownership_pending')
            _flow.record_step(entry, 'ownership', False, '%s is already bound to bucket %s: no ownership token is needed'
                              % (item.name, item.settings['bucket']), elapsed)
        else:
            token = item.data['token']
            value = token['token'] if token else None
            changed = token is None or item.data['created']
            record = ownership_record_name(item.name)
            entry['ownership_record'] = dict(record=record, record_unicode=to_unicode(record), type='TXT',
                                             value=[value] if value else [], ttl=item.settings['ttl'],
                                             expire_time=iso_time(token['expire_time']) if token else None)
            _flow.set_phase(entry, 'ownership_pending')
            if value is None:
                msg = 'a verification token would be created (CreateCnameToken); its TXT record %s is published next' % record
            elif changed:
                msg = 'a verification token was created: publish the TXT record %s' % record
            else:
                msg = 'a valid verification token exists: publish the TXT record %s' % record
            _flow.record_step(entry, 'ownership', changed, msg, elapsed)
            if changed:
                _flow.diff_add(diff, item.name, item.data['before'], dict(token=value, expire_time=entry['ownership_record']['expire_time']))
        result = _item_result(item)
        result['token'] = ((item.data.get('token') or {}).get('token'))
        results.append(result)
    flow.finish(module, results=results, diff=diff, secrets=secrets)
