# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmarks of alicloud_oss.domains (make bench). Records numbers; asserts nothing about speed.

    .venv/bin/python tests/bench/run_bench.py [--only fleet,module,wait,throttle,throttle-binding] [--sizes 10,50,200]
                                              [--work-dir .bench] [--port 18121 --dns-port 15421] [--no-docs]

Sections (each also runs alone with --only):
  fleet     fleet converge of 10/50/200 domains (forks 20), a second no-change run, and a floor playbook of the same shape
            (same hosts, forks and tasks per host, every task ansible.builtin.ping); API calls per domain by action.
  module    one invocation of each module against ansible.builtin.ping, and where the extra time goes.
  wait      how long after a record appears on BIND wait_for_dns returns (20 trials), and the same question through a
            caching resolver (unbound) that holds the negative answer.
  throttle  a 200-domain converge with writes capped at 10 per second by the emulator.
  throttle-binding
            the same with a cap below what the controller writes uncapped (--binding-cap, 2 per second by default), so
            that the cap binds and the achieved rate measures the retry policy.
Every API call goes to our own emulator copy with 30 ms +- 10 ms of injected latency. Results are kept in
<work-dir>/results.json (sections are merged, so --only re-measures one section) and rendered into docs/benchmarks.md
with PNG plots docs/bench-*.png (--render-only re-renders from the results file).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import glob
import json
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

import benchlib
from benchlib import log, median

LATENCY = {'latency_ms': 20, 'jitter_ms': 20}       # uniform 20..40 ms: 30 ms +- 10 on every API call
# Buckets take their region in turn (a fleet of the fleets section has buckets in two mainland regions).
FLEET_REGIONS = ('cn-hangzhou', 'cn-shanghai')
DOCS = os.path.join(benchlib.REPO, 'docs')


class Context:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work_dir)
        self.emu = None
        self.ans = None
        self.base = None
        self.shim = benchlib.PYTHON
        self.unbound = None


# ---------------------------------------------------------------------------------------------------------- sampling
class Sampler(threading.Thread):
    """Polls GET /_emulator/calls during a run: a timeline of reads and writes (attempts, throttled ones included)."""

    def __init__(self, emu, interval=0.5):
        super(Sampler, self).__init__(daemon=True)
        self.emu, self.interval = emu, interval
        self.samples = []
        self.halt = threading.Event()
        self.t0 = time.time()

    def run(self):
        while not self.halt.is_set():
            try:
                snap = self.emu.calls()
                self.samples.append((round(time.time() - self.t0, 3), snap['reads'], snap['writes'],
                                     dict((a, e['writes']) for a, e in snap['by_action'].items() if e['writes'])))
            except Exception:  # pylint: disable=broad-except  # the emulator may be restarting; keep sampling
                pass
            self.halt.wait(self.interval)

    def stop(self):
        self.halt.set()
        self.join()
        return self.samples


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_run(ctx, name, playbook, inventory, forks, args=(), sample=False, timeout=None, ans=None, interval=0.5):
    """One ansible-playbook run with wall time, CPU time, calls made, module processes, and the per-task timings."""
    ans = ans or ctx.ans
    ctx.emu.reset_calls()
    sampler = Sampler(ctx.emu, interval=interval) if sample else None
    cpu0 = cpu_seconds()
    load = os.getloadavg()[0]
    if sampler:
        sampler.start()
    run = ans.run(name, playbook, inventory, forks=forks, args=args, timeout=timeout)
    timeline = sampler.stop() if sampler else []
    cpu = cpu_seconds() - cpu0
    calls = ctx.emu.calls()
    log('%s: rc=%d wall=%.1fs cpu=%.1fs hosts=%d failed=%d changed_hosts=%d reads=%d writes=%d load=%.2f' % (
        name, run.rc, run.wall, cpu, len(run.hosts()), len(run.failed_hosts()), len(run.changed_hosts()),
        calls['reads'], calls['writes'], os.getloadavg()[0]))
    if run.rc != 0 and run.failures():
        for failure in run.failures()[:3]:
            log('  failed: %s / %s: %s' % (failure['host'], failure['task'], (failure.get('msg') or '')[:300]))
    return run, {
        'wall': round(run.wall, 2), 'cpu': round(cpu, 2), 'rc': run.rc, 'hosts': len(run.hosts()),
        'failed_hosts': len(run.failed_hosts()), 'changed_hosts': len(run.changed_hosts()), 'changed_tasks': run.changed_total(),
        'calls': {'reads': calls['reads'], 'writes': calls['writes'], 'by_action': calls['by_action'],
                  'refusals': calls.get('refusals') or {}},
        'tasks_per_host': run.tasks_per_host(), 'module_tasks_per_host': run.module_tasks_per_host(),
        'task_breakdown': run.task_breakdown(), 'top_tasks': top_tasks(run), 'module_runs': run.module_runs(),
        'timeline': timeline, 'log': os.path.relpath(run.output_path, ctx.work),
        'load': [round(load, 2), round(os.getloadavg()[0], 2)],
        'failures': [{'host': f['host'], 'task': f['task'], 'msg': (f.get('msg') or '')[:500]} for f in run.failures()[:5]],
    }


def top_tasks(run, count=12):
    """Per task name: how many results, median and total seconds (the waste hunt starts here)."""
    by_name = {}
    for entry in run.timer.get('tasks', []):
        if entry.get('start') is None:
            continue
        key = '%s [%s]' % (entry['task'].split(' | ')[0].replace('alicloud_oss.domains.custom_domain : ', 'role: '), entry['action'])
        by_name.setdefault(key, []).append(entry['end'] - entry['start'])
    rows = [{'task': k, 'count': len(v), 'median': round(median(v), 3), 'total': round(sum(v), 2)} for k, v in by_name.items()]
    rows.sort(key=lambda r: -r['total'])
    return rows[:count]


def fleet_playbook(ctx):
    path = os.path.join(ctx.ans.tree, 'ansible_collections', 'alicloud_oss', 'domains', 'playbooks', 'fleet.yml')
    if os.path.exists(path):
        return path
    return benchlib.fleet_playbook(ctx.work)


def gathers_facts(playbook):
    import yaml  # pylint: disable=import-outside-toplevel
    with open(playbook, 'r', encoding='utf-8') as handle:
        plays = yaml.safe_load(handle) or []
    return any(p.get('gather_facts', True) not in (False, 'false', 'no') for p in plays if isinstance(p, dict) and 'hosts' in p)


# ---------------------------------------------------------------------------------------------------------- fleet
def prepare_fleet(ctx, count, prefix='f'):
    ctx.emu.reset()
    plan = benchlib.fleet_plan(count, prefix=prefix)
    benchlib.seed_buckets(ctx.emu, plan)
    ctx.emu.faults(seed=count, **LATENCY)
    inventory = benchlib.write_inventory(os.path.join(ctx.work, 'fleet-%d.yml' % count), plan, ctx.emu)
    return plan, inventory


