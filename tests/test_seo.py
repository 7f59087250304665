"""SEO for headless sites: the API's seo (title, description, canonical URL
on the frontend, Open Graph image), the same in the page head, a sitemap of
frontend URLs with real lastmod and hreflang alternates, and robots.txt."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, PageViewRestriction

from health_articles.models import HealthArticlePage

from .factories import HealthArticlePageFactory
from .helpers import publish

pytestmark = pytest.mark.django_db

FRONTEND = "https://www.clinic.example{path}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def seo(client, page):
    return client.get(f"/api/v2/pages/{page.pk}/").json()["seo"]


def test_seo_defaults_to_the_title_summary_and_the_page_url(client, article):
    assert seo(client, article) == {
        "title": article.title,
        "description": article.summary,
        "canonical_url": "http://localhost/hip/",
        "image": None,
    }


def test_seo_takes_the_editors_fields_the_frontend_url_and_the_hero(
    client, article, settings
):
    settings.HEALTH_ARTICLES_CANONICAL_URL = FRONTEND
    article.seo_title = "Hip pain and massage"
    article.search_description = "What helps hip pain."
    article.hero_image = Image.objects.create(
        title="Hip", description="A hip joint", file=get_test_image_file()
    )
    publish(article)
    data = seo(client, article)
    assert data["title"] == "Hip pain and massage"
    assert data["description"] == "What helps hip pain."
    assert data["canonical_url"] == "https://www.clinic.example/hip/"
    image = data["image"]
    assert (
        image["url"].startswith("http://localhost/") and image["alt"] == "A hip joint"
    )
    assert (image["width"], image["height"]) == (640, 336)  # 40:21, not upscaled

    html = client.get(article.url).content.decode()
    head = html[: html.index("</head>")]
    for tag in (
        '<link rel="canonical" href="https://www.clinic.example/hip/">',
        '<meta property="og:url" content="https://www.clinic.example/hip/">',
        '<meta property="og:title" content="Hip pain and massage">',
        '<meta name="description" content="What helps hip pain.">',
        f'<meta property="og:image" content="{image["url"]}">',
        '<meta property="og:image:alt" content="A hip joint">',
        '<meta name="twitter:card" content="summary_large_image">',
    ):
        assert tag in head
    assert head.count('name="description"') == 1
    # The JSON-LD names the canonical URL and the image too.
    assert '"url": "https://www.clinic.example/hip/"' in head
    assert f'"url": "{image["url"]}"' in head


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (the site's own sitemap)
    return {url.find(f"{SITEMAP}loc").text: url for url in root.iter(f"{SITEMAP}url")}


def test_the_sitemap_lists_frontend_urls_last_published(client, article, settings):
    settings.HEALTH_ARTICLES_CANONICAL_URL = FRONTEND
    when = datetime.datetime(2025, 9, 22, 10, 30, tzinfo=datetime.UTC)
    HealthArticlePage.objects.filter(pk=article.pk).update(last_published_at=when)
    urls = sitemap(client)
    assert set(urls) == {
        "https://www.clinic.example/",
        "https://www.clinic.example/hip/",
    }
    entry = urls["https://www.clinic.example/hip/"]
    assert entry.find(f"{SITEMAP}lastmod").text == "2025-09-22"


def test_the_sitemap_names_translations_as_hreflang_alternates(
    client, article, settings
):
    settings.HEALTH_ARTICLES_CANONICAL_URL = FRONTEND
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES = [
        ("en", "English"),
        ("fr", "French"),
    ]
    french = Locale.objects.create(language_code="fr")
    index_fr = article.get_parent().copy_for_translation(french)
    publish(index_fr)
    article_fr = article.copy_for_translation(french)
    article_fr.slug = "hanche"
    publish(article_fr)
    urls = sitemap(client)
    entry = urls["https://www.clinic.example/hip/"]
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in entry.findall(f"{XHTML}link")
        if link.get("rel") == "alternate"
    }
    assert alternates["en"] == "https://www.clinic.example/hip/"
    assert alternates["fr"].endswith("/hanche/")


def test_the_sitemap_leaves_out_drafts_and_private_pages(client, article, index):
    draft = index.add_child(
        instance=HealthArticlePage(
            title="Draft", slug="draft", summary="Not yet.", live=False
        )
    )
    draft.save_revision()
    private = index.add_child(
        instance=HealthArticlePage(title="Staff", slug="staff", summary="Staff only.")
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    urls = sitemap(client)
    assert any(url.endswith("/hip/") for url in urls)
    assert not any(url.endswith(("/draft/", "/staff/")) for url in urls)


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/v2/page_preview/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_the_sitemap_reads_translations_in_one_query(client, article, settings):
    """The alternates of every page come from one read of the translations,
    whatever the number of pages."""
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES = [
        ("en", "English"),
        ("fr", "French"),
    ]
    french = Locale.objects.create(language_code="fr")
    index = article.get_parent()
    publish(index.copy_for_translation(french))

    def add_translated(slug):
        page = HealthArticlePageFactory(parent=index, slug=slug, title=slug)
        publish(page)
        translation = page.copy_for_translation(french)
        translation.slug = f"{slug}-fr"
        publish(translation)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            urls = sitemap(client)
        return len(captured), urls

    add_translated("one")
    sitemap(client)  # what the process keeps (the view restrictions) read
    few, urls = queries()
    add_translated("two")
    add_translated("three")
    more, urls = queries()
    assert more == few
    alternates = [
        link.get("href")
        for entry in urls.values()
        for link in entry.findall(f"{XHTML}link")
    ]
    assert sum(href.endswith("-fr/") for href in alternates) == 3
