# Two commands: `make demo` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/demo/countersight.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test build-demo lint typecheck clean lock audit

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "countersight needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build-demo: install
	COUNTERSIGHT_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/countersight build-demo

demo: build-demo
	COUNTERSIGHT_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/countersight serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy src/countersight

# The runtime dependencies pinned with hashes (requirements.lock), and their audit against the
# known-vulnerability database. Both need the network, so neither is part of `make test`: run
# `make audit` before a release and whenever the lock changes (docs/security.md).
LOCK := requirements.lock

lock: install
	$(BIN)/python -m pip install --quiet -e '.[audit]'
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file $(LOCK) pyproject.toml

audit: install
	$(BIN)/python -m pip install --quiet -e '.[audit]'
	$(BIN)/pip-audit --requirement $(LOCK) --require-hashes --disable-pip --strict --progress-spinner off

clean:
	rm -rf $(VENV) demo .pytest_cache
