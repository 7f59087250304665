import datetime
import json
from urllib.parse import urljoin

import extruct
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from pyld import jsonld
from wagtail.models import Site
from wagtail.test.utils.form_data import rich_text

from health_articles.blocks import BODY_TEXT_FEATURES
from health_articles.models import (
    ArticleAuthor,
    ArticleReviewer,
    HealthArticlePage,
    HealthArticleSettings,
    Person,
)
from health_articles.review import add_months

from .factories import HealthArticlePageFactory, condition_section, treatment
from .helpers import (
    DATA,
    add_url,
    article_form_data,
    condition_data,
    publish,
    treatment_data,
)

CONTEXT = DATA / "schemaorg-context.jsonld"
HIP = "/massage-therapy-for-hip-pain/"
SCHEMA = "https://schema.org/"


@pytest.fixture
def people(db):
    return (
        Person.objects.create(
            name="Alex Morgan",
            credentials="RMT",
            job_title="Registered Massage Therapist",
            bio="Writes about pain.",
            profile_url="https://clinic.example/alex/",
        ),
        Person.objects.create(
            name="Sam Rivera",
            credentials="PT",
            same_as="https://orcid.org/0000-0002-1825-0097\nhttps://example.org/sam",
        ),
    )


# People


def test_editor_creates_a_person_snippet(editor_client):
    url = reverse("wagtailsnippets_health_articles_person:add")
    response = editor_client.post(
        url,
        {
            "name": "Jo Lee",
            "credentials": "MD",
            "job_title": "",
            "bio": "Sports physician.",
            "profile_url": "https://clinic.example/jo/",
            "same_as": "https://orcid.org/0000-0001-2345-6789",
            "photo": "",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(name="Jo Lee")
    assert str(person) == "Jo Lee, MD"
    assert person.same_as_urls == ["https://orcid.org/0000-0001-2345-6789"]


def test_person_links_must_be_http(editor_client):
    url = reverse("wagtailsnippets_health_articles_person:add")
    response = editor_client.post(
        url, {"name": "X", "same_as": "javascript:alert(1)", "bio": ""}
    )
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_editor_chooses_ordered_authors_and_reviewers(editor_client, index, people):
    alex, sam = people
    data = article_form_data(
        authors=[sam, alex],
        reviewers=[sam],
        last_reviewed="2025-01-15",
        action="action-publish",
    )
    response = editor_client.post(add_url(index), data)
    assert response.status_code == 302
    page = HealthArticlePage.objects.get(slug="hip-pain")
    assert page.authors == [sam, alex]
    assert page.reviewers == [sam]
    assert page.last_reviewed == datetime.date(2025, 1, 15)
    assert page.next_review_due == datetime.date(2028, 1, 15)


# Review dates


def test_next_review_defaults_from_the_site_interval(index):
    settings = HealthArticleSettings.for_site(Site.objects.get(is_default_site=True))
    settings.review_interval_months = 12
    settings.save()
    page = HealthArticlePageFactory(parent=index)
    page.last_reviewed = datetime.date(2024, 2, 29)
    publish(page)
    assert page.next_review_due == datetime.date(2025, 2, 28)


def test_an_explicit_next_review_is_kept(article):
    article.last_reviewed = datetime.date(2024, 1, 1)
    article.next_review_due = datetime.date(2024, 7, 1)
    publish(article)
    assert article.next_review_due == datetime.date(2024, 7, 1)


def test_next_review_must_follow_the_last(editor_client, index):
    data = article_form_data(last_reviewed="2025-01-15", next_review_due="2024-01-01")
    response = editor_client.post(add_url(index), data)
    assert response.status_code == 200
    assert "The next review must come after the last." in response.content.decode()


@pytest.mark.parametrize(
    ("date", "months", "expected"),
    [
        ((2024, 1, 31), 1, (2024, 2, 29)),
        ((2024, 11, 15), 3, (2025, 2, 15)),
        ((2024, 3, 12), 36, (2027, 3, 12)),
        ((2023, 12, 31), 12, (2024, 12, 31)),
    ],
)
def test_add_months(date, months, expected):
    assert add_months(datetime.date(*date), months) == datetime.date(*expected)


def review(client, page):
    return client.get(f"/api/v2/pages/{page.pk}/").json()["review"]


def test_api_says_whether_a_review_is_overdue(client, article):
    today = datetime.date.today()
    assert review(client, article)["status"] == "not_reviewed"
    for due, status in (
        (today - datetime.timedelta(days=1), "overdue"),
        (today + datetime.timedelta(days=10), "due_soon"),
        (today + datetime.timedelta(days=90), "current"),
    ):
        article.last_reviewed = today - datetime.timedelta(days=700)
        article.next_review_due = due
        publish(article)
        data = review(client, article)
        assert data["status"] == status
        assert data["overdue"] is (status == "overdue")
        assert data["next_review_due"] == due.isoformat()


def test_admin_report_lists_articles_overdue_or_due_soon(editor_client, index):
    today = datetime.date.today()
    for title, days in (("Late", -5), ("Soon", 20), ("Later", 200)):
        page = HealthArticlePageFactory(parent=index, title=title)
        page.last_reviewed = today - datetime.timedelta(days=1000)
        page.next_review_due = today + datetime.timedelta(days=days)
        publish(page)
    response = editor_client.get(reverse("health_articles_admin:review_due"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Late" in content and "Soon" in content
    assert "Overdue" in content and "Due soon" in content
    assert "Later" not in content
    menu = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Articles due for review" in menu


# Evidence


def test_graded_evidence_needs_a_reference(editor_client, index):
    body = [
        (
            "condition_section",
            condition_data(
                "Piriformis syndrome",
                treatments=[treatment_data("Stretching", certainty="moderate")],
            ),
        )
    ]
    response = editor_client.post(add_url(index), article_form_data(body=body))
    assert response.status_code == 200
    assert "Cite at least one reference for graded evidence" in (
        response.content.decode()
    )
    assert not HealthArticlePage.objects.exists()


def test_a_citation_in_the_evidence_text_counts_as_the_treatments_evidence(
    editor_client, index, client
):
    """Citing with Cite in the text is one gesture: no need to type the key
    again under References cited, and readers see the citation once."""
    cited = (
        '<p>Pain eased two years later <a linktype="citation" key="abbott2013">'
        "[abbott2013]</a>.</p>"
    )
    stretching = treatment_data(
        "Stretching", certainty="moderate", references=["abbott2013"]
    )  # also listed: shown once
    massage = treatment_data("Massage", certainty="low", references=[])
    for treatment_value in (stretching, massage):
        treatment_value["evidence"] = rich_text(cited, features=BODY_TEXT_FEATURES)
    body = [
        (
            "condition_section",
            condition_data("Piriformis syndrome", treatments=[stretching]),
        ),
        ("treatment", massage),
    ]
    response = editor_client.post(
        add_url(index), article_form_data(body=body, action="action-publish")
    )
    assert response.status_code == 302
    page = HealthArticlePage.objects.get(slug="hip-pain")
    html = client.get(page.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    for section in soup.select("section.treatment"):
        assert section.select("a.citation")  # the in-text citation, numbered
        assert not section.select(":scope > sup.citation")  # no second [n]


def test_study_types_are_checkboxes(editor_client, index):
    content = editor_client.get(add_url(index)).content.decode()
    assert "Randomized controlled trial" in content
    assert 'type=\\"checkbox\\"' in content or 'type="checkbox"' in content


def test_evidence_certainty_and_study_types_are_saved_and_served(
    editor_client, client, index
):
    body = [
        (
            "treatment",
            treatment_data(
                "Exercise",
                references=["abbott2013"],
                certainty="moderate",
                study_types=["Randomized Controlled Trial", "Meta-Analysis"],
            ),
        )
    ]
    data = article_form_data(body=body, action="action-publish")
    assert editor_client.post(add_url(index), data).status_code == 302
    page = HealthArticlePage.objects.get(slug="hip-pain")
    value = client.get(f"/api/v2/pages/{page.pk}/").json()["body"][0]["value"]
    assert value["certainty"] == "moderate"
    assert sorted(value["study_types"]) == [
        "Meta-Analysis",
        "Randomized Controlled Trial",
    ]
    content = client.get(page.url).content.decode()
    assert (
        '<strong class="grade-badge grade-moderate">Moderate</strong> '
        '<span class="certainty-meaning">The true effect is probably close to what '
        "the studies found.</span>"
    ) in content


# Disclaimer


def test_site_disclaimer_with_a_per_article_override(client, article):
    site = Site.objects.get(is_default_site=True)
    settings = HealthArticleSettings.for_site(site)
    settings.medical_disclaimer = "<p>Site-wide: see your clinician.</p>"
    settings.save()
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert data["disclaimer"] == "<p>Site-wide: see your clinician.</p>"
    assert "Site-wide: see your clinician." in client.get(article.url).content.decode()
    article.disclaimer = "<p>This one is about hips.</p>"
    publish(article)
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert data["disclaimer"] == "<p>This one is about hips.</p>"
    content = client.get(article.url).content.decode()
    assert "This one is about hips." in content
    assert "Site-wide" not in content


# Reading aids


def test_word_count_reading_time_and_contents(client, index):
    body = [
        {"type": "rich_text", "value": "<p>" + "word " * 396 + "</p>"},
        condition_section("Piriformis syndrome", description="<p>One two.</p>"),
        condition_section(
            "Hip impingement", treatments=[treatment("Rest", references=[])]
        ),
    ]
    page = publish(
        HealthArticlePageFactory(parent=index, summary="Two words", body=body)
    )
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    # 2 (summary) + 396 + 2 + 2 + "About Hip impingement." 3 + "Hip impingement" 2
    # + treatment "Rest" 1, "What Rest involves." 3, "Trials found a benefit." 4
    assert data["word_count"] == 2 + 396 + 2 + 2 + 3 + 2 + 1 + 3 + 4
    assert data["reading_time"] == 3
    assert data["table_of_contents"] == [
        {"title": "Piriformis syndrome", "anchor": "condition-piriformis-syndrome"},
        {"title": "Hip impingement", "anchor": "condition-hip-impingement"},
    ]
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    links = [a["href"] for a in soup.select("nav.table-of-contents a")]
    assert links == ["#condition-piriformis-syndrome", "#condition-hip-impingement"]
    for link in links:
        assert soup.find(id=link[1:]) is not None


def test_words_end_where_paragraphs_do_not_where_marks_do(client, index):
    body = [
        {
            "type": "rich_text",
            "value": "<p>Hip</p><p>pain <b>re</b>lief</p><ul><li>rest</li>"
            '<li><a href="https://example.org/?a=1&amp;b=2">move</a></li></ul>',
        }
    ]
    page = publish(
        HealthArticlePageFactory(parent=index, summary="Two words", body=body)
    )
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    # The summary's two, then Hip, pain, relief, rest, move.
    assert data["word_count"] == 2 + 5


# Structured data and what the page shows


@pytest.fixture
def hip_page(client, demo_content):
    response = client.get(HIP)
    assert response.status_code == 200
    return response.content.decode()


def graph_from_page(markup):
    data = extruct.extract(markup, base_url="http://testserver", syntaxes=["json-ld"])
    [document] = data["json-ld"]
    return document


def local_context_loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(CONTEXT.read_text()),
        }
    raise jsonld.JsonLdError(f"no network: {url}", "loading document failed")


def expanded(document):
    return jsonld.expand(document, {"documentLoader": local_context_loader})


def nodes_of_type(nodes, type_name):
    return [n for n in nodes if SCHEMA + type_name in n.get("@type", [])]


def test_page_and_api_carry_the_same_graph(client, hip_page):
    article = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    from_api = client.get(f"/api/v2/pages/{article.pk}/").json()["schema_org"]
    assert graph_from_page(hip_page) == from_api


def test_graph_has_the_medical_web_page_article_conditions_and_works(hip_page):
    nodes = expanded(graph_from_page(hip_page))
    [web_page] = nodes_of_type(nodes, "MedicalWebPage")
    assert web_page[SCHEMA + "lastReviewed"] == [
        {"@type": SCHEMA + "Date", "@value": "2024-03-12"}
    ]
    [reviewer] = web_page[SCHEMA + "reviewedBy"]
    [person] = [n for n in nodes if n["@id"] == reviewer["@id"]]
    assert person[SCHEMA + "name"] == [{"@value": "Sam Rivera"}]
    assert web_page[SCHEMA + "audience"]
    assert len(web_page[SCHEMA + "about"]) == 3

    [article] = nodes_of_type(nodes, "Article")
    assert article[SCHEMA + "headline"] == [{"@value": "Massage Therapy for Hip Pain"}]
    keywords = {k["@value"] for k in article[SCHEMA + "keywords"]}
    assert keywords == {"hip pain", "joint pain", "benefits of massage therapy"}
    assert len(article[SCHEMA + "citation"]) == 16
    assert article[SCHEMA + "author"]

    conditions = nodes_of_type(nodes, "MedicalCondition")
    assert [c[SCHEMA + "name"][0]["@value"] for c in conditions] == [
        "Osteoarthritis of the hip",
        "Piriformis syndrome",
        "Femoroacetabular impingement",
    ]
    alternate = {a["@value"] for a in conditions[2][SCHEMA + "alternateName"]}
    assert "FAI" in alternate
    therapies = conditions[0][SCHEMA + "possibleTreatment"]
    assert therapies[0][SCHEMA + "name"] == [
        {"@value": "Manual therapy (including massage)"}
    ]

    works = nodes_of_type(nodes, "MedicalScholarlyArticle")
    assert len(works) == 16
    ahuja = next(
        w for w in works if "Chronic hip pain" in w[SCHEMA + "headline"][0]["@value"]
    )
    identifiers = {
        i[SCHEMA + "propertyID"][0]["@value"]: i[SCHEMA + "value"][0]["@value"]
        for i in ahuja[SCHEMA + "identifier"]
    }
    assert identifiers == {
        "DOI": "10.4103/joacp.JOACP_170_19",
        "PMID": "33840922",
        "PMCID": "PMC8022067",
    }
    assert {"@id": "https://doi.org/10.4103/joacp.JOACP_170_19"} in ahuja[
        SCHEMA + "sameAs"
    ]


STRUCTURAL_KEYS = {"@context", "@type", "@id", "propertyID", "audienceType"}


def leaf_values(node, key=None):
    if isinstance(node, dict):
        for child_key, value in node.items():
            if child_key not in STRUCTURAL_KEYS:
                yield from leaf_values(value, child_key)
    elif isinstance(node, list):
        for item in node:
            yield from leaf_values(item, key)
    else:
        yield key, str(node)


def test_every_value_in_the_graph_is_visible_on_the_page(hip_page):
    soup = BeautifulSoup(hip_page, "html.parser")
    for script in soup.find_all("script"):
        script.decompose()
    text = " ".join(soup.get_text(" ").split())
    shown = {
        *(a["href"] for a in soup.find_all("a", href=True)),
        *(t["datetime"] for t in soup.find_all("time")),
        # The hero image: its file (a path on the site) and size.
        *(img[attr] for img in soup.find_all("img") for attr in ("width", "height")),
    }
    page_url = graph_from_page(hip_page)["@graph"][0]["url"]
    shown |= {urljoin(page_url, img["src"]) for img in soup.find_all("img")}
    missing = [
        (key, value)
        for key, value in leaf_values(graph_from_page(hip_page))
        if value not in text and value not in shown and value != page_url
    ]
    assert missing == []


def test_page_shows_authors_reviewers_dates_disclaimer_and_certainty(hip_page):
    soup = BeautifulSoup(hip_page, "html.parser")
    facts = " ".join(soup.select_one("dl.article-facts").get_text(" ").split())
    assert "Written by Alex Morgan , RMT" in facts
    assert "Medically reviewed by Sam Rivera , PT, DPT" in facts
    assert "Page last reviewed 12 March 2024" in facts
    assert "Next review due 12 March 2027" in facts
    assert "does not replace advice" in soup.select_one("aside.disclaimer").get_text()
    certainty = [p.get_text() for p in soup.select("p.certainty")]
    assert (
        "Certainty of evidence (GRADE): High The true effect is very likely close "
        "to what the studies found."
    ) in certainty


def test_json_ld_cannot_be_broken_out_of(client, index, people):
    page = HealthArticlePageFactory(
        parent=index, title="</script><script>alert(1)</script>"
    )
    ArticleAuthor.objects.create(page=page, person=people[0])
    ArticleReviewer.objects.create(page=page, person=people[1])
    publish(page)
    markup = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in markup
    assert graph_from_page(markup)["@graph"][1]["headline"] == (
        "</script><script>alert(1)</script>"
    )


def test_what_an_article_reads_of_its_body_follows_an_edit(client, index):
    page = publish(HealthArticlePageFactory(parent=index, summary="Two words"))
    before = page.word_count, page.table_of_contents
    page.body = [{"type": "rich_text", "value": "<p>Only three words.</p>"}]
    page.save()
    assert (page.word_count, page.table_of_contents) == (2 + 3, [])
    other = HealthArticlePage.objects.get(pk=page.pk)
    other.body = [{"type": "rich_text", "value": "<p>Now five words in it.</p>"}]
    other.save()
    page.refresh_from_db()
    assert page.word_count == 2 + 5
    assert before[0] > 5 and before[1]
