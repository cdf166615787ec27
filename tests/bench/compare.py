# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare before/after benchmark results (run_bench.py runs without and with --patch) and print the medians.

    .venv/bin/python tests/bench/compare.py --before DIR [DIR ...] --after DIR [DIR ...] [--json OUT]
        [--into RESULTS --where TEXT --what TEXT --command TEXT]

Each DIR is a --work-dir of run_bench.py (its results.json is read). Fleet runs are compared by wall time, CPU
seconds and API reads per domain of the first and the no-change run; module runs by task time and module process CPU
seconds. --into adds the comparison to a results file of run_bench.py (under "waste"), from which --render-only draws
the "Waste found" section of docs/benchmarks.md; an entry with the same --where is replaced.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import json
import os
import statistics
import sys


def load(dirs):
    results = []
    for directory in dirs:
        with open(os.path.join(directory, 'results.json'), 'r', encoding='utf-8') as handle:
            results.append(json.load(handle))
    return results


def fleet_figures(results):
    figures = {}
    for result in results:
        for size, entry in result.get('fleet', {}).get('sizes', {}).items():
            for run in ('first', 'second'):
                for key in ('wall', 'cpu', 'reads_per_domain'):
                    figures.setdefault((size, run, key), []).append(entry[run].get(key))
    return figures


def module_figures(results):
    figures = {}
    for result in results:
        for name, case in result.get('module', {}).get('cases', {}).items():
            figures.setdefault((name, 'task'), []).append(case['task_median'])
            if 'breakdown' in case and case['breakdown'].get('process_cpu') is not None:
                figures.setdefault((name, 'process_cpu'), []).append(case['breakdown']['process_cpu'])
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--before', nargs='+', required=True)
    parser.add_argument('--after', nargs='+', required=True)
    parser.add_argument('--json', help='write the comparison here')
    parser.add_argument('--into', help='add the comparison to this results file of run_bench.py')
    parser.add_argument('--where', help='with --into: what was changed (file, task)')
    parser.add_argument('--what', help='with --into: the waste that the change removes')
    parser.add_argument('--command', help='with --into: how the before and after runs were made')
    args = parser.parse_args(argv)
    if args.into and not (args.where and args.what and args.command):
        parser.error('--into needs --where, --what and --command')
    before, after = load(args.before), load(args.after)
    rows = []
    for extract in (fleet_figures, module_figures):
        old, new = extract(before), extract(after)
        for key in sorted(set(old) & set(new)):
            a = [v for v in old[key] if v is not None]
            b = [v for v in new[key] if v is not None]
            if not a or not b:
                continue
            ma, mb = statistics.median(a), statistics.median(b)
            rows.append({'key': list(key), 'before': a, 'after': b, 'median_before': round(ma, 3), 'median_after': round(mb, 3),
                         'change': round((mb - ma) / ma * 100.0, 1) if ma else None})
            sys.stdout.write('%-60s before %8.3f  after %8.3f  %+6.1f%%   (%s -> %s)\n' % (
                ' / '.join(str(k) for k in key), ma, mb, rows[-1]['change'] or 0, a, b))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(rows, handle, indent=1)
    if args.into:
        add_to_results(args.into, {'where': args.where, 'what': args.what, 'command': args.command, 'rows': rows,
                                   'before_runs': len(before), 'after_runs': len(after)})
    return 0


def add_to_results(path, item):
    results = {}
    if os.path.exists(path):
        with open(path, 'r', encoding='utf-8') as handle:
            results = json.load(handle)
    waste = results.setdefault('waste', {})
    waste['items'] = [i for i in waste.get('items', []) if i.get('where') != item['where']] + [item]
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=1)


if __name__ == '__main__':
    sys.exit(main())
