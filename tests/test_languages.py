"""Articles in several languages on one site: related articles, tags and
their counts are per language (the tags API takes ``locale``), and the
JSON-LD says each article's language."""

import pytest

pytestmark = pytest.mark.django_db


def detail(client, page):
    return client.get(f"/api/v2/pages/{page.pk}/").json()


def test_related_articles_are_in_the_articles_language(client, article, french):
    assert detail(client, article)["related_articles"] == []
    assert detail(client, french)["related_articles"] == []


def tag_counts(client, **query):
    response = client.get("/api/v2/tags/", query)
    assert response.status_code == 200, response.content
    return {tag["slug"]: tag["count"] for tag in response.json()["items"]}


def test_tags_and_their_counts_are_per_language(client, article, french):
    both = tag_counts(client)
    assert both["hip-pain"] == 2 and both["douleur-à-la-hanche"] == 1
    assert tag_counts(client, locale="en") == {"hip-pain": 1, "joint-pain": 1}
    assert tag_counts(client, locale="fr-ca") == {
        "hip-pain": 1,
        "joint-pain": 1,
        "douleur-à-la-hanche": 1,
    }
    french_only = client.get("/api/v2/tags/douleur-à-la-hanche/", {"locale": "en"})
    assert french_only.status_code == 404
    unknown = client.get("/api/v2/tags/", {"locale": "xx"})
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "unknown locale: xx"}


def test_the_json_ld_says_each_articles_language(client, article, french):
    for page, language in ((article, "en"), (french, "fr-ca")):
        graph = detail(client, page)["schema_org"]["@graph"]
        assert [node["inLanguage"] for node in graph[:2]] == [language, language]


def test_each_language_names_the_others(client, article, french, settings):
    settings.HEALTH_ARTICLES_CANONICAL_URL = "https://www.clinic.example{path}"
    expected = [
        {
            "id": article.pk,
            "locale": "en",
            "title": article.title,
            "url": "https://www.clinic.example/hip/",
        },
        {
            "id": french.pk,
            "locale": "fr-ca",
            "title": french.title,
            "url": f"https://www.clinic.example{french.get_url_parts()[2]}",
        },
    ]
    assert detail(client, article)["translations"] == expected
    assert detail(client, french)["translations"] == expected
    html = client.get(article.url).content.decode()
    assert '<html lang="en">' in html
    head = html[: html.index("</head>")]
    for translation in expected:
        link = (
            f'<link rel="alternate" hreflang="{translation["locale"]}" '
            f'href="{translation["url"]}">'
        )
        assert link in head


def test_one_language_lists_no_translations(client, article):
    assert detail(client, article)["translations"] == []
    assert 'hreflang="' not in client.get(article.url).content.decode()


def test_references_are_formatted_in_the_articles_language(client, article, french):
    """The same references, numbered alike, in each language's CSL terms
    (French dates: "avr 2013"), in the API and on the served page."""
    english = detail(client, article)["references"]
    francais = detail(client, french)["references"]
    assert [(r["number"], r["key"]) for r in francais] == [
        (r["number"], r["key"]) for r in english
    ]
    assert all("2013 Apr" in r["formatted"] for r in english)
    assert all("avr 2013" in r["formatted"] for r in francais)
    page = client.get(french.get_url())
    assert page.status_code == 200
    assert "avr 2013" in page.content.decode()


def test_find_routes_a_path_under_a_languages_prefix(client, article, french):
    """A frontend routing by path finds the French page at the path the site
    serves it at (under its language's prefix), the English one at its own."""
    for page in (french, article):
        found = client.get("/api/v2/pages/find/", {"html_path": page.get_url()})
        assert found.status_code == 302
        assert f"/api/v2/pages/{page.pk}/" in found["Location"]
    home = client.get("/api/v2/pages/find/", {"html_path": "/fr-ca/"})
    assert f"/api/v2/pages/{french.get_parent().pk}/" in home["Location"]
    for path in ("/fr-ca/no-such-page/", "/xx/massotherapie-hanche/"):
        missing = client.get("/api/v2/pages/find/", {"html_path": path})
        assert missing.status_code == 404
