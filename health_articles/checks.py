from django.conf import settings
from django.core.checks import Warning, register


@register()
def tags_are_case_insensitive(app_configs, **kwargs):
    if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False):
        return []
    return [
        Warning(
            "TAGGIT_CASE_INSENSITIVE is not True: 'Hip pain' and 'hip pain' "
            "become two tags and split tag pages, counts and filters.",
            hint="Set TAGGIT_CASE_INSENSITIVE = True in your settings.",
            id="health_articles.W001",
        )
    ]
