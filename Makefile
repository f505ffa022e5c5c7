# neuromatch — `make run` serves the app on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_CSV := fixtures/demo_programs.csv
HOST ?= 127.0.0.1
PORT ?= 8000

# Local use: DEBUG on (development secret key, console e-mail). Production sets its own.
export DEBUG ?= true

.PHONY: run test test-fast lint format migrations-check migrate demo staff bench browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,dev]"
	touch $@ $(VENV)/.installed-run

migrate: $(VENV)/.installed-run
	$(MANAGE) migrate --no-input

demo: migrate
	@if [ -f $(DEMO_CSV) ]; then $(MANAGE) import_programs $(DEMO_CSV) --if-empty; fi

run: demo
	@echo
	@echo "  neuromatch: http://$(HOST):$(PORT)/  (create an account on the sign-in page)"
	@echo "  staff account: make staff  (other commands: see README, \"Running commands yourself\")"
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

staff: migrate
	$(MANAGE) createsuperuser

browser:
	@sh .ci/ensure-chromium

# Two runs: the browser tests' live server keeps threads on the test database for the whole
# session, and the thread-race tests swap that database for a file under them (a worker once
# crashed in SQLite doing so). Each run has its own workers.
test: $(VENV)/.installed-test browser
	$(BIN)/pytest -n 2 -m "not browser"
	$(BIN)/pytest -n 2 -m browser

# The quick loop while working: no browser, fuzz, slow property, thread-race or role-by-URL
# sweep tests; small property runs; an idle worker takes tests queued for the other.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it every worker
# rewrites the asserts of every test module again on each run (most of collection's time).
test-fast: $(VENV)/.installed-test
	PYTHONDONTWRITEBYTECODE= HYPOTHESIS_PROFILE=fast $(BIN)/pytest -q -n 2 --dist worksteal -m "not slow and not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed-run
	$(MANAGE) makemigrations --check --dry-run

bench: $(VENV)/.installed-test
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles
