"""The event an article's change makes: what a frontend needs to revalidate
the article's pages, without asking the API first.

    {"id": "evt_…", "type": "article.published", "timestamp": "…Z",
     "data": {"id": 4, "slug": "…", "title": "…", "locale": "en",
              "urls": {"api": "…", "page": "…", "frontend": "…" or null},
              "tags": [{"name": "hip pain", "slug": "hip-pain"}, …]}}

A move adds ``data.previous_urls`` (``page`` and ``frontend``), the
addresses before it. Every value is bounded by its model field, and the tags
by ``MAX_TAGS``, so a body stays within a few kilobytes.
"""

import copy
import json
import uuid

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..seo import canonical_url

# The tags an event lists (by name); the API has them all.
MAX_TAGS = 100


class EventType(models.TextChoices):
    PUBLISHED = "article.published", _("Article published")
    UNPUBLISHED = "article.unpublished", _("Article unpublished")
    MOVED = "article.moved", _("Article moved")
    DELETED = "article.deleted", _("Article deleted")


def all_event_types():
    """Every event type: what a new endpoint is sent."""
    return list(EventType.values)


def api_url(page):
    """The article's detail in the API (``wagtailapi:pages:detail``, as the
    site's router names it), or None where the site has none."""
    site = page.get_site()
    try:
        path = reverse("wagtailapi:pages:detail", args=(page.pk,))
    except NoReverseMatch:
        return None
    return site.root_url + path if site else None


def frontend_url(page):
    """The article's address on the frontend: its canonical URL where
    ``HEALTH_ARTICLES_CANONICAL_URL`` names a frontend (``seo``), None
    where none is set or no site routes the page."""
    if not getattr(settings, "HEALTH_ARTICLES_CANONICAL_URL", ""):
        return None
    return canonical_url(page)


def at_path(page, url_path):
    """``page`` as it was at tree path ``url_path`` (before a move)."""
    before = copy.copy(page)
    before.url_path = url_path
    return before


def article_event(event_type, page, previous_url_path=None):
    """The event of ``event_type`` for the specific article ``page``, as it is
    now (so a deleted article is described before it goes)."""
    tags = page.tags.order_by("name")[:MAX_TAGS]
    data = {
        "id": page.pk,
        "slug": page.slug,
        "title": page.title,
        "locale": page.locale.language_code,
        "urls": {
            "api": api_url(page),
            "page": page.get_full_url(),
            "frontend": frontend_url(page),
        },
        "tags": [{"name": tag.name, "slug": tag.slug} for tag in tags],
    }
    if previous_url_path is not None:
        before = at_path(page, previous_url_path)
        data["previous_urls"] = {
            "page": before.get_full_url(),
            "frontend": frontend_url(before),
        }
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": str(event_type),
        "timestamp": timezone.now()
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "data": data,
    }


def event_body(event):
    """The JSON text sent (and signed): compact, UTF-8."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))
