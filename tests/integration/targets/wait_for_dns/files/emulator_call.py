# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Call the emulator's control API: emulator_call.py METHOD URL JSON [DELAY [STAMP_FILE]].

A DELETE answered with 404 (already gone) is not an error.

JSON may be a list: one request per element. It may also be given as "b64:" + base64(JSON): ansible-core before 2.19
turns a templated string that looks like a dict or a list back into one, and the command module then passes its
Python repr (single quotes), which is not JSON; the tasks therefore pass `body | to_json | b64encode`. After DELAY seconds the
requests are sent; STAMP_FILE then gets
{"before": epoch, "after": epoch} around them (the test compares these times with the waiter's progress file).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import sys
import time

from urllib.error import HTTPError
from urllib.request import Request, urlopen


def call(method, url, body):
    request = Request(url, data=json.dumps(body).encode('utf-8'), headers={'Content-Type': 'application/json'})
    request.get_method = lambda: method
    return urlopen(request, timeout=30).read()


def decode_body(text):
    if text.startswith('b64:'):
        text = base64.b64decode(text[4:]).decode('utf-8')
    return json.loads(text)


def main(argv):
    method, url, body = argv[1], argv[2], decode_body(argv[3])
    delay = float(argv[4]) if len(argv) > 4 else 0
    stamp = argv[5] if len(argv) > 5 else None
    time.sleep(delay)
    before = time.time()
    for item in body if isinstance(body, list) else [body]:
        try:
            call(method, url, item)
        except HTTPError as exc:
            if method != 'DELETE' or exc.code != 404:  # deleting what is already gone is fine
                raise
    after = time.time()
    if stamp:
        with open(stamp, 'w') as handle:
            json.dump({'before': before, 'after': after}, handle)
    print(json.dumps({'before': before, 'after': after}))


if __name__ == '__main__':
    main(sys.argv)
