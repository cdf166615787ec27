# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""RAM: who signed a request, what its policies allow, and the detail of a refusal.

Identities:
  - an account's own keys (the "root" of the account): allowed everything on the account's resources;
  - a RAM user's keys (accounts[name].users[user].keys): what the user's policies allow;
  - an STS key issued for a role (AssumeRole, AssumeRoleWithOIDC, the ECS metadata service): what the role's policies
    allow, intersected with the session policy given to AssumeRole (if any). A role seeded without `policies` is
    unrestricted, like the account's keys (so that seeds written before RAM was modelled keep working);
  - an STS key from POST /_emulator/sts: the account's rights.

Policies are Alibaba's policy language, version "1": Statement[] of Effect Allow/Deny, Action or NotAction,
Resource or NotResource. `*` and `?` are wildcards; actions match without regard to case. An explicit Deny wins, then
an Allow; nothing that matches is an implicit deny. Statements with a Condition are not evaluated (they neither allow
nor deny): conditions are not modelled. Requests are matched against resources named as OSS and Alidns name them
(resource_* below). Sources are in README.md, "RAM".
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import re
import struct
import time

# System policies the emulator knows by name (a small subset; their real documents are longer but grant the same here).
SYSTEM_POLICIES = {
    'AdministratorAccess': {'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]},
    'AliyunOSSFullAccess': {'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'oss:*', 'Resource': '*'}]},
    'AliyunOSSReadOnlyAccess': {'Version': '1', 'Statement': [
        {'Effect': 'Allow', 'Action': ['oss:Get*', 'oss:List*'], 'Resource': '*'}]},
    'AliyunDNSFullAccess': {'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'alidns:*', 'Resource': '*'}]},
    'AliyunDNSReadOnlyAccess': {'Version': '1', 'Statement': [
        {'Effect': 'Allow', 'Action': ['alidns:Describe*', 'alidns:Get*'], 'Resource': '*'}]},
}

EXPLICIT_DENY = 'ExplicitDeny'
IMPLICIT_DENY = 'ImplicitDeny'
ALLOW = 'Allow'
IDENTITY_POLICY = 'AccountLevelIdentityBasedPolicy'
SESSION_POLICY = 'SessionPolicy'
USER_NAME_RE = re.compile(r'^[A-Za-z0-9._-]{1,64}$')  # RAM CreateUser: letters, digits, '.', '_' and '-', up to 64


class PolicyError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------- resources

def resource_oss_bucket(region, owner_uid, bucket):
    """OSS names a bucket acs:oss:<region>:<owner uid>:<bucket>; policies usually write acs:oss:*:*:<bucket>."""
    return 'acs:oss:%s:%s:%s' % (region or '*', owner_uid, bucket)


def resource_alidns_domain(uid, zone):
    """Alidns names a zone acs:alidns:*:<uid>:domain/<zone> (domain/* for every zone of the account)."""
    return 'acs:alidns:*:%s:domain/%s' % (uid, zone)


def resource_alidns_any(uid):
    """Actions Alidns does not authorize per resource ("All Resources")."""
    return 'acs:alidns:*:%s:*' % uid


def resource_certificates(uid):
    """Certificate Management Service (yundun-cert) authorizes per operation, not per resource."""
    return 'acs:yundun-cert:*:%s:*' % uid


def resource_role(uid, role_name):
    return 'acs:ram:*:%s:role/%s' % (uid, role_name.lower())


# ---------------------------------------------------------------------------------------------- policy documents

def _as_list(value):
    return [value] if isinstance(value, str) else value


def check_policy(doc, where='policy'):
    """Raise PolicyError unless doc is a policy document (a dict) the emulator can evaluate."""
    if not isinstance(doc, dict) or doc.get('Version') != '1':
        raise PolicyError('%s: a policy is a JSON object with "Version": "1" and a Statement list' % where)
    statements = doc.get('Statement')
    if not isinstance(statements, list) or not statements:
        raise PolicyError('%s: Statement must be a non-empty list' % where)
    for index, statement in enumerate(statements):
        at = '%s Statement[%d]' % (where, index)
        if not isinstance(statement, dict) or statement.get('Effect') not in ('Allow', 'Deny'):
            raise PolicyError('%s: Effect must be Allow or Deny' % at)
        for key in ('Action', 'Resource'):
            if (key in statement) == ('Not' + key in statement):
                raise PolicyError('%s: give exactly one of %s and Not%s' % (at, key, key))
            value = _as_list(statement.get(key, statement.get('Not' + key)))
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                raise PolicyError('%s: %s must be a string or a non-empty list of strings' % (at, key))
        unknown = set(statement) - set(('Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Sid'))
        if unknown:
            raise PolicyError('%s: unknown keys %s' % (at, ', '.join(sorted(unknown))))


def resolve(policy):
    """A policy document from a seed entry: a document, or the name of a system policy."""
    if isinstance(policy, str):
        if policy not in SYSTEM_POLICIES:
            raise PolicyError('unknown system policy %r (known: %s)' % (policy, ', '.join(sorted(SYSTEM_POLICIES))))
        return SYSTEM_POLICIES[policy]
    check_policy(policy)
    return policy


_PATTERNS = {}


def _matches(pattern, value, case_insensitive):
    key = (pattern, case_insensitive)
    regex = _PATTERNS.get(key)
    if regex is None:
        regex = re.compile(''.join('.*' if c == '*' else '.' if c == '?' else re.escape(c) for c in pattern),
                           re.IGNORECASE if case_insensitive else 0)
        _PATTERNS[key] = regex
    return regex.fullmatch(value) is not None


def _applies(statement, action, resource):
    if 'Condition' in statement:
        return False
    for key, value, fold in (('Action', action, True), ('Resource', resource, False)):
        if key in statement:
            if not any(_matches(p, value, fold) for p in _as_list(statement[key])):
                return False
        elif any(_matches(p, value, fold) for p in _as_list(statement['Not' + key])):
            return False
    return True


def evaluate(documents, action, resource):
    """ALLOW, EXPLICIT_DENY or IMPLICIT_DENY for one action on one resource under a set of policy documents."""
    allowed = False
    for doc in documents:
        for statement in doc['Statement']:
            if _applies(statement, action, resource):
                if statement['Effect'] == 'Deny':
                    return EXPLICIT_DENY
                allowed = True
    return ALLOW if allowed else IMPLICIT_DENY


# ---------------------------------------------------------------------------------------------- principals

class Principal:
    """Who signed a request and what limits it. policies None means unrestricted (the account's own keys)."""

    def __init__(self, account, uid, kind, display, policies=None, session_policy=None):
        self.account, self.uid, self.kind, self.display = account, uid, kind, display
        self.policies, self.session_policy = policies, session_policy

    @property
    def restricted(self):
        return self.policies is not None or self.session_policy is not None

    def decide(self, action, resource):
        """(ALLOW | EXPLICIT_DENY | IMPLICIT_DENY, the policy type that decided)."""
        identity = ALLOW if self.policies is None else evaluate(self.policies, action, resource)
        session = ALLOW if self.session_policy is None else evaluate([self.session_policy], action, resource)
        if identity == EXPLICIT_DENY:
            return EXPLICIT_DENY, IDENTITY_POLICY
        if session == EXPLICIT_DENY:
            return EXPLICIT_DENY, SESSION_POLICY
        if identity == IMPLICIT_DENY:
            return IMPLICIT_DENY, IDENTITY_POLICY
        if session == IMPLICIT_DENY:
            return IMPLICIT_DENY, SESSION_POLICY
        return ALLOW, None


def _role_by_arn(data, arn):
    for name, account in data['accounts'].items():
        for role_name, role in account.get('roles', {}).items():
            if role.get('arn', '').lower() == (arn or '').lower():
                return name, role_name, role
    return None, None, None


def principal(data, creds):
    """The Principal of credentials as state.credentials() returns them (the caller holds the state lock)."""
    account = data['accounts'][creds['account']]
    uid = account['uid']
    if creds.get('user'):
        user = account.get('users', {}).get(creds['user'], {})
        return Principal(creds['account'], uid, 'SubUser', user.get('user_id', creds['user']),
                         [resolve(p) for p in user.get('policies', [])])
    sts = creds.get('sts')
    if sts and sts.get('role_arn'):
        _name, role_name, role = _role_by_arn(data, sts['role_arn'])
        policies = None
        if role is not None and role.get('policies') is not None:
            policies = [resolve(p) for p in role['policies']]
        elif role is None:
            policies = []  # the role was deleted: its sessions can do nothing
        session_policy = None
        if sts.get('policy'):
            session_policy = json.loads(sts['policy'])
        display = '%s:%s' % (role_name or sts['role_arn'].rsplit('/', 1)[-1], sts.get('session_name') or sts.get('source', ''))
        return Principal(creds['account'], uid, 'AssumedRoleUser', display, policies, session_policy)
    return Principal(creds['account'], uid, 'Account', uid)


class Refusal:
    """Why a request was refused: the action and resource that were checked, and the refusal detail."""

    def __init__(self, who, action, resource, no_permission_type, policy_type):
        self.principal, self.action, self.resource = who, action, resource
        self.no_permission_type, self.policy_type = no_permission_type, policy_type

    def detail(self, request_id):
        """AccessDeniedDetail, with the keys OSS and the RPC APIs return (OSS error page 0003-00000201; RAM
        DecodeDiagnosticMessage). EncodedDiagnosticMessage is opaque, shaped like the real one (a version prefix, the
        time and the request id, base64)."""
        raw = b'\x01\x01\x00\x00\x00\x00' + struct.pack('>I', int(time.time()) & 0xFFFFFFFF) + request_id.encode('ascii')
        return [('PolicyType', self.policy_type), ('AuthPrincipalOwnerId', self.principal.uid),
                ('AuthPrincipalType', self.principal.kind), ('AuthPrincipalDisplayName', self.principal.display),
                ('NoPermissionType', self.no_permission_type), ('AuthAction', self.action),
                ('EncodedDiagnosticMessage', base64.b64encode(raw).decode('ascii'))]


def authorize(who, checks):
    """None when every (action, resource) in checks is allowed for the principal, else the first Refusal."""
    if who is None or not who.restricted:
        return None
    for action, resource in checks:
        decision, policy_type = who.decide(action, resource)
        if decision != ALLOW:
            return Refusal(who, action, resource, decision, policy_type)
    return None
