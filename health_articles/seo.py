"""What search engines and link previews read of a page: its title and
description, its canonical URL, its Open Graph image, and its sitemap entry.

The canonical URL is where readers read the page. On a headless site that is
the frontend: ``HEALTH_ARTICLES_CANONICAL_URL`` is a pattern with ``{path}``
(the page's path on its site, ``/massage-therapy-for-hip-pain/``), ``{slug}``
and ``{id}``, e.g. ``"https://www.example.org{path}"``. Unset, it is the
page's own URL. The API, the page head and the sitemap give the same URL.
"""

import contextlib

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap
from wagtail.models import Page

from .images import picture
from .querysets import private_q, public_pages


def canonical_url(page, request=None):
    """The page's canonical URL, or None for a page that no site routes."""
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    _, root_url, path = parts
    pattern = getattr(settings, "HEALTH_ARTICLES_CANONICAL_URL", "")
    if not pattern:
        return root_url + path
    return pattern.format(path=path, slug=page.slug, id=page.pk)


def seo(page, request):
    """Title, description, canonical URL and Open Graph image of an article:
    the editor's SEO title and search description where given, else its
    title and summary; the image is the hero's 1200x630 crop."""
    image = None
    hero = page.hero_image and picture(page.hero_image, "hero_image", request)
    if hero:
        rendition = hero["renditions"]["hero"]
        image = {
            "url": rendition["url"],
            "width": rendition["width"],
            "height": rendition["height"],
            "alt": hero["alt"],
        }
    return {
        "title": page.seo_title or page.title,
        "description": page.search_description or page.summary,
        "canonical_url": canonical_url(page, request),
        "image": image,
    }


def translations(page, request=None, among=None):
    """The page in each language it is live and public in (itself too), as
    ``{"id", "locale", "title", "url"}`` with canonical URLs; none where the
    site has one language or the page is in one only. ``among``: pages its
    translations are read from (a queryset, or the list it gave), by
    default the page's translations."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return []
    if among is None:
        among = page.get_translations(inclusive=True)
    pages = [
        translation
        for translation in _public_translations(among)
        if translation.translation_key == page.translation_key
    ]
    if len(pages) < 2:
        return []
    return [
        {
            "id": translation.pk,
            "locale": translation.locale.language_code,
            "title": translation.title,
            "url": canonical_url(translation, request),
        }
        for translation in pages
    ]


def _public_translations(pages):
    if isinstance(pages, list):
        return pages
    return list(
        pages.live()
        .exclude(private_q())
        .select_related("locale")
        .order_by("locale__language_code")
    )


class Sitemap(WagtailSitemap):
    """Wagtail's sitemap of the request's site, with the site's pages in
    every language (Wagtail's lists those of the root page's language only):
    each translation has its own entry, naming them all (``sitemap_urls``),
    as search engines ask. Route it as
    ``path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}})`` with
    Wagtail's ``wagtail.contrib.sitemaps.views.sitemap``."""

    def items(self):
        pages = public_pages(self.get_wagtail_site(), Page)
        return pages.order_by("path").defer_streamfields().specific()


SITEMAP_TRANSLATIONS = "_health_articles_sitemap_translations"


def _site_translations(page, request):
    """The live public pages sharing a translation key with a public page of
    the site of ``page`` (in any language), read once for the whole sitemap
    (kept on the request), not once for each page."""
    if request is None:
        return None
    if not hasattr(request, SITEMAP_TRANSLATIONS):
        keys = public_pages(page.get_site(), Page).values("translation_key")
        pages = Page.objects.filter(translation_key__in=keys)
        setattr(request, SITEMAP_TRANSLATIONS, _public_translations(pages))
    return getattr(request, SITEMAP_TRANSLATIONS)


def sitemap_urls(page, request=None):
    """A page's sitemap entries (``Page.get_sitemap_urls``): its canonical
    URL, last published, and where it has translations, each of them (itself
    too) as an ``hreflang`` alternate; each translation has such an entry of
    its own."""
    entry = {
        "location": canonical_url(page, request),
        "lastmod": page.last_published_at or page.latest_revision_created_at,
    }
    alternates = translations(page, request, _site_translations(page, request))
    if len(alternates) > 1:
        entry["alternates"] = [
            {"lang_code": alternate["locale"], "location": alternate["url"]}
            for alternate in alternates
        ]
    return [entry]


def robots_txt(request):
    """robots.txt: crawlers stay out of the admin and drafts' previews, and
    are told where the sitemap is."""
    lines = ["User-agent: *"]
    for name in ("wagtailadmin_home", "wagtailapi:page_preview:listing"):
        with contextlib.suppress(NoReverseMatch):
            lines.append(f"Disallow: {reverse(name)}")
    try:
        # Wagtail's sitemap view, wherever the site's URLconf routes it.
        from wagtail.contrib.sitemaps.views import sitemap

        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(sitemap))}")
    except (ImportError, NoReverseMatch):
        pass
    return "\n".join(lines) + "\n"
