import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-key-not-for-production"  # noqa: S105
# north.localhost: the demo's second clinic (load_demo_content), on the same server.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "north.localhost"]
# Plain static files storage: no collectstatic needed to run the dev server.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# load_demo_content creates these accounts (role: password; the role is the
# user name) so that the admin can be tried at once, each role with its own
# permissions. They exist only under these development settings.
DEMO_ACCOUNTS = {
    "editor": "editor-demo",
    "reviewer": "reviewer-demo",
    "admin": "admin-demo",
}
# Static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True


# The example frontend (frontend/), which `make run` serves on port 8001: it
# reads the API from another origin and shows the admin's previews.
FRONTEND_URL = os.environ.get("FRONTEND_URL") or "http://127.0.0.1:8001/"
WAGTAIL_HEADLESS_PREVIEW, _origin = frontend_settings(FRONTEND_URL)  # noqa: F405
HEALTH_ARTICLES_CANONICAL_URL = canonical_pattern(FRONTEND_URL)  # noqa: F405
# Most frontend dev servers (Next.js, Vite's preview, Create React App) serve
# on port 3000: they may read the API too.
DEV_SERVER_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]
CORS_ALLOWED_ORIGINS = sorted({*CORS_ALLOWED_ORIGINS, *DEV_SERVER_ORIGINS, _origin})  # noqa: F405
CONTENT_SECURITY_POLICY = with_frame_source(CONTENT_SECURITY_POLICY, _origin)  # noqa: F405
