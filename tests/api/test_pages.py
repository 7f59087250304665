import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction

from health_articles.models import HealthArticleIndexPage, HealthArticlePage

from ..factories import (
    HealthArticlePageFactory,
    ReferenceFactory,
    condition_section,
    treatment,
)
from ..helpers import ABBOTT_SOURCE, publish

ARTICLES = "/api/v2/pages/?type=health_articles.HealthArticlePage"


def detail(client, page, query=""):
    response = client.get(f"/api/v2/pages/{page.pk}/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_listing_by_type_returns_live_articles(client, article, index):
    draft = HealthArticlePageFactory(parent=index, live=False)
    response = client.get(ARTICLES)
    assert response.status_code == 200
    data = response.json()
    ids = [item["id"] for item in data["items"]]
    assert ids == [article.pk]
    assert draft.pk not in ids
    assert data["meta"]["total_count"] == 1
    assert data["items"][0]["meta"]["type"] == "health_articles.HealthArticlePage"


def test_detail_carries_summary_body_tags_and_references(client, article):
    data = detail(client, article)
    assert data["summary"] == "A short summary of the article."
    assert [block["type"] for block in data["body"]] == [
        "rich_text",
        "condition_section",
    ]
    assert data["tags"] == [
        {"name": "hip pain", "slug": "hip-pain"},
        {"name": "joint pain", "slug": "joint-pain"},
    ]
    # Numbered by first citation: the condition cites ahuja2020 before its
    # treatment cites abbott2013 (the list itself has abbott2013 first).
    assert [ref["number"] for ref in data["references"]] == [1, 2]
    assert [ref["key"] for ref in data["references"]] == ["ahuja2020", "abbott2013"]


def test_condition_section_is_structured_with_nested_treatments(client, article):
    section = detail(client, article)["body"][1]
    value = section["value"]
    assert value["name"] == "Osteoarthritis of the hip"
    assert value["alternate_names"] == ["HOA"]
    assert value["epidemiology"] == "2-9% of people under 75."
    assert value["references"] == ["ahuja2020"]
    assert value["description"] == "<p>About Osteoarthritis of the hip.</p>"
    [therapy] = value["treatments"]
    assert therapy["name"] == "Massage therapy"
    assert therapy["evidence"] == "<p>Trials found a benefit.</p>"
    assert therapy["references"] == ["abbott2013"]


def test_a_condition_section_carries_the_anchor_the_page_and_contents_use(
    client, article
):
    data = detail(client, article)
    section = data["body"][1]["value"]
    assert section["anchor"] == "condition-osteoarthritis-of-the-hip"
    assert data["table_of_contents"] == [
        {"title": "Osteoarthritis of the hip", "anchor": section["anchor"]}
    ]
    page = client.get(article.url)
    assert f'id="{section["anchor"]}"'.encode() in page.content


def test_top_level_treatment_block_is_served(client, index):
    page = HealthArticlePageFactory(
        parent=index,
        body=[{"type": "treatment", "value": treatment("Stretching")}],
    )
    publish(page)
    [block] = detail(client, page)["body"]
    assert block["type"] == "treatment"
    assert block["value"]["name"] == "Stretching"


def test_reference_is_csl_json_with_formatted_citation_and_links(client, article):
    ahuja, abbott = detail(client, article)["references"]
    assert abbott["csl"] == {
        "id": "abbott2013",
        "type": "article-journal",
        "title": "Manual therapy, exercise therapy, or both",
        "author": [
            {"family": "Abbott", "given": "J H"},
            {"family": "Robertson", "given": "M C"},
        ],
        "container-title": "Osteoarthritis Cartilage",
        **ABBOTT_SOURCE,
    }
    assert abbott["formatted"].startswith("Abbott JH, Robertson MC.")
    assert "Osteoarthritis Cartilage" in abbott["formatted"]
    assert "<" not in abbott["formatted"]
    assert abbott["links"] == {
        "doi": "https://doi.org/10.1016/j.joca.2012.12.014",
        "pubmed": "https://pubmed.ncbi.nlm.nih.gov/23313532/",
    }
    assert ahuja["links"]["pmc"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC8022067/"


def test_rich_text_is_rendered_with_internal_links_expanded(client, article, index):
    linked = f'<p>See <a linktype="page" id="{index.pk}">all articles</a>.</p>'
    page = HealthArticlePageFactory(
        parent=index,
        body=[
            {"type": "rich_text", "value": linked},
            condition_section("Piriformis syndrome", description=linked),
        ],
    )
    publish(page)
    body = detail(client, page)["body"]
    for html in (body[0]["value"], body[1]["value"]["description"]):
        assert 'href="/"' in html
        assert "linktype" not in html
    # Clients that want the stored form can still ask for it.
    raw = detail(client, page, "?rich_text_format=db_html")["body"][0]["value"]
    assert 'linktype="page"' in raw


def test_field_selection_search_and_tag_filter_keep_working(client, article, index):
    other = publish(HealthArticlePageFactory(parent=index, title="Knee pain"))
    other.tags.add("knee pain")
    publish(other)

    response = client.get(ARTICLES + "&fields=summary,tags")
    item = response.json()["items"][0]
    assert set(item) >= {"summary", "tags"}
    assert "body" not in item

    response = client.get(ARTICLES + "&tags=hip pain")
    assert [i["id"] for i in response.json()["items"]] == [article.pk]

    response = client.get("/api/v2/pages/?search=Knee")
    assert [i["id"] for i in response.json()["items"]] == [other.pk]

    response = client.get(ARTICLES + "&order=-title&fields=_,title")
    assert [i["title"] for i in response.json()["items"]] == [
        "Massage Therapy for Hip Pain",
        "Knee pain",
    ]


def test_find_redirects_to_the_article_detail(client, article):
    response = client.get("/api/v2/pages/find/?html_path=/hip/")
    assert response.status_code == 302
    assert f"/api/v2/pages/{article.pk}/" in response["Location"]


def test_standard_pages_images_and_documents_endpoints(client, article):
    image = Image.objects.create(title="Hip", file=get_test_image_file())
    document = Document.objects.create(title="Leaflet")
    assert client.get("/api/v2/pages/").status_code == 200
    images = client.get("/api/v2/images/").json()
    assert [item["id"] for item in images["items"]] == [image.pk]
    documents = client.get("/api/v2/documents/").json()
    assert [item["id"] for item in documents["items"]] == [document.pk]


def test_index_page_is_served_with_its_intro(client, index):
    index.intro = "<p>Articles on pain.</p>"
    publish(index)
    assert detail(client, index)["intro"] == "<p>Articles on pain.</p>"


@pytest.mark.parametrize(
    "query",
    [
        "?type=nope.Nothing",
        "?type=health_articles.HealthArticlePage&limit=abc",
        "?type=health_articles.HealthArticlePage&offset=-1",
        "?type=health_articles.HealthArticlePage&limit=100000",
        "?type=health_articles.HealthArticlePage&fields=unknown",
        "?type=health_articles.HealthArticlePage&fields=title(",
        "?type=health_articles.HealthArticlePage&order=nonsense",
        "?type=health_articles.HealthArticlePage&tags=a&search=b",
        "?child_of=abc",
        "?descendant_of=999999",
        "?rich_text_format=pdf",
        "?unknown_parameter=1",
        "?locale=xx",
        "?search_operator=maybe&search=hip",
    ],
)
def test_bad_query_parameters_answer_400_with_a_message(client, article, query):
    response = client.get("/api/v2/pages/" + query)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"]


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
@pytest.mark.parametrize(
    "query",
    [
        "?search=hip%00",
        "?title=%00",
        "?offset=99999999999999999999999",
        "?offset=x",
        "?search_operator=maybe&search=x",
        "?limit=99999999999999999999",
    ],
)
def test_values_stock_wagtail_fails_on_answer_400(client, article, endpoint, query):
    response = client.get(f"/api/v2/{endpoint}/{query}")
    assert response.status_code == 400, response.content
    assert response.json()["message"]


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
@pytest.mark.parametrize(
    "search",
    [
        " ".join(f"word{number}" for number in range(155)),
        "pain " * 33,
        "x" * 401,
    ],
)
def test_a_search_too_long_to_build_answers_400(client, article, endpoint, search):
    response = client.get(f"/api/v2/{endpoint}/", {"search": search})
    assert response.status_code == 400, response.content
    assert response.json()["message"] == "search is at most 32 words and 400 characters"


def test_a_search_of_32_words_is_answered(client, article):
    response = client.get("/api/v2/pages/", {"search": "hip " * 32})
    assert response.status_code == 200


def test_find_with_a_non_numeric_id_answers_400(client, article):
    response = client.get("/api/v2/pages/find/?id=abc")
    assert response.status_code == 400
    assert response.json() == {"message": "id must be a whole number"}


def test_bad_detail_parameters_answer_400(client, article):
    response = client.get(f"/api/v2/pages/{article.pk}/?fields=body(x)")
    assert response.status_code == 400
    assert response.json()["message"]


def test_listing_queries_do_not_grow_with_the_number_of_articles(
    client, no_stored_responses, index
):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(ARTICLES + "&fields=*&limit=50")
        assert response.status_code == 200
        return len(queries), len(response.json()["items"])

    for _ in range(2):
        page = HealthArticlePageFactory(parent=index)
        page.tags.add("hip pain")
        publish(page)
    count_queries()  # warm the site root cache
    few, count = count_queries()
    for _ in range(6):
        page = HealthArticlePageFactory(parent=index)
        page.tags.add("hip pain", "knee pain")
        publish(page)
    count_queries()
    many, more = count_queries()
    assert (count, more) == (2, 8)
    assert many == few
    assert many <= 12


@pytest.mark.parametrize("pk", [2**63 - 1, 2**63, 10**30])
@pytest.mark.parametrize("suffix", ["", "references.json"])
def test_ids_beyond_the_database_integers_are_not_found(client, article, pk, suffix):
    response = client.get(f"/api/v2/pages/{pk}/{suffix}")
    assert response.status_code == 404
    assert response.json() == {"message": "No Page matches the given query."}


@pytest.mark.parametrize("restriction", ["password", "login", "groups"])
def test_private_articles_are_not_served(
    client, editor_client, article, index, restriction
):
    private = publish(HealthArticlePageFactory(parent=index, title="Private"))
    PageViewRestriction.objects.create(
        page=private, restriction_type=restriction, password="x"
    )
    for reader in (client, editor_client):  # logged in or not
        ids = [i["id"] for i in reader.get(ARTICLES).json()["items"]]
        assert ids == [article.pk]
        assert reader.get(f"/api/v2/pages/{private.pk}/").status_code == 404
    assert Page.objects.filter(pk=private.pk).exists()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (
            "?type=health_articles.HealthArticlePage&first_published_at=soon",
            "first_published_at",
        ),
        ("?locale=xx", "locale"),
        pytest.param(
            "?search=%22hip",
            "search",
            marks=pytest.mark.skipif(
                connection.vendor == "postgresql",
                reason="PostgreSQL searches it, as stock Wagtail does",
            ),
        ),
        ("?offset=x", "offset"),
        ("?search_operator=maybe", "search_operator"),
        ("?citation_style=mla", "citation_style"),
        ("?tag=", "tag"),
        ("?limit=x", "limit"),
        ("?fields=nonsense", "fields"),
    ],
)
def test_a_400_names_the_parameter_at_fault(client, article, query, name):
    response = client.get("/api/v2/pages/" + query)
    assert response.status_code == 400
    assert name in response.json()["message"]


