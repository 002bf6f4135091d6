# sysreview — `make demo` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CODE   := $(wildcard src tests benchmarks validation)

.PHONY: demo test lint typecheck bench docs clean lock

# Everything (all extras and the test tools) at the versions requirements.lock pins, so
# that a review re-run elsewhere computes with the same libraries. `make lock` renews it.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[all,dev]'
	touch $(STAMP)

lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra all --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links --unsafe-package sysreview --output-file requirements.lock pyproject.toml

# The demo is an ordinary project built afresh each time: `run` loads the data files its
# imports.toml lists into a new database (out/review.db, outside the checkout's tracked
# files), then analyses and reports what the database holds.
demo: $(STAMP)
	mkdir -p out
	rm -f out/review.db
	$(BIN)/sysreview run examples/group-peer-support --db sqlite:///out/review.db --out out
	$(BIN)/sysreview pool examples/peer-support-recovery.csv --measure SMD --by outcome --format text > out/pool.txt
	@echo "open out/report.html (also out/report.docx, out/figures/, out/results.json)"

lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

# The documentation site, into site/ (strict: a broken link or reference fails the build;
# the example notebooks are executed and check their numbers against metafor's).
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pool.py

clean:
	rm -rf $(VENV) out site .pytest_cache .mypy_cache .ruff_cache
