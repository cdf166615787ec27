# Copyright (c) alicloud_oss.domains contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared machinery of the benchmarks (run_bench.py) and the reliability suite (soak.py).

An emulator copy of our own (its own state dir and ports), a copy of the collection tree, inventories of fleets of
domains, ansible-playbook runs with a timing callback, and checks of the final state from the emulator and from DNS.
Run with the repository's virtual environment python; nothing here needs to be installed.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PYTHON = sys.executable
BIN = os.path.dirname(PYTHON)
EMULATORCTL = os.path.join(REPO, 'tests', 'emulator', 'emulatorctl.py')
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

FLEET_ZONE = 'example.com'
FLEET_REGION = 'cn-hangzhou'
SEEDED_RRS = ('www', 'old')          # records of example.com in the emulator's default world
FLEET_GROUP = 'custom_domains'       # the group playbooks/fleet.yml runs on
DOMAINS_PER_BUCKET = 50              # OSS allows 100 custom domains per bucket; stay well under it
DEFAULT_ZONES = ('example.com', 'example.net')   # Alidns zones of the default world
ZONE_FORMAT = 'brand%02d-bench.com'  # zones seeded for fleets spread over many zones
# Editions of the seeded zones, in turn: mostly paid editions, every fourth the free one (minimum TTL 600, the role's
# default TTL).
ZONE_EDITIONS = ('version_enterprise_advanced', 'version_enterprise_basic', 'version_personal', 'mianfei')


def log(message):
    sys.stdout.write('[%s] %s\n' % (time.strftime('%H:%M:%S'), message))
    sys.stdout.flush()


def median(values):
    values = list(values)
    return statistics.median(values) if values else float('nan')


# ---------------------------------------------------------------------------------------------------------- emulator
class EmulatorError(RuntimeError):
    pass


