#!/usr/bin/env bash
# Load test: gunicorn (production settings, PostgreSQL, Redis) under 50 Locust
# readers for 60 s while an editor publishes. Needs a database built by
# `make bench` with DATABASE_URL pointing at it; prints Locust's summary.
# PUBLISH_EVERY sets the seconds between the editor's publishes (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?point DATABASE_URL at a PostgreSQL database built by make bench}"
PORT=${PORT:-8200}
export DJANGO_SETTINGS_MODULE=blogsite.settings.production
export SECRET_KEY=${SECRET_KEY:-load-test-only-$(date +%s)-not-for-production-use-0123456789}
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/5}
.venv/bin/python -m pip install --quiet "locust>=2.47,<3"
.venv/bin/python manage.py shell -c "from wagtail.models import Site; s=Site.objects.get(is_default_site=True); s.hostname='127.0.0.1'; s.port=$PORT; s.save()"
.venv/bin/gunicorn blogsite.wsgi -c blogsite/gunicorn.conf.py --bind 127.0.0.1:$PORT --workers 3 --log-level warning &
server=$!
trap 'kill $server' EXIT
sleep 3
.venv/bin/python bench/publish_during_load.py 60 "${PUBLISH_EVERY:-2}" &
.venv/bin/locust -f bench/locustfile.py --headless --users 50 --spawn-rate 50 \
  --run-time 60s --host "http://127.0.0.1:$PORT" --only-summary
wait %2 2>/dev/null || true
