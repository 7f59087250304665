"""Wagtail's own test settings, with this app installed: the settings under
which Wagtail's API v2 test suite judges the app's viewsets (see urls.py and
docs/api.md for the differences it is allowed)."""

import os

import dj_database_url
from wagtail.test.settings import *  # noqa: F403

INSTALLED_APPS = [  # noqa: F405
    "health_articles",
    "wagtail_headless_preview",
    *INSTALLED_APPS,  # noqa: F405
]
ROOT_URLCONF = "tests.wagtail_api.urls"
# Wagtail's tests change content inside transactions that never commit, so
# answers are built each time, never stored between tests.
HEALTH_ARTICLES_API_CACHE_TIMEOUT = 0
TAGGIT_CASE_INSENSITIVE = True

# The database the rest of the suite uses (PostgreSQL where DATABASE_URL says).
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config()}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        INSTALLED_APPS.append("django.contrib.postgres")  # noqa: F405 (as Wagtail's)
