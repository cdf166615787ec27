# -*- coding: utf-8 -*-
# This file is PRIVATE to the collection: it can change at any time without notice.
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Domain names: validation and normalisation, and the OSS endpoint names a custom domain points at.

Every error names the option it came from (`field`) and says how to fix it, so a module can fail before it
makes a single API call.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ipaddress
import re

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


def _to_ascii(label, field, original):
    if all(ord(char) < 128 for char in label):
        return label
    try:
        return label.encode('idna').decode('ascii')
    except UnicodeError:
        raise DomainError(field, '%r is not a valid internationalised domain name; give its punycode (xn--) form.' % original)


def normalize_domain(name, field='domain', allow_wildcard=False, allow_underscore=False):
    """Return the canonical form: lower case, no trailing dot, IDNA labels in punycode.

    With allow_wildcard a leading `*` label is kept (DNS records may be wildcards; OSS bindings may not).
    With allow_underscore labels such as `_dnsauth` are accepted (DNS record names, not host names).
    """
    if not isinstance(name, str) or not name.strip():
        raise DomainError(field, 'a domain name is required, for example www.example.com.')
    original = name
    name = name.strip()
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
    if len(ascii_labels) < 2:
        raise DomainError(field, '%r is not a fully qualified domain name; include the zone, for example %s.example.com.' % (original, name))
    if ascii_labels[-1].isdigit():
        raise DomainError(field, '%r ends in a numeric label, which is not a top-level domain.' % original)
    result = '.'.join(ascii_labels)
    if len(result) > 253:
        raise DomainError(field, '%r is %d characters long; a domain name may have at most 253.' % (original, len(result)))
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


def oss_accelerate_host(bucket, overseas=False):
    """The bucket's transfer-acceleration endpoint (global, or outside mainland China)."""
    return '%s.oss-accelerate%s.aliyuncs.com' % (bucket, '-overseas' if overseas else '')


def ownership_record_name(domain):
    """Where OSS looks for the ownership token of a domain."""
    return '%s.%s' % (OWNERSHIP_PREFIX, domain)
