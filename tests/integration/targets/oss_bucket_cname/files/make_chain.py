#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a leaf certificate, the intermediate CA that issued it, the root CA, and the leaf's key (test helper).

usage: make_chain.py DIR NAME DNSNAME...   -> DIR/NAME.leaf.crt, NAME.inter.crt, NAME.root.crt, NAME.key; prints the leaf's
SHA-1 fingerprint.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import sys

from make_cert import fingerprint, issue, new_key, write_cert, write_key  # the script's own directory is on sys.path


def main():
    directory, name, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    root_key, inter_key, leaf_key = new_key(), new_key(), new_key()
    certs = dict(
        root=issue('Test Root CA', root_key, ca=True, days=3650),
        inter=issue('Test Intermediate CA', inter_key, 'Test Root CA', root_key, ca=True, days=1825),
        leaf=issue(names[0], leaf_key, 'Test Intermediate CA', inter_key, ca=False, names=names),
    )
    for part, cert in certs.items():
        write_cert(os.path.join(directory, '%s.%s.crt' % (name, part)), cert)
    write_key(os.path.join(directory, name + '.key'), leaf_key)
    print(fingerprint(certs['leaf']))


if __name__ == '__main__':
    main()