def bench_fleet(ctx):
    playbook = fleet_playbook(ctx)
    facts = gathers_facts(playbook)
    forks = ctx.args.forks
    result = {'playbook': os.path.relpath(playbook, ctx.ans.tree) if playbook.startswith(ctx.ans.tree) else playbook,
              'forks': forks, 'gather_facts': facts, 'sizes': {}}
    for count in ctx.args.sizes:
        log('fleet of %d domains' % count)
        plan, inventory = prepare_fleet(ctx, count)
        timeout = max(600, count * 20)
        first_run, first = measured_run(ctx, 'fleet%d-first' % count, playbook, inventory, forks, sample=True, timeout=timeout)
        first['problems'] = benchlib.check_fleet(ctx.emu, plan)[:20]
        second_run, second = measured_run(ctx, 'fleet%d-second' % count, playbook, inventory, forks, sample=True, timeout=timeout)
        second['problems'] = benchlib.check_fleet(ctx.emu, plan)[:20]
        floors = {}
        if ctx.args.no_floor:
            for key, run in (('first', first), ('second', second)):
                run['per_domain'] = dict((a, {'reads': round(e['reads'] / count, 2), 'writes': round(e['writes'] / count, 2)})
                                         for a, e in sorted(run['calls']['by_action'].items()))
                run['reads_per_domain'] = round(run['calls']['reads'] / count, 2)
            result['sizes'][str(count)] = {'first': first, 'second': second, 'floor': {}}
            log('fleet %d: first %.1fs cpu %.1fs, second %.1fs cpu %.1fs (no floor)'
                % (count, first['wall'], first['cpu'], second['wall'], second['cpu']))
            continue
        shapes = [first_run.tasks_per_host(), second_run.tasks_per_host(), first_run.module_tasks_per_host(),
                  second_run.module_tasks_per_host()]
        for tasks in sorted(set(shapes)):
            floor_pb = benchlib.write_floor_playbook(os.path.join(ctx.work, 'floor-%d.yml' % tasks), tasks, gather_facts=facts)
            _run, floors[str(tasks)] = measured_run(ctx, 'fleet%d-floor%d' % (count, tasks), floor_pb, inventory, forks, timeout=timeout)
        entry = {'first': first, 'second': second, 'floor': floors}
        for key, run in (('first', first), ('second', second)):
            strict = floors[str(run['module_tasks_per_host'])]
            entry[key]['strict_floor_wall'] = strict['wall']
            entry[key]['strict_ratio'] = round(run['wall'] / strict['wall'], 2) if strict['wall'] else None
            floor = floors[str(run['tasks_per_host'])]
            entry[key]['floor_wall'] = floor['wall']
            entry[key]['ratio'] = round(run['wall'] / floor['wall'], 2) if floor['wall'] else None
            entry[key]['cpu_ratio'] = round(run['cpu'] / floor['cpu'], 2) if floor['cpu'] else None
            entry[key]['per_domain'] = dict((a, {'reads': round(e['reads'] / count, 2), 'writes': round(e['writes'] / count, 2)})
                                            for a, e in sorted(run['calls']['by_action'].items()))
            entry[key]['reads_per_domain'] = round(run['calls']['reads'] / count, 2)
            entry[key]['writes_per_domain'] = round(run['calls']['writes'] / count, 2)
        result['sizes'][str(count)] = entry
        figures = (count, first['wall'], first['ratio'], first['strict_ratio'], second['wall'], second['ratio'],
                   second['strict_ratio'], second['reads_per_domain'], second['calls']['writes'],
                   len(first['problems']) + len(second['problems']))
        log('fleet %d: first %.1fs (%.2fx floor, %.2fx strict), second %.1fs (%.2fx floor, %.2fx strict), second reads/domain %.2f '
            'writes %d, problems %d' % figures)
    return result


# ---------------------------------------------------------------------------------------------------------- fleets
# Issue 13: list mode (one host, custom_domain_domains) and per-host mode (one inventory host per domain) of the role,
# 200 and 1000 domains, against the floor of the issue and, per-host, against the role of the baseline commit.

def fleets_plan(ctx, count, prefix):
    return benchlib.fleet_plan(count, prefix=prefix, per_bucket=ctx.args.per_bucket, per_zone=ctx.args.per_zone,
                               regions=FLEET_REGIONS)


def reset_fleet(ctx, plan, legacy=False, seed=None):
    """The default world, the plan's buckets and zones, the latency; `legacy` lets OSS take V1 signatures from the
    account (the baseline commit signs OSS requests with V1, which the emulator refuses from accounts made since 2025)."""
    ctx.emu.reset()
    benchlib.seed_plan(ctx.emu, plan)
    if legacy:
        ctx.emu.seed({'accounts': {'main': {'legacy': True}}})
    ctx.emu.faults(seed=seed if seed is not None else len(plan), **LATENCY)


def per_domain_figures(entry, count):
    entry['per_domain'] = dict((a, {'reads': round(e['reads'] / float(count), 3), 'writes': round(e['writes'] / float(count), 3)})
                               for a, e in sorted(entry['calls']['by_action'].items()))
    entry['reads_per_domain'] = round(entry['calls']['reads'] / float(count), 3)
    entry['writes_per_domain'] = round(entry['calls']['writes'] / float(count), 3)
    collection = dict((m, n) for m, n in entry['module_runs'].items() if m not in ('ping',))
    entry['collection_module_runs'] = sum(collection.values())
    entry['module_runs_per_domain'] = round(sum(collection.values()) / float(count), 3)
    entry['module_runs_per_domain_by_module'] = dict((m, round(n / float(count), 3)) for m, n in sorted(collection.items()))
    return entry


def fleets_run(ctx, label, mode, plan, first, ans=None, extra_vars=None, sample=True, interval=0.5):
    """One run of playbooks/fleet.yml of the tree of `ans`: list mode (localhost, custom_domain_domains from a vars
    file) or per-host mode (an inventory host per domain). Returns the measured entry with the end state checked."""
    ans = ans or ctx.ans
    count = len(plan)
    playbook = os.path.join(benchlib.collection_dir(ans.tree), 'playbooks', 'fleet.yml')
    if mode == 'list':
        inventory = benchlib.write_local_inventory(os.path.join(ctx.work, 'localhost-shim.json'), python=ctx.shim)
        varsfile = benchlib.write_list_vars(os.path.join(ctx.work, '%s.vars.json' % label), plan, ctx.emu, extra_vars)
        args = ['-e', '@' + varsfile]
    else:
        inventory = benchlib.write_inventory(os.path.join(ctx.work, '%s.inventory.json' % label), plan, ctx.emu, python=ctx.shim,
                                             extra_vars=extra_vars)
        args = []
    _run, entry = measured_run(ctx, label, playbook, inventory, ctx.args.forks, args=args, sample=sample,
                               timeout=max(900, count * 20), ans=ans, interval=interval)
    entry['problems'] = benchlib.check_fleet(ctx.emu, plan)[:20]
    entry['run'] = 'first' if first else 'second'
    entry['mode'] = mode
    return per_domain_figures(entry, count)


