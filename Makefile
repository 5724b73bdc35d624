# Oversight (派驻监督工作看板) — the two commands: `make run` and `make test`.
# Both work on a fresh Debian machine as root: they install what is missing and nothing that is there.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Debian packages: Chromium renders chart images (kaleido) and runs the browser tests (Playwright);
# Noto CJK makes Chinese render as glyphs in server-side images, Noto Color Emoji the emoji a clerk types into a
# ledger (✅ was a box in the charts and the PDF, and missing from the PDF's copied text); poppler-utils turns PDFs into text and pictures;
# LibreOffice Impress and Writer render the briefing's PPTX and DOCX as a reader sees them (the office tests).
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji poppler-utils libreoffice-impress libreoffice-writer
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast check format bench bench-peer system system-cluster sample clean help cluster cluster-stop soak

help:
	@echo "make run    — install everything and start the dashboard on http://localhost:$(PORT)"
	@echo "make test   — install what the tests need, run make check, then the whole suite (browser tests included)"
	@echo "make test-fast — the quick loop: no browser, AppTest, office, cluster or slow tests (under a minute)"
	@echo "make check  — ruff format --check, ruff check, mypy and the import layers (lint-imports)"
	@echo "make format — ruff format and ruff check --fix, in place"
	@echo "make bench  — benchmarks against baselines run in the same command"
	@echo "make bench-peer — the Overview against the same dashboard in Apache Superset 6.1 (installs it under test-output/)"
	@echo "make sample — regenerate the sample data in data/"
	@echo "make clean  — remove .venv, test-output/ and pytest's cache (the next run or test installs from scratch)"
	@echo "make cluster — N=$(N) replicas behind nginx on http://127.0.0.1:$(CLUSTER_PORT) (accounts required); make cluster-stop"
	@echo "make soak   — the full cluster soak (SOAK_SESSIONS sessions, SOAK_BROWSERS of them in Chromium, for SOAK_SECONDS s) and the import race"

system:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || missing="$$missing fonts-noto-color-emoji"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	dpkg -s libreoffice-impress >/dev/null 2>&1 || missing="$$missing libreoffice-impress"; \
	dpkg -s libreoffice-writer >/dev/null 2>&1 || missing="$$missing libreoffice-writer"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# nginx only for the cluster (make cluster, make soak, and the cluster tests in make test): a check of its own,
# so make run never installs a web server it does not use. Debian's package enables and starts its own
# nginx.service with a default site on port 80; the cluster runs an nginx of its own (deploy/cluster.py), so the
# service just installed is disabled and stopped and its default site unlinked, or it would hold port 80 and come
# back at every boot. Without systemd (a container) there is nothing to disable: that step fails quietly.
# An nginx that was already there is left as it is. NGINX and NGINX_DEFAULT_SITE are for tests/test_deploy.py.
NGINX ?= /usr/sbin/nginx
NGINX_DEFAULT_SITE ?= /etc/nginx/sites-enabled/default
system-cluster:
	@command -v nginx >/dev/null 2>&1 || [ -x $(NGINX) ] || { \
		echo "installing Debian packages: nginx"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nginx && \
		{ $(SUDO) systemctl disable --now nginx >/dev/null 2>&1 || true; } && \
		$(SUDO) rm -f $(NGINX_DEFAULT_SITE); }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# Local mode answers only to this machine's names: Streamlit's own Host check (server.allowedHosts) refuses a
# DNS-rebinding page's name at the websocket, before our check in oversight/auth/access_mode.py sees it.
LOCAL_HOSTS := localhost 127.0.0.1 ::1
RUN_FLAGS = --server.port $(PORT) $(foreach host,$(LOCAL_HOSTS),--server.allowedHosts $(host))

run: system $(VENV)/.runtime-installed
	$(BIN)/python -m oversight.ui.serve $(RUN_FLAGS)

test: system system-cluster $(VENV)/.dev-installed check
	$(BIN)/python -m pytest

# The quick loop while you work: unit tests only (markers in pyproject.toml; tests/conftest.py marks by folder and name).
test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -q -n auto -m "not browser and not apptest and not slow and not office and not cluster"

# What a reviewer would check by eye, checked by tools: the format, lint rules, types and the layers of docs/ARCHITECTURE.md.
CHECKED := oversight tests bench deploy app.py pages
check: $(VENV)/.dev-installed
	$(BIN)/ruff format --check $(CHECKED)
	$(BIN)/ruff check $(CHECKED)
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed
	$(BIN)/ruff format $(CHECKED)
	$(BIN)/ruff check --fix $(CHECKED)

bench: system $(VENV)/.dev-installed
	$(BIN)/python -m bench

# The peer benchmark: Apache Superset in its own virtualenv under test-output/ (not part of `make test`).
PEER_VENV := test-output/superset-peer/venv
$(PEER_VENV)/.installed: bench/peer/requirements.txt bench/peer/constraints.txt
	rm -rf $(PEER_VENV)
	$(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PEER_VENV)/bin/python -m pip install --quiet -r bench/peer/requirements.txt -c bench/peer/constraints.txt
	touch $@

bench-peer: system $(VENV)/.dev-installed $(PEER_VENV)/.installed
	$(BIN)/python -m bench.peer

# ---------------------------------------------------------------- the cluster (docs/DEPLOY.md)
# N replicas on REPLICA_PORT, REPLICA_PORT+1, ... and nginx on CLUSTER_PORT, all on 127.0.0.1; pid files,
# logs and the rendered nginx.conf in CLUSTER_DIR. Serving several people needs accounts: local mode refuses
# every proxied request (create one with `python -m oversight user add NAME --role admin` first).
N ?= 3
CLUSTER_PORT ?= 8600
REPLICA_PORT ?= 8611
CLUSTER_DIR ?= test-output/cluster
SOAK_SESSIONS ?= 50
SOAK_SECONDS ?= 120
SOAK_BROWSERS ?= 3

cluster: system system-cluster $(VENV)/.runtime-installed
	$(BIN)/python -m deploy.cluster start --replicas $(N) --port $(CLUSTER_PORT) --replica-port $(REPLICA_PORT) \
		--run-dir $(CLUSTER_DIR)

cluster-stop:
	$(BIN)/python -m deploy.cluster stop --run-dir $(CLUSTER_DIR)

soak: system system-cluster $(VENV)/.dev-installed
	CLUSTER_SESSIONS=$(SOAK_SESSIONS) CLUSTER_SECONDS=$(SOAK_SECONDS) CLUSTER_BROWSERS=$(SOAK_BROWSERS) \
		$(BIN)/python -m pytest -q -m cluster tests/cluster

sample: $(VENV)/.runtime-installed
	$(BIN)/python -m oversight sample --out data

clean:
	rm -rf $(VENV) test-output .pytest_cache
