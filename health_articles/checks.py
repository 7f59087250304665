from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.core.checks import Error, Tags, Warning, register

from .caching import DEFAULT_TIMEOUT
from .references.formats import MAX_REFERENCES

# What an article's edit form posts: each reference's fields (with its id,
# order and delete flag), and the rest of the page.
FIELDS_A_REFERENCE = 25
OTHER_FIELDS = 500

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


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


@register(Tags.caches, deploy=True)
def stored_answers_are_shared(app_configs, **kwargs):
    """Stored API answers and the generations of what they depend on live in
    the default cache: in a cache of each process's own, a change reaches
    one worker and the others go on serving what they stored."""
    timeout = getattr(settings, "HEALTH_ARTICLES_API_CACHE_TIMEOUT", DEFAULT_TIMEOUT)
    backend = settings.CACHES.get(DEFAULT_CACHE_ALIAS, {}).get("BACKEND", "")
    if timeout == 0 or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is each process's own while stored API answers "
            "are on: after a change, other worker processes serve stale answers.",
            hint="Use Redis (REDIS_URL) or the database cache for the default "
            "cache, or set HEALTH_ARTICLES_API_CACHE_TIMEOUT = 0.",
            id="health_articles.W002",
        )
    ]


@register()
def purge_urls_are_http(app_configs, **kwargs):
    """``HEALTH_ARTICLES_PURGE_URLS`` are Varnish servers the app sends a
    ``PURGE`` to after every change."""
    return [
        Error(
            f"HEALTH_ARTICLES_PURGE_URLS has {url!r}, not an http or https URL.",
            hint="Name each Varnish as http://host:port/ (VARNISH_URLS).",
            id="health_articles.E001",
        )
        for url in getattr(settings, "HEALTH_ARTICLES_PURGE_URLS", ())
        if urlsplit(str(url)).scheme not in ("http", "https")
        or not urlsplit(str(url)).netloc
    ]


@register()
def edit_form_fits_in_a_request(app_configs, **kwargs):
    """Django refuses a POST with more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    fields (a 400): the edit form of an article with a long reference list
    must fit."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    needed = MAX_REFERENCES * FIELDS_A_REFERENCE + OTHER_FIELDS
    if limit is None or limit >= needed:
        return []
    return [
        Warning(
            f"DATA_UPLOAD_MAX_NUMBER_FIELDS is {limit}: saving an article with "
            f"more than about {max(limit - OTHER_FIELDS, 0) // FIELDS_A_REFERENCE} "
            f"references may answer 400 (an article may hold {MAX_REFERENCES}).",
            hint=f"Set DATA_UPLOAD_MAX_NUMBER_FIELDS = {needed} or more.",
            id="health_articles.W003",
        )
    ]