def fleets_floor(ctx, label):
    """The floor of the issue: 200 inventory hosts, forks 20, one ansible.builtin.ping task each."""
    plan = benchlib.fleet_plan(ctx.args.floor_hosts, prefix='p', per_zone=ctx.args.per_zone, per_bucket=ctx.args.per_bucket)
    inventory = benchlib.write_inventory(os.path.join(ctx.work, 'floor-inventory.json'), plan, ctx.emu, python=ctx.shim)
    playbook = benchlib.write_floor_playbook(os.path.join(ctx.work, 'floor-ping.yml'), 1, summary_tasks=0)
    _run, entry = measured_run(ctx, label, playbook, inventory, ctx.args.floor_forks)
    entry['label'] = label
    for key in ('timeline', 'top_tasks'):
        entry.pop(key, None)
    return entry


def bench_fleets(ctx):
    args = ctx.args
    result = {'forks': args.forks, 'floor_hosts': args.floor_hosts, 'floor_forks': args.floor_forks, 'per_zone': args.per_zone,
              'per_bucket': args.per_bucket, 'regions': list(FLEET_REGIONS), 'editions': list(benchlib.ZONE_EDITIONS),
              'latency': LATENCY, 'modes': args.modes, 'floors': [], 'sizes': {},
              'baseline': {'commit': args.baseline, 'reps': args.baseline_reps} if args.baseline else None}
    for count in args.fleet_sizes:
        plan = fleets_plan(ctx, count, 'd')
        entry = {'domains': count, 'zones': len(benchlib.plan_zones(plan)), 'buckets': len(set(e['bucket'] for e in plan))}
        result['sizes'][str(count)] = entry
        log('fleets: %d domains over %d zones and %d buckets' % (count, entry['zones'], entry['buckets']))
        reset_fleet(ctx, plan)
        result['floors'].append(fleets_floor(ctx, 'floor-before-%d' % count))
        if 'list' in args.modes:
            reset_fleet(ctx, plan)
            entry['list'] = {'first': fleets_run(ctx, 'list%d-first' % count, 'list', plan, True),
                             'second': fleets_run(ctx, 'list%d-second' % count, 'list', plan, False)}
        if 'per-host' in args.modes:
            reset_fleet(ctx, plan)
            entry['per-host'] = {'first': fleets_run(ctx, 'perhost%d-first' % count, 'per-host', plan, True),
                                 'second': fleets_run(ctx, 'perhost%d-second' % count, 'per-host', plan, False)}
            if ctx.base and count == args.baseline_size:
                # Alternately: ours (above), the baseline, ours, the baseline, ... each a fresh converge of the same fleet.
                ours = [entry['per-host']['first']]
                theirs = []
                for rep in range(args.baseline_reps):
                    reset_fleet(ctx, plan, legacy=True)
                    theirs.append(fleets_run(ctx, 'base%d-first-%d' % (count, rep + 1), 'per-host', plan, True, ans=ctx.base))
                    if rep + 1 < args.baseline_reps:
                        reset_fleet(ctx, plan)
                        ours.append(fleets_run(ctx, 'perhost%d-first-%d' % (count, rep + 2), 'per-host', plan, True))
                for run in ours[1:] + theirs:
                    run.pop('timeline', None)
                entry['per-host']['first_reps'] = ours
                entry['baseline'] = {'commit': args.baseline, 'first_reps': theirs}
    plan = fleets_plan(ctx, args.floor_hosts, 'p')
    reset_fleet(ctx, plan)
    result['floors'].append(fleets_floor(ctx, 'floor-after'))
    walls = [f['wall'] for f in result['floors'] if f['rc'] == 0]
    # The strictest floor of the run: the quickest of its measurements.
    result['floor_wall'] = min(walls) if walls else None
    result['floor_cpu'] = min(f['cpu'] for f in result['floors']) if result['floors'] else None
    floor = result['floor_wall']
    for entry in result['sizes'].values():
        for mode in ('list', 'per-host'):
            for run in entry.get(mode, {}).values():
                if isinstance(run, dict) and floor:
                    run['floor_ratio'] = round(run['wall'] / floor, 3)
                    run['cpu_floor_ratio'] = round(run['cpu'] / result['floor_cpu'], 3) if result['floor_cpu'] else None
        if 'baseline' in entry:
            ours = [r['wall'] for r in entry['per-host']['first_reps']]
            theirs = [r['wall'] for r in entry['baseline']['first_reps']]
            entry['baseline']['ours_median'] = round(median(ours), 2)
            entry['baseline']['theirs_median'] = round(median(theirs), 2)
            entry['baseline']['ratio'] = round(median(ours) / median(theirs), 3) if theirs else None
            entry['baseline']['worst_ratio'] = round(max(ours) / min(theirs), 3) if theirs else None
    for count, entry in sorted(result['sizes'].items(), key=lambda kv: int(kv[0])):
        for mode in ('list', 'per-host'):
            if mode in entry:
                first, second = entry[mode]['first'], entry[mode]['second']
                log('fleets %s %s: first %.1fs (%.2fx floor %.1fs), second %.1fs (%.2fx), reads/domain %.3f / %.3f, writes %d / %d, '
                    'module runs/domain %.2f / %.2f, problems %d / %d' % (
                        count, mode, first['wall'], first.get('floor_ratio') or 0, floor or 0, second['wall'],
                        second.get('floor_ratio') or 0, first['reads_per_domain'], second['reads_per_domain'],
                        first['calls']['writes'], second['calls']['writes'], first['module_runs_per_domain'],
                        second['module_runs_per_domain'], len(first['problems']), len(second['problems'])))
        if 'baseline' in entry:
            log('fleets %s per-host vs %s: ours %s, theirs %s, ratio of medians %.2f' % (
                count, args.baseline, [r['wall'] for r in entry['per-host']['first_reps']],
                [r['wall'] for r in entry['baseline']['first_reps']], entry['baseline']['ratio'] or 0))
    return result


