# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for the get-pip.py that ansible-test downloads to bootstrap pip in its venvs.

ansible-test runs it as `python get_pip.py --disable-pip-version-check pip==X [--no-setuptools] [--no-wheel]`.
Here pip comes from the interpreter's own ensurepip, then the requested version is installed from the
package index that pip is configured for.
"""

import subprocess
import sys


def main(argv):
    requested = [arg for arg in argv if not arg.startswith('-')]
    flags = [arg for arg in argv if arg.startswith('-') and arg not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    if requested:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + flags + requested)
    if '--no-setuptools' in argv:
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
