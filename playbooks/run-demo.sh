#!/usr/bin/env bash
# make demo: start the emulator (HTTP + its own BIND), reset it to the default world, run playbooks/demo.yml
# against it, and print a readable summary. Run it again at will: every run starts from the same world.
#
# Environment: PYTHON (default .work/venv-demo/bin/python, the light environment `make demo` installs: ansible-core
# and the runtime requirements, which is all the emulator needs too), EMULATOR_STATE_DIR (default .emulator),
# DEMO_KEEP_EMULATOR=0 to stop the emulator at the end (by default it keeps running, for you to explore:
# make emulator-stop stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
python=${PYTHON:-$repo/.work/venv-demo/bin/python}
bin=$(dirname "$python")
state=${EMULATOR_STATE_DIR:-$repo/.emulator}
tree=$repo/.work/tree
summary=$repo/.work/demo/summary.txt

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Starting the emulator (Alibaba Cloud OSS + Alidns APIs, and a BIND that serves the zones)"
"$python" tests/emulator/emulatorctl.py start --state-dir "$state"
# shellcheck disable=SC1091
source "$state/env"
export ALICLOUD_ACCESS_KEY ALICLOUD_SECRET_KEY ALICLOUD_REGION ALICLOUD_OSS_ENDPOINT ALICLOUD_ALIDNS_ENDPOINT \
       EMULATOR_URL EMULATOR_DNS_SERVER EMULATOR_DNS_PORT
curl -fsS -X POST "$EMULATOR_URL/reset" >/dev/null
echo "emulator reset to its default world: $EMULATOR_URL, DNS on $EMULATOR_DNS_SERVER port $EMULATOR_DNS_PORT"

say "Making the collection visible to Ansible (.work/tree)"
bash .ci/make-tree.sh "$repo" "$tree/ansible_collections/alicloud_oss/domains"
export ANSIBLE_COLLECTIONS_PATH=$tree
export ANSIBLE_CALLBACK_RESULT_FORMAT=${ANSIBLE_CALLBACK_RESULT_FORMAT:-yaml}
export ANSIBLE_FORKS=${ANSIBLE_FORKS:-10}
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
rm -f "$summary"

say "Running playbooks/demo.yml"
start=$(date +%s)
"$bin/ansible-playbook" playbooks/demo.yml -e demo_emulator=true -e "demo_summary_file=$summary" "$@"
took=$(( $(date +%s) - start ))

say "Summary (demo.yml took ${took} s)"
cat "$summary"
if [ "${DEMO_KEEP_EMULATOR:-1}" = 0 ]; then
  "$python" tests/emulator/emulatorctl.py stop --state-dir "$state"
else
  echo
  echo "The emulator keeps running: dig @$EMULATOR_DNS_SERVER -p $EMULATOR_DNS_PORT www.example.com;"
  echo "curl $EMULATOR_URL/state; make emulator-stop to stop it."
fi
