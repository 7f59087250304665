# make run   - set up .venv, migrate, load the demo content and serve the site
#              (and the example frontend on FRONTEND_PORT)
# make test  - run the whole test suite, then Wagtail's own API tests against
#              the app (DATABASE_URL picks another database)
PYTHON ?= python3
PORT ?= 8000
FRONTEND_PORT ?= 8001
WORKERS ?= 3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve serve-varnish test bench reference-model lint format messages install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# citeproc-js, the oracle of tests/references/test_citeproc_js.py, where
# Node and npm are installed (the test is skipped without Node).
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt tests/citeproc/package-lock.json
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/citeproc --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content --site-url http://127.0.0.1:$(PORT)
	@echo ""
	@echo "Site:     http://127.0.0.1:$(PORT)/"
	@echo "Admin:    http://127.0.0.1:$(PORT)/admin/  (log in as shown above)"
	@echo "API:      http://127.0.0.1:$(PORT)/api/v2/pages/?type=health_articles.HealthArticlePage"
	@echo "Frontend: http://127.0.0.1:$(FRONTEND_PORT)/  (example client of the API, frontend/)"
	@echo ""
	$(BIN)/python frontend/serve.py --port $(FRONTEND_PORT) --api http://127.0.0.1:$(PORT) & \
	frontend=$$!; \
	$(BIN)/python manage.py db_worker --backend webhooks --no-reload & \
	trap "kill $$frontend $$!" EXIT INT TERM; \
	WAGTAILADMIN_BASE_URL=http://127.0.0.1:$(PORT) FRONTEND_URL=http://127.0.0.1:$(FRONTEND_PORT)/ \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest
	@echo "== Wagtail's own API v2 tests, against this app's viewsets"
	$(BIN)/python -m django test wagtail.api.v2.tests --noinput \
		--settings=tests.wagtail_api.settings \
		--testrunner=tests.wagtail_api.runner.DifferencesRunner

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The French catalogues: health_articles/locale (the app's words) and locale/
# (the site's, templates/), extracted again from the code and compiled; the
# compiled .mo files are committed (a reusable app ships them compiled).
MESSAGES_IGNORE := -i .venv -i tests -i bench -i frontend -i deploy -i docs -i static -i media
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr $(MESSAGES_IGNORE) --no-obsolete
	$(BIN)/python manage.py compilemessages -l fr $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache

# Production-style server: gunicorn with the production settings. Needs
# SECRET_KEY and ALLOWED_HOSTS (and DATABASE_URL, REDIS_URL as wanted) in the
# environment; SECURE_SSL_REDIRECT=0 where no TLS proxy is in front.
serve: $(STAMP)
	DJANGO_SETTINGS_MODULE=blogsite.settings.production $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=blogsite.settings.production $(BIN)/python manage.py createcachetable
	DJANGO_SETTINGS_MODULE=blogsite.settings.production $(BIN)/python manage.py db_worker --backend webhooks & \
	trap "kill $$!" EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=blogsite.settings.production $(BIN)/gunicorn blogsite.wsgi -c blogsite/gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile -

# Varnish (Debian's varnish and varnish-modules) on VARNISH_PORT in front of
# `make serve` on PORT, with deploy/varnish/health_articles.vcl; the app
# purges it by cache tag after every change (VARNISH_URLS).
VARNISH_PORT ?= 6081
VARNISH_DIR := /tmp/health-articles-varnish-$(VARNISH_PORT)
serve-varnish: $(STAMP)
	mkdir -p $(VARNISH_DIR) && chmod 755 $(VARNISH_DIR)
	sed 's/BACKEND_PORT/$(PORT)/' deploy/varnish/health_articles.vcl > $(VARNISH_DIR)/site.vcl
	varnishd -F -a 127.0.0.1:$(VARNISH_PORT) -f $(VARNISH_DIR)/site.vcl -n $(VARNISH_DIR) -s malloc,256m & \
	trap "kill $$!" EXIT INT TERM; \
	VARNISH_URLS=http://127.0.0.1:$(VARNISH_PORT)/ $(MAKE) serve

# Benchmarks, each checking its targets and failing on a miss: the API
# against stock Wagtail v2 (ARGS="--articles 10000"); with DATABASE_URL on
# PostgreSQL, the load test, direct, through Varnish and with Redis stopped
# (LOAD_ARGS="--seconds 60"); the reference parser's accuracy, review flags
# and speed. All run; the target fails if any missed.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	status=0; \
	$(BIN)/python bench/api_bench.py $(ARGS) || status=1; \
	case "$$DATABASE_URL" in \
	  postgres*) $(BIN)/python bench/load_test.py $(LOAD_ARGS) || status=1 ;; \
	  *) echo "== load test skipped: it needs DATABASE_URL on PostgreSQL" ;; \
	esac; \
	$(BIN)/python bench/reference_accuracy.py || status=1; \
	exit $$status

# Retrain the reference labeller on AnyStyle's sets and the project's own
# (about two minutes); the same data give the same model.
reference-model: $(STAMP)
	$(BIN)/python -m health_articles.references.training
