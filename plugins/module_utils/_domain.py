# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Domain names: validation and normalisation, and the OSS endpoint names a custom domain points at.

Every error names the option it came from (`field`) and says how to fix it, so a module can fail before it
makes a single API call.

This is the one name normaliser of the collection (modules and wait_for_dns alike): lower case, no trailing dot,
internationalised labels in punycode by IDNA 2008 with the UTS #46 mapping, non-transitional, as browsers and
registries do it. Python's own `idna` codec is IDNA 2003 and would turn faß.example.com into fass.example.com, a
different domain, so it is never used; the `idna` package is, and only for names that need it (non-ASCII or
xn-- labels), so that plain ASCII names work without it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import codecs
import ipaddress
import re

from ansible_collections.alicloud_oss.domains.plugins.module_utils import _requirements

try:
    idna = _requirements.require('idna')[0]  # present and recent enough (the one table of packages and versions)
except _requirements.MissingRequirement as exc:
    HAS_IDNA = False
    IDNA_IMPORT_ERROR = exc.trace
else:
    HAS_IDNA = True
    IDNA_IMPORT_ERROR = None

# Suffixes Alibaba Cloud keeps for itself: OSS refuses to bind names under them.
RESERVED_SUFFIXES = ('aliyuncs.com', 'aliyun.com', 'aliyun-inc.com', 'taobaocdn.com', 'taobao.com')
OWNERSHIP_PREFIX = '_dnsauth'

