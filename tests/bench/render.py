# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render the benchmark results into docs/benchmarks.md with PNG plots, and the soak results into docs/reliability.md.

    .venv/bin/python tests/bench/run_bench.py --render-only [--results FILE]
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import statistics

BEGIN = '<!-- BEGIN soak results (written by tests/bench/soak.py) -->'
END = '<!-- END soak results -->'
MAKE_BENCH = 'make bench'


def _pyplot():
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    return plt


def _q(values, fraction):
    values = sorted(values)
    if not values:
        return float('nan')
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def _fmt(value, digits=2):
    if value is None:
        return 'n/a'
    if isinstance(value, float):
        return ('%.' + str(digits) + 'f') % value
    return str(value)


def _command(section):
    return section.get('command') or MAKE_BENCH


def _figure(lines, docs, name, alt, section):
    lines.append('![%s](%s)' % (alt, name))
    lines.append('')
    lines.append('Produced by: `%s` (figure re-drawn from the results by `.venv/bin/python tests/bench/run_bench.py '
                 '--render-only`).' % _command(section))
    lines.append('')


def _total_duration(results):
    seconds = sum(results[k].get('duration', 0) for k in SECTION_ORDER if k in results)
    return 'the last full run took %.0f minutes on this machine' % (seconds / 60.0) if seconds else 'an hour or more on 2 CPUs'


def _load(section):
    load = section.get('load')
    if not load:
        return ''
    return ' Load average (1 min) before / after: %.2f / %.2f.' % (load[0], load[1])


