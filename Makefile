# graphlib-trade: `make demo` runs the Huawei case end to end, `make test` runs the tests.
# Both set up what they need on a fresh machine (Python packages in .venv, Neo4j from Maven Central).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install graphviz neo4j-install neo4j-start neo4j-stop neo4j-status test test-fast lint demo bench browser-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Graphviz's dot draws --format svg/html pictures (Debian package; --format dot/mermaid need nothing).
graphviz:
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; fi; }

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
test: $(STAMP) neo4j-install graphviz
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not neo4j'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy graphlib_trade

demo: $(STAMP) neo4j-install graphviz
	bash scripts/demo.sh

## Benchmarks on generated supply chains (10k and 100k nodes; BENCH_SCALE=1m adds 1M), beside the
## csgraph floor and the pure-Cypher peer, with Neo4j load/bulk/pull on a bench-only local server
## (BENCH_NEO4J=0 skips Neo4j): writes bench/results.json and the tables in BENCHMARKS.md.
bench: $(STAMP) neo4j-install
	$(BIN)/python bench/run.py

## Opens Neo4j Browser in headless Chromium (Debian's chromium), checks the status colours
## against the computed statuses and saves out/browser-huawei.png.
browser-check: $(STAMP) neo4j-install
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(BIN)/pip install --quiet -e '.[browser]'
	$(BIN)/python scripts/browser_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache out