class Emulator:
    """One emulator copy (HTTP + its BIND) under a state dir of our own, driven through emulatorctl.py."""

    def __init__(self, state_dir, port, dns_port, ctl=EMULATORCTL):
        self.ctl = ctl
        self.state_dir = os.path.abspath(state_dir)
        self.port = int(port)
        self.dns_port = int(dns_port)
        self.env = {}

    @property
    def url(self):
        return 'http://127.0.0.1:%d/_emulator' % self.port

    def _ctl(self, command, fresh=False):
        argv = [PYTHON, self.ctl, command, '--state-dir', self.state_dir, '--port', str(self.port),
                '--dns-port', str(self.dns_port)]
        if fresh:
            argv.append('--fresh')
        proc = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                              universal_newlines=True)
        if proc.returncode != 0:
            raise EmulatorError('emulatorctl %s failed (%d): %s' % (command, proc.returncode, proc.stdout.strip()))
        return proc.stdout

    def start(self, fresh=True):
        """Start (port 0: any free port, then remembered for restarts); reads the env file it writes."""
        self._ctl('start', fresh=fresh)
        self.env = read_env_file(os.path.join(self.state_dir, 'env'))
        self.port = int(self.env['EMULATOR_URL'].split(':')[2].split('/')[0])
        self.dns_port = int(self.env['EMULATOR_DNS_PORT'])
        return self

    def stop(self):
        if os.path.isdir(self.state_dir):
            self._ctl('stop')

    def restart(self):
        """Stop and start again on the same ports; the state persists, the faults (kept in memory) do not."""
        self._ctl('restart')

    @property
    def log_path(self):
        return os.path.join(self.state_dir, 'server.log')

    def request(self, method, route, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode('utf-8')
        req = urllib.request.Request('%s/%s' % (self.url, route.lstrip('/')), data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        try:
            with OPENER.open(req, timeout=timeout) as response:
                return json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as exc:
            raise EmulatorError('%s /_emulator/%s: HTTP %d %s' % (method, route, exc.code, exc.read().decode('utf-8', 'replace')))

    def calls(self):
        return self.request('GET', 'calls')

    def reset_calls(self):
        self.request('POST', 'calls/reset')

    def reset(self):
        self.request('POST', 'reset')

    def faults(self, **patch):
        return self.request('PUT', 'faults', patch)

    def clear_faults(self):
        return self.request('DELETE', 'faults')

    def seed(self, document):
        return self.request('POST', 'seed', document)

    def state(self):
        return self.request('GET', 'state')

    def sts(self, account='main'):
        return self.request('POST', 'sts', {'account': account})

    def external_add(self, name, rtype, value, ttl=60):
        return self.request('POST', 'external/records', {'name': name, 'type': rtype, 'value': value, 'ttl': ttl})

    def external_delete(self, name, rtype, value=None):
        body = {'name': name, 'type': rtype}
        if value is not None:
            body['value'] = value
        return self.request('DELETE', 'external/records', body)

    def ansible_env(self):
        """The credentials and endpoints, as the modules read them from the environment."""
        keys = ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_REGION', 'ALICLOUD_OSS_ENDPOINT',
                'ALICLOUD_ALIDNS_ENDPOINT')
        return dict((k, self.env[k]) for k in keys)


def read_env_file(path):
    env = {}
    with open(path, 'r', encoding='utf-8') as handle:
        for line in handle:
            line = line.strip()
            if line.startswith('export ') and '=' in line:
                key, value = line[len('export '):].split('=', 1)
                env[key] = value.strip('"\'')
    return env


def write_delta(before, after):
    """Calls made between two GET /_emulator/calls snapshots: {'reads', 'writes', 'by_action': {a: {reads, writes}}}."""
    by_action = {}
    for action, entry in after['by_action'].items():
        old = before.get('by_action', {}).get(action, {'reads': 0, 'writes': 0})
        delta = {'reads': entry['reads'] - old['reads'], 'writes': entry['writes'] - old['writes']}
        if delta['reads'] or delta['writes']:
            by_action[action] = delta
    return {'reads': after['reads'] - before.get('reads', 0), 'writes': after['writes'] - before.get('writes', 0),
            'by_action': by_action}


# ---------------------------------------------------------------------------------------------------------- tree
def make_tree(work, collection_path=None):
    """The tree root (a directory holding ansible_collections/alicloud_oss/domains) the runs use.

    Default: a copy of the repository's files git knows at <work>/tree. With collection_path, that copy instead: a
    collection directory (.../ansible_collections/alicloud_oss/domains, as .ci/make-tree.sh writes it) or a tree root
    that holds one; it is used as it is (nothing copied, so --patch applies to it in place)."""
    if collection_path:
        path = os.path.abspath(collection_path)
        if os.path.isdir(os.path.join(path, 'ansible_collections', 'alicloud_oss', 'domains')):
            return path
        parts = path.rstrip(os.sep).split(os.sep)
        if parts[-3:] == ['ansible_collections', 'alicloud_oss', 'domains'] and os.path.isdir(path):
            return os.sep.join(parts[:-3]) or os.sep
        raise ValueError('%s is neither a collection directory .../ansible_collections/alicloud_oss/domains nor a tree that '
                         'holds one' % collection_path)
    dest = os.path.join(work, 'tree', 'ansible_collections', 'alicloud_oss', 'domains')
    subprocess.run(['bash', os.path.join(REPO, '.ci', 'make-tree.sh'), REPO, dest], check=True)
    return os.path.join(work, 'tree')


def collection_dir(tree):
    return os.path.join(tree, 'ansible_collections', 'alicloud_oss', 'domains')


def baseline_tree(work, commit):
    """The collection as committed at `commit` (git archive, so neither the work tree nor the index is touched), at
    <work>/base-<commit>/ansible_collections/alicloud_oss/domains; returns that tree root."""
    root = os.path.join(work, 'base-%s' % commit)
    dest = collection_dir(root)
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    archive = subprocess.run(['git', '-C', REPO, 'archive', '--format=tar', commit], stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(['tar', '-x', '-C', dest], input=archive, check=True)
    return root


def source_revision(tree=None):
    """The commit the measured code is at: HEAD of the repository, with "+changes" when the collection files measured
    differ from it (a working tree with edits not committed yet)."""
    rev = subprocess.run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], stdout=subprocess.PIPE, universal_newlines=True,
                         check=False).stdout.strip() or '?'
    dirty = subprocess.run(['git', '-C', REPO, 'status', '--porcelain', '--untracked-files=normal', '--', 'plugins', 'roles',
                            'playbooks', 'meta', 'galaxy.yml'], stdout=subprocess.PIPE, universal_newlines=True,
                           check=False).stdout.strip()
    return rev + ('+changes' if dirty else '')


def apply_patch(tree, patch):
    """Apply a patch (a/ b/ paths relative to the collection root) to the copied collection."""
    root = os.path.join(tree, 'ansible_collections', 'alicloud_oss', 'domains')
    subprocess.run(['git', '-C', root, 'apply', '--verbose', os.path.abspath(patch)], check=True)