# ---------------------------------------------------------------------------------------------------------- module
MODULE_SEED = {'accounts': {'main': {
    'buckets': {'demo-assets': {'region': 'cn-hangzhou', 'cnames': ['mod.example.com']}},
    'zones': {'example.com': {'edition': 'version_enterprise_advanced', 'records': [
        {'rr': 'mod', 'type': 'CNAME', 'value': 'demo-assets.oss-cn-hangzhou.aliyuncs.com', 'ttl': 600}]}},
}}}


def module_cases(ctx):
    target = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    port = ctx.emu.dns_port
    return [
        ('ping', 'ansible.builtin.ping', {}),
        ('oss_bucket_cname_info', 'alicloud_oss.domains.oss_bucket_cname_info', {'bucket': 'demo-assets'}),
        ('oss_bucket_cname', 'alicloud_oss.domains.oss_bucket_cname', {'bucket': 'demo-assets', 'domain': 'mod.example.com'}),
        ('oss_domain_ownership', 'alicloud_oss.domains.oss_domain_ownership', {'bucket': 'demo-assets', 'domain': 'mod.example.com'}),
        ('alidns_record_info', 'alicloud_oss.domains.alidns_record_info', {'record': 'mod.example.com'}),
        ('alidns_record', 'alicloud_oss.domains.alidns_record', {'record': 'mod.example.com', 'type': 'CNAME', 'value': [target]}),
        ('alidns_record (zone given)', 'alicloud_oss.domains.alidns_record',
         {'zone': 'example.com', 'rr': 'mod', 'type': 'CNAME', 'value': [target]}),
        ('wait_for_dns', 'alicloud_oss.domains.wait_for_dns',
         {'records': [{'name': 'mod.example.com', 'type': 'CNAME', 'value': target, 'target_resolves': True}],
          'resolvers': ['127.0.0.1:%d' % port], 'port': port}),
    ]


def write_local_playbook(path, tasks, ignore_errors=False):
    """tasks: [(name, module, args)] on localhost. JSON is YAML, so no YAML writer is needed."""
    entries = [dict([('name', name), (module, args)]) for name, module, args in tasks]
    if ignore_errors:
        for entry in entries:
            entry['ignore_errors'] = True
    play = [{'name': 'Module benchmark', 'hosts': 'localhost', 'gather_facts': False, 'tasks': entries}]
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(play, handle, indent=1)
    return path


def local_inventory(ctx):
    path = os.path.join(ctx.work, 'localhost.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'hosts': {'localhost': {'ansible_connection': 'local', 'ansible_python_interpreter': benchlib.PYTHON}}}},
                  handle)
    return path


def stdlib_names():
    names = set(getattr(sys, 'stdlib_module_names', ()))
    names.update(('encodings', 'site', 'sitecustomize', '_distutils_hack', 'zipimport', 'importlib'))
    return names


def import_categories(stderr_text, baseline):
    """Sum each import's own time (-X importtime, microseconds) by kind; imports of a bare interpreter are left out."""
    stdlib = stdlib_names()
    totals = {'ansible': 0.0, 'collection': 0.0, 'third-party': 0.0, 'stdlib': 0.0}
    third = {}
    for line in stderr_text.splitlines():
        if not line.startswith('import time:') or 'self [us]' in line:
            continue
        parts = line[len('import time:'):].split('|')
        if len(parts) != 3:
            continue
        self_us, name = parts[0], parts[2]
        name = name.strip()
        if name in baseline:
            continue
        seconds = int(self_us.strip()) / 1e6
        root = name.split('.')[0]
        if root == 'ansible':
            kind = 'ansible'
        elif root == 'ansible_collections':
            kind = 'collection'
        elif root in stdlib or root.startswith('_'):
            kind = 'stdlib'
        else:
            kind = 'third-party'
            third[root] = third.get(root, 0.0) + seconds
        totals[kind] += seconds
    return totals, dict(sorted(third.items(), key=lambda kv: -kv[1])[:8])


