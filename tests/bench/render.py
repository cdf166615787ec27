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
    seconds = sum(results[k].get('duration', 0) for k in ('fleet', 'module', 'wait', 'throttle', 'throttle-binding') if k in results)
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


# ---------------------------------------------------------------------------------------------------------- markdown
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
    if throttle:
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
    lines += ['## 1. Fleet converge', '',
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


def module_section(lines, module, docs):
    lines += ['## 2. One module invocation against `ansible.builtin.ping`', '',
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
    lines += ['## 3. Wait detection', '',
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
    lines += ['## 4. Throttled throughput', '',
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


def render(results, docs):
    os.makedirs(docs, exist_ok=True)
    machine = results.get('machine', {})
    sections = [k for k in ('fleet', 'module', 'wait', 'throttle', 'throttle-binding') if k in results]
    commits = {}
    for name in sections:
        commits.setdefault(results[name].get('commit') or machine.get('git', '?'), []).append(
            '%s (%s)' % (name, results[name].get('measured', '?')))
    when = '; '.join('commit %s: %s' % (commit, ', '.join(names)) for commit, names in commits.items())
    lines = ['# Benchmarks', '',
             'Measured by `make bench` (`.venv/bin/python tests/bench/run_bench.py`) against the emulator, on %s CPUs, '
             'Python %s, %s. Sections and when they were measured: %s. These are measurements, not timed tests: nothing '
             'asserts a speed. The numbers move with the machine and its load; each section gives the load average while it '
             'ran, and every ratio compares runs made minutes apart on the same machine.'
             % (machine.get('cpus', '?'), machine.get('python', '?'), machine.get('ansible', '?'), when or 'none yet'),
             '']
    rows = targets(results)
    if rows:
        lines += ['## Targets', '', '| target | measured | met |', '|---|---|---|']
        lines += ['| %s | %s | %s |' % (t, m, 'yes' if ok else '**no**') for t, m, ok in rows]
        lines.append('')
    if 'fleet' in results:
        plot_fleet(results['fleet'], os.path.join(docs, 'bench-fleet-wall.png'))
        plot_calls(results['fleet'], os.path.join(docs, 'bench-fleet-calls.png'))
        fleet_section(lines, results['fleet'], docs)
    if 'module' in results:
        plot_module(results['module'], os.path.join(docs, 'bench-module.png'))
        module_section(lines, results['module'], docs)
    if 'wait' in results:
        plot_wait(results['wait'], os.path.join(docs, 'bench-wait.png'))
        wait_section(lines, results['wait'], docs)
    if 'throttle' in results:
        plot_throttle(results['throttle'], os.path.join(docs, 'bench-throttle.png'))
        if 'throttle-binding' in results:
            plot_throttle(results['throttle-binding'], os.path.join(docs, 'bench-throttle-binding.png'))
        throttle_section(lines, results['throttle'], docs, results.get('fleet'), results.get('throttle-binding'))
    waste = results.get('waste')
    if waste:
        waste_section(lines, waste)
    lines += ['## Reproducing', '',
              '```', 'make bench                                        # everything (%s)' % _total_duration(results),
              '.venv/bin/python tests/bench/run_bench.py --only fleet --sizes 10,50',
              '.venv/bin/python tests/bench/run_bench.py --only module,wait',
              '.venv/bin/python tests/bench/run_bench.py --render-only         # redraw this page from .bench/results.json', '```', '',
              'The harness starts its own emulator copy (`--port`, `--dns-port`; any free port by default) under `.bench/`, '
              'copies the collection to `.bench/tree/`, and keeps every playbook output in `.bench/logs/`. The raw numbers '
              'are in `.bench/results.json`.', '']
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
