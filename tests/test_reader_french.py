"""The reader pages' own words in the page's language: the demo's French
article, the French home, tag pages and feeds under /fr-ca/ label
everything in French (health_articles/locale/fr, the site's locale/fr for
templates/), dates too, and keep no English label; the English pages keep
theirs."""

import io
import re

import pytest
from django.core.management import call_command

from health_articles.models import HealthArticlePage

from .test_reader_pages import assert_accessible_structure, get_page, parse

pytestmark = pytest.mark.django_db

ENGLISH = "/massage-therapy-for-hip-pain/"
FRENCH = "/fr-ca/massotherapie-douleur-hanche/"

# The interface's English words (labels, headings, aria-labels, the site's
# frame), as a French page must not show them.
ENGLISH_ARTICLE_LABELS = [
    "Written by",
    "Medically reviewed by",
    "Publisher",
    "Published",
    "Updated",
    "Page last reviewed",
    "Next review due",
    "Reading time",
    "words",
    "On this page",
    "Also called:",
    "Codes:",
    "How common it is:",
    "Symptoms",
    "Treatment:",
    "What the evidence says",
    "Certainty of evidence (GRADE):",
    "High",
    "The true effect",
    "Based on:",
    "Randomized controlled trial",
    "Systematic review",
    "Reference 1",
    "Medical disclaimer",
    "Tags",
    "References",
    "About the authors and reviewers",
    "Profile",
    "Languages",
]
ENGLISH_SITE_LABELS = [
    "Skip to content",
    "Health articles",
    "Topics",
    "Health information here does not replace",
]
ENGLISH_TAG_LABELS = ["Articles tagged", "All topics", "RSS feed", "articles)"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

FRENCH_ARTICLE_LABELS = [
    "Rédigé par",
    "Révision médicale par",
    "Éditeur",
    "Publié le",
    "Mis à jour le",
    "Dernière révision de la page",
    "Prochaine révision prévue",
    "Temps de lecture",
    "mots)",
    "Dans cette page",
    "Aussi appelée\u00a0:",
    "Fréquence\u00a0:",
    "Symptômes",
    "Traitement\u00a0: Thérapie manuelle (dont le massage)",
    "Ce que disent les données probantes",
    "Niveau de certitude des données probantes (GRADE)\u00a0:",
    "Élevée",
    "Selon\u00a0: Revue systématique, Méta-analyse",
    "Référence 1",
    "Avertissement médical",
    "Mots-clés",
    "Références",
    "À propos des auteurs et des réviseurs",
    "Langues",
    # last_reviewed, written with its French month
    "12 mars 2024",
]
FRENCH_SITE_LABELS = [
    "Aller au contenu",
    "Articles santé",
    "Sujets",
    "L’information santé présentée ici ne remplace pas",
]


@pytest.fixture
def demo(db):
    """The demo with its French translation."""
    call_command("load_demo_content", stdout=io.StringIO())
    return HealthArticlePage.objects.get(locale__language_code="fr-ca")


def interface_text(url, client):
    """The page's text and attribute values (aria-label, title) without
    what editors and the references wrote (the reference entries, the
    people's roles and bios are in English on every page), and the page
    parsed."""
    soup = parse(get_page(client, url))
    assert_accessible_structure(soup)
    for content in soup.select("section.references li, .person p"):
        content.decompose()
    attributes = [
        tag[name]
        for name in ("aria-label", "title")
        for tag in soup.find_all(attrs={name: True})
    ]
    return "\n".join([soup.get_text(), *attributes]), soup


def shown(label, text):
    """Whether ``label`` is in ``text`` as words (not inside another word)."""
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


def assert_shows(text, labels):
    assert [label for label in labels if not shown(label, text)] == []


def assert_hides(text, labels):
    assert [label for label in labels if shown(label, text)] == []


def test_the_french_article_is_labelled_in_french(client, demo):
    text, soup = interface_text(FRENCH, client)
    assert soup.html["lang"] == "fr-ca"
    assert_shows(text, FRENCH_ARTICLE_LABELS + FRENCH_SITE_LABELS)
    assert_hides(text, ENGLISH_ARTICLE_LABELS + ENGLISH_SITE_LABELS + MONTHS)
    assert soup.title.get_text() == f"{demo.title} | Articles santé"
    # The site's links lead to the French home and topics.
    assert [a["href"] for a in soup.select('nav[aria-label="Site"] a')] == [
        "/fr-ca/",
        "/fr-ca/tags/",
    ]


def test_the_english_article_keeps_its_english_labels(client, demo):
    text, soup = interface_text(ENGLISH, client)
    assert soup.html["lang"] == "en"
    assert_shows(text, ENGLISH_ARTICLE_LABELS + ENGLISH_SITE_LABELS)
    assert_hides(text, FRENCH_ARTICLE_LABELS + FRENCH_SITE_LABELS)
    assert [a["href"] for a in soup.select('nav[aria-label="Site"] a')] == [
        "/",
        "/tags/",
    ]


def test_the_french_home_and_tag_pages_are_labelled_in_french(client, demo):
    tag = demo.tags.order_by("name").first()
    pages = {
        "/fr-ca/": ["Langues"],
        "/fr-ca/tags/": ["(1 article)"],
        f"/fr-ca/tags/{tag.slug}/": [
            f"Articles sur «\u00a0{tag.name}\u00a0»",
            "1 article.",
            "Tous les sujets",
            "Fil RSS",
        ],
    }
    for url, labels in pages.items():
        text, soup = interface_text(url, client)
        assert soup.html["lang"] == "fr-ca", url
        assert_shows(text, labels + FRENCH_SITE_LABELS)
        assert_hides(
            text,
            ENGLISH_SITE_LABELS + ENGLISH_TAG_LABELS + ["Languages"] + MONTHS,
        )
    english, _soup = interface_text("/tags/hip-pain/", client)
    assert_shows(english, ["Articles tagged “hip pain”", "All topics", "RSS feed"])
    assert_hides(english, ["Articles sur", "Tous les sujets"])


def test_feeds_are_titled_in_their_language(client, demo):
    tag = demo.tags.order_by("name").first()
    feed = get_page(client, f"/fr-ca/tags/{tag.slug}/feed/")
    assert f"<title>Articles sur «\u00a0{tag.name}\u00a0»</title>" in feed
    assert (
        f"<description>Articles santé récemment publiés sur «\u00a0{tag.name}\u00a0»."
        "</description>" in feed
    )
    assert "<language>fr-ca</language>" in feed
    assert "<link>http://testserver/fr-ca/</link>" in get_page(client, "/fr-ca/feed/")
    assert "Articles santé récemment publiés." in get_page(client, "/fr-ca/feed/")
    english = get_page(client, "/tags/hip-pain/feed/")
    assert "<title>Articles tagged “hip pain”</title>" in english
    assert "Newly published health articles tagged “hip pain”." in english
    assert "Newly published health articles." in get_page(client, "/feed/")