def bench_module(ctx):
    emu, ans = ctx.emu, ctx.ans
    emu.reset()
    emu.seed(MODULE_SEED)
    emu.faults(seed=7, **LATENCY)
    inventory = local_inventory(ctx)
    reps = ctx.args.module_reps
    cases = module_cases(ctx)
    result = {'reps': reps, 'cases': {}}
    # Interpreter start, and the imports a bare interpreter makes (not charged to the modules).
    starts = []
    for _attempt in range(10):
        began = time.perf_counter()
        subprocess.run([benchlib.PYTHON, '-c', 'pass'], check=True)
        starts.append(time.perf_counter() - began)
    bare = subprocess.run([benchlib.PYTHON, '-X', 'importtime', '-c', 'pass'], check=True, stderr=subprocess.PIPE,
                          universal_newlines=True).stderr
    baseline = set(line.split('|')[2].strip() for line in bare.splitlines() if line.startswith('import time:') and 'self [us]' not in line)
    result['interpreter_start'] = round(median(starts), 4)
    # 1. Controller-observed task time: each module reps times in a row, after one warm-up task.
    for name, module, args in cases:
        tasks = [('%s warm-up' % name, module, args)] + [('%s %d' % (name, i + 1), module, args) for i in range(reps)]
        playbook = write_local_playbook(os.path.join(ctx.work, 'module-%s.json' % name.split()[0]), tasks)
        emu.reset_calls()
        run = ans.run('module-%s' % name.replace(' ', '_').replace('(', '').replace(')', ''), playbook, inventory, forks=1)
        calls = emu.calls()
        durations = [t['end'] - t['start'] for t in run.timer.get('tasks', []) if t.get('start') and 'warm-up' not in t['task']]
        result['cases'][name] = {'module': module, 'task_median': round(median(durations), 4), 'task_min': round(min(durations or [0]), 4),
                                 'rc': run.rc, 'calls_per_invocation': round((calls['reads'] + calls['writes']) / (reps + 1), 2),
                                 'writes': calls['writes'], 'by_action': calls['by_action']}
        log('module %s: task median %.3fs rc=%d calls/invocation %.2f'
            % (name, median(durations), run.rc, result['cases'][name]['calls_per_invocation']))
    ping = result['cases']['ping']['task_median']
    for case in result['cases'].values():
        case['ratio'] = round(case['task_median'] / ping, 2) if ping else None
    # 2. Where the time goes: run the kept AnsiballZ payloads ourselves, with -X importtime and timed sockets and sleeps.
    keep = os.path.join(ctx.work, 'ansible-tmp', 'keep')
    benchlib.cleanup_dir(keep)
    playbook = write_local_playbook(os.path.join(ctx.work, 'module-keep.json'), cases)
    run = ans.run('module-keep', playbook, inventory, forks=1,
                  env={'ANSIBLE_KEEP_REMOTE_FILES': '1', 'ANSIBLE_REMOTE_TEMP': keep})
    payloads = sorted(glob.glob(os.path.join(keep, 'ansible-tmp-*', 'AnsiballZ_*.py')), key=os.path.getmtime)
    if len(payloads) != len(cases):
        log('expected %d kept payloads, found %d (rc %d)' % (len(cases), len(payloads), run.rc))
    env = ans.env()
    for (name, _module, _args), payload in zip(cases, payloads):
        walls, cpus, networks, sleeps, ops, imports, third = [], [], [], [], [], [], {}
        emu.reset_calls()
        for rep in range(ctx.args.profile_reps * 2):
            out = os.path.join(ctx.work, 'profile.json')
            argv = [benchlib.PYTHON] + (['-X', 'importtime'] if rep % 2 else []) + [os.path.join(benchlib.HERE, 'module_profile.py'), payload]
            began = time.perf_counter()
            cpu0 = cpu_seconds()
            proc = subprocess.run(argv, env=dict(env, BENCH_PROFILE_OUT=out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True, check=False, cwd=ctx.work)
            wall = time.perf_counter() - began
            cpu = cpu_seconds() - cpu0
            with open(out, 'r', encoding='utf-8') as handle:
                prof = json.load(handle)
            if rep % 2:
                totals, roots = import_categories(proc.stderr, baseline)
                imports.append(totals)
                for root, seconds in roots.items():
                    third.setdefault(root, []).append(seconds)
            else:
                walls.append(wall)
                cpus.append(cpu)
                networks.append(prof['network'])
                sleeps.append(prof['sleep'])
                ops.append(prof['socket_ops'])
        calls = emu.calls()
        process = median(walls)
        imp = dict((k, round(median(i[k] for i in imports), 4)) for k in ('ansible', 'collection', 'third-party', 'stdlib'))
        network, sleep = median(networks), median(sleeps)
        other = process - result['interpreter_start'] - sum(imp.values()) - network - sleep
        case = result['cases'][name]
        case['breakdown'] = {
            'process': round(process, 4), 'process_cpu': round(median(cpus), 4), 'interpreter': result['interpreter_start'],
            'imports': imp,
            'third_party_top': dict((r, round(median(v), 4)) for r, v in sorted(third.items(), key=lambda kv: -median(kv[1]))[:6]),
            'network': round(network, 4), 'sleep': round(sleep, 4), 'other': round(other, 4),
            'controller': round(case['task_median'] - process, 4),
            'api_calls': round((calls['reads'] + calls['writes']) / (ctx.args.profile_reps * 2), 2),
        }
        log('module %s: process %.3fs = start %.3f + imports %s + network %.3f + sleep %.3f + other %.3f; controller %.3f' % (
            name, process, result['interpreter_start'], imp, network, sleep, other, case['breakdown']['controller']))
    benchlib.cleanup_dir(keep)   # the kept payloads embed the module arguments
    return result


# ---------------------------------------------------------------------------------------------------------- wait
UNBOUND_CONF = '''server:
  interface: 127.0.0.1
  port: {port}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{dir}"
  pidfile: "{dir}/unbound.pid"
  logfile: "{dir}/unbound.log"
  use-syslog: no
  verbosity: 1
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  qname-minimisation: no
  prefetch: no
  serve-expired: no
{stubs}
'''


def free_port():
    import socket  # pylint: disable=import-outside-toplevel
    for _attempt in range(50):
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(('127.0.0.1', port))
            return port
        except OSError:
            continue
        finally:
            udp.close()
    raise RuntimeError('no free port')


def start_unbound(ctx):
    if not ctx.args.unbound_port:
        ctx.args.unbound_port = free_port()
    directory = os.path.join(ctx.work, 'unbound')
    benchlib.cleanup_dir(directory)
    os.makedirs(directory)
    stubs = ''.join('stub-zone:\n  name: "%s"\n  stub-addr: 127.0.0.1@%d\n' % (z, ctx.emu.dns_port)
                    for z in ('example.org', 'example.com', 'example.net', 'aliyuncs.com'))
    conf = os.path.join(directory, 'unbound.conf')
    with open(conf, 'w', encoding='utf-8') as handle:
        handle.write(UNBOUND_CONF.format(port=ctx.args.unbound_port, dir=directory, stubs=stubs))
    proc = subprocess.Popen(['unbound', '-d', '-c', conf], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                            start_new_session=True)
    ctx.unbound = proc
    deadline = time.time() + 10
    while time.time() < deadline:
        if resolve('example.org', 'SOA', ctx.args.unbound_port, recurse=True) is not None:
            return proc
        time.sleep(0.1)
    raise RuntimeError('unbound did not answer on port %d; see %s' % (ctx.args.unbound_port, directory))


def stop_unbound(ctx):
    if ctx.unbound is not None and ctx.unbound.poll() is None:
        ctx.unbound.send_signal(signal.SIGTERM)
        try:
            ctx.unbound.wait(10)
        except subprocess.TimeoutExpired:
            ctx.unbound.kill()
    ctx.unbound = None


def resolve(name, rtype, port, recurse=False):
    """Values of name/rtype from 127.0.0.1:port ([] for NXDOMAIN/NODATA), None on no answer."""
    import dns.exception  # pylint: disable=import-outside-toplevel
    import dns.flags  # pylint: disable=import-outside-toplevel
    import dns.message  # pylint: disable=import-outside-toplevel
    import dns.query  # pylint: disable=import-outside-toplevel
    import dns.rdatatype  # pylint: disable=import-outside-toplevel
    query = dns.message.make_query(name, rtype)
    if not recurse:
        query.flags &= ~dns.flags.RD
    try:
        response = dns.query.udp(query, '127.0.0.1', port=port, timeout=2)
    except (dns.exception.DNSException, OSError):
        return None
    wanted = dns.rdatatype.from_text(rtype)
    return [r.to_text().rstrip('.').lower() for rrset in response.answer if rrset.rdtype == wanted for r in rrset]


def wait_trials(ctx, label, count, resolver_port, delay_range, precache_port=None):
    """count wait_for_dns tasks in one playbook; each record is published delay seconds after its waiter's first round."""
    emu, ans = ctx.emu, ctx.ans
    target = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    stamp = '%x' % int(time.time())
    names = ['w%02d-%s-%s.example.org' % (i + 1, label, stamp) for i in range(count)]
    progress = [os.path.join(ctx.work, 'wait-%s-%02d.progress' % (label, i + 1)) for i in range(count)]
    for path in progress:
        if os.path.exists(path):
            os.unlink(path)
    if precache_port:
        for name in names:
            resolve(name, 'CNAME', precache_port, recurse=True)
    tasks = [('wait %d' % (i + 1), 'alicloud_oss.domains.wait_for_dns',
              {'records': [{'name': name, 'type': 'CNAME', 'value': target}], 'timeout': 60,
               'resolvers': ['127.0.0.1:%d' % resolver_port], 'port': emu.dns_port, 'progress_file': progress[i]})
             for i, name in enumerate(names)]
    playbook = write_local_playbook(os.path.join(ctx.work, 'wait-%s.json' % label), tasks, ignore_errors=True)
    handle = ans.start('wait-%s' % label, playbook, local_inventory(ctx), forks=1)
    rng = random.Random(count)
    appeared = []
    for i, name in enumerate(names):
        deadline = time.time() + 60
        while time.time() < deadline and not (os.path.exists(progress[i]) and os.path.getsize(progress[i]) > 0):
            if handle['proc'].poll() is not None:
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(*delay_range))
        emu.external_add(name, 'CNAME', target + '.', ttl=60)
        appeared.append(time.time())
    run = ans.finish(handle, timeout=600)
    ends = dict((t['task'], t['end']) for t in run.timer.get('tasks', []) if t['status'] == 'ok')
    latencies = [round(ends['wait %d' % (i + 1)] - appeared[i], 3) for i in range(count) if 'wait %d' % (i + 1) in ends]
    log('wait %s: %d/%d returned, median %.3fs max %.3fs (rc %d)'
        % (label, len(latencies), count, median(latencies), max(latencies or [0]), run.rc))
    return {'latencies': latencies, 'failed': count - len(latencies), 'delay_range': list(delay_range), 'rc': run.rc}


