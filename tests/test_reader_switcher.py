"""The reader pages' language switcher and <html lang>: an article and the
home page link to each language they are live and public in (a nav with an
aria-label, hreflang and lang on the links, the current language marked
with aria-current), at the canonical URLs the page head names as its
alternates, and every reader page, tag pages under /fr-ca/ too, says its
language."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from .helpers import publish
from .test_reader_pages import assert_accessible_structure, get_page, parse

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Massothérapie et douleur à la hanche"
FRENCH_URL = "/fr-ca/massotherapie-hanche/"
# The site's address (the pages' canonical URLs are absolute).
SITE = "http://localhost"


@pytest.fixture
def french(article):
    """The hip article's French (Canada) translation, under the French home."""
    locale = Locale.objects.get_or_create(language_code="fr-ca")[0]
    publish(article.get_parent().specific.copy_for_translation(locale))
    translation = article.copy_for_translation(locale)
    translation.title = FRENCH_TITLE
    translation.slug = "massotherapie-hanche"
    translation.save_revision()
    return publish(translation)


def switcher(client, url):
    """The page's language switcher as [(href, hreflang, lang, aria-current,
    text)], and the page parsed; None where it has none."""
    soup = parse(get_page(client, url))
    navs = soup.select("nav.language-switcher")
    if not navs:
        return None, soup
    assert len(navs) == 1
    (nav,) = navs
    assert nav["aria-label"]
    links = [
        (
            link["href"],
            link["hreflang"],
            link["lang"],
            link.get("aria-current"),
            link.get_text(strip=True),
        )
        for link in nav.select("ul > li > a")
    ]
    return links, soup


def test_the_article_links_to_its_translation_and_marks_its_own(
    client, article, french
):
    links, soup = switcher(client, article.url)
    assert soup.html["lang"] == "en"
    assert links == [
        (SITE + article.url, "en", "en", "page", "English"),
        (SITE + FRENCH_URL, "fr-ca", "fr-ca", None, "Français (Canada)"),
    ]
    assert_accessible_structure(soup)


def test_the_french_article_links_back(client, article, french):
    links, soup = switcher(client, FRENCH_URL)
    assert soup.html["lang"] == "fr-ca"
    assert soup.h1.get_text(strip=True) == FRENCH_TITLE
    assert links == [
        (SITE + article.url, "en", "en", None, "English"),
        (SITE + FRENCH_URL, "fr-ca", "fr-ca", "page", "Français (Canada)"),
    ]
    # The other languages' links are the alternates the page head names.
    alternates = {
        (link["hreflang"], link["href"])
        for link in soup.select('link[rel="alternate"][hreflang]')
    }
    assert alternates == {(hreflang, href) for href, hreflang, *_ in links}
    assert_accessible_structure(soup)


def test_the_home_page_links_to_the_home_in_each_language(client, article, french):
    links, soup = switcher(client, "/")
    assert [(href, current) for href, _, _, current, _ in links] == [
        (f"{SITE}/", "page"),
        (f"{SITE}/fr-ca/", None),
    ]
    links, soup = switcher(client, "/fr-ca/")
    assert soup.html["lang"] == "fr-ca"
    assert [(href, current) for href, _, _, current, _ in links] == [
        (f"{SITE}/", None),
        (f"{SITE}/fr-ca/", "page"),
    ]


def test_one_language_has_no_switcher(client, article):
    links, soup = switcher(client, article.url)
    assert links is None
    assert soup.html["lang"] == "en"


def test_an_unpublished_translation_is_not_linked(client, article, french):
    french.unpublish()
    links, _soup = switcher(client, article.url)
    assert links is None


@pytest.mark.parametrize("restriction", ["password", "groups"])
def test_a_private_translation_is_not_linked(client, article, french, restriction):
    if restriction == "password":
        PageViewRestriction.objects.create(
            page=french, restriction_type="password", password="secret"
        )
    else:
        group = Group.objects.create(name="Clinicians")
        PageViewRestriction.objects.create(
            page=french, restriction_type="groups"
        ).groups.add(group)
    links, _soup = switcher(client, article.url)
    assert links is None


def test_tag_pages_say_their_language(client, article, french):
    for url, language in [
        ("/tags/", "en"),
        ("/tags/hip-pain/", "en"),
        ("/fr-ca/tags/", "fr-ca"),
        ("/fr-ca/tags/hip-pain/", "fr-ca"),
    ]:
        soup = parse(get_page(client, url))
        assert soup.html["lang"] == language, url


def test_the_switcher_costs_the_same_queries_for_more_languages(
    client, article, french, settings
):
    """An article and the home read their translations once (``seo``'s, in
    the page's get_context), for the switcher and the page head alike: the
    same queries for one translation as for three, the links in the order
    of the site's languages."""

    def queries(url):
        client.get(url)  # what the process keeps (the sites' root paths), read
        with CaptureQueriesContext(connection) as captured:
            links, _soup = switcher(client, url)
        return len(captured), [hreflang for _href, hreflang, *_ in links]

    article_queries, languages = queries(article.url)
    assert languages == ["en", "fr-ca"]
    home_queries, languages = queries("/")
    assert languages == ["en", "fr-ca"]
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES = [
        *settings.LANGUAGES,
        ("es", "Español"),
        ("de", "Deutsch"),
    ]
    for code in ("es", "de"):
        locale = Locale.objects.create(language_code=code)
        publish(article.get_parent().specific.copy_for_translation(locale))
        publish(article.copy_for_translation(locale))
    everyone = ["en", "fr-ca", "es", "de"]
    assert queries(article.url) == (article_queries, everyone)
    assert queries("/") == (home_queries, everyone)
    links, _soup = switcher(client, "/de/")
    assert [(hreflang, name) for _href, hreflang, _lang, _current, name in links] == [
        ("en", "English"),
        ("fr-ca", "Français (Canada)"),
        ("es", "Español"),
        ("de", "Deutsch"),
    ]
