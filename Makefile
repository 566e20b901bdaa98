# graphlib-trade: `make demo` runs the Huawei case end to end, `make test` runs the tests.
# Both set up what they need on a fresh machine (Python packages in .venv, Neo4j from Maven Central).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install neo4j-install neo4j-start neo4j-stop neo4j-status test test-fast lint demo browser-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Neo4j Community 5.26 from Maven Central (no Docker needed); NEO4J_URI points elsewhere instead.
neo4j-install: $(STAMP)
	$(BIN)/graphlib-trade server install

neo4j-start: neo4j-install
	$(BIN)/graphlib-trade server start

neo4j-stop: $(STAMP)
	$(BIN)/graphlib-trade server stop

neo4j-status: $(STAMP)
	$(BIN)/graphlib-trade server status

## Tests: the store tests start their own Neo4j instance (ports 7688/7475) and stop it afterwards.
test: $(STAMP) neo4j-install
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not neo4j'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy graphlib_trade

demo: $(STAMP) neo4j-install
	bash scripts/demo.sh

## Opens Neo4j Browser in headless Chromium (Debian's chromium), checks the status colours
## against the computed statuses and saves out/browser-huawei.png.
browser-check: $(STAMP) neo4j-install
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(BIN)/pip install --quiet -e '.[browser]'
	$(BIN)/python scripts/browser_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache out