def naive_trials(ctx, count, poll=0.2, limit=120):
    """Poll a caching resolver that has cached the negative answer until the record shows up (no waiter)."""
    emu = ctx.emu
    target = 'demo-assets.oss-cn-hangzhou.aliyuncs.com'
    stamp = '%x' % int(time.time())
    names = ['n%02d-%s.example.org' % (i + 1, stamp) for i in range(count)]
    rng = random.Random(count + 1)
    appeared, seen = {}, {}
    pending = list(names)
    for name in names:
        resolve(name, 'CNAME', ctx.args.unbound_port, recurse=True)
    begin = time.time()
    publish_at = dict((name, begin + rng.uniform(0.5, 5.0)) for name in names)
    while pending and time.time() - begin < limit:
        now = time.time()
        for name in list(pending):
            if name not in appeared and now >= publish_at[name]:
                emu.external_add(name, 'CNAME', target + '.', ttl=60)
                appeared[name] = time.time()
            if name in appeared and resolve(name, 'CNAME', ctx.args.unbound_port, recurse=True) == [target]:
                seen[name] = time.time()
                pending.remove(name)
        time.sleep(poll)
    latencies = [round(seen[n] - appeared[n], 3) for n in names if n in seen]
    log('naive polling through unbound: %d/%d seen, median %.1fs' % (len(latencies), count, median(latencies)))
    return {'latencies': latencies, 'not_seen': count - len(latencies), 'poll': poll, 'limit': limit}


def bench_wait(ctx):
    emu = ctx.emu
    emu.reset()
    emu.clear_faults()
    count = ctx.args.wait_trials
    start_unbound(ctx)
    try:
        result = {'trials': count,
                  'authoritative': wait_trials(ctx, 'auth', count, emu.dns_port, (0.5, 5.0)),
                  'via_unbound': wait_trials(ctx, 'unbound', count, ctx.args.unbound_port, (0.5, 5.0),
                                             precache_port=ctx.args.unbound_port),
                  'naive_unbound': naive_trials(ctx, count)}
        if ctx.args.late_trials:
            result['late'] = wait_trials(ctx, 'late', ctx.args.late_trials, emu.dns_port, (20.0, 30.0))
        result['negative_ttl'] = 60
        return result
    finally:
        stop_unbound(ctx)


# ---------------------------------------------------------------------------------------------------------- throttle
def throttled_converge(ctx, cap, label, prefix):
    count = ctx.args.throttle_size
    playbook = fleet_playbook(ctx)
    plan, inventory = prepare_fleet(ctx, count, prefix=prefix)
    throttle = {'writes': cap}      # one limit shared by every write action
    how = 'all writes together'
    ctx.emu.faults(throttle_rps=throttle)
    _run, entry = measured_run(ctx, '%s%d' % (label, count), playbook, inventory, ctx.args.forks, sample=True,
                               timeout=max(900, count * 20))
    entry['problems'] = benchlib.check_fleet(ctx.emu, plan)[:20]
    timeline = entry['timeline']
    accepted = 2 * count   # a fresh converge: one PutCname and one AddDomainRecord per domain succeed
    write_times = [t for t, _r, w, _a in timeline if w > 0]
    first = next((t for t, _r, w, _a in timeline if w > 0), None)
    last = next((t for t, _r, w, _a in reversed(timeline) if w < timeline[-1][2]), None) if timeline else None
    span = (timeline[-1][0] if last is None else last) - first if first is not None else None
    peak = 0.0
    for i, (t, _r, w, _a) in enumerate(timeline):
        for t2, _r2, w2, _a2 in timeline[i + 1:]:
            if t2 - t >= 2.0:
                peak = max(peak, (w2 - w) / (t2 - t))
                break
    entry.update({'domains': count, 'forks': ctx.args.forks, 'cap': cap, 'cap_applies_to': how, 'throttle': throttle, 'accepted_writes': accepted,
                  'attempted_writes': entry['calls']['writes'], 'rejected_writes': entry['calls']['writes'] - accepted,
                  'write_span': round(span, 2) if span else None,
                  'achieved_rate': round(accepted / span, 2) if span else None, 'peak_attempt_rate_2s': round(peak, 2),
                  'write_samples': len(write_times)})
    log('%s: %d failed hosts, %d accepted / %d attempted writes over %.1fs = %.2f/s (cap %d, %s)' % (
        label, entry['failed_hosts'], accepted, entry['attempted_writes'], span or 0, entry['achieved_rate'] or 0, cap, how))
    ctx.emu.clear_faults()
    return entry


def write_phases(timeline, gap=1.0):
    """[(start, end, attempts)] of the stretches of a GET /_emulator/calls timeline during which write attempts kept
    coming: a stretch ends when no new write was counted for `gap` seconds (the pause while the next step starts)."""
    phases = []
    previous = None
    for t, _r, w, _a in timeline:
        if previous is not None and w > previous[1]:
            if phases and t - phases[-1][1] <= gap + 1e-9:
                phases[-1] = (phases[-1][0], t, phases[-1][2] + w - previous[1])
            else:
                phases.append((previous[0], t, w - previous[1]))
        previous = (t, w)
    return phases


# The write actions of each API (the throttle section caps each API on its own, as Alibaba Cloud throttles each product).
API_WRITE_ACTIONS = {'oss': ('PutCname', 'DeleteCname', 'CreateCnameToken'),
                     'alidns': ('AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord', 'SetDomainRecordStatus')}


