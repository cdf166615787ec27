# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Behaviour settings of the emulator (GET/POST /_emulator/settings), kept in the persisted state.

To add a setting, add one entry to SETTINGS: its default, a check that returns the cleaned value or raises
SettingsError, and one line of documentation (GET /_emulator/settings?describe=1 shows it).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class SettingsError(ValueError):
    pass


def seconds(low, high):
    """A check for a number of seconds in [low, high] (int or float, not bool)."""
    def check(name, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise SettingsError('%s must be a number of seconds in [%s, %s]' % (name, low, high))
        return value
    return check


SETTINGS = {
    # name: (default, check, doc)
    'credential_lifetime': (3600, seconds(2, 43200),
                            'caps the life (s) of every STS and ECS-metadata credential issued from now on'),
    # Alidns refuses writes to one zone that come too close together (terraform-provider-alicloud #2976, #3813); short by
    # default, so that test suites stay fast and still meet the refusal when they write back to back.
    'zone_write_interval': (0.2, seconds(0, 3600),
                            'Alidns answers LastOperationNotFinished to a write to a zone within this many seconds (s) of the '
                            'last write it accepted to that zone; 0 turns the rule off'),
}


def defaults():
    return dict((name, spec[0]) for name, spec in SETTINGS.items())


def current(data):
    """All settings: the persisted ones over the defaults."""
    merged = defaults()
    merged.update(data.get('settings') or {})
    return merged


def get(data, name):
    return (data.get('settings') or {}).get(name, SETTINGS[name][0])


def merge(data, patch):
    """Validate a patch ({name: value}, null = back to the default) and apply it to data['settings']."""
    if not isinstance(patch, dict):
        raise SettingsError('settings must be a JSON object {name: value}')
    unknown = sorted(set(patch) - set(SETTINGS))
    if unknown:
        raise SettingsError('unknown settings: %s (known: %s)' % (', '.join(unknown), ', '.join(sorted(SETTINGS))))
    cleaned = {}
    for name, value in patch.items():
        cleaned[name] = None if value is None else SETTINGS[name][1](name, value)
    stored = data.setdefault('settings', {})
    for name, value in cleaned.items():
        if value is None:
            stored.pop(name, None)
        else:
            stored[name] = value
    return current(data)


def describe():
    return dict((name, {'default': spec[0], 'doc': spec[2]}) for name, spec in SETTINGS.items())
