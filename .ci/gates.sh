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
ALL_GATES=(sanity-2.19 units-2.19 sanity-2.16 units-2.16 emulator-conformance integration soak-short
           ansible-lint antsibull-docs antsibull-changelog build galaxy-importer install-check)

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
gate_units() { ansible_test "$1" units --venv --python 3.11; }

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
YAML
  ) > "$COLL/tests/integration/integration_config.yml"
}

gate_integration() {
  local rc
  "$VENV/bin/python" "$REPO/tests/emulator/emulatorctl.py" start --fresh --state-dir "$IT_STATE" || return 1
  write_integration_config
  # IT_TARGETS (space-separated target names) runs a subset, e.g. IT_TARGETS=role_custom_domain make integration.
  # shellcheck disable=SC2086
  (cd "$COLL" && HOME=$REAL_HOME ansible-test integration --local --python 3.11 --color no ${IT_TARGETS:-})
  rc=$?
  "$VENV/bin/python" "$REPO/tests/emulator/emulatorctl.py" stop --state-dir "$IT_STATE"
  return $rc
}

gate_soak_short() { (cd "$REPO" && HOME=$REAL_HOME "$VENV/bin/python" tests/bench/soak.py); }

gate_ansible_lint() { (cd "$COLL" && ansible-lint); }

gate_antsibull_docs() { (cd "$COLL" && antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=all .); }

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
