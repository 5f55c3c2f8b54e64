# wincontainers.gmsa: the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell scripts/find-python)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTIONS := $(CURDIR)/.cache/collections
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_ROLES_PATH := $(CURDIR)/tests/integration/targets
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_FORCE_COLOR := 0
export PATH := $(BIN):$(PATH)
LAB_DIR ?= $(CURDIR)/.lab/dc
LAB_NETNS ?= gmsalab
PY_DIRS := $(wildcard plugins tests bench scripts extensions)
export LAB_DIR LAB_NETNS
LAB_VARS := -e lab_dc_dir=$(LAB_DIR) -e lab_dc_netns=$(LAB_NETNS)

.PHONY: help setup system-deps demo-deps venv collection demo test format-check unit sanity lint docs-lint build-check playbooks molecule bench integration lab lab-down clean

help:
	@echo "make demo   - install what is needed, start the lab DC and run the main playbook against it"
	@echo "make test   - install what is needed and run the whole suite: ruff, unit, sanity, lint, integration"
	@echo "other targets: unit sanity lint integration lab lab-down clean"

setup: system-deps venv collection

system-deps:
	@scripts/install-system-deps.sh

# The demo needs the lab and the venv's build packages, not the test tools (chromium, shellcheck: ~300 MB).
demo-deps:
	@GMSA_SYSTEM_GROUPS=lab,build scripts/install-system-deps.sh

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-test.txt
	@touch $@

# Ansible finds the collection through ANSIBLE_COLLECTIONS_PATH: a link to this checkout.
collection:
	@mkdir -p $(COLLECTIONS)/ansible_collections/wincontainers
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/wincontainers/gmsa

lab: setup
	scripts/lab-dc up

lab-down:
	scripts/lab-dc down

demo: demo-deps venv collection
	ansible-playbook playbooks/demo.yml $(LAB_VARS)

format-check: venv
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)

# Pure logic only: needs the virtual environment, not root, Samba or a network namespace.
unit: venv
	$(BIN)/python -m pytest tests/unit -q -p no:cacheprovider

sanity: setup
	PYTHON=$(BIN)/python scripts/sanity.sh

# ansible-lint (production profile), then mypy over plugins/module_utils and plugins/filter (mypy.ini).
lint: setup
	scripts/lint.sh
	$(BIN)/mypy

# A fresh domain for every run: the targets start from what provisioning creates. Each target runs in its own
# ansible-playbook process against that one lab DC (tests/integration/run.py); failed targets are named at the end.
integration: setup
	scripts/lab-dc down
	$(BIN)/python tests/integration/run.py $(if $(TARGETS),--targets '$(TARGETS)')

build-check: setup
	tests/build/check_build.sh

# Module, filter and role documentation renders and every cross-reference resolves.
docs-lint: setup collection
	cd $(COLLECTIONS)/ansible_collections/wincontainers/gmsa && antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=all .

# The docsite: antsibull-docs pages, the Markdown guides of docs/ (MyST) and the changelog, in .build/docs/html.
.PHONY: docs docs-check release-check
docs: setup
	$(BIN)/python scripts/build_docs.py

# The docsite with every Sphinx warning as an error.
docs-check: setup
	$(BIN)/python scripts/build_docs.py --strict

# antsibull-changelog lint, the fragment rules, and a release dry run of galaxy.yml's version in a scratch copy
# that must list every new module, filter and role once.
release-check: setup
	$(BIN)/python -m pytest tests/release -q -p no:cacheprovider

# verify.yml's HTML report in headless Chromium: one coloured row per check, nothing fetched.
.PHONY: report-check
report-check: setup
	$(BIN)/python -m pytest tests/report -q -p no:cacheprovider

# Syntax checks of every playbook and the example inventory (Windows-side tasks cannot run here).
playbooks: setup
	tests/playbooks/check.sh

# Converges 100, 500 and 2,000 gMSAs in one task against the lab DC, beside raw ldap3 adds and samba-tool (peak
# memory of the module process, LDAP operations), then the fleet: the site flow for BENCH_APPS apps beside its floor,
# BENCH_REPEAT rounds interleaved (bench/README.md). Not part of make test.
BENCH_APPS ?= 10 50
BENCH_REPEAT ?= 3
.PHONY: bench-fleet
bench: setup
	scripts/lab-dc up
	scripts/lab-dc exec $(BIN)/python bench/gmsa_bulk.py --count 100 --count 500 --count 2000
	$(MAKE) --no-print-directory bench-fleet

bench-fleet: setup
	scripts/lab-dc up
	scripts/lab-dc exec $(BIN)/python bench/fleet.py $(foreach n,$(BENCH_APPS),--apps $(n)) --repeat $(BENCH_REPEAT)

# Every command and data file the suite uses comes from a package on debian-packages.txt, the lab_dc role
# fails early and says why, and it reuses an up lab only when nothing differs (tests/system). Runs as root: the
# lab_dc parts make throwaway labs.
.PHONY: system-check
system-check: setup
	$(BIN)/python tests/system/check_packages.py
	tests/system/lab_dc_failures.sh
	tests/system/lab_dc_reuse.sh

# Every Molecule scenario (extensions/molecule/README.md): one per role and one that takes its connection from
# inventory variables, sharing one lab DC that the default scenario brings up (netns gmsamolecule, or
# GMSA_MOLECULE_NETNS) and removes; each converges, checks idempotence and reads the result back.
molecule: setup collection
	molecule test --all

test: setup format-check unit sanity lint docs-lint docs-check release-check report-check build-check playbooks system-check integration molecule
	@echo "make test: all suites passed"

clean: lab-down
	rm -rf .build .cache tests/output
