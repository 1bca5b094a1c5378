# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | sha1sum | cut -c1-12)

.PHONY: run serve test install install-test migrate demo lint format clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)
	@bash scripts/system-deps.sh run

install-test: $(STAMP)
	@bash scripts/system-deps.sh test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@$(PY) manage.py demo_logins
	@echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

# Production-style: several worker processes (WEB_CONCURRENCY, default 2) behind gunicorn, README "Serving".
serve: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	scripts/serve

test: install-test
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache .ruff_cache