def api_timeline(timeline, api):
    """The timeline with the write attempts of one API only in its third field."""
    actions = API_WRITE_ACTIONS[api]
    return [(t, r, sum(n for a, n in per.items() if a in actions), per) for t, r, _w, per in timeline]


def throttle_figures(entry, count, cap):
    """Accepted writes, attempts per accepted write and the rates of a fresh converge made under a write cap: for all
    writes, and for each API (`apis`), whose writes the cap limits on its own."""
    timeline = entry['timeline']
    accepted = 2 * count   # a fresh converge: one PutCname and one AddDomainRecord per domain succeed (end state checked)
    attempts = entry['calls']['writes']
    entry['apis'] = {}
    for api, actions in sorted(API_WRITE_ACTIONS.items()):
        own = api_timeline(timeline, api)
        tried = sum(e['writes'] for a, e in entry['calls']['by_action'].items() if a in actions)
        stretches = write_phases(own)
        writing = sum(end - start for start, end, _n in stretches)
        entry['apis'][api] = {'accepted_writes': count, 'attempted_writes': tried, 'attempts_per_accepted': round(tried / float(count), 3),
                              'phases': [[round(a, 2), round(b, 2), n] for a, b, n in stretches], 'write_busy': round(writing, 2),
                              'sustained_rate': round(count / writing, 2) if writing else None}
    phases = write_phases(timeline)
    busy = sum(end - start for start, end, _n in phases)
    first = next((t for t, _r, w, _a in timeline if w > 0), None)
    last = next((t for t, _r, w, _a in reversed(timeline) if w < timeline[-1][2]), None) if timeline else None
    span = ((timeline[-1][0] if last is None else last) - first) if first is not None else None
    peak = 0.0
    for i, (t, _r, w, _a) in enumerate(timeline):
        for t2, _r2, w2, _a2 in timeline[i + 1:]:
            if t2 - t >= 2.0:
                peak = max(peak, (w2 - w) / (t2 - t))
                break
    entry.update({
        'domains': count, 'cap': cap, 'accepted_writes': accepted, 'attempted_writes': attempts,
        'rejected_writes': attempts - accepted, 'attempts_per_accepted': round(attempts / float(accepted), 3),
        'write_span': round(span, 2) if span else None, 'achieved_rate': round(accepted / span, 2) if span else None,
        'phases': [[round(a, 2), round(b, 2), n] for a, b, n in phases], 'write_busy': round(busy, 2),
        'sustained_rate': round(accepted / busy, 2) if busy else None, 'peak_attempt_rate_2s': round(peak, 2),
    })
    return entry


def bench_throttle(ctx):
    """Fresh converges of --throttle-size domains, list mode and per-host mode, while the emulator caps the writes of
    each API (OSS, Alidns) at --throttle-cap per second, with the collection's api_write_rate at --throttle-write-rate."""
    args = ctx.args
    count, cap, rate = args.throttle_size, args.throttle_cap, args.throttle_write_rate
    result = {'domains': count, 'cap': cap, 'write_rate': rate, 'forks': args.forks, 'cap_applies_to': 'each API on its own',
              'per_zone': args.per_zone, 'per_bucket': args.per_bucket, 'runs': {}}
    for mode in args.throttle_modes:
        plan = fleets_plan(ctx, count, 't')
        reset_fleet(ctx, plan)
        # One limit shared by the write actions of each API: Alibaba Cloud throttles OSS and Alidns each on its own, and
        # the list mode writes to both at once (the bind step publishes each domain's records as soon as it is bound).
        ctx.emu.faults(throttle_rps={'writes:oss': cap, 'writes:alidns': cap})
        extra = {'custom_domain_api_write_rate': rate} if rate else {}
        entry = fleets_run(ctx, 'throttle-%s-%d' % (mode, count), mode, plan, True, extra_vars=extra, interval=0.1)
        throttle_figures(entry, count, cap)
        result['runs'][mode] = entry
        log('throttle %s: %d failed hosts, %d accepted / %d attempted writes (%.2f per accepted), %s (cap %d per API, '
            'api_write_rate %s), problems %d' % (
                mode, entry['failed_hosts'], entry['accepted_writes'], entry['attempted_writes'], entry['attempts_per_accepted'],
                '; '.join('%s sustained %.2f/s over %.1fs of writing, %.3f attempts per accepted' % (
                    api, fig['sustained_rate'] or 0, fig['write_busy'], fig['attempts_per_accepted']) for api, fig in sorted(entry['apis'].items())),
                cap, rate, len(entry['problems'])))
        import render  # pylint: disable=import-outside-toplevel
        log('throttle %s: refusals by action and answer: %s' % (mode, render.refusals_text(entry['calls'].get('refusals')) or 'none'))
        ctx.emu.clear_faults()
    return result


def bench_throttle_binding(ctx):
    """The same converge with a cap below the write rate this controller reaches uncapped, so that the cap binds and
    the achieved rate measures the retry policy rather than the controller."""
    return throttled_converge(ctx, ctx.args.binding_cap, 'throttle-binding', 'b')


# ---------------------------------------------------------------------------------------------------------- main
SECTIONS = {'fleets': bench_fleets, 'fleet': bench_fleet, 'module': bench_module, 'wait': bench_wait, 'throttle': bench_throttle,
            'throttle-binding': bench_throttle_binding}
# make bench: the sections of issue 13 and the module and wait measurements. The earlier per-host sections (fleet: 10/50/200
# domains against a floor of as many pings per host as the role has tasks; throttle-binding: a 2/s cap without
# api_write_rate) still run with --only.
DEFAULT_SECTIONS = 'fleets,throttle,module,wait'
# The cap of the throttled runs is 10 writes/s over a sliding second, counted by the emulator when a call arrives,
# after its 20-40 ms of injected latency: calls spaced 1/9.7 s apart by the collection's limiter put 11 calls in
# 1.03 s, which the latency's 20 ms of jitter cannot squeeze into one second, and reach 97% of the cap.
THROTTLE_WRITE_RATE = 9.7


