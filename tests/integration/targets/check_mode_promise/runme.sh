#!/usr/bin/env bash
# Check mode is a promise (issue 15): every scenario of scenarios/ runs twice from the default world of the emulator,
# first with --check --diff, then for real with --diff. The callback promise_record writes what each task reported, and
# compare.py fails naming the scenario, the task and the field where the prediction and the real run differ.
# CMP_SCENARIOS="a b" runs only those scenarios.
set -eu -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CONFIG=$HERE/../../integration_config.yml
OUT=${OUTPUT_DIR:-$(mktemp -d)}/check_mode_promise
PYTHON=${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}
rm -rf "$OUT" && mkdir -p "$OUT"

# The comparison itself must be able to fail.
"$PYTHON" "$HERE/compare.py" --self-test

export ANSIBLE_CALLBACK_PLUGINS=$HERE/callback_plugins
export ANSIBLE_CALLBACKS_ENABLED=promise_record
export ANSIBLE_NOCOLOR=1

# One certificate for both runs of a scenario (a new one per run would differ in its fingerprint).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=shop.example.com \
  -addext subjectAltName=DNS:shop.example.com -keyout "$OUT/shop.key" -out "$OUT/shop.crt" 2>/dev/null

scenarios=${CMP_SCENARIOS:-$(cd "$HERE/scenarios" && for file in *.yml; do echo "${file%.yml}"; done)}
for scenario in $scenarios; do
  for run in check real; do
    flags=(--diff)
    [ "$run" = check ] && flags+=(--check)
    if ! PROMISE_OUT="$OUT/$scenario.$run.json" ansible-playbook -i "$INVENTORY_PATH" -e "@$CONFIG" -e "scenario=$scenario" \
        -e "promise_dir=$OUT" "${flags[@]}" "$HERE/run_scenario.yml" "$@" > "$OUT/$scenario.$run.log" 2>&1; then
      echo "scenario $scenario: the $run run ended with an error (a task expected to fail needs ignore_errors):"
      tail -n 60 "$OUT/$scenario.$run.log"
      exit 1
    fi
  done
done
# shellcheck disable=SC2086
"$PYTHON" "$HERE/compare.py" "$OUT" $scenarios
