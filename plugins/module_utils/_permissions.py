# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""RAM permissions: which permission a refused call lacked, and which ready policy of docs/ram-policies grants it.

OSS refuses a call the RAM policies do not allow with 403 AccessDenied, Alidns with Forbidden.RAM; both now carry an
AccessDeniedDetail whose AuthAction names the refused action (OSS error page 0003-00000201; RAM DecodeDiagnosticMessage).
When the detail is missing (older answers), the action is the one of the call that was made. The message names the
action as the service spells it (oss:PutCname, alidns:AddDomainRecord), the resource, and the ready policy.

preflight() runs read-only probes before a flow's first write, so that a flow that would need a permission the
credentials lack can say so before it changes anything (for example: no Alidns permission -> use dns: external).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

POLICY_DIR = 'docs/ram-policies'
POLICY_README = POLICY_DIR + '/README.md'

# The ready policies (docs/ram-policies/*.json) and the actions each grants; a unit test keeps the two in step.
READY_POLICIES = (
    ('audit-only.json', ('oss:ListCname', 'oss:GetCnameToken', 'alidns:DescribeDomains', 'alidns:DescribeDomainRecords',
                         'alidns:DescribeSubDomainRecords')),
    ('bind-external-dns.json', ('oss:ListCname', 'oss:PutCname', 'oss:DeleteCname', 'oss:GetCnameToken', 'oss:CreateCnameToken')),
    ('bind-alidns.json', ('oss:ListCname', 'oss:PutCname', 'oss:DeleteCname', 'oss:GetCnameToken', 'oss:CreateCnameToken',
                          'alidns:DescribeDomains', 'alidns:DescribeDomainRecords', 'alidns:DescribeSubDomainRecords', 'alidns:AddDomainRecord',
                          'alidns:UpdateDomainRecord', 'alidns:DeleteDomainRecord')),
    # GetUserCertificateDetail: oss_bucket_cname reads the bound chain to compare it with the one given (_cas.py).
    ('certificates-cas.json', ('oss:ListCname', 'oss:PutCname', 'yundun-cert:DescribeSSLCertificatePrivateKey',
                               'yundun-cert:DescribeSSLCertificatePublicKeyDetail', 'yundun-cert:CreateSSLCertificate',
                               'yundun-cert:GetUserCertificateDetail')),
)

# oss2 Bucket methods -> the RAM action OSS checks (https://www.alibabacloud.com/help/en/oss/developer-reference/bucket-cname).
OSS_ACTIONS = {
    'list_bucket_cname': 'oss:ListCname', 'put_bucket_cname': 'oss:PutCname', 'delete_bucket_cname': 'oss:DeleteCname',
    'create_bucket_cname_token': 'oss:CreateCnameToken', 'get_bucket_cname_token': 'oss:GetCnameToken',
    'list_buckets': 'oss:ListBuckets',
}
# Codes that only ever mean "not allowed by RAM"; OSS's AccessDenied also means other things (wrong region, V1 refused,
# another account's bucket), so it counts only with an AccessDeniedDetail, a RAM EC or OSS's RAM message.
PERMISSION_CODES = frozenset(['Forbidden.RAM', 'NoPermission', 'NotAuthorized', 'Forbidden.NoPermission', 'Forbidden.AccessDenied'])
_RAM_MESSAGES = ('no right to access', 'not authorized to operate', 'denied by authorizer', 'access denied by bucket policy')
SERVICES = {'oss': 'OSS', 'alidns': 'Alibaba Cloud DNS', 'yundun-cert': 'Certificate Management Service'}


def policies_for(action):
    """The ready policies that grant an action (file names), narrowest use first."""
    return [name for name, actions in READY_POLICIES if action in actions]


def alidns_action(sdk_method):
    """'add_domain_record' -> 'alidns:AddDomainRecord'."""
    return 'alidns:' + ''.join(part.capitalize() for part in sdk_method.split('_'))