def machine():
    versions = subprocess.run([os.path.join(benchlib.BIN, 'ansible-playbook'), '--version'], stdout=subprocess.PIPE,
                              universal_newlines=True, check=False).stdout.splitlines()
    rev = benchlib.source_revision()
    return {'cpus': os.cpu_count(), 'python': platform.python_version(), 'ansible': versions[0] if versions else '?',
            'platform': platform.platform(), 'git': rev, 'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--only', default=DEFAULT_SECTIONS, help='comma-separated sections (default %s; also fleet, '
                        'throttle-binding)' % DEFAULT_SECTIONS)
    parser.add_argument('--collection-path', help='measure this copy of the collection (.../ansible_collections/alicloud_oss/domains '
                        'as .ci/make-tree.sh writes it, or a tree root holding one) instead of copying the repository; its '
                        'tests/emulator is the emulator used')
    parser.add_argument('--fleet-sizes', default='200,1000', help='fleets: numbers of domains (default 200,1000)')
    parser.add_argument('--modes', default='list,per-host', help='fleets: list, per-host or both (default)')
    parser.add_argument('--baseline', default='1abeee7', help='fleets: the commit whose role per-host mode is compared with '
                        '(default 1abeee7; empty: no baseline runs)')
    parser.add_argument('--baseline-reps', type=int, default=2, help='fleets: first converges of the baseline, each after one of '
                        'ours (default 2: ours, baseline, ours, baseline)')
    parser.add_argument('--baseline-size', type=int, default=200, help='fleets: the fleet size compared with the baseline')
    parser.add_argument('--floor-hosts', type=int, default=200, help='fleets: hosts of the floor playbook (default 200)')
    parser.add_argument('--floor-forks', type=int, default=20)
    parser.add_argument('--per-zone', type=int, default=20, help='fleets, throttle: domains per Alidns zone (default 20)')
    parser.add_argument('--per-bucket', type=int, default=benchlib.DOMAINS_PER_BUCKET, help='fleets, throttle: domains per bucket')
    parser.add_argument('--sizes', default='10,50,200', help='fleet: sizes (default 10,50,200)')
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--no-floor', action='store_true', help='fleet: skip the floor runs (for before/after comparisons)')
    parser.add_argument('--work-dir', default=os.path.join(benchlib.REPO, '.bench'))
    parser.add_argument('--port', type=int, default=0, help='HTTP port of our emulator copy (default: any free port)')
    parser.add_argument('--dns-port', type=int, default=0, help='DNS port of its BIND (default: any free port)')
    parser.add_argument('--unbound-port', type=int, default=0, help='port of the caching resolver (default: any free port)')
    parser.add_argument('--module-reps', type=int, default=10)
    parser.add_argument('--profile-reps', type=int, default=5)
    parser.add_argument('--wait-trials', type=int, default=20)
    parser.add_argument('--late-trials', type=int, default=5, help='extra trials where the record appears 20-30 s late')
    parser.add_argument('--throttle-size', type=int, default=200)
    parser.add_argument('--throttle-cap', type=int, default=10)
    parser.add_argument('--throttle-write-rate', type=float, default=THROTTLE_WRITE_RATE,
                        help='throttle: api_write_rate of the collection (default %s; 0: the collection\'s default)' % THROTTLE_WRITE_RATE)
    parser.add_argument('--throttle-modes', default='list,per-host', help='throttle: list, per-host or both (default)')
    parser.add_argument('--binding-cap', type=int, default=2,
                        help='throttle-binding: writes per second, below the uncapped write rate of the controller')
    parser.add_argument('--patch', action='append', default=[],
                        help='apply this patch (paths relative to the collection root) to the copied tree first: before/after '
                             'measurements of a proposed change')
    parser.add_argument('--docs', default=DOCS, help='where benchmarks.md and the plots go')
    parser.add_argument('--no-docs', action='store_true')
    parser.add_argument('--render-only', action='store_true')
    parser.add_argument('--results', help='results file (default <work-dir>/results.json)')
    parser.add_argument('--command', default=None, help='the command shown under the figures (default: how this ran)')
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(',') if s.strip()]
    args.sizes = [int(s) for s in args.sizes.split(',') if s.strip()]
    args.fleet_sizes = [int(s) for s in args.fleet_sizes.split(',') if s.strip()]
    args.modes = [s.strip() for s in args.modes.split(',') if s.strip()]
    args.throttle_modes = [s.strip() for s in args.throttle_modes.split(',') if s.strip()]
    for modes in (args.modes, args.throttle_modes):
        if set(modes) - set(('list', 'per-host')):
            parser.error('modes are list and per-host')
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error('unknown sections: %s' % ', '.join(sorted(unknown)))
    return args


def main(argv=None):
    args = parse_args(argv)
    ctx = Context(args)
    os.makedirs(ctx.work, exist_ok=True)
    results_path = args.results or os.path.join(ctx.work, 'results.json')
    results = {}
    if os.path.exists(results_path):
        with open(results_path, 'r', encoding='utf-8') as handle:
            results = json.load(handle)
    if not args.render_only:
        if shutil.which('unbound') is None and 'wait' in args.only:
            log('unbound is not installed: the caching-resolver half of the wait section is skipped')
        tree = benchlib.make_tree(ctx.work, args.collection_path)
        ctl = os.path.join(benchlib.collection_dir(tree), 'tests', 'emulator', 'emulatorctl.py')
        ctx.emu = benchlib.Emulator(os.path.join(ctx.work, 'emulator'), args.port, args.dns_port,
                                    ctl=ctl if os.path.exists(ctl) else benchlib.EMULATORCTL).start(fresh=True)
        try:
            for patch in args.patch:
                benchlib.apply_patch(tree, patch)
            ctx.ans = benchlib.Ansible(ctx.work, tree, ctx.emu)
            ctx.shim = benchlib.write_counting_python(ctx.work)
            if 'fleets' in args.only and args.baseline:
                ctx.base = benchlib.Ansible(ctx.work, benchlib.baseline_tree(ctx.work, args.baseline), ctx.emu)
            # Sections measured by an earlier run keep the commit they were measured at.
            for name in SECTIONS:
                if name in results and 'commit' not in results[name]:
                    results[name]['commit'] = results.get('machine', {}).get('git', '?')
            results['machine'] = machine()
            results['machine']['patches'] = [os.path.basename(p) for p in args.patch]
            command = args.command or ' '.join(['.venv/bin/python tests/bench/run_bench.py'] + (argv if argv is not None else sys.argv[1:]))
            for section in args.only:
                log('== %s' % section)
                began = time.time()
                load = os.getloadavg()[0]
                results[section] = SECTIONS[section](ctx)
                results[section]['load'] = [round(load, 2), round(os.getloadavg()[0], 2)]
                results[section]['command'] = command
                results[section]['measured'] = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
                results[section]['duration'] = round(time.time() - began, 1)
                results[section]['commit'] = results['machine']['git']
                with open(results_path, 'w', encoding='utf-8') as handle:
                    json.dump(results, handle, indent=1)
        finally:
            stop_unbound(ctx)
            ctx.emu.stop()
    if not args.no_docs:
        import render  # pylint: disable=import-outside-toplevel
        render.render(results, args.docs)
        log('wrote %s' % os.path.join(args.docs, 'benchmarks.md'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