_LABEL = re.compile(r'^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
_LABEL_UNDERSCORE = re.compile(r'^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$')
_BUCKET = re.compile(r'^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$')
_REGION = re.compile(r'^[a-z]{2,}(-[a-z0-9]+)+$')


class DomainError(ValueError):
    """A name that cannot be used; the message names the field and the fix."""

    def __init__(self, field, message):
        super(DomainError, self).__init__('%s: %s' % (field, message))
        self.field = field


def _uts46_map(name, field, original):
    """The UTS #46 mapping (non-transitional) of a name that has non-ASCII characters: case folding, width
    folding, the ideographic full stop as a dot. ß stays ß (transitional processing would make it ss)."""
    if not HAS_IDNA:
        raise DomainError(field, '%r is an internationalised domain name: the Python package idna (IDNA 2008) is needed to '
                                 'encode it; install it on the controller (pip install idna), or give the name in its punycode '
                                 '(xn--) form.' % original)
    try:
        return idna.uts46_remap(name, std3_rules=False, transitional=False)
    except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
        raise DomainError(field, '%r is not a valid internationalised domain name (IDNA 2008: %s).' % (original, exc))


def _to_ascii(label, field, original):
    """The A-label of one (mapped, lower-case) label; ASCII labels are returned as they are, xn-- labels checked."""
    if all(ord(char) < 128 for char in label):
        if label.startswith('xn--') and HAS_IDNA:
            try:
                # A punycode label must decode to a label IDNA 2008 allows, and be the canonical encoding of it.
                if idna.alabel(idna.ulabel(label)).decode('ascii') != label:
                    raise ValueError('not the canonical encoding of %s' % idna.ulabel(label))
            except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
                raise DomainError(field, 'the label %r of %r is not a valid IDNA 2008 A-label (%s).' % (label, original, exc))
        return label
    try:
        return idna.alabel(label).decode('ascii')
    except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
        raise DomainError(field, 'the label %r of %r is not allowed by IDNA 2008 (%s); check the name, or give its punycode '
                                 '(xn--) form.' % (label, original, exc))


def normalize_domain(name, field='domain', allow_wildcard=False, allow_underscore=False, fqdn=True):
    """Return the canonical form: lower case, no trailing dot, IDNA 2008 labels in punycode.

    With allow_wildcard a leading `*` label is kept (DNS records may be wildcards; OSS bindings may not).
    With allow_underscore labels such as `_dnsauth` are accepted (DNS record names, not host names).
    With fqdn=False a single label is accepted and the last label may be numeric (names a resolver is asked for).
    """
    if not isinstance(name, str) or not name.strip():
        raise DomainError(field, 'a domain name is required, for example www.example.com.')
    original = name
    name = name.strip()
    if any(ord(char) >= 128 for char in name):
        name = _uts46_map(name, field, original)
    if '://' in name or '/' in name:
        raise DomainError(field, '%r looks like a URL; give only the host name, for example www.example.com.' % original)
    if name.startswith('[') or _is_ip_address(name.rstrip('.')):
        raise DomainError(field, '%r is an IP address; a custom domain must be a host name such as www.example.com.' % original)
    if ':' in name:
        raise DomainError(field, '%r contains a port or a colon; give only the host name, for example www.example.com.' % original)
    if name.endswith('.'):
        name = name[:-1]
    if not name or name.startswith('.') or '..' in name:
        raise DomainError(field, '%r has an empty label; remove the extra dot.' % original)
    labels = name.lower().split('.')
    wildcard = labels[0] == '*'
    if '*' in name and not (wildcard and '*' not in '.'.join(labels[1:])):
        raise DomainError(field, '%r: "*" is only allowed as the whole first label, as in *.example.com.' % original)
    if wildcard and not allow_wildcard:
        raise DomainError(field, '%r is a wildcard domain. OSS does not accept wildcard domains for bucket bindings: bind each '
                                 'host name (for example www.%s) on its own. A wildcard DNS record can still point at the bucket '
                                 'with alicloud_oss.domains.alidns_record.' % (original, '.'.join(labels[1:])))
    pattern = _LABEL_UNDERSCORE if allow_underscore else _LABEL
    ascii_labels = labels[:1] if wildcard else []
    for label in labels[1:] if wildcard else labels:
        label = _to_ascii(label, field, original)
        if len(label) > 63:
            raise DomainError(field, 'the label %r of %r is %d characters long; a label may have at most 63.' % (label, original, len(label)))
        if not pattern.match(label):
            raise DomainError(field, 'the label %r of %r is not valid: use letters, digits and inner hyphens only%s.'
                              % (label, original, ' (and underscores)' if allow_underscore else ''))
        ascii_labels.append(label)
    if fqdn and len(ascii_labels) < 2:
        raise DomainError(field, '%r is not a fully qualified domain name; include the zone, for example %s.example.com.' % (original, name))
    if fqdn and ascii_labels[-1].isdigit():
        raise DomainError(field, '%r ends in a numeric label, which is not a top-level domain.' % original)
    result = '.'.join(ascii_labels)
    if len(result) > 253:
        raise DomainError(field, '%r is %d characters long; a domain name may have at most 253.' % (original, len(result)))
    return result


def to_unicode(name):
    """The Unicode form of a normalised name (xn-- labels decoded), for people to read; never fails.

    `@` (the apex as Alidns writes it) and `*` stay as they are; a label that cannot be decoded stays in punycode.
    """
    if not isinstance(name, str):
        return name
    labels = []
    for label in name.split('.'):
        if label.lower().startswith('xn--'):
            try:
                if HAS_IDNA:
                    label = idna.ulabel(label)
                else:  # without idna the punycode codec of the standard library still decodes it (unchecked)
                    label = codecs.decode(label[4:].encode('ascii'), 'punycode')
            except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
                pass
        labels.append(label)
    return '.'.join(labels)


def with_unicode(result, *keys):
    """Add `<key>_unicode` (the Unicode form, or None) next to each of `keys` that is in the dict `result`; return it."""
    for key in keys:
        if key in result:
            result[key + '_unicode'] = to_unicode(result[key]) if result[key] is not None else None
    return result


def _is_ip_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def reserved_suffix(domain):
    """The Alibaba-reserved suffix the (normalised) domain falls under, or None."""
    for suffix in RESERVED_SUFFIXES:
        if domain == suffix or domain.endswith('.' + suffix):
            return suffix
    return None


def validate_bind_domain(name, field='domain'):
    """Normalise a domain that is to be bound to a bucket, refusing what OSS refuses."""
    domain = normalize_domain(name, field=field)
    suffix = reserved_suffix(domain)
    if suffix:
        raise DomainError(field, '%r is under %s, which Alibaba Cloud reserves; OSS refuses to bind it. Use a domain you own.'
                          % (name, suffix))
    if len(domain) <= 3:
        raise DomainError(field, '%r is too short; OSS needs a host name longer than 3 characters.' % name)
    return domain


def validate_bucket_name(name, field='bucket'):
    """Check an OSS bucket name: 3 to 63 characters of lower-case letters, digits and inner hyphens."""
    if not isinstance(name, str) or not name:
        raise DomainError(field, 'a bucket name is required.')
    if name != name.lower() and _BUCKET.match(name.lower()):
        raise DomainError(field, '%r has capital letters; OSS bucket names are lower case (%s).' % (name, name.lower()))
    if not _BUCKET.match(name):
        raise DomainError(field, '%r is not a valid OSS bucket name: use 3 to 63 lower-case letters, digits and hyphens, '
                                 'starting and ending with a letter or digit.' % name)
    return name


def normalize_region(region, field='alicloud_region'):
    """Accept `cn-hangzhou` or `oss-cn-hangzhou`; return the bare region id."""
    if not isinstance(region, str) or not region.strip():
        raise DomainError(field, 'a region is required, for example cn-hangzhou (or set ALICLOUD_REGION).')
    value = region.strip().lower()
    if value.startswith('oss-'):
        value = value[4:]
    if not _REGION.match(value):
        raise DomainError(field, '%r is not a region id; use the form cn-hangzhou or eu-central-1.' % region)
    return value


def oss_public_host(bucket, region):
    """The bucket's public endpoint, which a custom domain's CNAME points at."""
    return '%s.oss-%s.aliyuncs.com' % (bucket, normalize_region(region))


def oss_accelerate_host(bucket):
    """The bucket's transfer-acceleration endpoint."""
    return '%s.oss-accelerate.aliyuncs.com' % bucket


def ownership_record_name(domain):
    """Where OSS looks for the ownership token of a domain."""
    return '%s.%s' % (OWNERSHIP_PREFIX, domain)
