#!/usr/bin/env python
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write an inventory for playbooks/fleet.yml: one host per custom domain, grouped by bucket.

    make-fleet-inventory.py [--count 50] [--zone example.net] [--prefix site]
                            [--bucket demo-assets=cn-hangzhou --bucket demo-media=cn-hangzhou ...] [-o FILE]

Domains are <prefix>NN.<zone>, spread over the buckets in turn. Without -o the inventory goes to standard output.
With the defaults it writes playbooks/inventory/fleet-example.yml (the emulator's buckets and its example.net zone).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import sys

HEADER = """---
# Inventory for playbooks/fleet.yml, written by:
#   playbooks/make-fleet-inventory.py{args}
# Each custom domain is a host (connection local: the role calls the cloud APIs from the controller), so
# `ansible-playbook -f 10` works on ten domains at a time, and AWX / Automation Platform can slice the job.
# Put the per-domain variables of the role custom_domain (custom_domain_*) on the hosts or on their groups.
custom_domains:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
    custom_domain_name: "{{{{ inventory_hostname }}}}"
  children:
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--count', type=int, default=50)
    parser.add_argument('--zone', default='example.net')
    parser.add_argument('--prefix', default='site')
    parser.add_argument('--bucket', action='append', metavar='NAME=REGION',
                        help='a bucket and its region (repeat); default: the emulator\'s demo buckets')
    parser.add_argument('-o', '--output')
    args = parser.parse_args(argv)
    buckets = [b.split('=', 1) for b in (args.bucket or ['demo-assets=cn-hangzhou', 'demo-media=cn-hangzhou',
                                                         'demo-eu=eu-central-1'])]
    width = max(2, len(str(args.count)))
    hosts = {name: [] for name, _region in buckets}
    for index in range(args.count):
        name, _region = buckets[index % len(buckets)]
        hosts[name].append('%s%0*d.%s' % (args.prefix, width, index + 1, args.zone))
    bucket_args = ' '.join('\\\n#     --bucket %s=%s' % (n, r) for n, r in buckets)
    shown = ' --count %d --zone %s --prefix %s %s' % (args.count, args.zone, args.prefix, bucket_args)
    out = [HEADER.format(args=shown)]
    for name, region in buckets:
        out.append('    bucket_%s:\n' % name.replace('-', '_'))
        out.append('      vars:\n        custom_domain_bucket: %s\n        custom_domain_region: %s\n' % (name, region))
        out.append('      hosts:\n')
        out.extend('        %s:\n' % host for host in hosts[name])
    text = ''.join(out)
    if args.output:
        with open(args.output, 'w') as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
