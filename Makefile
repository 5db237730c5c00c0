# Two commands: `make demo` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/demo/countersight.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test build-demo lint typecheck clean model

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

# Retrain the shipped extraction model from the labeled corpus (deterministic: same data, same file).
CORPUS ?= ../shared/data/corpus/passages ../shared/data/devset
model: install
	$(BIN)/countersight train $(CORPUS) --out src/countersight/data/models/extractor.json

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy src/countersight

clean:
	rm -rf $(VENV) demo .pytest_cache