# ---------------------------------------------------------------------------------------------------------- fleets
def fleet_plan(count, prefix='f', zone=FLEET_ZONE, per_bucket=DOMAINS_PER_BUCKET, bucket_prefix='bench-fleet', per_zone=None,
               zone_format=ZONE_FORMAT, regions=(FLEET_REGION,)):
    """count domains <prefix>NNN.<zone>, spread over buckets of at most per_bucket domains each.

    Without per_zone every domain lies in `zone` (example.com of the default world). With per_zone the domains are
    spread over zones of at most per_zone domains, named zone_format % n (seeded by seed_plan), and the buckets take
    their region in turn from `regions`."""
    plan = []
    for index in range(count):
        number = index // per_bucket
        bucket = '%s-%02d' % (bucket_prefix, number + 1)
        region = regions[number % len(regions)]
        domain_zone = zone_format % (index // per_zone + 1) if per_zone else zone
        rr = '%s%03d' % (prefix, index + 1)
        plan.append({'domain': '%s.%s' % (rr, domain_zone), 'rr': rr, 'zone': domain_zone, 'bucket': bucket, 'region': region,
                     'target': '%s.oss-%s.aliyuncs.com' % (bucket, region)})
    return plan


def plan_zones(plan):
    """The zones of a plan, in order of first appearance."""
    zones = []
    for entry in plan:
        zone = entry.get('zone', FLEET_ZONE)
        if zone not in zones:
            zones.append(zone)
    return zones


def seed_buckets(emu, plan, account='main'):
    buckets = {}
    for entry in plan:
        buckets.setdefault(entry['bucket'], {'region': entry.get('region', FLEET_REGION)})
    emu.seed({'accounts': {account: {'buckets': buckets}}})
    return sorted(buckets)


def seed_plan(emu, plan, account='main', editions=ZONE_EDITIONS):
    """Seed the buckets of a plan and its zones (those that the default world does not have), their editions in turn
    from `editions`. Seeding zones BIND does not serve yet restarts named once (about a second)."""
    buckets = seed_buckets(emu, plan, account)
    zones = {}
    for index, zone in enumerate(z for z in plan_zones(plan) if z not in DEFAULT_ZONES):
        zones[zone] = {'edition': editions[index % len(editions)], 'records': []}
    if zones:
        emu.seed({'accounts': {account: {'zones': zones}}})
    return buckets, sorted(zones)


def write_inventory(path, plan, emu, extra_vars=None, python=PYTHON, host_vars=None):
    """A YAML (JSON-syntax) inventory: each domain a host, connection local, the venv python (or a shim of it)."""
    hosts = {}
    for entry in plan:
        hosts[entry['domain']] = {'custom_domain_name': entry['domain'], 'custom_domain_bucket': entry['bucket'],
                                  'custom_domain_region': entry['region']}
        hosts[entry['domain']].update(host_vars or {})
    common = {'ansible_connection': 'local', 'ansible_python_interpreter': python,
              'custom_domain_resolvers': ['127.0.0.1:%d' % emu.dns_port], 'custom_domain_dns_port': emu.dns_port}
    common.update(extra_vars or {})
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'vars': common, 'children': {FLEET_GROUP: {'hosts': hosts}}}}, handle, indent=1)
    return path


def write_list_vars(path, plan, emu, extra_vars=None):
    """The variables of a list-mode run (playbooks/fleet.yml -e @path): custom_domain_domains, one item per domain."""
    data = {'custom_domain_domains': [{'name': e['domain'], 'bucket': e['bucket'], 'region': e['region']} for e in plan],
            'custom_domain_resolvers': ['127.0.0.1:%d' % emu.dns_port], 'custom_domain_dns_port': emu.dns_port}
    data.update(extra_vars or {})
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle, indent=1)
    return path


def write_local_inventory(path, python=PYTHON):
    """An inventory of localhost only (connection local): the host of a list-mode run."""
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'hosts': {'localhost': {'ansible_connection': 'local', 'ansible_python_interpreter': python}}}}, handle)
    return path


