#!/usr/bin/env python
# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A DNS server that never answers: bind a UDP socket on 127.0.0.1, write its port to argv[1], read nothing for argv[2] s."""

import socket
import sys
import time

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 0))
with open(sys.argv[1], 'w') as handle:
    handle.write(str(sock.getsockname()[1]))
time.sleep(float(sys.argv[2]))
sock.close()
