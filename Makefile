# Perspektive: the two set-up commands are `make demo` and `make test` (see README).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.12+ on PATH (pyenv users get the one .python-version names).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	&& { echo $$p; break; }; done)

.PHONY: demo test check lint messages clean venv

$(VENV)/.python-ok:
	@if [ -z "$(PYTHON)" ]; then echo "Perspektive needs Python 3.12 or newer; none was found on PATH." >&2; \
		echo "Install one (e.g. 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 demo" >&2; exit 1; fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Recreating $(VENV) (it was made with an older Python)"; rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.python-ok
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Perspektive is starting on http://$(HOST):$(PORT)/ (stop with Ctrl+C)"
	@echo "The background worker (reminders, messages) runs alongside: manage.py db_worker"
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

check: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy perspektive
	DJANGO_SETTINGS_MODULE=perspektive.settings.test $(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l de -l ar -l fa -l ps -l ckb -l ur -l fr -l sq -l sr --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	$(PY) -m perspektive.core.i18n_compile

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