# ---------------------------------------------------------------------------------------------------------- figures
def plot_fleet(fleet, path):
    plt = _pyplot()
    sizes = sorted(fleet['sizes'], key=int)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    x = range(len(sizes))
    width = 0.13
    bars = [('first', 'wall', 'first converge', '#1f77b4', ''), ('first', 'floor_wall', 'its floor', '#9ecae1', ''),
            ('first', 'strict_floor_wall', 'its strict floor', '#9ecae1', '//'),
            ('second', 'wall', 'no-change run', '#ff7f0e', ''), ('second', 'floor_wall', 'its floor', '#fdd0a2', ''),
            ('second', 'strict_floor_wall', 'its strict floor', '#fdd0a2', '//')]
    for index, (run, key, label, color, hatch) in enumerate(bars):
        values = [fleet['sizes'][s][run].get(key) or 0 for s in sizes]
        positions = [i + (index - 2.5) * width for i in x]
        ax.bar(positions, values, width, label=label, color=color, hatch=hatch, edgecolor='white' if not hatch else '#555555')
        if key == 'wall':
            for pos, s in zip(positions, sizes):
                entry = fleet['sizes'][s][run]
                text = '%.2fx\n%.2fx' % (entry.get('ratio') or 0, entry.get('strict_ratio') or 0)
                ax.text(pos, entry['wall'], text, ha='center', va='bottom', fontsize=7)
    ax.set_xticks(list(x))
    ax.set_xticklabels(['%s domains' % s for s in sizes])
    ax.set_ylabel('wall time (s)')
    ax.set_title('Fleet converge, forks %d (on the bars: ours / floor, ours / strict floor)' % fleet['forks'], fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_calls(fleet, path):
    plt = _pyplot()
    size = max(fleet['sizes'], key=int)
    entry = fleet['sizes'][size]
    actions = sorted(set(entry['first']['per_domain']) | set(entry['second']['per_domain']))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    runs = [('first converge', entry['first']), ('no-change run', entry['second'])]
    colors = plt.cm.tab20.colors  # pylint: disable=no-member
    for i, (label, run) in enumerate(runs):
        bottom = 0.0
        for j, action in enumerate(actions):
            cell = run['per_domain'].get(action, {'reads': 0, 'writes': 0})
            for kind, hatch in (('reads', ''), ('writes', '//')):
                value = cell[kind]
                if value:
                    earlier = any(r[1]['per_domain'].get(action, {}).get(kind) for r in runs[:i])
                    ax.bar(i, value, 0.5, bottom=bottom, color=colors[j % len(colors)], hatch=hatch, edgecolor='white',
                           label=None if earlier else '%s %s' % (action, kind))
                    bottom += value
        ax.text(i, bottom, '%.2f' % bottom, ha='center', va='bottom')
    ax.set_xticks([0, 1])
    ax.set_xticklabels([label for label, _r in runs])
    ax.set_ylabel('API calls per domain')
    ax.set_title('API calls per domain by action, fleet of %s (hatched: writes)' % size)
    handles, labels = ax.get_legend_handles_labels()
    seen = {}
    for handle, label in zip(handles, labels):
        seen.setdefault(label, handle)
    ax.legend(list(seen.values()), list(seen.keys()), fontsize=7, loc='upper right')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


MODULE_PARTS = (('interpreter', 'interpreter start', '#c7c7c7'), ('ansible', 'ansible imports', '#aec7e8'),
                ('stdlib', 'stdlib imports', '#dbdb8d'), ('collection', 'collection imports', '#98df8a'),
                ('third-party', 'SDK / third-party imports', '#ff9896'), ('network', 'network (API, DNS)', '#9467bd'),
                ('sleep', 'sleep', '#8c564b'), ('other', 'module code', '#17becf'), ('controller', 'controller side', '#7f7f7f'))


def _parts(case):
    b = case['breakdown']
    values = {'interpreter': b['interpreter'], 'network': b['network'], 'sleep': b['sleep'], 'other': max(b['other'], 0.0),
              'controller': max(b['controller'], 0.0)}
    values.update(b['imports'])
    return values


def plot_module(module, path):
    plt = _pyplot()
    names = [n for n, c in module['cases'].items() if 'breakdown' in c]
    fig, ax = plt.subplots(figsize=(11, 0.5 * len(names) + 1.8))
    for i, name in enumerate(names):
        parts = _parts(module['cases'][name])
        left = 0.0
        for key, label, color in MODULE_PARTS:
            value = parts.get(key, 0.0)
            ax.barh(i, value, left=left, color=color, label=label if i == 0 else None)
            left += value
        ax.text(left, i, ' %.2f s (%.2fx ping)' % (module['cases'][name]['task_median'], module['cases'][name]['ratio']),
                va='center', fontsize=8)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel('seconds per task (median)')
    ax.set_title('One module invocation: where the time goes')
    ax.legend(fontsize=7, loc='upper left', bbox_to_anchor=(1.01, 1.0))
    ax.set_xlim(0, max(c['task_median'] for c in module['cases'].values()) * 1.45)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_wait(wait, path):
    plt = _pyplot()
    series = [('wait_for_dns,\nauthoritative', wait['authoritative']['latencies']),
              ('wait_for_dns,\nresolver = unbound\n(negative cached)', wait['via_unbound']['latencies']),
              ('polling unbound\n(negative cached)', wait['naive_unbound']['latencies'])]
    if wait.get('late'):
        series.insert(1, ('wait_for_dns,\nrecord 20-30 s late', wait['late']['latencies']))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.boxplot([s[1] or [0] for s in series], showfliers=True)
    for i, (_label, values) in enumerate(series):
        ax.scatter([i + 1] * len(values), values, s=10, alpha=0.5, color='#1f77b4')
        if values:
            ax.text(i + 1.15, statistics.median(values), 'median %.2f s' % statistics.median(values), fontsize=8, va='center')
    ax.set_xticks(range(1, len(series) + 1))
    ax.set_xticklabels([s[0] for s in series], fontsize=8)
    ax.set_yscale('log')
    ax.set_ylabel('seconds from appearance on BIND to seen (log)')
    ax.axhline(1.5, color='red', linestyle=':', linewidth=1)
    ax.set_title('Wait detection (%d trials each; red: 1.5 s target)' % wait['trials'])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_throttle(throttle, path):
    plt = _pyplot()
    timeline = throttle['timeline']
    fig, ax = plt.subplots(figsize=(8, 4.5))
    if timeline:
        times = [t for t, _r, _w, _a in timeline]
        ax.plot(times, [w for _t, _r, w, _a in timeline], label='write attempts (throttled ones included)')
        actions = sorted(set(a for _t, _r, _w, per in timeline for a in per))
        for action in actions:
            ax.plot(times, [per.get(action, 0) for _t, _r, _w, per in timeline], linestyle='--', linewidth=1, label=action)
        first = next((t for t, _r, w, _a in timeline if w > 0), 0)
        ax.plot([first, times[-1]], [0, (times[-1] - first) * throttle['cap']], color='red', linestyle=':',
                label='cap: %d writes/s' % throttle['cap'])
        ax.set_ylim(0, max(w for _t, _r, w, _a in timeline) * 1.2 + 1)
    ax.set_xlabel('seconds since the start of the run')
    ax.set_ylabel('cumulative writes')
    ax.set_title('Throttled converge of %d domains, cap %d writes/s' % (throttle.get('domains') or throttle['hosts'] - 1, throttle['cap']))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_fleets(fleets, path):
    plt = _pyplot()
    sizes = sorted(fleets['sizes'], key=int)
    fig, axes = plt.subplots(1, len(sizes), figsize=(5 * len(sizes) + 1, 4.8), squeeze=False)
    floor = fleets.get('floor_wall')
    for ax, size in zip(axes[0], sizes):
        entry = fleets['sizes'][size]
        labels, values, colors = [], [], []
        for mode, color in (('list', '#1f77b4'), ('per-host', '#ff7f0e')):
            for run, shade in (('first', 1.0), ('second', 0.55)):
                if mode in entry:
                    labels.append('%s\n%s' % (mode, 'first' if run == 'first' else 'no-change'))
                    values.append(entry[mode][run]['wall'])
                    colors.append(color if shade == 1.0 else ('#aec7e8' if mode == 'list' else '#ffbb78'))
        if 'baseline' in entry:
            labels.append('%s\nper-host first' % entry['baseline']['commit'])
            values.append(entry['baseline']['theirs_median'])
            colors.append('#7f7f7f')
        bars = ax.bar(range(len(values)), values, color=colors)
        for patch, value in zip(bars, values):
            text = '%.0f s' % value + ('\n%.2fx floor' % (value / floor) if floor else '')
            ax.text(patch.get_x() + patch.get_width() / 2, value, text, ha='center', va='bottom', fontsize=7)
        if floor:
            ax.axhline(floor, color='red', linestyle=':', linewidth=1, label='floor: %.1f s' % floor)
            ax.legend(fontsize=8, loc='upper left')
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_yscale('log')
        ax.set_ylabel('wall time (s, log)')
        ax.set_title('%s domains (%d zones, %d buckets)' % (size, entry['zones'], entry['buckets']), fontsize=10)
    fig.suptitle('List mode and per-host mode against the floor (200 hosts, forks %d, one ping each)' % fleets['floor_forks'],
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


API_NAMES = {'oss': 'OSS', 'alidns': 'Alibaba Cloud DNS'}
# The collection's default write rates (plugins/module_utils/_ratelimit.py DEFAULT_RATES), for the bound they set.
DEFAULT_WRITE_RATES = {'oss': 50, 'alidns': 40}


def plot_throttle_runs(throttle, path):
    plt = _pyplot()
    runs = throttle['runs']
    fig, axes = plt.subplots(1, len(runs), figsize=(6 * len(runs), 4.5), squeeze=False)
    for ax, (mode, run) in zip(axes[0], sorted(runs.items())):
        timeline = run['timeline']
        if timeline:
            times = [t for t, _r, _w, _a in timeline]
            ax.plot(times, [w for _t, _r, w, _a in timeline], label='write attempts (throttled ones included)')
            for action in sorted(set(a for _t, _r, _w, per in timeline for a in per)):
                ax.plot(times, [per.get(action, 0) for _t, _r, _w, per in timeline], linestyle='--', linewidth=1, label=action)
            first = next((t for t, _r, w, _a in timeline if w > 0), 0)
            ax.plot([first, times[-1]], [0, (times[-1] - first) * run['cap']], color='red', linestyle=':',
                    label='cap: %d writes/s%s' % (run['cap'], ' per API' if run.get('apis') else ''))
            ax.set_ylim(0, max(w for _t, _r, w, _a in timeline) * 1.2 + 1)
        ax.set_xlabel('seconds since the start of the run')
        ax.set_ylabel('cumulative writes')
        ax.set_title('%s mode, %d domains: %.2f attempts per accepted write, %s writes/s sustained' % (
            mode, run['domains'], run['attempts_per_accepted'], _fmt(run.get('sustained_rate'))), fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------------------- markdown
def _state(run):
    problems = len(run.get('problems') or [])
    return 'as expected' if not problems and not run.get('failed_hosts') else '%d problems, %d failed hosts' % (problems, run.get('failed_hosts', 0))


def _clean(run):
    return not run.get('problems') and not run.get('failed_hosts') and run.get('rc') == 0


def targets_13(results):
    """The targets of issue 13: (target, measured, met). A target counts as met only when its runs also ended in the
    expected state (every domain bound once, one CNAME each, nothing left over) without a failed host."""
    rows = []
    fleets = results.get('fleets')
    if fleets:
        floor = fleets.get('floor_wall')
        sizes = fleets['sizes']
        floor_text = 'floor %.1f s: %d hosts, forks %d, one ping each, quickest of %d floor runs' % (
            floor or 0, fleets['floor_hosts'], fleets['floor_forks'], len(fleets['floors']))
        small = sizes.get('200', {})
        if 'list' in small and floor:
            first, second = small['list']['first'], small['list']['second']
            rows.append(('List mode, 200 domains: first converge <= 0.5 x floor', '%.2f x (%.1f s; %s); %s' % (
                first['wall'] / floor, first['wall'], floor_text, _state(first)), first['wall'] <= 0.5 * floor and _clean(first)))
            rows.append(('List mode, 200 domains: no-change run <= 0.25 x floor', '%.2f x (%.1f s); %s' % (
                second['wall'] / floor, second['wall'], _state(second)), second['wall'] <= 0.25 * floor and _clean(second)))
            rows.append(('List mode, 200 domains: no-change run makes zero writes', '%d writes' % second['calls']['writes'],
                         second['calls']['writes'] == 0))
            rows.append(('List mode, 200 domains: no-change run makes <= 0.1 API reads per domain', '%.3f reads per domain (%d reads)' % (
                second['reads_per_domain'], second['calls']['reads']), second['reads_per_domain'] <= 0.1))
        large = sizes.get('1000', {})
        if 'list' in large and 'list' in small:
            a, b = small['list']['first'], large['list']['first']
            rows.append(('List mode, 1000 domains: first converge within 3 x the 200-domain time', '%.2f x (%.1f s vs %.1f s); %s' % (
                b['wall'] / a['wall'], b['wall'], a['wall'], _state(b)), b['wall'] <= 3 * a['wall'] and _clean(b)))
        if 'baseline' in small:
            base = small['baseline']
            ours = [r['wall'] for r in small['per-host']['first_reps']]
            theirs = [r['wall'] for r in base['first_reps']]
            clean = all(_clean(r) for r in small['per-host']['first_reps'])
            rows.append(('Per-host mode, 200 domains: first converge <= 0.6 x the role of %s, measured alternately' % base['commit'],
                         '%.2f x (medians: ours %.1f s of %s, %s %.1f s of %s; worst pair %.2f x); %s' % (
                             base['ratio'] or 0, base['ours_median'], ', '.join('%.1f' % w for w in ours), base['commit'],
                             base['theirs_median'], ', '.join('%.1f' % w for w in theirs), base['worst_ratio'] or 0,
                             'as expected' if clean else 'see the table'),
                         (base['ratio'] or 99) <= 0.6 and clean))
        if 'per-host' in small:
            first, second = small['per-host']['first'], small['per-host']['second']
            rows.append(('Per-host mode, 200 domains: <= 3 module runs per domain on a first converge', '%.2f (%s)' % (
                first['module_runs_per_domain'], _by_module(first)), first['module_runs_per_domain'] <= 3 and first['module_runs']))
            rows.append(('Per-host mode, 200 domains: <= 2 module runs per domain on a no-change run', '%.2f (%s)' % (
                second['module_runs_per_domain'], _by_module(second)), second['module_runs_per_domain'] <= 2 and second['module_runs']))
    throttle = results.get('throttle')
    if throttle and 'runs' in throttle:
        for mode, run in sorted(throttle['runs'].items()):
            cap = run['cap']
            if 'apis' not in run:   # results of a run that capped all writes together
                rate = run.get('sustained_rate') or 0
                rows.append(('Under a %d writes/s cap, %s mode (%d domains): >= 95%% of the cap sustained' % (cap, mode, run['domains']),
                             '%.2f writes/s = %.1f%% (while writing: %.1f s in %d stretch(es); first to last write %.2f/s = %.1f%%)' % (
                                 rate, 100.0 * rate / cap, run['write_busy'], len(run['phases']), run['achieved_rate'] or 0,
                                 100.0 * (run['achieved_rate'] or 0) / cap), rate >= 0.95 * cap))
            for api, fig in sorted((run.get('apis') or {}).items()):
                rate = fig.get('sustained_rate') or 0
                rows.append(('Under a %d writes/s cap on %s, %s mode (%d domains): >= 95%% of the cap sustained' % (
                    cap, API_NAMES.get(api, api), mode, run['domains']),
                    '%.2f writes/s = %.1f%% (while writing: %.1f s in %d stretch(es); %.3f attempts per accepted write)' % (
                        rate, 100.0 * rate / cap, fig['write_busy'], len(fig['phases']), fig['attempts_per_accepted']), rate >= 0.95 * cap))
            rows.append(('Under a %d writes/s cap, %s mode: zero failures' % (cap, mode), '%d failed hosts; %s' % (
                run['failed_hosts'], _state(run)), _clean(run)))
            rows.append(('Under a %d writes/s cap, %s mode: <= 1.1 attempts per accepted write' % (cap, mode),
                         '%.3f (%d attempts, %d accepted)' % (run['attempts_per_accepted'], run['attempted_writes'], run['accepted_writes']),
                         run['attempts_per_accepted'] <= 1.1))
    return rows


def ceilings_13(results):
    """What the machine and the default rates allow at most, for the targets they put out of reach (computed from the
    measured runs: the floor's pace, and the record writes at the default rate)."""
    lines = []
    fleets = results.get('fleets') or {}
    floor = fleets.get('floor_wall')
    throttle = results.get('throttle') or {}
    per_host = (throttle.get('runs') or {}).get('per-host')
    if floor and per_host and per_host.get('apis'):
        pace = fleets['floor_hosts'] / floor
        lines.append('Per-host mode under the cap: a domain makes one write to each API, so an API can get no more writes per second '
                     'than the hosts a per-host run gets through. The floor itself (%d hosts, forks %d, one `ansible.builtin.ping` '
                     'each, no API call) gets through %.1f hosts per second (the fleets section\'s quickest floor run): '
                     '%.0f%% of a %d writes/s cap at the very most, below the 95%% target, for any per-host design. Per-host '
                     'mode\'s own runs pass through %.2f hosts per second (%d domains in %.1f s).' % (
                         fleets['floor_hosts'], fleets['floor_forks'], pace, 100.0 * pace / per_host['cap'], per_host['cap'],
                         per_host['domains'] / per_host['wall'], per_host['domains'], per_host['wall']))
    sizes = fleets.get('sizes') or {}
    small, large = (sizes.get('200') or {}).get('list'), (sizes.get('1000') or {}).get('list')
    if small and large:
        writes = 1000 / float(DEFAULT_WRITE_RATES['alidns'])
        lines.append('List mode, 1000 domains: their 1000 record writes take %.1f s at the default %d per second to Alibaba Cloud '
                     'DNS, so the 1000-domain run cannot take less than that plus what a run costs whatever its size; within 3 x a '
                     '200-domain run of %.1f s is %.1f s. See "What bounds a first converge" below; with '
                     '`custom_domain_api_write_rate` raised (an account with a higher quota) the bound moves.' % (
                         writes, DEFAULT_WRITE_RATES['alidns'], small['first']['wall'], 3 * small['first']['wall']))
    if lines:
        lines = [line for text in lines for line in (text, '')]
    return lines


def _by_module(run):
    return ', '.join('%s %.2f' % (m, n) for m, n in run.get('module_runs_per_domain_by_module', {}).items()) or 'no module run counted'


def targets(results):
    rows = []
    fleet = results.get('fleet')
    if fleet and '200' in fleet['sizes']:
        e = fleet['sizes']['200']
        for key, label, limit in (('first', 'first converge', 2.0), ('second', 'no-change run', 1.5)):
            run = e[key]
            rows.append(('Fleet of 200, %s <= %.1fx floor (floor: %d pings per host, as many as the role\'s tasks)'
                         % (label, limit, run['tasks_per_host']),
                         '%.2fx (%.0f s vs %.0f s)' % (run['ratio'], run['wall'], run['floor_wall']), run['ratio'] <= limit))
            if run.get('strict_ratio') is not None:
                rows.append(('  same, against a stricter floor: %d pings per host, one per task that ran a module'
                             % run['module_tasks_per_host'], '%.2fx (%.0f s vs %.0f s)' % (
                                 run['strict_ratio'], run['wall'], run['strict_floor_wall']), run['strict_ratio'] <= limit))
        rows.append(('No-change run: zero writes', '%d writes' % e['second']['calls']['writes'], e['second']['calls']['writes'] == 0))
        rows.append(('No-change run: <= 3 API reads per domain', '%.2f reads per domain' % e['second']['reads_per_domain'],
                     e['second']['reads_per_domain'] <= 3))
    wait = results.get('wait')
    if wait:
        values = wait['authoritative']['latencies']
        med = statistics.median(values) if values else float('inf')
        rows.append(('Wait detection: median <= 1.5 s after the record appears', '%.2f s (%d trials)' % (med, len(values)),
                     med <= 1.5 and not wait['authoritative']['failed']))
    throttle = results.get('throttle')
    if throttle and 'runs' not in throttle:
        rows.append(('Throttled: zero failures', '%d failed hosts' % throttle['failed_hosts'], throttle['failed_hosts'] == 0))
        rate = throttle.get('achieved_rate') or 0
        rows.append(('Throttled: achieved write rate >= 80%% of the cap (%d/s)' % throttle['cap'],
                     '%.2f writes/s = %.0f%% of the cap (%d of %d write attempts throttled)' % (
                         rate, 100.0 * rate / throttle['cap'], throttle['rejected_writes'], throttle['attempted_writes']),
                     rate >= 0.8 * throttle['cap']))
    binding = results.get('throttle-binding')
    if binding:
        rate = binding.get('achieved_rate') or 0
        rows.append(('  same, with a cap that binds (%d/s): zero failures' % binding['cap'], '%d failed hosts' % binding['failed_hosts'],
                     binding['failed_hosts'] == 0))
        rows.append(('  same, with a cap that binds (%d/s): achieved write rate >= 80%% of the cap' % binding['cap'],
                     '%.2f writes/s = %.0f%% of the cap (%d of %d write attempts throttled)' % (
                         rate, 100.0 * rate / binding['cap'], binding['rejected_writes'], binding['attempted_writes']),
                     rate >= 0.8 * binding['cap']))
    return rows


def fleet_section(lines, fleet, docs):
    lines += ['## Per-host fleet against a floor of as many pings as the role has tasks', '',
              'Each domain is an inventory host (`connection: local`); `%s` runs the role `custom_domain` on every host with '
              '`-f %d`, against the emulator with 30 ms +- 10 ms of latency per API call. The floor is a playbook of the same '
              'shape: the same hosts and forks, and as many tasks per host as the role reported (ok, changed, skipped), each '
              'task `ansible.builtin.ping`%s. It is measured in the same run, right after ours.%s'
              % (fleet['playbook'], fleet['forks'], ', with fact gathering as in the fleet play' if fleet.get('gather_facts') else '',
                 _load(fleet)), '',
              'A stricter floor is measured too: one ping per task that ran a module on the host (tasks that only run on the '
              'controller, such as `set_fact`, `assert`, `include_tasks` or skipped tasks, cost far less than a ping, so the '
              'floor of the issue, one ping per task, is generous).', '',
              '| domains | run | wall (s) | floor (s) | ours / floor | strict floor (s) | ours / strict floor | CPU (s) '
              '| CPU ours / floor | tasks per host (run / skipped) | module tasks per host | reads per domain | writes per domain '
              '| failed hosts | changed hosts | end state |',
              '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for size in sorted(fleet['sizes'], key=int):
        entry = fleet['sizes'][size]
        for key, label in (('first', 'first converge'), ('second', 'no-change run')):
            run = entry[key]
            floor = entry['floor'][str(run['tasks_per_host'])]
            cells = (size, label, run['wall'], floor['wall'], run['ratio'], run.get('strict_floor_wall') or 0,
                     run.get('strict_ratio') or 0, run['cpu'], run['cpu_ratio'] or 0, run['tasks_per_host'],
                     _fmt(run['task_breakdown']['executed'], 0), _fmt(run['task_breakdown']['skipped'], 0),
                     run.get('module_tasks_per_host', 0), run['reads_per_domain'], run['writes_per_domain'], run['failed_hosts'],
                     run['changed_hosts'], 'as expected' if not run['problems'] else '%d problems' % len(run['problems']))
            lines.append('| %s | %s | %.1f | %.1f | **%.2f** | %.1f | **%.2f** | %.1f | %.2f | %d (%s / %s) | %d | %.2f | %.2f '
                         '| %d | %d | %s |' % cells)
    lines.append('')
    _figure(lines, docs, 'bench-fleet-wall.png', 'Fleet wall time against the floor', fleet)
    size = max(fleet['sizes'], key=int)
    entry = fleet['sizes'][size]
    lines += ['API calls per domain by action (fleet of %s; the emulator counts every attempt, retried ones included):' % size, '',
              '| action | first: reads | first: writes | no-change: reads | no-change: writes |', '|---|---|---|---|---|']
    for action in sorted(set(entry['first']['per_domain']) | set(entry['second']['per_domain'])):
        a = entry['first']['per_domain'].get(action, {'reads': 0, 'writes': 0})
        b = entry['second']['per_domain'].get(action, {'reads': 0, 'writes': 0})
        lines.append('| %s | %.2f | %.2f | %.2f | %.2f |' % (action, a['reads'], a['writes'], b['reads'], b['writes']))
    lines.append('')
    _figure(lines, docs, 'bench-fleet-calls.png', 'API calls per domain by action', fleet)
    for key, label in (('first', 'first converge'), ('second', 'no-change run')):
        lines += ['Where the time goes, %s of %s domains (per task name: results, median and summed seconds per host-task):'
                  % (label, size), '', '| task | results | median (s) | total (s) |', '|---|---|---|---|']
        for row in entry[key]['top_tasks']:
            lines.append('| %s | %d | %.2f | %.1f |' % (row['task'].replace('|', '/'), row['count'], row['median'], row['total']))
        lines.append('')


MODE_TEXT = {'list': 'list', 'per-host': 'per-host'}
RUN_TEXT = {'first': 'first converge', 'second': 'no-change run'}


def _load_pair(run):
    load = run.get('load')
    return '%.1f / %.1f' % (load[0], load[1]) if load else 'n/a'


def fleets_section(lines, fleets, docs):
    sizes = sorted(fleets['sizes'], key=int)
    spread = '; '.join('%s domains: %d zones, %d buckets' % (n, fleets['sizes'][n]['zones'], fleets['sizes'][n]['buckets']) for n in sizes)
    lines += ['## Fleets: list mode and per-host mode (issue 13)', '',
              'The role `custom_domain` converges a fleet of fresh domains (first converge), then runs again on the same fleet '
              '(no-change run), in two ways, both through `playbooks/fleet.yml`:', '',
              '- **list mode**: one host (localhost) runs the role once with the whole list in `custom_domain_domains` '
              '(`-e @vars.json`);',
              '- **per-host mode**: each domain is an inventory host (`connection: local`) with the single-domain variables '
              '(`custom_domain_name`, `custom_domain_bucket`, `custom_domain_region`), forks %d.' % fleets['forks'], '',
              'The fleet is spread as an operator\'s would be: zones of %d domains (Alidns editions in turn: %s; the free one\'s '
              'minimum TTL is the role\'s default TTL, 600), buckets of %d domains (OSS allows 100) alternately in %s (%s). '
              'Every API call meets 30 ms +- 10 ms of latency (uniform 20-40 ms) in the emulator, which paces the writes to one '
              'Alidns zone as it always does (`zone_write_interval` 0.2 s). The collection\'s rate limits are its defaults.'
              % (fleets['per_zone'], ', '.join(fleets['editions']), fleets['per_bucket'], ' and '.join(fleets['regions']), spread), '',
              'The floor is the issue\'s: **%d inventory hosts, forks %d, one `ansible.builtin.ping` task each** (the least any '
              'per-host design can cost), measured in the same run before each fleet size and once at the end; every ratio below '
              'uses the quickest of these floor runs (%s), the strictest of them. Module runs are counted by a shim of the Python '
              'interpreter that logs each AnsiballZ payload it starts (so an action plugin that runs its module several times, '
              'or none, is counted as it is).' % (
                  fleets['floor_hosts'], fleets['floor_forks'],
                  ', '.join('%s %.1f s' % (f['label'], f['wall']) for f in fleets['floors'])), '',
              '| domains | mode | run | wall (s) | / floor | CPU (s) | CPU / floor CPU | API reads per domain | API writes per domain '
              '| module runs per domain | failed hosts | changed hosts | end state | load before / after |',
              '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for size in sizes:
        entry = fleets['sizes'][size]
        for mode in ('list', 'per-host'):
            if mode not in entry:
                continue
            for key in ('first', 'second'):
                run = entry[mode][key]
                lines.append('| %s | %s | %s | %.1f | **%s** | %.1f | %s | %.3f | %.3f | %.2f | %d | %d | %s | %s |' % (
                    size, mode, RUN_TEXT[key], run['wall'], _fmt(run.get('floor_ratio')), run['cpu'], _fmt(run.get('cpu_floor_ratio')),
                    run['reads_per_domain'], run['writes_per_domain'], run['module_runs_per_domain'], run['failed_hosts'],
                    run['changed_hosts'], _state(run), _load_pair(run)))
    lines.append('')
    floors = ['%s: %.1f s wall, %.1f s CPU, load %s' % (f['label'], f['wall'], f['cpu'], _load_pair(f)) for f in fleets['floors']]
    lines += ['Floor runs: ' + '; '.join(floors) + '.', '']
    listed = [(int(size), fleets['sizes'][size]['list']['first']) for size in sizes if 'list' in fleets['sizes'][size]]
    if listed:
        lines += ['What bounds a first converge in list mode: the collection\'s default write rates (%d writes per second to OSS, '
                  '%d to Alibaba Cloud DNS; the bind step writes to both at once, each domain\'s CNAME record as soon as it is bound). '
                  'The writes alone cannot take less than one record write per domain at %d per second: %s. The 1000-domain target '
                  '(within 3 x the 200-domain time) leaves the larger fleet 2 x the smaller one\'s time for its 800 more domains, '
                  'while their record writes alone take %.1f s more at the default rate.' % (
                      DEFAULT_WRITE_RATES['oss'], DEFAULT_WRITE_RATES['alidns'], DEFAULT_WRITE_RATES['alidns'],
                      '; '.join('%d domains %.1f s of %.1f s' % (n, n / float(DEFAULT_WRITE_RATES['alidns']), run['wall']) for n, run in listed),
                      800.0 / DEFAULT_WRITE_RATES['alidns']), '']
    for size in sizes:
        entry = fleets['sizes'][size]
        if 'baseline' not in entry:
            continue
        base = entry['baseline']
        ours = entry['per-host']['first_reps']
        theirs = base['first_reps'][0]
        lines += ['Per-host mode against the role of commit %s (the role before issue 13: %d tasks per host, %.2f module runs per '
                  'domain), %s domains, fresh converges made alternately in this run (ours, %s, ours, %s, ...; the baseline runs '
                  'with OSS V1 signatures allowed for the account, which it needs, since it signs OSS requests with V1):' % (
                      base['commit'], theirs['tasks_per_host'], theirs['module_runs_per_domain'], size, base['commit'], base['commit']), '',
                  '| run | ours: wall (s) | ours: module runs per domain | %s: wall (s) | %s: module runs per domain |' % (
                      base['commit'], base['commit']), '|---|---|---|---|---|']
        for index in range(max(len(ours), len(base['first_reps']))):
            a = ours[index] if index < len(ours) else None
            b = base['first_reps'][index] if index < len(base['first_reps']) else None
            lines.append('| %d | %s | %s | %s | %s |' % (
                index + 1, '%.1f (%s)' % (a['wall'], _state(a)) if a else '', '%.2f' % a['module_runs_per_domain'] if a else '',
                '%.1f (%s)' % (b['wall'], _state(b)) if b else '', '%.2f' % b['module_runs_per_domain'] if b else ''))
        lines += ['| median | %.1f | | %.1f | |' % (base['ours_median'], base['theirs_median']), '',
                  'Ours / %s: %.2f (ratio of the medians); the worst pair (our slowest against their quickest): %.2f.'
                  % (base['commit'], base['ratio'] or 0, base['worst_ratio'] or 0), '']
    _figure(lines, docs, 'bench-fleets.png', 'Fleet wall times against the floor', fleets)
    for size in sizes:
        entry = fleets['sizes'][size]
        runs = [(mode, key) for mode in ('list', 'per-host') if mode in entry for key in ('first', 'second')]
        actions = sorted(set(a for mode, key in runs for a in entry[mode][key]['per_domain']))
        heads = ['%s %s: reads / writes' % (mode, 'first' if key == 'first' else 'no-change') for mode, key in runs]
        lines += ['API calls per domain by action, %s domains (every attempt the emulator counted, retried ones included):' % size, '',
                  '| action | ' + ' | '.join(heads) + ' |', '|---|' + '---|' * len(runs)]
        for action in actions:
            cells = []
            for mode, key in runs:
                cell = entry[mode][key]['per_domain'].get(action, {'reads': 0, 'writes': 0})
                cells.append('%.3f / %.3f' % (cell['reads'], cell['writes']))
            lines.append('| %s | %s |' % (action, ' | '.join(cells)))
        lines.append('| all | %s |' % ' | '.join('%.3f / %.3f' % (entry[m][k]['reads_per_domain'], entry[m][k]['writes_per_domain'])
                                                 for m, k in runs))
        lines.append('')
        lines += ['Module runs per domain by module, %s domains:' % size, '',
                  '| module | ' + ' | '.join('%s %s' % (mode, 'first' if key == 'first' else 'no-change') for mode, key in runs) + ' |',
                  '|---|' + '---|' * len(runs)]
        modules = sorted(set(m for mode, key in runs for m in entry[mode][key].get('module_runs_per_domain_by_module', {})))
        for module in modules:
            lines.append('| %s | %s |' % (module, ' | '.join(
                '%.3f' % entry[m][k].get('module_runs_per_domain_by_module', {}).get(module, 0) for m, k in runs)))
        lines.append('')
    for size in sizes:
        entry = fleets['sizes'][size]
        for mode in ('list', 'per-host'):
            if mode not in entry:
                continue
            for key in ('first', 'second'):
                run = entry[mode][key]
                lines += ['Where the time goes, %s mode, %s of %s domains (%.1f s; per task: results, median and summed seconds):'
                          % (mode, RUN_TEXT[key], size, run['wall']), '',
                          '| task | results | median (s) | total (s) |', '|---|---|---|---|']
                for row in run['top_tasks']:
                    lines.append('| %s | %d | %.2f | %.1f |' % (row['task'].replace('|', '/'), row['count'], row['median'], row['total']))
                lines.append('')


def refusals_text(refusals):
    """'AddDomainRecord: LastOperationNotFinished 3, Throttling.User 1; PutCname: ...' from the emulator's refusal counts."""
    return '; '.join('%s: %s' % (action, ', '.join('%s %d' % (code, n) for code, n in sorted(codes.items())))
                     for action, codes in sorted((refusals or {}).items()))


def throttle_runs_section(lines, throttle, docs):
    together = throttle.get('cap_applies_to') == 'all writes together'
    cap_text = ('all write actions of both APIs together: `throttle_rps: {"writes": %d}`' % throttle['cap'] if together else
                'the writes of each API on their own, as Alibaba Cloud throttles each product on its own: '
                '`throttle_rps: {"writes:oss": %d, "writes:alidns": %d}`' % (throttle['cap'], throttle['cap']))
    lines += ['## Writes under a cap', '',
              'A fresh converge of %d domains (spread as in the fleets section: zones of %d, buckets of %d), in list mode and in '
              'per-host mode (forks %d), while the emulator refuses more than %d writes within any sliding second (%s), with the '
              'usual latency. The collection\'s '
              '`api_write_rate` is **%s** writes per second (`custom_domain_api_write_rate`), a little below the cap: its '
              'limiter spaces the calls 1/%s s apart when they leave, but the emulator counts them when they arrive, after 20 to '
              '40 ms of latency, so a limit at the cap itself would let the jitter put an eleventh call into a second now and '
              'then; at %s, eleven calls span %.0f ms, more than the 20 ms of jitter can close. The limit is per API '
              '(OSS, Alidns), as the cap%s.%s'
              % (throttle['domains'], throttle['per_zone'], throttle['per_bucket'], throttle['forks'], throttle['cap'], cap_text,
                 _fmt(throttle['write_rate']), _fmt(throttle['write_rate']), _fmt(throttle['write_rate']),
                 1000.0 * 10 / throttle['write_rate'] if throttle['write_rate'] else 0,
                 ' is not: this measures a client that writes to one API at a time' if together else
                 '; in list mode the bind step writes to both at once (each domain\'s CNAME record as soon as it is bound)',
                 _load(throttle)), '',
              '"Sustained" is the accepted writes divided by the time during which writes were being made: from the first to the '
              'last write of each stretch of writes, a stretch ending when no write came for a second (the pause while the next '
              'step\'s module starts is not a write rate); the emulator\'s counters were read every 0.1 s. "First to last" divides '
              'by the whole time from the first write to the last. Accepted writes: one PutCname and one AddDomainRecord per '
              'domain (the end state is checked); attempts: every write call the emulator counted, refused ones included.', '',
              '| mode | failed hosts | wall (s) | writes accepted | write attempts | attempts per accepted write | writing (s) '
              '| sustained (writes/s) | of the cap | first to last (writes/s) | peak attempts over 2 s | end state |',
              '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for mode, run in sorted(throttle['runs'].items()):
        lines.append('| %s | %d | %.1f | %d | %d | %.3f | %.1f | %s | %.1f%% | %s | %.1f | %s |' % (
            mode, run['failed_hosts'], run['wall'], run['accepted_writes'], run['attempted_writes'], run['attempts_per_accepted'],
            run['write_busy'], _fmt(run.get('sustained_rate')), 100.0 * (run.get('sustained_rate') or 0) / run['cap'],
            _fmt(run.get('achieved_rate')), run['peak_attempt_rate_2s'], _state(run)))
    lines.append('')
    if any(run.get('apis') for run in throttle['runs'].values()):
        lines += ['Each API on its own (its accepted writes divided by the time during which it was writing, stretches as above):', '',
                  '| mode | API | writes accepted | write attempts | attempts per accepted write | writing (s) | sustained (writes/s) '
                  '| of the cap |', '|---|---|---|---|---|---|---|---|']
        for mode, run in sorted(throttle['runs'].items()):
            for api, fig in sorted((run.get('apis') or {}).items()):
                lines.append('| %s | %s | %d | %d | %.3f | %.1f | %s | %.1f%% |' % (
                    mode, API_NAMES.get(api, api), fig['accepted_writes'], fig['attempted_writes'], fig['attempts_per_accepted'],
                    fig['write_busy'], _fmt(fig.get('sustained_rate')), 100.0 * (fig.get('sustained_rate') or 0) / run['cap']))
        lines.append('')
    for mode, run in sorted(throttle['runs'].items()):
        writes = dict((a, e['writes']) for a, e in sorted(run['calls']['by_action'].items()) if e['writes'])
        per_domain = ', '.join('%s %d (%.3f per domain)' % (a, n, n / float(run['domains'])) for a, n in writes.items())
        refusals = run['calls'].get('refusals')
        refused = (' Refused attempts, by action and answer: %s.' % refusals_text(refusals) if refusals else
                   (' No attempt was refused.' if refusals is not None else ''))
        lines.append('- %s mode: write attempts by action: %s.%s Stretches of writes (seconds since the run began: attempts, '
                     'attempts per second): %s.' % (mode, per_domain, refused, '; '.join(
                         '%.1f-%.1f: %d, %.2f/s' % (a, b, n, n / (b - a) if b > a else 0) for a, b, n in run['phases'])))
    lines.append('')
    _figure(lines, docs, 'bench-throttle.png', 'Cumulative writes under a cap of %d per second' % throttle['cap'], throttle)


def binding_section(lines, binding, docs):
    lines += ['## Writes under a cap that binds, per-host mode, no api_write_rate', '',
              'The earlier measurement of the retry policy alone: a fresh per-host converge of %d domains (one zone), writes '
              'capped at %d per second, the collection\'s api_write_rate left at its default.%s' % (
                  binding.get('domains') or binding['hosts'] - 1, binding['cap'], _load(binding)), '',
              '| cap (writes/s) | failed hosts | wall (s) | writes accepted | write attempts | achieved rate (writes/s) | of the cap '
              '| end state |', '|---|---|---|---|---|---|---|---|',
              '| %d | %d | %.1f | %d | %d | %s | %.0f%% | %s |' % (
                  binding['cap'], binding['failed_hosts'], binding['wall'], binding['accepted_writes'], binding['attempted_writes'],
                  _fmt(binding['achieved_rate']), 100.0 * (binding['achieved_rate'] or 0) / binding['cap'],
                  'as expected' if not binding['problems'] else '%d problems' % len(binding['problems'])), '']
    _figure(lines, docs, 'bench-throttle-binding.png', 'Cumulative writes during the converge with a binding cap', binding)


def module_section(lines, module, docs):
    lines += ['## One module invocation against `ansible.builtin.ping`', '',
              'Each module runs %d times in a row on localhost (after one warm-up task), and the median task time as the '
              'controller sees it is compared with `ansible.builtin.ping` measured the same way. To see where the time goes, '
              'the AnsiballZ payload Ansible sent (kept with `ANSIBLE_KEEP_REMOTE_FILES=1`) is run again by '
              '`tests/bench/module_profile.py`: `-X importtime` sorts import time by package, and socket, selector and sleep '
              'calls are timed; "controller side" is the task time minus the module process. Interpreter start: %.3f s '
              '(`python -c pass`).%s' % (module['reps'], module['interpreter_start'], _load(module)), '',
              '| module | task (s) | / ping | process (s) | ansible imports | collection imports | SDK / third-party imports '
              '| stdlib imports | network | sleep | module code | controller side | API calls | heaviest third-party imports |',
              '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for name, case in module['cases'].items():
        b = case.get('breakdown')
        if not b:
            continue
        top = ', '.join('%s %.2f' % (k, v) for k, v in list(b['third_party_top'].items())[:4])
        lines.append('| %s | %.3f | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f | %s |' % (
            name, case['task_median'], case['ratio'], b['process'], b['imports']['ansible'], b['imports']['collection'],
            b['imports']['third-party'], b['imports']['stdlib'], b['network'], b['sleep'], b['other'], b['controller'],
            b['api_calls'], top))
    lines.append('')
    _figure(lines, docs, 'bench-module.png', 'Where the time of one module invocation goes', module)


def wait_section(lines, wait, docs):
    def row(label, data, key='latencies'):
        values = data[key]
        missing = data.get('failed', data.get('not_seen', 0))
        if not values:
            return '| %s | 0 | n/a | n/a | n/a | n/a | %d |' % (label, missing)
        figures = (label, len(values), min(values), statistics.median(values), _q(values, 0.9), max(values), missing)
        return '| %s | %d | %.2f | %.2f | %.2f | %.2f | %d |' % figures
    lines += ['## Wait detection', '',
              'A `wait_for_dns` task waits for a CNAME in the external zone `example.org`; %.1f to %.1f s after its first '
              'negative round, the emulator publishes the record on BIND (control API), and we measure from the moment BIND '
              'has it to the moment the task returns to the controller. Each series runs its trials one after the other in '
              'one playbook.%s' % (wait['authoritative']['delay_range'][0], wait['authoritative']['delay_range'][1], _load(wait)), '',
              'The second series points the waiter\'s `resolvers` at a caching resolver (unbound 1.17, stub zones to the '
              'emulator\'s BIND) that already holds the negative answer for each name: the waiter uses the resolver only to '
              'find the zone\'s nameservers and then asks them directly, so the cache does not delay it. The third series has '
              'no waiter: it polls unbound every 0.2 s, as a naive check (`dig` through the local resolver) would, and sees '
              'the record only when the cached NXDOMAIN expires (the zone\'s negative TTL is %d s).' % wait['negative_ttl'], '',
              '| series | trials | min (s) | median (s) | p90 (s) | max (s) | not seen |', '|---|---|---|---|---|---|---|',
              row('wait_for_dns, authoritative servers', wait['authoritative'])]
    if wait.get('late'):
        lines.append(row('wait_for_dns, record appears 20-30 s after the start', wait['late']))
    lines += [row('wait_for_dns with resolvers = unbound (negative answer cached)', wait['via_unbound']),
              row('polling unbound (negative answer cached), no waiter', wait['naive_unbound']), '']
    if wait.get('late'):
        lines += ['The late series shows the cost of the waiter\'s back-off: the pause between rounds grows from 0.25 s by a '
                  'quarter each round (up to 10 s), so a record that appears late is seen up to one pause after it appears.', '']
    _figure(lines, docs, 'bench-wait.png', 'Wait detection latency', wait)


def write_rate(timeline, accepted):
    """Accepted writes per second between the first and the last write seen in a GET /_emulator/calls timeline."""
    first = next((t for t, _r, w, _a in timeline if w > 0), None)
    last = next((t for t, _r, w, _a in reversed(timeline) if w < timeline[-1][2]), None) if timeline else None
    if first is None:
        return None
    span = (last if last is not None else timeline[-1][0]) - first
    return accepted / span if span > 0 else None


def throttle_section(lines, throttle, docs, fleet=None, binding=None):
    lines += ['## Throttled throughput', '',
              'A fresh converge of %d domains (forks %d) while the emulator throttles writes to %d per second (%s), with '
              'the usual latency. Throttled calls are answered `Throttling` and retried by the collection\'s retry policy.%s'
              % (throttle.get('domains') or throttle['hosts'] - 1, throttle.get('forks', 20), throttle['cap'], throttle['cap_applies_to'],
                 _load(throttle)), '',
              '| cap (writes/s) | failed hosts | wall (s) | writes accepted | write attempts (throttled included) '
              '| writes from first to last (s) | achieved rate (writes/s) | of the cap | peak attempt rate over 2 s | end state |',
              '|---|---|---|---|---|---|---|---|---|---|']
    for run in [throttle] + ([binding] if binding else []):
        lines.append('| %d | %d | %.1f | %d | %d | %s | %s | %s | %.1f | %s |' % (
            run['cap'], run['failed_hosts'], run['wall'], run['accepted_writes'], run['attempted_writes'],
            _fmt(run['write_span'], 1), _fmt(run['achieved_rate']),
            '%.0f%%' % (100.0 * (run['achieved_rate'] or 0) / run['cap']), run['peak_attempt_rate_2s'],
            'as expected' if not run['problems'] else '%d problems' % len(run['problems'])))
    lines.append('')
    domains = throttle.get('domains') or throttle['hosts'] - 1      # the fleet's hosts and the summary play's localhost
    reference = (fleet or {}).get('sizes', {}).get(str(domains))
    if reference and reference['first'].get('timeline'):
        rate = write_rate(reference['first']['timeline'], 2 * domains)
        if rate:
            lines += ['For comparison, the first converge of the same fleet without any cap (section 1) wrote %.2f writes per '
                      'second between its first and its last write: %s.' % (
                          rate, 'a cap of %d per second is above what this controller produces, so with that cap the achieved '
                                'rate measures Ansible on %s CPUs, not the retry policy' % (throttle['cap'], os.cpu_count())
                          if rate < throttle['cap'] else 'the cap binds'), '']
    if binding:
        lines += ['The second row caps writes at %d per second, below that uncapped rate, so the cap binds: the achieved rate '
                  'against the cap shows how much throughput the jittered back-off of throttled calls gives away. Measured by: '
                  '`%s`.' % (binding['cap'], _command(binding)), '']
    if throttle.get('note'):
        lines += [throttle['note'], '']
    _figure(lines, docs, 'bench-throttle.png', 'Cumulative writes during the throttled converge', throttle)
    if binding:
        _figure(lines, docs, 'bench-throttle-binding.png', 'Cumulative writes during the converge with a binding cap', binding)


KEY_LABELS = {'wall': 'wall (s)', 'cpu': 'CPU (s)', 'reads_per_domain': 'API reads per domain', 'task': 'task (s)',
              'process_cpu': 'module process CPU (s)', 'first': 'first converge', 'second': 'no-change run'}


def waste_section(lines, waste):
    lines += ['## Waste found, and what removing it gained', '',
              'Each table compares runs of the same harness without and with the change, made one after the other on this '
              'machine in the same session (medians over the runs; `tests/bench/compare.py` computed them from the runs\' '
              'results files).', '']
    for item in waste.get('items', []):
        lines += ['### %s' % item['where'], '', item['what'], '',
                  'Measured by: `%s` (%d runs before, %d after).' % (
                      item['command'], item.get('before_runs', 0), item.get('after_runs', 0)), '',
                  '| measure | before | after | change |', '|---|---|---|---|']
        for row in item['rows']:
            label = ', '.join(KEY_LABELS.get(str(k), str(k)) if i else ('fleet of %s' % k if str(k).isdigit() else str(k))
                              for i, k in enumerate(row['key']))
            change = 'n/a' if row['change'] is None else '%+.1f%%' % row['change']
            lines.append('| %s | %s | %s | %s |' % (label, _fmt(row['median_before']), _fmt(row['median_after']), change))
        lines.append('')


SECTION_ORDER = ('fleets', 'throttle', 'module', 'wait', 'fleet', 'throttle-binding')


def render(results, docs):
    os.makedirs(docs, exist_ok=True)
    machine = results.get('machine', {})
    sections = [k for k in SECTION_ORDER if k in results]
    commits = {}
    for name in sections:
        commits.setdefault(results[name].get('commit') or machine.get('git', '?'), []).append(
            '%s (%s)' % (name, results[name].get('measured', '?')))
    when = '; '.join('commit %s: %s' % (commit, ', '.join(names)) for commit, names in commits.items())
    lines = ['# Benchmarks', '',
             'Measured by `make bench` (`.venv/bin/python tests/bench/run_bench.py`) against the emulator, on %s CPUs, '
             'Python %s, %s. Sections and when they were measured: %s ("+changes": the working tree had changes not yet '
             'committed to that commit). These are measurements, not timed tests: nothing asserts a speed. The numbers move with '
             'the machine and its load; each section and each run gives the load average (1 min) before and after it, and '
             'every ratio compares runs made minutes apart on the same machine, in the same run of the harness.'
             % (machine.get('cpus', '?'), machine.get('python', '?'), machine.get('ansible', '?'), when or 'none yet'),
             '']
    rows13 = targets_13(results)
    if rows13:
        lines += ['## Targets of issue 13', '', '| target | measured | met |', '|---|---|---|']
        lines += ['| %s | %s | %s |' % (t, m, 'met' if ok else '**not met**') for t, m, ok in rows13]
        lines.append('')
        lines += ceilings_13(results)
    rows = targets(results)
    if rows:
        lines += ['## Earlier targets', '', '| target | measured | met |', '|---|---|---|']
        lines += ['| %s | %s | %s |' % (t, m, 'yes' if ok else '**no**') for t, m, ok in rows]
        lines.append('')
    if 'fleets' in results:
        plot_fleets(results['fleets'], os.path.join(docs, 'bench-fleets.png'))
        fleets_section(lines, results['fleets'], docs)
    throttle = results.get('throttle')
    if throttle and 'runs' in throttle:
        plot_throttle_runs(throttle, os.path.join(docs, 'bench-throttle.png'))
        throttle_runs_section(lines, throttle, docs)
    if 'module' in results:
        plot_module(results['module'], os.path.join(docs, 'bench-module.png'))
        module_section(lines, results['module'], docs)
    if 'wait' in results:
        plot_wait(results['wait'], os.path.join(docs, 'bench-wait.png'))
        wait_section(lines, results['wait'], docs)
    if 'fleet' in results:
        plot_fleet(results['fleet'], os.path.join(docs, 'bench-fleet-wall.png'))
        plot_calls(results['fleet'], os.path.join(docs, 'bench-fleet-calls.png'))
        fleet_section(lines, results['fleet'], docs)
    if throttle and 'runs' not in throttle:
        plot_throttle(throttle, os.path.join(docs, 'bench-throttle.png'))
        if 'throttle-binding' in results:
            plot_throttle(results['throttle-binding'], os.path.join(docs, 'bench-throttle-binding.png'))
        throttle_section(lines, throttle, docs, results.get('fleet'), results.get('throttle-binding'))
    elif 'throttle-binding' in results:
        plot_throttle(results['throttle-binding'], os.path.join(docs, 'bench-throttle-binding.png'))
        binding_section(lines, results['throttle-binding'], docs)
    waste = results.get('waste')
    if waste:
        waste_section(lines, waste)
    lines += ['## Reproducing', '',
              '```', 'make bench                                        # fleets, throttle, module, wait (%s)' % _total_duration(results),
              '.venv/bin/python tests/bench/run_bench.py --only fleets --fleet-sizes 200 --baseline-reps 1',
              '.venv/bin/python tests/bench/run_bench.py --only fleets --modes list --baseline ""   # list mode only, no baseline',
              '.venv/bin/python tests/bench/run_bench.py --only throttle --throttle-modes list',
              '.venv/bin/python tests/bench/run_bench.py --only module,wait',
              '.venv/bin/python tests/bench/run_bench.py --only fleet,throttle-binding   # the earlier per-host sections',
              '.venv/bin/python tests/bench/run_bench.py --collection-path DIR   # measure a copy made by .ci/make-tree.sh',
              '.venv/bin/python tests/bench/run_bench.py --render-only         # redraw this page from .bench/results.json', '```', '',
              'The harness starts its own emulator copy (`--port`, `--dns-port`; any free port by default) under `.bench/`, '
              'copies the collection to `.bench/tree/` (or uses `--collection-path`) and the baseline commit to '
              '`.bench/base-<commit>/` (`git archive`), and keeps every playbook output, its task timings and its count of module '
              'processes in `.bench/logs/`. The raw numbers are in `.bench/results.json`.', '']
    with open(os.path.join(docs, 'benchmarks.md'), 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines))


# ---------------------------------------------------------------------------------------------------------- reliability
def render_reliability(summary, path):
    """Replace the results block of docs/reliability.md (between the BEGIN and END markers)."""
    lines = [BEGIN, '',
             '### Latest results: %s suite, %s' % (summary['mode'], summary['date']), '',
             '%d passed, %d failed, in %.0f s.' % (summary['passed'], summary['failed'], summary['duration']), '',
             '| scenario | check | result |', '|---|---|---|']
    for result in summary['results']:
        lines.append('| %s | %s | %s |' % (result['scenario'], result['check'].replace('|', '/'), 'pass' if result['ok'] else '**FAIL**'))
    lines.append('')
    details = summary.get('details', {})
    if details:
        lines += ['Figures of this run:', '']
        for scenario, data in details.items():
            shown = dict((k, v) for k, v in data.items() if k not in ('messages', 'excluded', 'hits', 'failures'))
            lines.append('- %s: %s' % (scenario, ', '.join('%s %s' % (k.replace('_', ' '), v) for k, v in shown.items())))
        lines.append('')
    lines.append(END)
    block = '\n'.join(lines)
    text = ''
    if os.path.exists(path):
        with open(path, 'r', encoding='utf-8') as handle:
            text = handle.read()
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + '.*?' + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = (text.rstrip('\n') + '\n\n' if text else '# Reliability\n\n') + block + '\n'
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
