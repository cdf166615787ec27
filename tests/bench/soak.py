# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The reliability suite of alicloud_oss.domains (make soak-short runs the short version, make soak the full one).

    .venv/bin/python tests/bench/soak.py [--full] [--only faults,kill,...,list-faults,...] [--work-dir .bench/soak]
                                         [--port P --dns-port D] [--write-docs] [--collection-path DIR]

Every scenario runs the role through playbooks/fleet.yml against our own emulator copy and asserts the end state from
the emulator's state and from BIND's answers: each domain bound once to its bucket, exactly one CNAME record pointing
at the bucket, no duplicate, orphan or leftover _dnsauth record. The scenarios below run in per-host mode (each domain
an inventory host); each has a list-mode twin (list-faults, list-kill, ...: one host, custom_domain_domains, the
domains spread over several zones) with the same faults.
  faults      a fleet under 20% injected transient faults (5xx, throttling, connections dropped before / after writes)
  kill        ansible-playbook killed with SIGKILL in the middle of a fleet run, then run again
  restart     the emulator (and its BIND) restarted in the middle of a fleet run
  concurrent  two runs binding the same domains at the same time
  bad-inputs  a catalogue of bad inputs to the modules and the role: each fails naming the field, zero writes
  secrecy     the role and the modules at -vvvv with distinctive secrets; every output and log searched for them
  list-bad-inputs also checks one bad item among good ones (the good ones converge, the bad one is named by index);
  list-secrecy puts a private key in a list item, in the role and in the modules' `domains`.
Each assertion prints PASS or FAIL; the last line is "N passed, M failed" and the exit status is 1 if any failed.
--full (make soak) uses 200 domains for the fault run, more for the others, and writes docs/reliability.md's results.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import argparse
import json
import os
import sys
import time

import benchlib
from benchlib import log

SIZES = {
    'short': {'faults': 8, 'kill': 6, 'restart': 6, 'concurrent': 4,
              'list-faults': 12, 'list-kill': 12, 'list-restart': 12, 'list-concurrent': 6},
    'full': {'faults': 200, 'kill': 50, 'restart': 50, 'concurrent': 50,
             'list-faults': 200, 'list-kill': 200, 'list-restart': 200, 'list-concurrent': 100},
}
# List mode spreads its fleets over zones of this many domains (seeded), so that one run writes to several zones.
LIST_PER_ZONE = {'short': 6, 'full': 50}
# The short suite (make test) runs these list cases only, one per code path; the full suite runs the whole catalogue.
# (the checks the bind step makes on each item run in one list of bad items, in both suites).
SHORT_LIST_CASES = ('L01', 'L07', 'L17', 'L18', 'M01', 'M05')
FORKS = {'short': 10, 'full': 20}
LATENCY = {'latency_ms': 20, 'jitter_ms': 20}
# 20% of the calls meet a transient fault: reads get 5xx (ServiceUnavailable / InternalError) 20% of the time; writes
# get 5xx 12% of the time and lose their connection before (4%) or after (4%) the write. On top, the busiest actions are
# throttled per second and Alidns answers LastOperationNotFinished to 10% of writes racing another write in the zone.
WRITES = ('PutCname', 'DeleteCname', 'CreateCnameToken', 'AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord')
FAULTS = {
    'error_rate': dict([('*', 0.2)] + [(a, 0.12) for a in WRITES]),
    'drop_before_write': 0.04, 'drop_after_write': 0.04, 'last_operation_not_finished': 0.1,
    'throttle_rps': {'ListCname': 8, 'DescribeSubDomainRecords': 8, 'PutCname': 4, 'AddDomainRecord': 4},
}


