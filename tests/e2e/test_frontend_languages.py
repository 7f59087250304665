"""The example frontend in the demo's two languages, in Chromium: the seed
article's language switcher leads from English to French and back, the
French article is French throughout (<html lang>, body, references in
French CSL terms, the frontend's own words, its tags' links), and listings
under /fr-ca/ list the French articles only."""

from urllib.parse import unquote, urlsplit

import pytest

from health_articles.models import HealthArticlePage

from .frontend import crawl, settle

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENGLISH_PATH = "/massage-therapy-for-hip-pain/"
FRENCH_PATH = "/fr-ca/massotherapie-douleur-hanche/"


def switcher_links(page, label):
    """The language switcher's links: (text, href path, hreflang, lang,
    aria-current)."""
    nav = page.get_by_role("navigation", name=label)
    return nav.locator("ul > li > a").evaluate_all(
        """links => links.map(a => [a.textContent, new URL(a.href).pathname,
            a.getAttribute("hreflang"), a.getAttribute("lang"),
            a.getAttribute("aria-current")])"""
    )


def listed_titles(page):
    return page.locator(".article-list li h2, .article-list li h3").all_inner_texts()


def test_the_switcher_leads_to_the_french_article_and_back(
    page, frontend, bilingual_demo
):
    english, french = bilingual_demo
    settle(page, frontend + ENGLISH_PATH)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == english.title
    assert switcher_links(page, "Languages") == [
        ["English", ENGLISH_PATH, "en", "en", "page"],
        ["Français (Canada)", FRENCH_PATH, "fr-ca", "fr-ca", None],
    ]
    assert "2013 Apr" in page.locator("#ref-abbott2013").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Français (Canada)").click()
    settle(page)
    assert urlsplit(page.url).path == FRENCH_PATH
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert page.get_by_role("heading", level=1).inner_text() == french.title
    assert page.title() == f"{french.title} – Articles santé"
    # The French body: its condition sections and their citations.
    sections = page.locator("section.condition > h2").all_inner_texts()
    assert sections == [
        "Arthrose de la hanche",
        "Syndrome du piriforme",
        "Conflit fémoro-acétabulaire",
    ]
    assert page.locator("main a.citation").first.inner_text() == "[1]"
    # The same numbered references, formatted in French CSL terms.
    references = page.get_by_role("region", name="Références")
    assert references.locator("ol > li").count() == 16
    abbott = page.locator("#ref-abbott2013")
    assert "avr 2013" in abbott.inner_text()
    assert abbott.get_by_role("link", name="DOI, référence 3").get_attribute(
        "href"
    ) == ("https://doi.org/10.1016/j.joca.2012.12.014")
    # The frontend's own words are French too.
    facts = page.locator("dl.article-facts dt").all_inner_texts()
    assert facts[:2] == ["Rédigé par", "Révision médicale par"]
    assert page.get_by_role("link", name="Aller au contenu principal").count() == 1
    # Its tags lead to the French tag pages, the frame to the French home.
    tags = page.get_by_role("navigation", name="Mots-clés")
    hrefs = tags.locator("a").evaluate_all("a => a.map(l => new URL(l.href).pathname)")
    assert hrefs and all(href.startswith("/fr-ca/tags/") for href in hrefs)
    home = page.locator(".site-name")
    assert (home.inner_text(), urlsplit(home.get_attribute("href")).path) == (
        "Articles santé",
        "/fr-ca/",
    )

    # The switcher links back, the French one marked as the current page.
    assert switcher_links(page, "Langues") == [
        ["English", ENGLISH_PATH, "en", "en", None],
        ["Français (Canada)", FRENCH_PATH, "fr-ca", "fr-ca", "page"],
    ]
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    settle(page)
    assert urlsplit(page.url).path == ENGLISH_PATH
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == english.title
    assert page.js_errors == []
    assert page.csp_violations == []


def test_a_french_tag_page_lists_only_french_articles(page, frontend, bilingual_demo):
    english, french = bilingual_demo
    # The French translation has French tags of its own.
    assert "douleur à la hanche" in french.tags.names()
    assert "hip pain" not in french.tags.names()
    # Reached from the French article's tag link.
    settle(page, frontend + FRENCH_PATH)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Mots-clés").get_by_role(
            "link", name="douleur à la hanche"
        ).click()
    settle(page)
    assert unquote(urlsplit(page.url).path) == "/fr-ca/tags/douleur-à-la-hanche/"
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Articles avec le mot-clé «\u00a0douleur à la hanche\u00a0»"
    )
    assert listed_titles(page) == [french.title]
    # The English tag page lists the English articles with the tag, not the
    # French translation.
    settle(page, frontend + "/tags/hip-pain/")
    assert page.locator("html").get_attribute("lang") == "en"
    english_titles = listed_titles(page)
    assert english.title in english_titles and french.title not in english_titles
    # The French home and tag index: French articles, French counts.
    settle(page, frontend + "/fr-ca/")
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert listed_titles(page) == [
        article.title
        for article in HealthArticlePage.objects.live().filter(
            locale__language_code="fr-ca"
        )
    ]
    # The French tag index: the French article's tags, counted in French.
    settle(page, frontend + "/fr-ca/tags/")
    assert page.locator(".tag-cloud li").all_inner_texts() == [
        f"{name} (1 article)" for name in sorted(french.tags.names())
    ]
    # The English one counts the English articles only (2 with the French).
    settle(page, frontend + "/tags/")
    assert "hip pain (1 article)" in page.locator(".tag-cloud li").all_inner_texts()
    assert page.js_errors == []


def test_every_link_from_the_french_home_leads_somewhere(
    page, frontend, live_server, bilingual_demo
):
    """Every view reached from /fr-ca/ (the French ones, and through the
    switcher the English ones) renders without an error."""
    seen, _elsewhere = crawl(page, frontend, frontend + "/fr-ca/")
    paths = {unquote(urlsplit(url).path) for url in seen}
    assert paths >= {
        "/fr-ca/",
        "/fr-ca/tags/",
        "/fr-ca/tags/douleur-à-la-hanche/",
        FRENCH_PATH,
        ENGLISH_PATH,
        "/tags/hip-pain/",
    }
    assert page.js_errors == []
    assert page.csp_violations == []
