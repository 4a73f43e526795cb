# The README's two commands: `make demo` and `make test`. Needs Python 3.11+ as $(PYTHON).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint unit slow bench system-deps template clean mutate fuzz reliability

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "penholder needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## demo: the whole story so far on the example guideline, in a fresh workspace (prints its path)
demo: $(STAMP)
	$(BIN)/python -m flows.demo

## test: lint, types, layer contracts, then every test (LibreOffice ones included when installed)
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=25

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## unit: the fast tests only
unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

## reliability: concurrent and killed writers at N=50, writes docs/reliability.md (not in `make test`)
reliability: $(STAMP)
	$(BIN)/python tools/reliability.py --n 50

## mutate: mutation testing of the core logic (docs/testing.md); not part of `make test`.
## MUTATE narrows it to some modules: make mutate MUTATE="reviewers.consolidate.merge drafts.stages"
MUTATE ?= reviewers.consolidate.merge reviewers.consolidate.rebase reviewers.consolidate.matrix \
	reviewers.intake.silent_edits reviewers.intake.identify reviewers.intake.stamps \
	reviewers.intake.record drafts.stages drafts.history drafts.history_cache drafts.core.safe \
	drafts.ooxml.read.revisions drafts.ooxml.read.annotations drafts.ooxml.read.text \
	drafts.ooxml.read.runs drafts.ooxml.read.textpass \
	reviewers.rounds.tracking reviewers.decide.answers reviewers.decide.apply \
	reviewers.decide.revise reviewers.decide.guards \
	reviewers.decide.from_matrix reviewers.decide.store reviewers.decide.letters \
	reviewers.decide.from_docx reviewers.egm.gate
mutate: $(STAMP)
	@start=$$(date +%s); \
	for m in $(MUTATE); do echo "== $$m"; $(BIN)/mutmut run --max-children 2 "$$m.*" >/dev/null || exit 1; done; \
	$(BIN)/python tools/mutation_scores.py; echo "make mutate took $$(( $$(date +%s) - start )) s"

## fuzz: mutations of the real corpus through the reader for FUZZ_SECONDS (docs/testing.md,
## Fuzzing); not part of `make test`. Exits 1 with the shrunk cases when a crash is found.
FUZZ_SECONDS ?= 120
fuzz: $(STAMP)
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python tools/fuzz_reader.py

system-deps:
	@bash .ci/system-deps.sh

## bench: every benchmark, each aim MET or MISSED, then docs/performance.md and its chart rewritten
bench: $(STAMP)
	@rm -rf build/bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	$(BIN)/python bench/report.py

template: $(STAMP)
	$(BIN)/python templates/build_reference.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