class Suite:
    def __init__(self, args):
        self.args = args
        self.mode = 'full' if args.full else 'short'
        self.work = os.path.abspath(args.work_dir)
        self.results = []
        self.details = {}
        self.emu = None
        self.ans = None
        self.playbook = None

    # ------------------------------------------------------------------------------------------------ bookkeeping
    def check(self, scenario, what, ok, detail='', note=''):
        """Record one assertion; print PASS (with `note`) or FAIL (with `detail`)."""
        self.results.append({'scenario': scenario, 'check': what, 'ok': bool(ok), 'detail': '' if ok else str(detail)[:2000]})
        line = '%s  %-10s %s' % ('PASS' if ok else 'FAIL', scenario, what)
        if ok and note:
            line += '  (%s)' % note
        elif detail and not ok:
            line += '\n        ' + '\n        '.join(str(detail).splitlines()[:12])
        sys.stdout.write(line + '\n')
        sys.stdout.flush()
        return ok

    def fleet(self, count, prefix, latency=True, mode='per-host'):
        """A fresh fleet: (plan, how) where how is {'inventory', 'args'} of the runs of playbooks/fleet.yml. Per-host:
        an inventory host per domain, all in example.com. List mode: localhost with custom_domain_domains (a vars file),
        the domains spread over seeded zones."""
        self.emu.reset()
        if mode == 'list':
            plan = benchlib.fleet_plan(count, prefix=prefix, per_zone=LIST_PER_ZONE[self.mode], zone_format=prefix + '%02d-soak.com')
            benchlib.seed_plan(self.emu, plan)
        else:
            plan = benchlib.fleet_plan(count, prefix=prefix)
            benchlib.seed_buckets(self.emu, plan)
        if latency:
            self.emu.faults(seed=count, **LATENCY)
        if mode == 'list':
            inventory = benchlib.write_local_inventory(os.path.join(self.work, 'localhost-list.json'))
            varsfile = benchlib.write_list_vars(os.path.join(self.work, 'vars-%s.json' % prefix), plan, self.emu)
            return plan, {'inventory': inventory, 'args': ['-e', '@' + varsfile]}
        inventory = benchlib.write_inventory(os.path.join(self.work, 'inventory-%s.yml' % prefix), plan, self.emu)
        return plan, {'inventory': inventory, 'args': []}

    def start(self, name, how):
        return self.ans.start(name, self.playbook, how['inventory'], forks=FORKS[self.mode], args=how['args'])

    def run_fleet(self, name, how, count):
        return self.ans.run(name, self.playbook, how['inventory'], forks=FORKS[self.mode], args=how['args'],
                            timeout=max(900, count * 30))

    def converged(self, scenario, plan, what='end state'):
        problems = benchlib.check_fleet(self.emu, plan)
        return self.check(scenario, '%s: %d domains bound once, one CNAME each, no duplicate/orphan/leftover (state and DNS)'
                          % (what, len(plan)), not problems, '\n'.join(problems[:12]))

    def no_failed_hosts(self, scenario, run, what):
        failed = run.failed_hosts()
        detail = '; '.join('%s: %s: %s' % (f['host'], f['task'], (f.get('msg') or '')[:200]) for f in run.failures()[:4])
        ok = not failed and run.rc == 0 and len(run.hosts()) > 0
        hosts = [h for h in run.hosts() if h != 'localhost']
        counted = '%d domains' % len(hosts) if hosts else 'list mode, one host'
        return self.check(scenario, '%s: no failed host (%s, rc %d, %.0f s)' % (what, counted, run.rc, run.wall),
                          ok, detail or run.tail(15))

    def wait_for_writes(self, handle, writes, limit=600):
        """Block until the emulator counted `writes` writes (or the run ended); returns the count seen."""
        deadline = time.time() + limit
        seen = 0
        while time.time() < deadline and handle['proc'].poll() is None:
            seen = self.emu.calls()['writes']
            if seen >= writes:
                break
            time.sleep(0.1)
        return seen

    # ------------------------------------------------------------------------------------------------ scenarios
    def s_faults(self, mode='per-host'):
        scenario = 'faults' if mode == 'per-host' else 'list-faults'
        count = SIZES[self.mode][scenario]
        plan, how = self.fleet(count, 'sf' if mode == 'per-host' else 'lf', latency=False, mode=mode)
        self.emu.faults(seed=42, **FAULTS)
        self.emu.reset_calls()
        run = self.run_fleet(scenario, how, count)
        calls = self.emu.calls()
        self.emu.clear_faults()
        self.details[scenario.replace('-', '_')] = {'domains': count, 'wall': round(run.wall, 1), 'calls': calls['reads'] + calls['writes'],
                                                    'writes_attempted': calls['writes']}
        self.no_failed_hosts(scenario, run, '%d domains under 20%% transient faults' % count)
        self.converged(scenario, plan)

    def s_kill(self, mode='per-host'):
        scenario = 'kill' if mode == 'per-host' else 'list-kill'
        count = SIZES[self.mode][scenario]
        plan, how = self.fleet(count, 'sk' if mode == 'per-host' else 'lk', mode=mode)
        # Short: half the writes, i.e. after the burst of PutCname and before the AddDomainRecord burst, which a few tasks
        # separate; a point inside one burst (six writes within 0.1 s) can be passed before the kill lands.
        points = [0.5] if self.mode == 'short' else [0.25, 0.5, 0.75]
        if mode == 'list':
            # List mode writes in two bursts paced by the rate limiter (PutCname, then AddDomainRecord): kill inside them.
            points = [0.3] if self.mode == 'short' else [0.25, 0.5, 0.75]
        killed_at = []
        for point in points:
            self.emu.reset_calls()
            handle = self.start('%s-at-%d' % (scenario, int(point * 100)), how)
            # A fresh converge makes two writes per domain (PutCname, AddDomainRecord); earlier kills did part of them.
            remaining = 2 * count - sum(killed_at)
            seen = self.wait_for_writes(handle, max(1, int(remaining * point)))
            self.ans.kill(handle)
            run = self.ans.finish(handle)
            killed_at.append(seen)
            bound, records = self.progress_of(plan)
            self.check(scenario, 'SIGKILL in the middle of the run (after %d writes: %d of %d domains bound, %d CNAME records; rc %s)'
                       % (seen, bound, count, records, run.rc), run.killed and seen > 0 and (bound < count or records < count),
                       'the run ended before it could be killed mid-way')
        self.emu.reset_calls()
        rerun = self.run_fleet('%s-rerun' % scenario, how, count)
        self.no_failed_hosts(scenario, rerun, 're-run after the kill')
        self.converged(scenario, plan, 're-run after the kill')
        self.details[scenario.replace('-', '_')] = {'domains': count, 'writes_before_kills': killed_at, 'rerun_wall': round(rerun.wall, 1)}

    def progress_of(self, plan):
        """(domains bound, CNAME records of the plan) in the emulator's state."""
        state = self.emu.state()
        bound = sum(1 for e in plan if e['domain'] in state['buckets'][e['bucket']]['cnames'])
        wanted = set((e['zone'], e['rr']) for e in plan)
        records = sum(1 for zone in set(z for z, _rr in wanted) for r in state['zones'][zone]['records'].values()
                      if (zone, r['rr']) in wanted and r['type'] == 'CNAME')
        return bound, records

    def s_restart(self, mode='per-host'):
        scenario = 'restart' if mode == 'per-host' else 'list-restart'
        count = SIZES[self.mode][scenario]
        plan, how = self.fleet(count, 'sr' if mode == 'per-host' else 'lr', mode=mode)
        self.emu.reset_calls()
        handle = self.start(scenario, how)
        # Per-host: after half the writes. List mode: in the middle of the burst of PutCname calls.
        seen = self.wait_for_writes(handle, count if mode == 'per-host' else max(1, count // 2))
        began = time.time()
        self.emu.restart()
        down = time.time() - began
        self.emu.faults(seed=count, **LATENCY)
        still_running = handle['proc'].poll() is None
        run = self.ans.finish(handle, timeout=max(900, count * 30))
        self.check(scenario, 'emulator restarted in the middle of the run (after %d writes, down %.1f s)' % (seen, down),
                   still_running and seen > 0, 'the run ended before the restart')
        self.no_failed_hosts(scenario, run, 'run through the restart')
        self.converged(scenario, plan, 'after the restart')
        self.details[scenario.replace('-', '_')] = {'domains': count, 'writes_before_restart': seen, 'down': round(down, 1),
                                                    'wall': round(run.wall, 1)}

    def s_concurrent(self, mode='per-host'):
        scenario = 'concurrent' if mode == 'per-host' else 'list-concurrent'
        count = SIZES[self.mode][scenario]
        plan, how = self.fleet(count, 'sc' if mode == 'per-host' else 'lc', mode=mode)
        self.emu.reset_calls()
        first = self.start('%s-a' % scenario, how)
        second = self.start('%s-b' % scenario, how)
        runs = [self.ans.finish(first, timeout=max(900, count * 30)), self.ans.finish(second, timeout=max(900, count * 30))]
        calls = self.emu.calls()
        failed = sum(len(r.failed_hosts()) for r in runs)
        detail = '; '.join('%s %s: %s' % (r.name, f['host'], (f.get('msg') or '')[:160]) for r in runs for f in r.failures()[:2])
        self.check(scenario, 'two simultaneous runs of %d domains both finished (failed hosts: %d)' % (count, failed),
                   all(r.rc in (0, 2) and r.hosts() for r in runs), detail)
        self.converged(scenario, plan, 'after two simultaneous runs')
        self.details[scenario.replace('-', '_')] = {'domains': count, 'failed_hosts': failed, 'writes': calls['writes'],
                                                    'walls': [round(r.wall, 1) for r in runs], 'failures': detail[:600]}

    def s_list_faults(self):
        self.s_faults('list')

    def s_list_kill(self):
        self.s_kill('list')

    def s_list_restart(self):
        self.s_restart('list')

    def s_list_concurrent(self):
        self.s_concurrent('list')

    def s_bad_inputs(self):
        import soak_cases  # pylint: disable=import-outside-toplevel
        self.emu.reset()
        self.emu.clear_faults()
        cases = soak_cases.bad_inputs(self.emu, self.work)
        results, calls = self.catalogue('bad-inputs', cases)
        modules = set(c['target'] for c in cases)
        self.check('bad-inputs', 'the catalogue covers %d cases over %d modules and the role' % (len(cases), len(modules) - 1),
                   len(cases) >= 30 and 'role' in modules and len(modules) >= 7)
        vague = self.judge('bad-inputs', cases, results)
        self.zero_writes('bad-inputs', calls)
        self.details['bad_inputs'] = {'cases': len(cases), 'writes': calls['writes'], 'reads': calls['reads'],
                                      'messages': dict((k, (v.get('msg') or '')[:300]) for k, v in sorted(results.items())),
                                      'messages_naming_many_fields': vague}

    def s_list_bad_inputs(self):
        """The role's list mode and the modules' `domains` option: each case a list whose items are all bad (so that no
        write may happen), then one list that mixes good items with a bad one: the bad one fails alone, named by its index."""
        import soak_cases  # pylint: disable=import-outside-toplevel
        self.emu.reset()
        self.emu.clear_faults()
        cases = soak_cases.list_bad_inputs(self.emu, self.work)
        if self.mode == 'short':
            cases = [c for c in cases if c['id'] in SHORT_LIST_CASES]
        results, calls = self.catalogue('list-bad-inputs', cases)
        self.check('list-bad-inputs', 'the catalogue covers %d list cases (role and modules)' % len(cases),
                   len(cases) >= (6 if self.mode == 'short' else 25) and set(c['target'] for c in cases) >= set(['role', 'oss_bucket_cname']))
        self.judge('list-bad-inputs', cases, results)
        self.zero_writes('list-bad-inputs', calls)
        without_index = sorted(c['id'] for c in cases if c.get('index_field') and
                               c['index_field'].lower() not in (results.get(c['id'], {}).get('msg') or '').lower())
        if without_index:
            log('note: %d list cases fail with a message that names the variable but not the item (no [i]): %s'
                % (len(without_index), ', '.join(without_index)))
        self.details['list_bad_inputs'] = {'cases': len(cases), 'writes': calls['writes'], 'reads': calls['reads'],
                                           'messages': dict((k, (v.get('msg') or '')[:300]) for k, v in sorted(results.items())),
                                           'messages_without_the_index': without_index}
        # One list, every item bad in its own way: each fails alone, named by its index; nothing is written.
        items, expected = soak_cases.many_bad_items(self.work)
        how = {'inventory': benchlib.write_local_inventory(os.path.join(self.work, 'localhost-list.json')),
               'args': ['-e', '@' + benchlib.write_list_vars(os.path.join(self.work, 'vars-many.json'), [], self.emu,
                                                             {'custom_domain_domains': items})]}
        self.emu.reset_calls()
        run = self.run_fleet('list-many-bad', how, len(items))
        calls = self.emu.calls()
        for case in expected:
            lines = [line for line in run.output.splitlines() if case['name'] in line and 'FAILED' in line]
            self.check('list-bad-inputs', 'list of %d bad items: item %d (%s) fails on its own, named %s' % (
                len(items), case['index'], case['why'], case['field']), any(case['field'] in line for line in lines),
                '\n'.join(lines[:3]) or run.tail(12))
        self.check('list-bad-inputs', 'list of %d bad items: the run fails, zero writes' % len(items), run.rc != 0 and calls['writes'] == 0,
                   'rc %d, writes %s' % (run.rc, json.dumps(dict((a, e) for a, e in calls['by_action'].items() if e['writes']))))
        # One bad item among good ones.
        mixed = soak_cases.mixed_list(self.emu)
        plan = mixed['plan']
        how = {'inventory': benchlib.write_local_inventory(os.path.join(self.work, 'localhost-list.json')),
               'args': ['-e', '@' + benchlib.write_list_vars(os.path.join(self.work, 'vars-mixed.json'), plan, self.emu,
                                                             {'custom_domain_domains': mixed['items']})]}
        run = self.run_fleet('list-mixed', how, len(mixed['items']))
        # The fleet playbook's summary says why each failed domain failed; its last task fails naming them.
        lines = [line for line in run.output.splitlines() if mixed['bad_name'] in line]
        named = [line for line in lines if mixed['field'].lower() in line.lower()]
        self.check('list-bad-inputs', 'a list with one bad item (index %d): the run fails, its summary naming the domain and %s'
                   % (mixed['bad_index'], mixed['field']), run.rc != 0 and named and not run.killed,
                   'rc %d; %s' % (run.rc, '\n'.join(lines[:6]) or run.tail(15)))
        self.converged('list-bad-inputs', plan, 'the %d good items of that list' % len(plan))
        state = self.emu.state()
        holders = [b for b, data in state['buckets'].items() if mixed['bad_name'] in data['cnames']]
        self.check('list-bad-inputs', 'the bad item was not bound', not holders, 'bound to %s' % holders)

    def catalogue(self, scenario, cases):
        """Run a catalogue of cases (each a host, in parallel); returns ({case id: {failed, msg}}, the calls made)."""
        import soak_cases  # pylint: disable=import-outside-toplevel
        out = os.path.join(self.work, '%s.json' % scenario)
        if os.path.exists(out):
            os.unlink(out)
        playbook, inventory = soak_cases.bad_inputs_playbook(self.work, cases, out, benchlib.PYTHON, name=scenario)
        self.emu.reset_calls()
        run = self.ans.run(scenario, playbook, inventory, forks=FORKS[self.mode], timeout=900)
        calls = self.emu.calls()
        results = {}
        if os.path.exists(out):
            with open(out, 'r', encoding='utf-8') as handle:
                results = json.load(handle)
        self.check(scenario, 'the catalogue ran (%d cases, rc %d)' % (len(cases), run.rc), len(results) == len(cases), run.tail(20))
        return results, calls

    def judge(self, scenario, cases, results):
        """Each case failed, its message naming its field (one of the alternatives; a tuple: all of its parts)."""
        import soak_cases  # pylint: disable=import-outside-toplevel
        vague = []
        for case in cases:
            got = results.get(case['id'], {})
            msg = got.get('msg') or ''
            fields = case['field'] if isinstance(case['field'], list) else [case['field']]
            named = any(all(p.lower() in msg.lower() for p in (f if isinstance(f, tuple) else (f,))) for f in fields)
            shown = ' or '.join(' + '.join(f) if isinstance(f, tuple) else f for f in fields)
            self.check(scenario, '%s: %s fails naming %s' % (case['id'], case['why'], shown),
                       got.get('failed') and named, 'failed=%s msg=%s' % (got.get('failed'), msg[:400]))
            others = [f for f in soak_cases.ROLE_FIELDS if f not in fields and f in msg]
            if case['target'] == 'role' and len(others) >= 3:
                vague.append(case['id'])
        if vague:
            log('note: %d role cases fail with a message that names many variables, not only the wrong one: %s'
                % (len(vague), ', '.join(vague)))
        return vague

    def zero_writes(self, scenario, calls):
        self.check(scenario, 'zero writes counted by the emulator over the whole catalogue', calls['writes'] == 0,
                   json.dumps(dict((a, e) for a, e in calls['by_action'].items() if e['writes'])))

    def s_secrecy(self):
        import soak_cases  # pylint: disable=import-outside-toplevel
        self.secrecy('secrecy', soak_cases.secrecy_playbook, soak_cases.secrecy_used)

    def s_list_secrecy(self):
        import soak_cases  # pylint: disable=import-outside-toplevel
        self.secrecy('list-secrecy', soak_cases.secrecy_list_playbook, soak_cases.secrecy_list_used)

    def secrecy(self, scenario, build, used):
        import soak_cases  # pylint: disable=import-outside-toplevel
        self.emu.reset()
        self.emu.clear_faults()
        secrets, files = soak_cases.secrecy_setup(self.emu, self.work)
        playbook, inventory, varsfile = build(self.work, self.emu, secrets, files)
        log_path = os.path.join(self.work, '%s-ansible.log' % scenario)
        if os.path.exists(log_path):
            os.unlink(log_path)
        server_log_start = os.path.getsize(self.emu.log_path) if os.path.exists(self.emu.log_path) else 0
        run = self.ans.run(scenario, playbook, inventory, forks=6, args=['-vvvv', '-e', '@' + varsfile],
                           env={'ANSIBLE_LOG_PATH': log_path}, credentials=False, timeout=900)
        self.check(scenario, 'the -vvvv run used the secrets and succeeded (rc %d, %d bytes of output)' % (run.rc, len(run.output)),
                   run.rc == 0 and used(self.emu, run), run.tail(20))
        needles = soak_cases.needles(secrets)
        searched, excluded = soak_cases.files_to_search(self.work, self.emu, [varsfile] + list(files.values()))
        hits = []
        total = 0
        for path in searched:
            with open(path, 'rb') as handle:
                data = handle.read()
            if path == self.emu.log_path:
                data = data[server_log_start:]
            total += len(data)
            for label, needle in needles:
                if needle in data:
                    hits.append('%s in %s' % (label, os.path.relpath(path, self.work)))
        control = b''
        for path in [varsfile] + list(files.values()):
            with open(path, 'rb') as handle:
                control += handle.read()
        missed = [label for label, needle in needles if '(' not in label and needle not in control]
        self.check(scenario, 'positive control: the search finds every raw secret form in the input files that hold them',
                   not missed, ', '.join(missed))
        self.check(scenario, 'zero occurrences of %d secret forms in %d files (%d bytes: output, ansible log, emulator and '
                   'BIND logs, callback data)' % (len(needles), len(searched), total), not hits, '\n'.join(sorted(set(hits))[:20]))
        self.details[scenario.replace('-', '_')] = {'needles': len(needles), 'files': len(searched), 'bytes': total,
                                                    'hits': sorted(set(hits)), 'excluded': excluded}

    SCENARIOS = (('faults', 's_faults'), ('kill', 's_kill'), ('restart', 's_restart'), ('concurrent', 's_concurrent'),
                 ('bad-inputs', 's_bad_inputs'), ('secrecy', 's_secrecy'),
                 ('list-faults', 's_list_faults'), ('list-kill', 's_list_kill'), ('list-restart', 's_list_restart'),
                 ('list-concurrent', 's_list_concurrent'), ('list-bad-inputs', 's_list_bad_inputs'), ('list-secrecy', 's_list_secrecy'))

    def run(self):
        os.makedirs(self.work, exist_ok=True)
        began = time.time()
        tree = benchlib.make_tree(self.work, self.args.collection_path)
        ctl = os.path.join(benchlib.collection_dir(tree), 'tests', 'emulator', 'emulatorctl.py')
        self.emu = benchlib.Emulator(os.path.join(self.work, 'emulator'), self.args.port, self.args.dns_port,
                                     ctl=ctl if os.path.exists(ctl) else benchlib.EMULATORCTL).start(fresh=True)
        try:
            self.ans = benchlib.Ansible(self.work, tree, self.emu)
            self.playbook = fleet_playbook(tree, self.work)
            for name, method in self.SCENARIOS:
                if name not in self.args.only:
                    continue
                log('== %s (%s)' % (name, self.mode))
                started = time.time()
                try:
                    getattr(self, method)()
                except Exception as exc:  # pylint: disable=broad-except  # a crashed scenario is a failed check
                    self.check(name, 'scenario ran to the end', False, '%s: %s' % (type(exc).__name__, exc))
                log('   %s took %.0f s' % (name, time.time() - started))
        finally:
            self.emu.stop()
        passed = sum(1 for r in self.results if r['ok'])
        failed = len(self.results) - passed
        summary = {'mode': self.mode, 'passed': passed, 'failed': failed, 'duration': round(time.time() - began, 1),
                   'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'results': self.results, 'details': self.details}
        with open(os.path.join(self.work, 'soak-results.json'), 'w', encoding='utf-8') as handle:
            json.dump(summary, handle, indent=1)
        if self.args.write_docs or (self.args.full and not self.args.no_docs):
            import render  # pylint: disable=import-outside-toplevel
            render.render_reliability(summary, os.path.join(benchlib.REPO, 'docs', 'reliability.md'))
        sys.stdout.write('soak (%s): %.0f s\n%d passed, %d failed\n' % (self.mode, time.time() - began, passed, failed))
        return 1 if failed else 0


def fleet_playbook(tree, work):
    path = os.path.join(tree, 'ansible_collections', 'alicloud_oss', 'domains', 'playbooks', 'fleet.yml')
    return path if os.path.exists(path) else benchlib.fleet_playbook(work)


def local_inventory(work):
    path = os.path.join(work, 'localhost.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'hosts': {'localhost': {'ansible_connection': 'local', 'ansible_python_interpreter': benchlib.PYTHON}}}},
                  handle)
    return path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--full', action='store_true', help='the full suite (make soak)')
    parser.add_argument('--only', default=','.join(n for n, _m in Suite.SCENARIOS))
    parser.add_argument('--work-dir', default=os.path.join(benchlib.REPO, '.bench', 'soak'))
    parser.add_argument('--port', type=int, default=0, help='HTTP port of our emulator copy (default: any free port)')
    parser.add_argument('--dns-port', type=int, default=0)
    parser.add_argument('--write-docs', action='store_true', help='write docs/reliability.md results (default with --full)')
    parser.add_argument('--no-docs', action='store_true')
    parser.add_argument('--collection-path', help='run this copy of the collection (as .ci/make-tree.sh writes it) instead of copying '
                        'the repository; its tests/emulator is the emulator used')
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(',') if s.strip()]
    unknown = set(args.only) - set(n for n, _m in Suite.SCENARIOS)
    if unknown:
        parser.error('unknown scenarios: %s' % ', '.join(sorted(unknown)))
    return args


def main(argv=None):
    return Suite(parse_args(argv)).run()


if __name__ == '__main__':
    sys.exit(main())