def write_counting_python(work, python=PYTHON):
    """A shim of the venv python that appends the module name of each AnsiballZ payload it runs to the file named by
    BENCH_MODULE_LOG, then execs python: a count of module processes per run, whatever a task or an action plugin
    does (an action plugin that runs its module several times, or none). Costs one sh exec (about 1 ms) per run."""
    path = os.path.join(work, 'python-counting')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('#!/bin/sh\n'
                     '# written by tests/bench/benchlib.py: count module processes, then run the real interpreter\n'
                     'if [ -n "$BENCH_MODULE_LOG" ]; then\n'
                     '  for arg in "$@"; do case "$arg" in *AnsiballZ_*.py) name=${arg##*/AnsiballZ_}; '
                     'echo "${name%%.py}" >> "$BENCH_MODULE_LOG";; esac; done\n'
                     'fi\n'
                     'exec %s "$@"\n' % python)
    os.chmod(path, 0o755)
    return path


def write_floor_playbook(path, tasks, gather_facts=False, summary_tasks=1):
    """The floor: the fleet play with `tasks` ping tasks per host, then (like playbooks/fleet.yml) a summary play on
    localhost with `summary_tasks` tasks."""
    lines = ['---', '- name: Floor, %d ping tasks per host' % tasks, '  hosts: %s' % FLEET_GROUP,
             '  gather_facts: %s' % ('true' if gather_facts else 'false'), '  tasks:']
    for index in range(tasks):
        lines += ['    - name: Ping %d' % (index + 1), '      ansible.builtin.ping:']
    if summary_tasks:
        lines += ['- name: Floor summary', '  hosts: localhost', '  connection: local', '  gather_facts: false', '  tasks:']
        for index in range(summary_tasks):
            lines += ['    - name: Summary %d' % (index + 1), '      ansible.builtin.debug:', '        msg: floor']
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def fleet_playbook(work):
    """playbooks/fleet.yml of the tree when it exists, else a wrapper that runs the role on every host."""
    path = os.path.join(work, 'fleet-wrapper.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('---\n- name: Converge the fleet (bench wrapper)\n  hosts: %s\n' % FLEET_GROUP + '  gather_facts: false\n  roles:\n'
                     '    - role: alicloud_oss.domains.custom_domain\n')
    return path


# ---------------------------------------------------------------------------------------------------------- ansible
# Actions that run on the controller only (no module process): not counted in the strict floor.
CONTROLLER_ACTIONS = ('set_fact', 'debug', 'assert', 'fail', 'meta', 'include_tasks', 'import_tasks', 'include_role',
                      'import_role', 'add_host', 'group_by', 'validate_argument_spec', 'include_vars', 'set_stats')
RECAP = re.compile(r'^(\S+)\s*:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+'
                   r'rescued=(\d+)\s+ignored=(\d+)', re.M)


class Run:
    """One finished ansible-playbook run."""

    def __init__(self, name, rc, wall, output_path, timer_path, killed=False, module_log=None):
        self.name, self.rc, self.wall, self.output_path, self.killed = name, rc, wall, output_path, killed
        self.module_log = module_log
        self.timer = {}
        if timer_path and os.path.exists(timer_path):
            with open(timer_path, 'r', encoding='utf-8') as handle:
                self.timer = json.load(handle)
        with open(output_path, 'r', encoding='utf-8', errors='replace') as handle:
            self.output = handle.read()
        self.recap = {}
        for match in RECAP.finditer(self.output):
            self.recap[match.group(1)] = dict(zip(('ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'),
                                                  (int(g) for g in match.groups()[1:])))

    @property
    def stats(self):
        return self.timer.get('stats') or self.recap

    def hosts(self):
        return sorted(self.stats)

    def failed_hosts(self):
        return sorted(h for h, s in self.stats.items() if s.get('failures', s.get('failed', 0)) or s.get('unreachable'))

    def changed_hosts(self):
        return sorted(h for h, s in self.stats.items() if s.get('changed'))

    def changed_total(self):
        return sum(s.get('changed', 0) for s in self.stats.values())

    def fleet_tasks(self):
        """Task results of the domain hosts (the summary play on localhost left out)."""
        return [t for t in self.timer.get('tasks', []) if t['host'] != 'localhost']

    def tasks_per_host(self):
        """Median number of task results per host (ok, changed, failed and skipped alike)."""
        counts = {}
        for entry in self.fleet_tasks():
            counts[entry['host']] = counts.get(entry['host'], 0) + 1
        return int(round(median(counts.values()))) if counts else 0

    def module_tasks_per_host(self):
        """Median number of tasks per host that ran a module (not skipped, not a controller-side action)."""
        counts = {}
        for entry in self.fleet_tasks():
            if entry['status'] == 'skipped' or entry['action'].split('.')[-1] in CONTROLLER_ACTIONS:
                continue
            counts[entry['host']] = counts.get(entry['host'], 0) + 1
        return int(round(median(counts.values()))) if counts else 0

    def task_breakdown(self):
        """{'executed': n, 'skipped': n} per host, medians."""
        executed, skipped = {}, {}
        for entry in self.fleet_tasks():
            bucket = skipped if entry['status'] == 'skipped' else executed
            bucket[entry['host']] = bucket.get(entry['host'], 0) + 1
        hosts = set(executed) | set(skipped)
        return {'executed': median(executed.get(h, 0) for h in hosts) if hosts else 0,
                'skipped': median(skipped.get(h, 0) for h in hosts) if hosts else 0}

    def failures(self):
        return [t for t in self.timer.get('tasks', []) if t['status'] in ('failed', 'unreachable')]

    def module_runs(self):
        """{module name: processes started} from the interpreter shim's log (write_counting_python); {} without it."""
        counts = {}
        if self.module_log and os.path.exists(self.module_log):
            with open(self.module_log, 'r', encoding='utf-8', errors='replace') as handle:
                for line in handle:
                    name = line.strip()
                    if name:
                        counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))

    def tail(self, lines=40):
        return '\n'.join(self.output.splitlines()[-lines:])


