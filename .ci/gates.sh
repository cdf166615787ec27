#!/usr/bin/env bash
# Runs the quality gates, each on its own, and ends with one line "N passed, M failed".
# Usage: .ci/gates.sh [gate ...]     (no argument: every gate, in the order below)
# Each gate's output goes to .work/logs/<gate>.log; a failing gate prints the end of its log.
set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$REPO/.work
VENV=$REPO/.venv
VENV216=$WORK/venv-2.16
TREE=$WORK/tree
COLL=$TREE/ansible_collections/alicloud_oss/domains
DIST=$WORK/dist
LOGS=$WORK/logs
IT_STATE=$WORK/emulator-integration
ALL_GATES=(sanity-2.19 units-2.19 sanity-2.16 units-2.16 emulator-conformance integration integration-oldest soak-short
           ansible-lint antsibull-docs docs antsibull-changelog build galaxy-importer install-check)

mkdir -p "$LOGS" "$WORK/home"
# ansible-test keeps its venvs and its pip bootstrap under HOME: keep them in the work tree. Playbooks run with the
# user's own HOME (async jobs put their results under ~/.ansible_async, and async_status must find them there).
REAL_HOME=$HOME
export HOME=$WORK/home
export ANSIBLE_COLLECTIONS_PATH=$TREE
export ANSIBLE_NOCOLOR=1 PY_COLORS=0
export PATH=$VENV/bin:$PATH

passed=0
failed=0
failed_names=()

refresh_tree() {
  bash "$REPO/.ci/make-tree.sh" "$REPO" "$COLL"
}

