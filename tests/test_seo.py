"""SEO for headless sites: the API's seo (title, description, canonical URL
on the frontend, Open Graph image), the same in the page head, a sitemap of
each site's pages in every language at frontend URLs, with real lastmod and
hreflang alternates, in a constant number of queries, and robots.txt."""

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


def sitemap(client, **headers):
    response = client.get("/sitemap.xml", **headers)
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


def alternates(entry):
    """An entry's hreflang alternates, {language: URL}."""
    return {
        link.get("hreflang"): link.get("href")
        for link in entry.findall(f"{XHTML}link")
        if link.get("rel") == "alternate"
    }


def test_each_language_has_its_own_entry_naming_every_translation(
    client, article, french, settings
):
    settings.HEALTH_ARTICLES_CANONICAL_URL = FRONTEND
    urls = sitemap(client)
    home = {
        "en": "https://www.clinic.example/",
        "fr-ca": "https://www.clinic.example/fr-ca/",
    }
    hip = {
        "en": "https://www.clinic.example/hip/",
        "fr-ca": "https://www.clinic.example/fr-ca/massotherapie-hanche/",
    }
    assert sorted(urls) == sorted([*home.values(), *hip.values()])
    for translations in (home, hip):
        for url in translations.values():
            assert alternates(urls[url]) == translations
    french_entry = urls[hip["fr-ca"]]
    assert french_entry.find(f"{SITEMAP}lastmod").text == (
        french.last_published_at.date().isoformat()
    )


def test_a_page_in_one_language_names_no_alternates(client, article, french):
    alone = HealthArticlePageFactory(parent=french.get_parent(), slug="seule")
    publish(alone)
    urls = sitemap(client)
    assert alternates(urls["http://localhost/fr-ca/seule/"]) == {}
    assert len(alternates(urls["http://localhost/fr-ca/massotherapie-hanche/"])) == 2


def test_each_site_lists_its_own_pages(client, article, french, second_site):
    main = sitemap(client)
    assert "http://localhost/fr-ca/massotherapie-hanche/" in main
    assert not any("north" in url for url in main)
    north = sitemap(client, HTTP_HOST="north.example")
    assert sorted(north) == ["http://north.example/", "http://north.example/north-hip/"]
    assert all(alternates(entry) == {} for entry in north.values())


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


def test_the_sitemap_costs_the_same_queries_for_more_pages_and_languages(
    client, article, french_locale, settings
):
    """Every page's entry and alternates come from the same few queries
    (one read of the translations), whatever the number of pages and of
    their languages."""
    index = article.get_parent()
    publish(index.copy_for_translation(french_locale))

    def add_translated(slug, locales):
        page = HealthArticlePageFactory(parent=index, slug=slug, title=slug)
        publish(page)
        for locale in locales:
            translation = page.copy_for_translation(locale)
            translation.slug = f"{slug}-{locale.language_code}"
            publish(translation)

    def queries():
        sitemap(client)  # what the process keeps until pages go live, read
        with CaptureQueriesContext(connection) as captured:
            urls = sitemap(client)
        return len(captured), urls

    add_translated("one", [french_locale])
    few, urls = queries()
    assert len(urls) == 5  # the two homes, the hip article, one and its translation
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES = [
        *settings.LANGUAGES,
        ("de", "Deutsch"),
    ]
    german = Locale.objects.create(language_code="de")
    publish(index.copy_for_translation(german))
    add_translated("two", [french_locale, german])
    add_translated("three", [french_locale, german])
    more, urls = queries()
    assert more == few
    assert len(urls) == 12  # and the German home, two and three in three languages
    for slug in ("two", "three"):
        for url in (f"/{slug}/", f"/fr-ca/{slug}-fr-ca/", f"/de/{slug}-de/"):
            assert alternates(urls[f"http://localhost{url}"]) == {
                "en": f"http://localhost/{slug}/",
                "fr-ca": f"http://localhost/fr-ca/{slug}-fr-ca/",
                "de": f"http://localhost/de/{slug}-de/",
            }