def oss_resource(bucket):
    """The bucket as RAM policies name it (any region, any owner: the ready policies write it so)."""
    return 'acs:oss:*:*:%s' % bucket


def alidns_resource(zone=None):
    return 'acs:alidns:*:*:domain/%s' % (zone or '*')


def access_denied_detail(error):
    """The AccessDeniedDetail a refusal carried (a dict), or {}: Alidns's JSON through the SDK, OSS's XML as _oss parses it."""
    details = getattr(error, 'details', None) or {}
    for key in ('access_denied_detail', 'AccessDeniedDetail'):
        value = details.get(key)
        if isinstance(value, dict) and value:
            return value
    return {}


def is_permission_refusal(error):
    """Whether an API error says the credentials lack a RAM permission (not a wrong key, region or owner)."""
    if access_denied_detail(error):
        return True
    code = getattr(error, 'code', '') or ''
    if code in PERMISSION_CODES:
        return True
    if code == 'AccessDenied':
        details = getattr(error, 'details', None) or {}
        if details.get('Endpoint'):
            return False  # the bucket lives in another region
        if (details.get('EC') or '').startswith('0003-000002'):
            return True
        message = (getattr(error, 'message', '') or '').lower()
        return any(text in message for text in _RAM_MESSAGES)
    return False


def _who(detail):
    kind = detail.get('AuthPrincipalType')
    name = detail.get('AuthPrincipalDisplayName')
    owner = detail.get('AuthPrincipalOwnerId')
    account = ' of account %s' % owner if owner else ''
    if kind == 'SubUser' and name:
        return 'the RAM user %s%s' % (name, account)
    if kind == 'AssumedRoleUser' and name:
        return 'the RAM role session %s%s' % (name, account)
    if kind == 'Federated' and name:
        return 'the federated (SSO) identity %s%s' % (name, account)
    return 'these credentials'


def explanation(error, action, resource=None):
    """(message, permission dict) for a refused call: the action that was refused (from AccessDeniedDetail, else the call
    made), the resource, and what to attach."""
    detail = access_denied_detail(error)
    refused = detail.get('AuthAction') or action
    resource = detail.get('AuthResource') or resource
    service = SERVICES.get((refused or '').split(':', 1)[0], 'Alibaba Cloud')
    policies = policies_for(refused)
    why = {
        'ExplicitDeny': 'a Deny statement in a policy of %s refuses it; remove or narrow that statement, an Allow cannot '
                        'override it' % _who(detail),
        'ImplicitDeny': 'no policy of %s allows it' % _who(detail),
    }.get(detail.get('NoPermissionType'), '%s do not have this permission' % _who(detail))
    if detail.get('PolicyType') == 'SessionPolicy':
        why = 'the session policy of the assumed role (alicloud_assume_role.policy) does not allow it'
    caller = SERVICES.get((action or '').split(':', 1)[0])
    if action and refused != action and caller and caller != service:
        # OSS checks the Certificate Management Service actions inside PutCname: the refused action is not the call's.
        parts = ['Permission denied: %s refused %s%s, which needs %s (%s) as well: %s.'
                 % (caller, action, ' on %s' % resource if resource else '', refused, service, why)]
        resource = None
    else:
        parts = ['Permission denied: %s refused %s%s: %s.' % (service, refused, ' on %s' % resource if resource else '', why)]
    if policies and detail.get('NoPermissionType') != 'ExplicitDeny':
        parts.append('Ready policies that grant it: %s (in %s; %s tells how to attach one to the RAM user or role).'
                     % (', '.join(policies), POLICY_DIR, POLICY_README))
    elif not policies:
        parts.append('Add %s to a policy of the RAM user or role.' % refused)
    if refused and refused.startswith('alidns:'):
        parts.append('If these credentials are not meant to manage this DNS zone, publish the records elsewhere: the '
                     'custom_domain role does so with custom_domain_dns: external (policy bind-external-dns.json).')
    original = (getattr(error, 'message', '') or '').strip()
    if original:
        parts.append('(%s said: %s)' % (service, original))
    permission = dict(action=refused, resource=resource, policies=policies,
                      explicit_deny=detail.get('NoPermissionType') == 'ExplicitDeny')
    return ' '.join(parts), permission


