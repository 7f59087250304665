from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# load_demo_content creates this account so that the admin can be tried at once.
# It exists only under these development settings.
DEMO_EDITOR_ACCOUNT = {"username": "editor", "password": "editor-demo"}
