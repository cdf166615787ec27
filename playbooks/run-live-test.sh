#!/usr/bin/env bash
# make live-test: the demo scenarios (playbooks/demo.yml) against real Alibaba Cloud, with the settings of
# live-test.yml at the root of the repository (made from playbooks/vars/live-test.example.yml; git ignores it).
# Not part of `make test`. It refuses to run without live-test.yml, or without credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
config=${LIVE_TEST_CONFIG:-$repo/live-test.yml}
python=${PYTHON:-$repo/.venv/bin/python}
bin=$(dirname "$python")
tree=$repo/.work/tree
summary=$repo/.work/live-test/summary.txt

if [ ! -f "$config" ]; then
  echo "make live-test needs $config with your test bucket, zone and domains. Make it from the template:" >&2
  echo "  cp playbooks/vars/live-test.example.yml live-test.yml && \$EDITOR live-test.yml" >&2
  exit 2
fi
vault_args=()
if [[ $(head -c 14 "$config") == "\$ANSIBLE_VAULT" ]]; then
  vault_args=(--ask-vault-pass)
elif ! grep -Eq '^(alicloud_access_key|alicloud_profile|alicloud_ecs_role_name): *"?[A-Za-z0-9]' "$config" &&
     [ -z "${ALICLOUD_ACCESS_KEY:-}${ALICLOUD_ACCESS_KEY_ID:-}${ALIBABA_CLOUD_ACCESS_KEY_ID:-}${ALICLOUD_PROFILE:-}${ALIBABA_CLOUD_PROFILE:-}" ] &&
     [ ! -f "$HOME/.aliyun/config.json" ]; then
  echo "No credentials: set alicloud_access_key and alicloud_secret_key (or alicloud_profile) in $config, export" >&2
  echo "ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY, or configure the aliyun CLI (~/.aliyun/config.json)." >&2
  exit 2
fi
if grep -Eq 'my-test-bucket|oss-live-test\.example\.(com|org)' "$config"; then
  echo "$config still has the template's example values (my-test-bucket, oss-live-test.example.com): fill it in." >&2
  exit 2
fi
# Real endpoints: whatever the shell has from the emulator must not leak in.
unset ALICLOUD_OSS_ENDPOINT ALICLOUD_ALIDNS_ENDPOINT ALICLOUD_STS_ENDPOINT EMULATOR_URL EMULATOR_DNS_SERVER EMULATOR_DNS_PORT SSL_CERT_FILE

bash .ci/make-tree.sh "$repo" "$tree/ansible_collections/alicloud_oss/domains"
export ANSIBLE_COLLECTIONS_PATH=$tree
export ANSIBLE_CALLBACK_RESULT_FORMAT=${ANSIBLE_CALLBACK_RESULT_FORMAT:-yaml}
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
mkdir -p "$(dirname "$summary")"
rm -f "$summary"
"$bin/ansible-playbook" playbooks/demo.yml "${vault_args[@]}" -e "@$config" -e demo_emulator=false \
  -e "demo_work_dir=$repo/.work/live-test" -e "demo_summary_file=$summary" "$@"
echo
cat "$summary"
# Each credential source listed in live_credential_sources, read-only (playbooks/live-credentials.yml).
"$bin/ansible-playbook" playbooks/live-credentials.yml "${vault_args[@]}" -e "@$config"