def explain(error, action, resource=None):
    """Rewrite a permission refusal's message in place (other errors pass unchanged); returns the error."""
    if not is_permission_refusal(error) or (getattr(error, 'details', None) or {}).get('missing_permission'):
        return error
    message, permission = explanation(error, action, resource)
    error.message = message
    error.details = dict(error.details or {}, missing_permission=permission)
    return error


# ---------------------------------------------------------------------------------------------------------------------
# Before the first write

class Probe(object):
    """A read-only call and the permission it shows: `call()` raises the API error when refused."""

    def __init__(self, action, resource, call, needed_for):
        self.action, self.resource, self.call, self.needed_for = action, resource, call, needed_for


def preflight(probes, not_a_refusal=('CnameTokenNotFound', 'InvalidDomainName.NoExist')):
    """Run read-only probes; return the refusals found: [(probe, error)]. Errors other than permission refusals are not
    this check's business: the flow's own steps meet them again and report them."""
    refused = []
    for probe in probes:
        try:
            probe.call()
        except Exception as exc:  # pylint: disable=broad-except  # any AlicloudError; others are the flow's to report
            code = getattr(exc, 'code', None)
            if code in not_a_refusal:
                continue
            if is_permission_refusal(exc):
                explain(exc, probe.action, probe.resource)
                refused.append((probe, exc))
    return refused


def custom_domain_probes(oss_client, alidns_api, bucket, domain, dns_mode):
    """The probes of the custom_domain flow: OSS reads of the bucket (ListCname, GetCnameToken), and, unless the DNS is
    external, the Alidns reads of the zone and the name (DescribeDomains, DescribeSubDomainRecords)."""
    probes = [Probe('oss:ListCname', oss_resource(bucket), oss_client.list_cnames, 'binding the domain'),
              Probe('oss:GetCnameToken', oss_resource(bucket), lambda: oss_client.get_token(domain), 'proving ownership')]
    if dns_mode != 'external' and alidns_api is not None:
        state = {}

        def zone():
            state['zone'] = alidns_api.find_zone(domain)

        def records():
            if state.get('zone'):
                rr = '@' if domain == state['zone'] else domain[:-len(state['zone']) - 1]
                alidns_api.list_name_records(state['zone'], rr)

        probes.append(Probe('alidns:DescribeDomains', 'acs:alidns:*:*:*', zone, 'finding the zone in Alibaba Cloud DNS'))
        probes.append(Probe('alidns:DescribeSubDomainRecords', alidns_resource(), records, 'publishing the records'))
    return probes


def custom_domain_verdict(refused, dns_mode):
    """(ok, advice, message) from the refusals of custom_domain_probes: ok False means stop before the first write.

    No Alidns permission with dns auto: the flow can still bind and hand the records over (dns external), and says so;
    with dns alidns it cannot. A refused OSS read stops the flow: the bind needs it."""
    if not refused:
        return True, None, None
    oss = [(probe, error) for probe, error in refused if probe.action.startswith('oss:')]
    alidns = [(probe, error) for probe, error in refused if probe.action.startswith('alidns:')]
    lines = ['%s (needed for %s): %s' % (probe.action, probe.needed_for, error.message) for probe, error in refused]
    if alidns and not oss and dns_mode == 'auto':
        return True, 'external', ('These credentials may not use Alibaba Cloud DNS (%s refused), so the records cannot be '
                                  'published there: use dns external (custom_domain_dns: external; policy '
                                  'bind-external-dns.json) to publish them at the DNS provider, or attach bind-alidns.json. %s'
                                  % (', '.join(probe.action for probe, _error in alidns), ' '.join(lines)))
    return False, None, 'Nothing was changed: the credentials lack permissions a later step needs. %s' % ' '.join(lines)
