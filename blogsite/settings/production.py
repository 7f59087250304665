import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False

try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable.") from exc

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "").split(",")
    if host.strip()
]

# PostgreSQL through psycopg's connection pool, in each worker process: at
# most DB_POOL_SIZE connections (keep WORKERS x DB_POOL_SIZE within what the
# database allows the role), and a request that finds none free within
# DB_POOL_TIMEOUT seconds is answered 503 with Retry-After
# (DatabaseBusyMiddleware), not queued for ever.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 (the pool keeps them)
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 1,
        "max_size": int(os.environ.get("DB_POOL_SIZE", "2")),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "5")),
    }

# Stored API answers and the generations of what they depend on must be one
# for every worker: without REDIS_URL, they live in the database
# (`manage.py createcachetable`, which `make serve` runs), never in each
# process's memory.
if not os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": f"health_articles_{alias}_cache",
            # Django's 300 would cull the generations with the answers.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
        for alias in ("default", "citations")
    }

# The number of proxies in front (a TLS proxy, a CDN) that append to
# X-Forwarded-For: logins are then locked per client, not per proxy.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# HTTPS only. Behind a proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER
# to the header it sets, e.g. "X-Forwarded-Proto".
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") != "0"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
