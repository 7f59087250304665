from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import checks  # noqa: F401  (registers the system checks)


class HealthArticlesConfig(AppConfig):
    name = "health_articles"
    label = "health_articles"
    verbose_name = _("Health articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
