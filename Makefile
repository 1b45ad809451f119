# Quick start: `make demo` (set up and run the main job), `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: setup demo serve docs screenshots messages test bench mutate clean

$(BIN)/mrv: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/mrv

#: primap2 pins numpy < 2, so the test that loads the interchange format with it runs it
#: from an environment of its own.
PRIMAP2 := .venv-primap2/bin/python
$(PRIMAP2):
	$(PYTHON) -m venv .venv-primap2
	.venv-primap2/bin/pip install --quiet "primap2>=0.13"

setup: $(BIN)/mrv

demo: setup
	$(BIN)/mrv demo --out $(OUT)/demo

#: The pages and the API on the demo database: http://127.0.0.1:8000 (log in with an
#: account of out/demo/demo-accounts.csv).
serve: setup
	$(BIN)/mrv serve

#: The README's images from the demo database (`make demo` first): the report's first page
#: and chart, and docs/screenshots/*.png of the main pages.
docs: setup
	PYTHONPATH=. $(BIN)/python docs/screenshots.py

screenshots: docs

#: The message catalogues (mrv/locale): every msg("…") of the code added to the Vietnamese
#: catalogue (new ones untranslated, for a translator to fill in), then compiled to mrv.mo.
messages: setup
	mkdir -p $(OUT)
	$(BIN)/pybabel extract --no-default-keywords -k msg -k help_text --no-location --sort-output -o $(OUT)/mrv.pot mrv models cli web
	$(BIN)/pybabel update -i $(OUT)/mrv.pot -d mrv/locale -D mrv -l vi --width 100 --no-fuzzy-matching
	$(BIN)/pybabel compile -d mrv/locale -D mrv --statistics

test: setup $(PRIMAP2)
	MRV_PRIMAP2_PYTHON=$(PRIMAP2) $(BIN)/pytest -q

bench: setup
	$(BIN)/python tests/benchmarks/startup.py
	$(BIN)/python tests/benchmarks/bench_engine.py
	$(BIN)/python tests/benchmarks/bench_uncertainty.py
	$(BIN)/python tests/benchmarks/bench_report.py
	$(BIN)/python tests/benchmarks/bench_database.py
	$(BIN)/python tests/benchmarks/load_server.py --workers 2
	$(BIN)/python tests/benchmarks/pages.py

#: The mutation checks of tests/mutation/ to run (each mutates files in place, one at a
#: time, and restores them: run it on a clean checkout, not while editing).
MUTATE ?= reductions sources guards
#: Mutants drawn at random from each check (`make mutate SAMPLE=120`); empty runs them all.
SAMPLE ?=

mutate: setup
	$(BIN)/pip install --quiet "cosmic-ray>=8.3"
	mkdir -p $(OUT)/mutation
	for check in $(MUTATE); do \
		$(BIN)/cosmic-ray init tests/mutation/$$check.toml $(OUT)/mutation/$$check.sqlite && \
		{ [ -z "$(SAMPLE)" ] || $(BIN)/python tests/mutation/sample.py $(OUT)/mutation/$$check.sqlite $(SAMPLE); } && \
		PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/cosmic-ray exec tests/mutation/$$check.toml $(OUT)/mutation/$$check.sqlite && \
		$(BIN)/cr-report $(OUT)/mutation/$$check.sqlite | tail -3 || exit 1; \
	done

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis mrv.sqlite mrv.sqlite-wal mrv.sqlite-shm