def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/wagtailadmin/css/core.css")
    assert response.status_code == 200
    assert response.streaming or response.content


def test_a_list_of_100_full_articles_costs_what_a_list_of_20_does(
    client, demo_content, no_stored_responses
):
    index = HealthArticleIndexPage.objects.get()
    for number in range(22):  # 25 articles with the demo's three
        page = HealthArticlePageFactory(parent=index, body=[condition_section("Hip")])
        page.tags.add("hip pain", f"tag {number}")
        ReferenceFactory(page=page, key=f"ref{number}", sort_order=0)
        publish(page)

    def queries(limit):
        url = f"{ARTICLES}&fields=*&limit={limit}"
        client.get(url + "&_=warm")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), len(response.json()["items"])

    (twenty, shown), (hundred, all_shown) = queries(20), queries(100)
    assert (shown, all_shown) == (20, 25)
    assert twenty == hundred <= 12


def test_an_article_detail_costs_at_most_ten_queries(
    client, demo_content, no_stored_responses
):
    hip = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    hip.hero_image = Image.objects.create(title="Hip", file=get_test_image_file())
    publish(hip)
    url = f"/api/v2/pages/{hip.pk}/"
    client.get(url + "?_=warm")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    data = response.json()
    # Everything a detail carries: people, references, related articles...
    assert data["authors"] and data["reviewers"] and data["related_articles"]
    assert data["hero_picture"]["renditions"]["hero"]["url"]
    assert data["meta"]["parent"]["id"] == hip.get_parent().pk
    # With several languages (WAGTAIL_I18N_ENABLED, as the demo settings
    # have it) the article's translations cost a query of their own (the
    # site's root in each language is kept by the process).
    assert len(captured) <= 9


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents", "tags"])
def test_more_parameters_than_django_reads_answer_400(
    client, article, endpoint, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    response = client.get(f"/api/v2/{endpoint}/?" + "&".join(["x=1"] * 1001))
    assert response.status_code == 400
    assert response.json()["message"] == "at most 1000 query parameters are read"


@pytest.mark.parametrize(
    "query",
    [
        "?search=" + "0" * 8000,
        "?title=" + "9" * 8000,
        "?offset=" + "0" * 8000 + "1",
        "?child_of=" + "0" * 5000 + "3",
    ],
)
def test_numbers_of_thousands_of_digits_answer_400_or_200(client, article, query):
    """Python refuses to read over 4300 digits as a number: never a 500."""
    response = client.get("/api/v2/pages/" + query)
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert response.json()["message"]


@pytest.mark.parametrize("endpoint", ["pages", "pages/find", "images", "tags"])
def test_a_query_string_over_8192_characters_answers_400(client, article, endpoint):
    query = "html_path=%2F&fields=" + "0" * 9000
    response = client.get(f"/api/v2/{endpoint}/?{query}")
    assert response.status_code == 400
    assert response.json()["message"] == "the query string is at most 8192 characters"


def test_find_never_redirects_past_what_django_allows(client, article):
    """find/ writes the query into its redirect, non-ASCII percent-encoded."""
    response = client.get("/api/v2/pages/find/?html_path=%2F&x=" + "%E2%82%AC" * 2000)
    assert response.status_code == 400
    assert response.json()["message"].startswith("the query string is at most")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's search refuses these"
)
@pytest.mark.parametrize("search", ['"hip', "   ", 'hip "pain'])
def test_postgresql_searches_what_stock_wagtail_searches(client, article, search):
    for endpoint in ("pages", "images", "documents"):
        response = client.get(f"/api/v2/{endpoint}/", {"search": search})
        assert response.status_code == 200, response.content