install_get_pip_shim() {
  # ansible-test downloads get-pip.py from the internet; put an offline stand-in where it looks first.
  local venv=$1 version
  version=$("$venv/bin/python" - <<'PY'
import pathlib, re, ansible_test
text = (pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py').read_text()
print(re.search(r'pip=.([0-9.]+)', text).group(1).replace('.', '_'))
PY
)
  mkdir -p "$HOME/.ansible/test/cache"
  cp "$REPO/.ci/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_${version}.py"
}

ansible_test() {
  local venv=$1
  shift
  install_get_pip_shim "$venv"
  (cd "$COLL" && "$venv/bin/ansible-test" "$@" --color no)
}

gate_sanity() { ansible_test "$1" sanity --venv --python 3.11; }

# Supported Pythons: 3.10 or later, as far as ansible-core runs a controller on them (ansible-test's
# CONTROLLER_PYTHON_VERSIONS): 2.19 on 3.11-3.13, 2.16 on 3.10-3.12. Units run on each of them this machine has;
# integration runs on the oldest (3.10, ansible-core 2.16) and on the newest (3.13, ansible-core 2.19).
PYTHONS_219=(3.11 3.12 3.13)
PYTHONS_216=(3.10 3.11 3.12)
PYTHON_OLDEST=3.10
PYTHON_NEWEST=3.13
PYTHONS_DIR=$WORK/pythons

real_python() {
  # The interpreter of Python X.Y: the newest pyenv build of it, else /usr/bin/pythonX.Y. (pyenv's shims of inactive versions
  # exit 127, so ansible-test must see real interpreters first on PATH: PYTHONS_DIR holds links to them.)
  local version=$1 found
  found=$(printf '%s\n' "${PYENV_ROOT:-$REAL_HOME/.pyenv}/versions/$version".*/bin/"python$version" | sort -V | tail -n 1)
  [ -x "$found" ] || found=/usr/bin/python$version
  [ -x "$found" ] || return 1
  mkdir -p "$PYTHONS_DIR"
  ln -sf "$found" "$PYTHONS_DIR/python$version"
  echo "$found"
}

gate_units() {
  # Unit tests on every controller Python of the venv's ansible-core that this machine has.
  local venv=$1 version rc=0 ran=() versions=("${PYTHONS_219[@]}")
  [ "$venv" = "$VENV216" ] && versions=("${PYTHONS_216[@]}")
  for version in "${versions[@]}"; do
    if [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$version" ] \
        && ! real_python "$version" > /dev/null; then
      echo "=== Python $version: not on this machine, skipped"
      continue
    fi
    echo "=== units on Python $version"
    PATH=$venv/bin:$PYTHONS_DIR:$PATH ansible_test "$venv" units --venv --python "$version" || rc=1
    ran+=("$version")
  done
  echo "units ran on Python ${ran[*]:-(none)}"
  [ ${#ran[@]} -gt 0 ] && return $rc
}

integration_venv() {
  # A venv of Python $2 with ansible-core $3 and the runtime requirements, made once: the integration targets run their
  # modules with the controller's Python. $4 (pinned) pins them as requirements-dev.txt does; without it pip takes the
  # newest each Python can have (on 3.10 that is the oldest stack a user meets, e.g. dnspython 2.8: 2.9 needs 3.11).
  local dir=$1 version=$2 core=$3 pins=${4:-} python constraints=()
  python=$(real_python "$version") || { echo "Python $version is not on this machine"; return 1; }
  if [ "$pins" = pinned ]; then
    grep -v '^ansible-core' "$REPO/requirements-dev.txt" > "$dir.constraints.txt"
    constraints=(-c "$dir.constraints.txt")
  fi
  if [ ! -f "$dir/.done" ] || [ "$dir/.done" -ot "$REPO/requirements.txt" ] || [ "$dir/.done" -ot "$REPO/requirements-dev.txt" ]; then
    rm -rf "$dir" && "$python" -m venv "$dir" || return 1
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$core" -r "$REPO/requirements.txt" "${constraints[@]}" || return 1
    touch "$dir/.done"
  fi
  "$dir/bin/pip" freeze --disable-pip-version-check | grep -i -E '^(ansible-core|oss2|alibabacloud|dnspython|cryptography)' | tr '\n' ' '
  echo
}

gate_emulator_conformance() {
  (cd "$REPO" && "$VENV/bin/python" -m pytest tests/emulator/tests -q -p no:cacheprovider)
}

write_integration_config() {
  # ansible-test strips the environment; targets read the emulator's coordinates from this file.
  # shellcheck disable=SC1091
  (set -a && . "$IT_STATE/env" && cat <<YAML
---
emulator_url: "$EMULATOR_URL"
emulator_dns_server: "$EMULATOR_DNS_SERVER"
emulator_dns_port: $EMULATOR_DNS_PORT
alicloud_access_key: "$ALICLOUD_ACCESS_KEY"
alicloud_secret_key: "$ALICLOUD_SECRET_KEY"
alicloud_region: "$ALICLOUD_REGION"
oss_endpoint: "$ALICLOUD_OSS_ENDPOINT"
alidns_endpoint: "$ALICLOUD_ALIDNS_ENDPOINT"
emulator_other_access_key: "$EMULATOR_OTHER_ACCESS_KEY"
emulator_other_secret_key: "$EMULATOR_OTHER_SECRET_KEY"
emulator_legacy_access_key: "$EMULATOR_LEGACY_ACCESS_KEY"
emulator_legacy_secret_key: "$EMULATOR_LEGACY_SECRET_KEY"
emulator_ram_readonly_access_key: "$EMULATOR_RAM_READONLY_ACCESS_KEY"
emulator_ram_readonly_secret_key: "$EMULATOR_RAM_READONLY_SECRET_KEY"
emulator_sts_endpoint: "$EMULATOR_STS_ENDPOINT"
emulator_ca_file: "$EMULATOR_CA_FILE"
emulator_role_arn: "$EMULATOR_ROLE_ARN"
emulator_ecs_role_name: "$EMULATOR_ECS_ROLE_NAME"
emulator_imds_proxy: "$EMULATOR_IMDS_PROXY"
emulator_oidc_provider_arn: "$EMULATOR_OIDC_PROVIDER_ARN"
emulator_oidc_role_arn: "$EMULATOR_OIDC_ROLE_ARN"
emulator_oidc_token_file: "$EMULATOR_OIDC_TOKEN_FILE"
YAML
  ) > "$COLL/tests/integration/integration_config.yml"
}

gate_integration() {
  local venv=$WORK/venv-py$PYTHON_NEWEST
  integration_venv "$venv" "$PYTHON_NEWEST" "$(grep '^ansible-core' "$REPO/requirements-dev.txt")" pinned || return 1
  integration_on "$venv" "$PYTHON_NEWEST"
}

gate_integration_oldest() {
  local venv=$WORK/venv-2.16-py$PYTHON_OLDEST
  integration_venv "$venv" "$PYTHON_OLDEST" "$(grep '^ansible-core' "$REPO/requirements-dev-2.16.txt")" || return 1
  integration_on "$venv" "$PYTHON_OLDEST"
}

integration_on() {
  # Every target with ansible-test and ansible-playbook of venv $1 on Python $2 (the emulator runs from .venv).
  local venv=$1 python=$2 rc=0 url
  echo "=== integration on Python $python, ansible-core $("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')"
  "$VENV/bin/python" "$REPO/tests/emulator/emulatorctl.py" start --fresh --state-dir "$IT_STATE" || return 1
  write_integration_config
  # shellcheck disable=SC1091
  url=$(. "$IT_STATE/env" && echo "$EMULATOR_URL")
  # IT_TARGETS (space-separated target names) runs a subset, e.g. IT_TARGETS=role_custom_domain make integration.
  if [ -n "${IT_TARGETS:-}" ]; then
    # shellcheck disable=SC2086
    (cd "$COLL" && HOME=$REAL_HOME PATH=$venv/bin:$PATH ansible-test integration --local --python "$python" --color no $IT_TARGETS) || rc=$?
  else
    # Everything but the V1 target first; then the emulator's counters must show that no request was V1-signed
    # (OSS refuses V1 from accounts opened since March 2025). The V1 target runs last, on its own.
    (cd "$COLL" && HOME=$REAL_HOME PATH=$venv/bin:$PATH ansible-test integration --local --python "$python" --color no --exclude oss_signature_v1) || rc=$?
    [ $rc -eq 0 ] && { check_no_v1_requests "$url" || rc=$?; }
    [ $rc -eq 0 ] && { (cd "$COLL" && HOME=$REAL_HOME PATH=$venv/bin:$PATH ansible-test integration --local --python "$python" --color no oss_signature_v1) || rc=$?; }
  fi
  "$VENV/bin/python" "$REPO/tests/emulator/emulatorctl.py" stop --state-dir "$IT_STATE"
  return $rc
}

check_no_v1_requests() {
  # by_signature_total counts every OSS/Alidns request since the emulator started, by signature scheme and account.
  "$VENV/bin/python" - "$1/calls" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    totals = json.load(response)['by_signature_total']
print('requests by signature scheme and account:', json.dumps(totals, sort_keys=True))
v1 = sum(totals.get('oss_v1', {}).values())
v4 = sum(totals.get('oss_v4', {}).values())
if v1 or not v4:
    sys.exit('expected only V4-signed OSS requests, found %d V1 and %d V4' % (v1, v4))
print('OSS requests: %d V4-signed, 0 V1-signed' % v4)
PY
}

gate_soak_short() { (cd "$REPO" && HOME=$REAL_HOME "$VENV/bin/python" tests/bench/soak.py); }

gate_ansible_lint() { (cd "$COLL" && ansible-lint); }

gate_antsibull_docs() { (cd "$COLL" && antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=all .); }

gate_docs() {
  # The HTML docsite as antsibull-docs builds it for a collection: module and role pages, the guides of
  # docs/docsite/rst (extra-docs.yml) and the links of docs/docsite/links.yml. Sphinx runs with -W: a warning fails.
  # Open .work/docsite/build/html/index.html to read it.
  local site=$WORK/docsite
  rm -rf "$site" && mkdir -p "$site"
  antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$site" \
    --project alicloud_oss.domains --copyright 'alicloud_oss.domains contributors' \
    --title 'alicloud_oss.domains' alicloud_oss.domains || return 1
  # The pages refer to the Ansible documentation through intersphinx, which downloads its inventory; CI has no such
  # network, so the few labels they use come from a local inventory (the links still point at docs.ansible.com).
  write_ansible_inventory "$site/ansible_devel.inv" || return 1
  mkdir -p "$site/static"
  # Long module names in the sidebar wrap instead of running out of it; so do the long test names in the guides' tables
  # (the edge-case catalogue), which otherwise run off the page (the option tables of the module pages are left alone).
  printf '%s\n' '.wy-menu-vertical a { overflow-wrap: anywhere; }' \
    'table.docutils:not(.ansible-option-table) td { overflow-wrap: anywhere; }' > "$site/static/alicloud_oss.css"
  cat >> "$site/conf.py" <<PY

intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '$site/ansible_devel.inv')}
html_static_path = ['$site/static']
html_css_files = ['alicloud_oss.css']
# The theme's default top bar links to Ansible's blog and forum; this collection is not part of Ansible.
html_theme_options = {
    'topbar_links': {
        'Repository': 'https://github.com/alicloud-oss/domains',
        'Issues': 'https://github.com/alicloud-oss/domains/issues',
        'Ansible documentation': 'https://docs.ansible.com/',
    },
    'documentation_home_url': 'https://github.com/alicloud-oss/domains',
}
PY
  bash "$site/build.sh"
}

write_ansible_inventory() {
  "$VENV/bin/python" - "$1" <<'PY'
import sys, zlib
# label, page, anchor, title: the targets in the Ansible documentation that antsibull-docs' pages refer to.
labels = [
    ('common_return_values', 'reference_appendices/common_return_values.html', 'common-return-values', 'Return Values'),
    ('ansible_configuration_settings', 'reference_appendices/config.html', 'ansible-configuration-settings',
     'Ansible Configuration Settings'),
    ('action_plugins', 'plugins/action.html', 'action-plugins', 'Action plugins'),
]
header = b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n'
body = ''.join('%s std:label -1 %s#%s %s\n' % (name, page, anchor, title) for name, page, anchor, title in labels)
with open(sys.argv[1], 'wb') as inventory:
    inventory.write(header + zlib.compress(body.encode('utf-8')))
PY
}

gate_antsibull_changelog() { (cd "$REPO" && antsibull-changelog lint); }

gate_build() {
  rm -rf "$DIST" && mkdir -p "$DIST"
  (cd "$COLL" && ansible-galaxy collection build --force --output-path "$DIST")
}

gate_galaxy_importer() {
  local tarball
  tarball=$(ls "$DIST"/alicloud_oss-domains-*.tar.gz) || return 1
  mkdir -p "$WORK/importer"
  cat > "$WORK/importer/galaxy-importer.cfg" <<CFG
[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
OFFLINE_ANSIBLE_LINT = True
RUN_FLAKE8 = True
TMP_ROOT_DIR = $WORK/importer
CFG
  (cd "$WORK/importer" && GALAXY_IMPORTER_CONFIG=$WORK/importer/galaxy-importer.cfg \
     python -m galaxy_importer.main "$tarball") || return 1
  # The importer reports some problems as warnings only; treat errors in its log as failures.
  ! grep -E '^(ERROR|CRITICAL)' "$LOGS/galaxy-importer.log"
}

gate_install_check() {
  # What a user gets: install the built tarball into an empty path, then read a module's docs with the fragment.
  local dest=$WORK/install-check tarball
  tarball=$(ls "$DIST"/alicloud_oss-domains-*.tar.gz) || return 1
  rm -rf "$dest" && mkdir -p "$dest"
  ansible-galaxy collection install --offline --force -p "$dest" "$tarball" || return 1
  ANSIBLE_COLLECTIONS_PATH=$dest ansible-doc -t module alicloud_oss.domains.oss_bucket_cname > "$WORK/install-check.doc" || return 1
  grep -q 'alicloud_secret_key' "$WORK/install-check.doc" || { echo 'the alicloud doc fragment did not render'; return 1; }
  ansible-builder introspect --sanitize "$dest"
}

run_gate() {
  local name=$1 func rc start
  func=gate_${name//-/_}
  case $name in
    sanity-2.19|units-2.19) func="gate_${name%%-*} $VENV" ;;
    sanity-2.16|units-2.16) func="gate_${name%%-*} $VENV216" ;;
  esac
  start=$SECONDS
  $func > "$LOGS/$name.log" 2>&1 < /dev/null
  rc=$?
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    printf 'PASS  %-22s %4ss\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    printf 'FAIL  %-22s %4ss  (exit %s; log: %s)\n' "$name" $((SECONDS - start)) $rc "${LOGS#"$REPO"/}/$name.log"
    tail -n 40 "$LOGS/$name.log" | sed 's/^/      | /'
  fi
}

gates=("$@")
[ ${#gates[@]} -eq 0 ] && gates=("${ALL_GATES[@]}")
refresh_tree
for gate in "${gates[@]}"; do
  run_gate "$gate"
done
[ $failed -gt 0 ] && echo "failed gates: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