class Ansible:
    """ansible-playbook runs against one emulator, with our tree, our callback, logs under work/logs."""

    def __init__(self, work, tree, emu, extra_env=None):
        self.work, self.tree, self.emu = work, tree, emu
        self.logs = os.path.join(work, 'logs')
        os.makedirs(self.logs, exist_ok=True)
        os.makedirs(os.path.join(work, 'ansible-tmp'), exist_ok=True)
        self.extra_env = dict(extra_env or {})
        self.counter = 0

    def env(self, credentials=True, extra=None):
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'ALICLOUD_', 'ALIBABA_CLOUD_')))
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': self.tree, 'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
            'ANSIBLE_CALLBACKS_ENABLED': 'bench_timer', 'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': '0', 'ANSIBLE_HOST_KEY_CHECKING': '0', 'ANSIBLE_DEPRECATION_WARNINGS': '0',
            'ANSIBLE_LOCAL_TEMP': os.path.join(self.work, 'ansible-tmp', 'local'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(self.work, 'ansible-tmp', 'remote'),
            'ANSIBLE_PYTHON_INTERPRETER': PYTHON, 'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true',
            'ALIBABA_CLOUD_CLI_PROFILE_DISABLED': 'true', 'PATH': BIN + os.pathsep + env.get('PATH', ''),
        })
        if credentials:
            env.update(self.emu.ansible_env())
        env.update(self.extra_env)
        env.update(extra or {})
        return env

    def start(self, name, playbook, inventory=None, forks=20, args=(), env=None, credentials=True):
        """Start ansible-playbook in its own session (so it can be killed whole); returns a handle for finish()."""
        self.counter += 1
        stem = os.path.join(self.logs, '%s-%02d-%s' % (time.strftime('%m%d-%H%M%S'), self.counter, name))
        timer = stem + '.timer.json'
        output = stem + '.out'
        modules = stem + '.modules'
        for stale in (timer, modules):
            if os.path.exists(stale):
                os.unlink(stale)
        argv = [os.path.join(BIN, 'ansible-playbook'), playbook, '-f', str(forks)]
        if inventory:
            argv += ['-i', inventory]
        argv += list(args)
        run_env = self.env(credentials=credentials, extra=env)
        run_env['BENCH_TIMER_FILE'] = timer
        run_env['BENCH_MODULE_LOG'] = modules
        handle = open(output, 'w', encoding='utf-8')  # pylint: disable=consider-using-with
        handle.write('$ %s\n' % ' '.join(argv))
        handle.flush()
        proc = subprocess.Popen(argv, cwd=self.work, env=run_env, stdout=handle, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                stdin=subprocess.DEVNULL, start_new_session=True)
        return {'name': name, 'proc': proc, 'start': time.time(), 'output': output, 'timer': timer, 'handle': handle,
                'killed': False, 'modules': modules}

    @staticmethod
    def kill(handle):
        try:
            os.killpg(handle['proc'].pid, signal.SIGKILL)
        except OSError:
            pass
        handle['killed'] = True

    def finish(self, handle, timeout=None):
        try:
            rc = handle['proc'].wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(handle)
            rc = handle['proc'].wait()
            handle['handle'].write('\n[bench] killed after a timeout of %s s\n' % timeout)
        wall = time.time() - handle['start']
        handle['handle'].close()
        return Run(handle['name'], rc, wall, handle['output'], handle['timer'], killed=handle['killed'], module_log=handle['modules'])

    def run(self, name, playbook, inventory=None, forks=20, args=(), env=None, timeout=None, credentials=True):
        return self.finish(self.start(name, playbook, inventory, forks, args, env, credentials), timeout=timeout)


