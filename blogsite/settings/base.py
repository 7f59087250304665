"""Settings shared by every environment of the demo blog site."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from corsheaders.defaults import default_headers
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "blogsite",
    "health_articles",
    "wagtail_headless_preview",
    # Translations of pages (segments, translation memory, sync), and its
    # locales admin in place of Wagtail's own.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "corsheaders",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The headers of every answer, stored API answers and static files too.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "blogsite.middleware.SiteCSPMiddleware",
    "blogsite.middleware.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # The language of the URL's prefix (/fr-ca/...), else English.
    "blogsite.middleware.PathLanguageMiddleware",
    # Stored API responses go out from here, skipping what follows.
    "health_articles.caching.StoredAPIResponseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A publish the page refuses (a workflow's approval) is an error message
    # to the editor, not a 500.
    "health_articles.admin.publishing.RefusedPublishMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
    # Innermost: it sees the view's database errors first.
    "blogsite.middleware.DatabaseBusyMiddleware",
]

# Content-Security-Policy (django-csp): scripts, styles, frames and
# connections from this site only. The Wagtail admin sets inline styles (its
# Draftail editor and panels), so styles allow them; no inline scripts, but
# on the admin's pages (SiteCSPMiddleware says why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Permissions-Policy (django-permissions-policy): powerful features this site
# never uses are off, for it and anything it frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# How many proxies in front of the site set X-Forwarded-For (TRUSTED_PROXIES
# in production): the client is the address the outermost of them saw.
# ClientAddressMiddleware puts it in REMOTE_ADDR; django-axes reads it from
# there too, so a lockout hits the address that guessed, not the proxy's.
TRUSTED_PROXIES = 0
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed admin logins for a username from one address lock it out for an
# hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

# Frame only by the same site (Wagtail's previews override this themselves).
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "blogsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "blogsite.wsgi.application"

# SQLite next to the project unless DATABASE_URL names another database,
# e.g. postgres://postgres@127.0.0.1:5432/health_articles
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared Redis cache where REDIS_URL is set (redis://127.0.0.1:6379/0), the
# process's own memory otherwise. Formatted citations (small, many: 16 an
# article) have a cache of their own so that they never push the stored API
# responses out of a memory cache.
if os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {
            # Redis stopped or hung: answers are built fresh, never a 500.
            "BACKEND": "health_articles.cache_backend.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        for alias in ("default", "citations")
    }
else:
    CACHES = {
        # Answers, each article's serialised form and the generations of
        # what they depend on: Django's 300 entries would cull them early.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "citations": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "citations",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
    }
HEALTH_ARTICLES_CITATION_CACHE = "citations"

# Varnish servers in front (`make serve-varnish`), purged by cache tag after
# every change: VARNISH_URLS=http://127.0.0.1:6081/ (commas between several).
HEALTH_ARTICLES_PURGE_URLS = [
    url.strip() for url in os.environ.get("VARNISH_URLS", "").split(",") if url.strip()
]

# Other origins (a frontend's) may read the API, and only the API.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",")
    if origin.strip()
]
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Browser code may read the validators and send them back, for 304s.
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
CORS_ALLOW_HEADERS = [*default_headers, "if-none-match", "if-modified-since"]

# Background tasks (django-tasks, the backport of Django 6's framework).
# Wagtail's own (search and reference index updates) run in the request, as
# they always have; publish webhooks go to a queue in the database, which
# `manage.py db_worker --backend webhooks` works off (`make run` starts one).
# docs/webhooks.md shows a Redis queue (django-tasks-rq) in its place.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "webhooks": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Headless preview: with FRONTEND_URL set, "Preview" in the admin opens the
# frontend there with a signed token (?content_type=…&token=…); the frontend
# reads the draft from /api/v2/page_preview/ (so its origin may read the API).
# Tokens last HEALTH_ARTICLES_PREVIEW_MAX_AGE seconds (an hour by default).


def frontend_settings(url):
    """The headless preview settings and the CORS origin of a frontend."""
    parts = urlsplit(url)
    preview = {"CLIENT_URLS": {"default": url}, "REDIRECT_ON_PREVIEW": True}
    return preview, f"{parts.scheme}://{parts.netloc}"


def with_frame_source(policy, origin):
    """``policy`` (a CONTENT_SECURITY_POLICY) letting ``origin`` be framed: the
    admin's preview panel shows the frontend's preview in a frame."""
    directives = policy["DIRECTIVES"]
    frames = [*directives["frame-src"], origin]
    return {**policy, "DIRECTIVES": {**directives, "frame-src": frames}}


def canonical_pattern(url):
    """HEALTH_ARTICLES_CANONICAL_URL for a frontend at ``url`` that serves
    each page at its path on the site (as frontend/ does)."""
    return url.rstrip("/") + "{path}"


FRONTEND_URL = os.environ.get("FRONTEND_URL", "")
# Canonical URLs (the API's seo, the page head, the sitemap) are the
# frontend's where one serves the articles, the site's own otherwise.
HEALTH_ARTICLES_CANONICAL_URL = ""
if FRONTEND_URL:
    HEALTH_ARTICLES_CANONICAL_URL = canonical_pattern(FRONTEND_URL)
    WAGTAIL_HEADLESS_PREVIEW, _origin = frontend_settings(FRONTEND_URL)
    CORS_ALLOWED_ORIGINS.append(_origin)
    CONTENT_SECURITY_POLICY = with_frame_source(CONTENT_SECURITY_POLICY, _origin)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
# Content in English (the default locale) and Canadian French, translated
# with wagtail-localize. French pages are served under /fr-ca/ (blogsite/urls.py).
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", "English"),
    ("fr-ca", "Français (Canada)"),
]
USE_TZ = True
# The site's own words (templates/) in other languages; the apps' are in their
# own locale/ directories (health_articles/locale). `make messages` extracts
# both and compiles them.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
# Uploaded images and documents (MEDIA_ROOT in the environment elsewhere).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

WAGTAIL_SITE_NAME = "Health articles"
# The admin's address, for links in e-mails (review reminders, Wagtail's
# notifications); `make run` sets it from PORT. Unset, those links use the
# default site's address.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_TAG_SPACES_ALLOWED = True
# "Hip pain" and "hip pain" are one tag.
TAGGIT_CASE_INSENSITIVE = True
# An article's edit form posts about 25 fields a reference, and an article
# may hold 300 (health_articles.W003): Django's default of 1,000 fields
# would refuse to save one with 40.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The API serves rich text as display HTML (internal links expanded);
# clients may still ask for ?rich_text_format=db_html or markdown.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_SEARCH_ENABLED = True

REST_FRAMEWORK = {
    # The public API answers every request as an anonymous reader: pages
    # restricted to logged-in users or groups never appear in it.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
}

# Wagtail 8's autosave duplicates a newly added inline child (a reference,
# an author) on each save after an autosave, because the new child's id never
# reaches the open form (wagtail/wagtail#14568). Off until that is fixed.
WAGTAIL_AUTOSAVE_INTERVAL = 0
