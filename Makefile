# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Development settings for every target, so a fresh checkout needs nothing set: DEBUG on gives the
# development SECRET_KEY, SQLite and console email (lga_portal/settings.py). A DEBUG already in
# the environment wins; check-deploy sets production settings for its own command.
export DEBUG ?= 1

.PHONY: run test install migrate seed serve lint format check-deploy clean

# Create the virtualenv and install pinned requirements (again only when they change).
$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Development server on the embedded SQLite database (or DATABASE_URL if set), with the
# background worker beside it (it sends the emails, printed here by the console backend);
# the worker stops when the server does.
run: install migrate
	$(BIN)/python manage.py seed --demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py seed

# The whole test suite; browser tests run when /usr/bin/chromium is installed. It runs in
# parallel, a test file at a time on each core (TEST_WORKERS=0 runs it in this one process);
# each worker has a test database of its own.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Style, formatting, and the one-way dependencies between apps (pyproject.toml, docs/decisions/0001).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Django's deployment checklist with production-like settings.
check-deploy: install
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdefghij \
	ALLOWED_HOSTS=support.local.gov.uk SITE_URL=https://support.local.gov.uk \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
