# alicloud_oss.domains — every developer and CI entry point.
# `make test` works on a fresh Debian machine as root: it installs what it needs, then runs every gate.

SHELL := /bin/bash
.DEFAULT_GOAL := help

REPO      := $(CURDIR)
WORK      := $(REPO)/.work
VENV      := $(REPO)/.venv
VENV216   := $(WORK)/venv-2.16
PY        := $(VENV)/bin/python
TREE      := $(WORK)/tree
COLL      := $(TREE)/ansible_collections/alicloud_oss/domains
TREE216   := $(WORK)/tree-2.16
COLL216   := $(TREE216)/ansible_collections/alicloud_oss/domains
STATE     := $(REPO)/.emulator
APT_PACKAGES := bind9 bind9-dnsutils shellcheck unbound rsync git make python3-venv curl
SYSTEM_PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: help deps venv venv-2.16 tree test gates demo live-test emulator emulator-stop emulator-restart emulator-test \
        sanity units integration lint docs-lint changelog-lint build importer bench soak soak-short clean

help:  ## list the targets
	@grep -E '^[a-z0-9.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

deps: venv  ## system packages and the virtual environment

$(WORK)/.apt-done:
	@mkdir -p $(WORK)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
	@touch $@

$(VENV)/.done: requirements-dev.txt requirements.txt $(WORK)/.apt-done
	$(SYSTEM_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(VENV216)/.done: requirements-dev-2.16.txt $(WORK)/.apt-done
	$(SYSTEM_PYTHON) -m venv $(VENV216)
	$(VENV216)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev-2.16.txt
	@touch $@

venv: $(VENV)/.done
venv-2.16: $(VENV216)/.done

tree: venv  ## copy the collection to .work/tree/ansible_collections/alicloud_oss/domains (ansible-test needs a real path)
	@bash .ci/make-tree.sh $(REPO) $(COLL)

test: deps venv-2.16  ## run every quality gate; ends with "N passed, M failed"
	@bash .ci/gates.sh

demo: deps  ## start the emulator and run playbooks/demo.yml with a readable summary
	@bash playbooks/run-demo.sh

live-test: deps  ## the demo scenarios against real Alibaba Cloud (needs live-test.yml made from live-test.example.yml)
	@bash playbooks/run-live-test.sh

emulator: venv  ## start the emulator and its BIND in the background; writes .emulator/env
	@$(PY) tests/emulator/emulatorctl.py start --state-dir $(STATE)

emulator-stop:  ## stop the emulator and its BIND
	@if [ -x $(PY) ]; then $(PY) tests/emulator/emulatorctl.py stop --state-dir $(STATE); fi

emulator-restart: venv
	@$(PY) tests/emulator/emulatorctl.py restart --state-dir $(STATE)

emulator-test: venv  ## the emulator's conformance tests (real SDKs, real BIND)
	@$(PY) -m pytest tests/emulator/tests -q -p no:cacheprovider

sanity: tree  ## ansible-test sanity on the newest ansible-core
	@bash .ci/gates.sh sanity-2.19

units: tree  ## ansible-test units on the newest ansible-core
	@bash .ci/gates.sh units-2.19

integration: tree  ## ansible-test integration against the emulator
	@bash .ci/gates.sh integration

lint: tree  ## ansible-lint, production profile
	@bash .ci/gates.sh ansible-lint

docs-lint: tree
	@bash .ci/gates.sh antsibull-docs

changelog-lint: venv
	@bash .ci/gates.sh antsibull-changelog

build: tree  ## ansible-galaxy collection build into .work/dist
	@bash .ci/gates.sh build

importer: tree
	@bash .ci/gates.sh build galaxy-importer

bench: deps  ## benchmarks against the emulator; writes docs/benchmarks.md (not part of make test)
	@$(PY) tests/bench/run_bench.py

soak: deps  ## the full reliability suite (200 domains, faults, kills, restarts, bad inputs, secrecy)
	@$(PY) tests/bench/soak.py --full

soak-short: deps  ## the short reliability suite that make test runs
	@$(PY) tests/bench/soak.py

clean: emulator-stop  ## remove everything generated
	rm -rf $(WORK) $(STATE) tests/output tests/integration/inventory tests/integration/integration_config.yml importer_result.json
