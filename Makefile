# make run   – the site on http://127.0.0.1:8000 with the demo campaign (SQLite, no services needed);
#              HOST_PORT=127.0.0.1:8011 serves it (and writes its links) on another address
# make test  – the whole test suite on 2 processes (PYTEST_ARGS="..." passes options to
#              pytest; PYTEST_ARGS="-n 0" runs it in one process, e.g. to use a debugger)
# make worker / make beat – Celery against REDIS_URL
# make messages – refresh the message catalogs (locale/*/LC_MESSAGES/django.po) from the code; needs GNU gettext
# make lint  – ruff's linter and formatter check, as CI runs them
# make requirements – pin the dependencies of requirements.in and requirements-dev.in, with hashes
# make bench – the performance suite: seeds PostgreSQL, serves with gunicorn, loads with wrk (docs/benchmarks.md)
# make backup – pg_dump of DATABASE_URL (custom format) into backups/ (BACKUP_DIR=…); prints the file's name
# make restore FILE=… – replaces what DATABASE_URL's database holds with a backup (stop web, worker, beat first)
# make clean – remove the virtualenv and every local artefact
#
# DATABASE_URL, REDIS_URL and EMAIL_URL in the environment are used as they are.

SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PYTHON := $(VENV)/bin/python
# The interpreter that creates the virtualenv: Python 3.11 where there is one.
BOOTSTRAP_PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3)
PIP_INSTALL := $(PYTHON) -m pip install --quiet --disable-pip-version-check
# Stamps: pip runs again only when a requirements file is newer than its stamp.
RUNTIME_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

# Where make run serves the site: make run HOST_PORT=127.0.0.1:8011 (or HOST_PORT=… in the environment).
HOST_PORT ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test worker beat migrate clean catalogs messages

# The UI languages besides English (the source language): see LANGUAGES in advocacy/settings.py.
TRANSLATED_LANGUAGES := es fr pt ar
CATALOGS := $(foreach language,$(TRANSLATED_LANGUAGES),locale/$(language)/LC_MESSAGES/django.mo)

$(PYTHON):
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PYTHON)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

# requirements-dev.txt holds everything requirements.txt does, so it satisfies both stamps.
$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PYTHON)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

migrate: $(RUNTIME_STAMP)
	$(PYTHON) manage.py migrate --noinput

# Compiled with Babel (a Python package), so a fresh machine needs no GNU gettext;
# only catalogs whose .po changed are compiled again.
catalogs: $(CATALOGS)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(RUNTIME_STAMP)
	@$(VENV)/bin/pybabel compile --domain django --input-file $< --output-file $@

# For translators: collect the strings of the code and templates into the .po files
# (new ones empty, changed ones marked fuzzy), then translate them and run make.
messages: $(RUNTIME_STAMP)
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext (apt-get install gettext); compiling the catalogs does not." >&2; exit 1; }
	$(PYTHON) manage.py makemessages --no-obsolete $(foreach language,$(TRANSLATED_LANGUAGES),--locale $(language)) \
		--ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*' --ignore 'media/*' --ignore 'var/*'
	@$(VENV)/bin/pybabel compile --domain django --directory locale --statistics

run: export DEBUG = 1
# Links in emails and feeds are written on SITE_URL: the address the server listens on,
# unless SITE_URL is set (e.g. to the address of a proxy in front of it).
# (A port alone, as runserver takes it, means 127.0.0.1.)
run: export SITE_URL ?= http://$(if $(findstring :,$(HOST_PORT)),$(HOST_PORT),127.0.0.1:$(HOST_PORT))
run: migrate catalogs
	$(PYTHON) manage.py load_demo_campaign
	@echo
	@echo "  Site:        http://$(HOST_PORT)/"
	@echo "  Admin:       http://$(HOST_PORT)/admin/  (demo admin: admin@example.org / admin)"
	@if [ -n "$$EMAIL_URL" ]; then \
		echo "  Emails:      sent through EMAIL_URL"; \
	else \
		echo "  Emails:      written as files to $${EMAIL_FILE_PATH:-var/mail/}"; \
	fi
	@if [ -n "$$REDIS_URL" ]; then \
		echo "  Tasks:       queued in Redis (REDIS_URL): run 'make worker' and 'make beat' in other terminals"; \
	else \
		echo "  Tasks:       run in-process; a background Celery beat runs the periodic ones (scheduled mailings)"; \
	fi
	@echo
	@# Without a broker, beat runs each periodic task itself (eager mode): scheduled mailings go out.
	@if [ -z "$$REDIS_URL" ]; then \
		$(VENV)/bin/celery -A advocacy beat --loglevel=WARNING \
			--scheduler django_celery_beat.schedulers:DatabaseScheduler & beat=$$!; \
		trap 'kill $$beat 2>/dev/null' EXIT INT TERM; \
		$(PYTHON) manage.py runserver $(HOST_PORT); \
	else \
		$(PYTHON) manage.py runserver $(HOST_PORT); \
	fi

test: $(DEV_STAMP) catalogs
	@$(PYTHON) -m pytest -n 2 $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; fi; \
	exit $$status

worker: $(RUNTIME_STAMP)
	@[ -n "$$REDIS_URL" ] || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run in-process and no worker is needed." >&2; exit 1; }
	$(VENV)/bin/celery -A advocacy worker --loglevel=INFO

beat: migrate
	@[ -n "$$REDIS_URL" ] || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run in-process and no beat is needed." >&2; exit 1; }
	$(VENV)/bin/celery -A advocacy beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

.PHONY: bench lint requirements
# Its own databases (bench_advocacy, bench_email) and Redis database (14), all settable
# (BENCH_DATABASE_URL, BENCH_EMAIL_DATABASE, BENCH_REDIS_URL, BENCH_PORT: docs/benchmarks.md);
# DATABASE_URL and REDIS_URL are not used.
# The SMTP sink of the email benchmark (aiosmtpd) is among the development requirements.
bench: $(DEV_STAMP)
	@bash bench/ensure_services.sh
	@$(PYTHON) -m bench.run

# PostgreSQL's own client tools, not the virtualenv's; docs/deploy.md has the compose way and where to keep backups.
# A backup holds every contact detail: only its owner may read it (umask 077).
BACKUP_DIR ?= backups
.PHONY: backup restore
backup:
	@[ -n "$$DATABASE_URL" ] || { echo "Set DATABASE_URL to the database to back up (postgres://user:password@host:5432/name)." >&2; exit 1; }
	@umask 077 && mkdir -p "$(BACKUP_DIR)" \
		&& file="$(BACKUP_DIR)/advocacy-$$(date -u +%Y-%m-%dT%H%M%SZ).dump" \
		&& pg_dump --format=custom --no-owner --no-privileges --file="$$file" --dbname="$$DATABASE_URL" \
		&& echo "$$file"

# --clean --if-exists: what the database holds is dropped, then the backup loaded, in one transaction.
restore:
	@[ -n "$(FILE)" ] || { echo "Name the backup to restore: make restore FILE=backups/advocacy-….dump" >&2; exit 1; }
	@[ -n "$$DATABASE_URL" ] || { echo "Set DATABASE_URL to the database to restore into (postgres://…)." >&2; exit 1; }
	@pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
		--dbname="$$DATABASE_URL" "$(FILE)"

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles $(CATALOGS) tests/browser/node_modules

# The linter and the formatter, as CI runs them (ruff, configured in pyproject.toml).
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Pins every dependency, with hashes, from requirements.in and requirements-dev.in.
requirements: $(DEV_STAMP)
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links requirements-dev.in
