# Two commands do all set-up on a fresh machine (Python 3.11): `make run` and `make test`.
# Both create or reuse .venv from the pinned versions in requirements.lock.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint bench clean-venv

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (need Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: extract the evidence table from corpus/ into outputs/, then check it against the gold tables
run: $(STAMP)
	$(BIN)/evidence extract corpus --out outputs
	$(BIN)/evidence check --gold corpus/gold/review.csv --evidence outputs/evidence.csv --out outputs/check/review

## test: lint and the test suite
test: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks scripts
	$(BIN)/python -m pytest -q

## check: score all gold tables (review, development tune and test splits)
check: $(STAMP)
	for g in review dev_tune dev_test; do \
	  $(BIN)/evidence check --gold corpus/gold/$$g.csv --evidence outputs/evidence.csv --out outputs/check/$$g || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

clean-venv:
	rm -rf $(VENV)
