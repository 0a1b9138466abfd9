# Two entry points (see README): `make run [FOLDER=path]` and `make test`.
# Both create .venv with Python 3.11+ and install xpcsviewer into it on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint snapshot bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	@bash scripts/install-system-deps.sh xcb
	$(BIN)/xpcsviewer $(if $(FOLDER),"$(FOLDER)",)

test: $(STAMP)
	@bash scripts/install-system-deps.sh offscreen
	$(BIN)/ruff check xpcsviewer tests scripts
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

snapshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/xpcsviewer tests/data --snapshot snapshots --select 2

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python scripts/bench_io.py
	$(BIN)/python scripts/bench_compute.py
	$(BIN)/python scripts/bench_fit.py

clean:
	rm -rf $(VENV) snapshots .pytest_cache
