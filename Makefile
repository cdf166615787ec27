# alicloud_oss.domains — every developer and CI entry point.
# `make demo` and `make test` work on a fresh Debian machine as root: each installs what it needs, then runs.
# The demo gets a light environment of its own (.work/venv-demo: ansible-core and the runtime requirements);
# only `make test` installs the development toolchain (.venv, .work/venv-2.16).

SHELL := /bin/bash
.DEFAULT_GOAL := help

REPO      := $(CURDIR)
WORK      := $(REPO)/.work
VENV      := $(REPO)/.venv
VENV216   := $(WORK)/venv-2.16
VENV_DEMO := $(WORK)/venv-demo
PY_DEMO   := $(VENV_DEMO)/bin/python
PY        := $(VENV)/bin/python
TREE      := $(WORK)/tree
COLL      := $(TREE)/ansible_collections/alicloud_oss/domains
TREE216   := $(WORK)/tree-2.16
COLL216   := $(TREE216)/ansible_collections/alicloud_oss/domains
STATE     := $(REPO)/.emulator
# The demo needs BIND (the emulator's DNS), dig, curl, openssl, and git + rsync for the collection tree.
DEMO_APT_PACKAGES := bind9 bind9-dnsutils rsync git make python3-venv curl openssl
APT_PACKAGES := $(DEMO_APT_PACKAGES) shellcheck unbound
SYSTEM_PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: help deps demo-deps venv venv-2.16 tree test gates demo live-test emulator emulator-stop emulator-restart \
        emulator-test sanity units integration lint docs docs-lint changelog-lint build importer bench soak soak-short clean

help:  ## list the targets
	@grep -E '^[a-z0-9.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

deps: venv  ## system packages and the development toolchain (.venv)

# apt_install: install the Debian packages of $(1) that are missing, then touch the target's stamp.
define apt_install
	@mkdir -p $(WORK)
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
	@touch $@
endef

$(WORK)/.apt-demo-done:
	$(call apt_install,$(DEMO_APT_PACKAGES))

$(WORK)/.apt-done:
	$(call apt_install,$(APT_PACKAGES))

$(VENV)/.done: requirements-dev.txt requirements.txt $(WORK)/.apt-done
	$(SYSTEM_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

$(VENV216)/.done: requirements-dev-2.16.txt $(WORK)/.apt-done
	$(SYSTEM_PYTHON) -m venv $(VENV216)
	$(VENV216)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev-2.16.txt
	@touch $@

# The demo's environment: ansible-core and the runtime requirements, at the versions pinned in requirements-dev.txt.
$(VENV_DEMO)/.done: requirements-demo.txt requirements.txt requirements-dev.txt $(WORK)/.apt-demo-done
	$(SYSTEM_PYTHON) -m venv $(VENV_DEMO)
	$(VENV_DEMO)/bin/pip install --quiet --disable-pip-version-check -r requirements-demo.txt
	@touch $@

venv: $(VENV)/.done
venv-2.16: $(VENV216)/.done
demo-deps: $(VENV_DEMO)/.done  ## only what the demo, the emulator and live-test need (.work/venv-demo)

tree: $(WORK)/.apt-demo-done  ## copy the collection to .work/tree/ansible_collections/alicloud_oss/domains (a real path, for ansible-test and Ansible)
	@bash .ci/make-tree.sh $(REPO) $(COLL)

test: deps venv-2.16  ## run every quality gate; ends with "N passed, M failed"
	@bash .ci/gates.sh

demo: demo-deps  ## start the emulator and run playbooks/demo.yml with a readable summary
	@PYTHON=$(PY_DEMO) bash playbooks/run-demo.sh

live-test: demo-deps  ## the demo scenarios against real Alibaba Cloud (needs live-test.yml made from live-test.example.yml)
	@PYTHON=$(PY_DEMO) bash playbooks/run-live-test.sh

emulator: demo-deps  ## start the emulator and its BIND in the background; writes .emulator/env
	@$(PY_DEMO) tests/emulator/emulatorctl.py start --state-dir $(STATE)

emulator-stop:  ## stop the emulator and its BIND
	@for py in $(PY_DEMO) $(PY); do if [ -x $$py ]; then $$py tests/emulator/emulatorctl.py stop --state-dir $(STATE); break; fi; done

emulator-restart: demo-deps
	@$(PY_DEMO) tests/emulator/emulatorctl.py restart --state-dir $(STATE)

emulator-test: venv  ## the emulator's conformance tests (real SDKs, real BIND)
	@$(PY) -m pytest tests/emulator/tests -q -p no:cacheprovider

sanity: venv tree  ## ansible-test sanity on the newest ansible-core
	@bash .ci/gates.sh sanity-2.19

units: venv tree  ## ansible-test units on the newest ansible-core
	@bash .ci/gates.sh units-2.19

integration: venv tree  ## ansible-test integration against the emulator
	@bash .ci/gates.sh integration

lint: venv tree  ## ansible-lint, production profile
	@bash .ci/gates.sh ansible-lint

docs: venv tree  ## build the HTML docsite with antsibull-docs and Sphinx (warnings fail) into .work/docsite/build/html
	@bash .ci/gates.sh docs && echo "open $(WORK)/docsite/build/html/index.html"

docs-lint: venv tree
	@bash .ci/gates.sh antsibull-docs

changelog-lint: venv
	@bash .ci/gates.sh antsibull-changelog

build: venv tree  ## ansible-galaxy collection build into .work/dist
	@bash .ci/gates.sh build

importer: venv tree
	@bash .ci/gates.sh build galaxy-importer

bench: deps  ## benchmarks against the emulator; writes docs/benchmarks.md (not part of make test; BENCH_ARGS=... passes options)
	@$(PY) tests/bench/run_bench.py $(BENCH_ARGS)

soak: deps  ## the full reliability suite, per-host and list mode (faults, kills, restarts, bad inputs, secrecy)
	@$(PY) tests/bench/soak.py --full $(SOAK_ARGS)

soak-short: deps  ## the short reliability suite that make test runs
	@$(PY) tests/bench/soak.py

clean: emulator-stop  ## remove everything generated
	rm -rf $(WORK) $(STATE) tests/output tests/integration/inventory tests/integration/integration_config.yml importer_result.json
