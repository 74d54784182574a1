# Two commands for a fresh machine:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum setup.cfg | cut -d' ' -f1)

.PHONY: demo test venv lint clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

## Set up, create the SQLite database, load the demo data, build the index and serve on :5000.
demo: venv
	$(BIN)/matchmaker demo

## Set up and run the whole test suite in parallel (PYTEST_WORKERS=0: one process).
# Two workers per core: about half of a test's time is spent waiting on its HTTP server,
# browser, database or subprocess, not on the CPU. worksteal may run a module's tests in
# different workers: a test must not need another to have run before it.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
test: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

lint: venv
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