# ---------------------------------------------------------------------------------------------------------- checks
def _zone_records(state, zone=FLEET_ZONE):
    return list(state['zones'][zone]['records'].values())


def _entry_zone(entry):
    return entry.get('zone', FLEET_ZONE)


def _entry_rr(entry):
    return entry.get('rr') or entry['domain'][:-len(_entry_zone(entry)) - 1]


def check_fleet(emu, plan, dns_check=True, zone=None, state=None):
    """Problems (a list of strings) between the emulator's state / BIND answers and a converged fleet. Every zone of
    the plan is checked (`zone`, when given, for plans made before plans carried their zones)."""
    state = state or emu.state()
    problems = []
    holders = {}
    for bucket_name, bucket in state['buckets'].items():
        for domain in bucket['cnames']:
            holders.setdefault(domain, []).append(bucket_name)
    expected = {}
    for entry in plan:
        got = holders.get(entry['domain'], [])
        if got != [entry['bucket']]:
            problems.append('%s: bound to %s, expected exactly [%s]' % (entry['domain'], got, entry['bucket']))
        entry_zone = zone or _entry_zone(entry)
        expected.setdefault(entry_zone, {})[_entry_rr(entry) if not zone else entry['domain'][:-len(zone) - 1]] = entry
    for zone_name, expected_rr in expected.items():
        if zone_name not in state['zones']:
            problems.append('zone %s is missing from the emulator' % zone_name)
            continue
        by_rr = {}
        for record in _zone_records(state, zone_name):
            by_rr.setdefault(record['rr'], []).append(record)
        for rr, entry in sorted(expected_rr.items()):
            found = by_rr.get(rr, [])
            if len(found) != 1:
                problems.append('%s: %d records (%s), expected one CNAME' % (
                    entry['domain'], len(found), ', '.join('%s %s' % (r['type'], r['value']) for r in found)))
            elif found[0]['type'] != 'CNAME' or found[0]['value'].rstrip('.').lower() != entry['target']:
                problems.append('%s: %s %s, expected CNAME %s' % (entry['domain'], found[0]['type'], found[0]['value'], entry['target']))
        seeded = SEEDED_RRS if zone_name == FLEET_ZONE else ()
        for rr, found in sorted(by_rr.items()):
            if rr in expected_rr or rr in seeded:
                continue
            problems.append('orphan or leftover record(s) %s.%s: %s' % (
                rr, zone_name, ', '.join('%s %s' % (r['type'], r['value']) for r in found)))
    if dns_check:
        problems += check_dns(emu, plan)
    return problems


def check_dns(emu, plan):
    """Ask BIND (the emulator's authoritative server) for each domain's CNAME and the absence of its _dnsauth TXT."""
    import dns.message  # pylint: disable=import-outside-toplevel
    import dns.query  # pylint: disable=import-outside-toplevel
    import dns.rcode  # pylint: disable=import-outside-toplevel
    import dns.rdatatype  # pylint: disable=import-outside-toplevel
    problems = []
    for entry in plan:
        query = dns.message.make_query(entry['domain'], 'CNAME')
        response = dns.query.udp(query, '127.0.0.1', port=emu.dns_port, timeout=3)
        values = [r.to_text().rstrip('.').lower() for rrset in response.answer for r in rrset
                  if rrset.rdtype == dns.rdatatype.CNAME]
        if values != [entry['target']]:
            problems.append('DNS %s CNAME: %s (rcode %s), expected %s' % (
                entry['domain'], values, dns.rcode.to_text(response.rcode()), entry['target']))
        query = dns.message.make_query('_dnsauth.' + entry['domain'], 'TXT')
        response = dns.query.udp(query, '127.0.0.1', port=emu.dns_port, timeout=3)
        if any(rrset.rdtype == dns.rdatatype.TXT for rrset in response.answer):
            problems.append('DNS _dnsauth.%s TXT still served' % entry['domain'])
    return problems


def cleanup_dir(path):
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
