"""Tag pages and feeds in the reader's language: the English ones list the
English articles, those under /fr-ca/ the French translations, never both."""

import pytest

pytestmark = pytest.mark.django_db


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_tag_pages_list_the_articles_of_their_language(client, article, french):
    english = text(client, "/tags/hip-pain/")
    assert article.title in english and french.title not in english
    in_french = text(client, "/fr-ca/tags/hip-pain/")
    assert french.title in in_french and article.title not in in_french
    assert "/fr-ca/massotherapie-hanche/" in in_french
    # A tag only French articles have is no English tag page.
    assert client.get("/tags/douleur-à-la-hanche/").status_code == 404
    assert french.title in text(client, "/fr-ca/tags/douleur-à-la-hanche/")


def test_the_tag_index_counts_the_articles_of_its_language(client, article, french):
    assert "douleur à la hanche" not in text(client, "/tags/")
    assert "douleur à la hanche" in text(client, "/fr-ca/tags/")
    assert "joint pain" in text(client, "/fr-ca/tags/")


def test_feeds_are_per_language(client, article, french):
    english = text(client, "/feed/")
    assert article.title in english and french.title not in english
    in_french = text(client, "/fr-ca/feed/")
    assert french.title in in_french and article.title not in in_french
    tagged = text(client, "/fr-ca/tags/hip-pain/feed/")
    assert french.title in tagged and article.title not in tagged
    assert "/fr-ca/massotherapie-hanche/" in tagged


def test_one_language_is_unchanged(client, article):
    assert article.title in text(client, "/tags/hip-pain/")
    assert article.title in text(client, "/feed/")
    assert client.get("/fr-ca/tags/hip-pain/").status_code == 404
