"""The API v2's OpenAPI document (/api/v2/openapi.json): valid OpenAPI 3.1,
generated from the models and blocks, and true of the live API.

schemathesis sends each documented operation requests built from the
document (every parameter, valid values and then some) against a live
server with the demo content, an image, a document and a medical review:
every answer must be documented, of its content type, conform to its
schema, and none a 5xx.
"""

import uuid

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from blogsite.api import api_router
from health_articles.blocks import ArticleBodyBlock
from health_articles.models import HealthArticlePage, MedicalReview, Person

OPENAPI = "/api/v2/openapi.json"
ARTICLE = "health_articles.HealthArticlePage"
INDEX = "health_articles.HealthArticleIndexPage"
EXAMPLES = 20  # each way, for each operation: all in well under a minute
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def openapi(client):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_3_1(db, openapi):
    assert openapi["openapi"] == "3.1.0"
    validate(openapi)


def test_the_document_covers_every_endpoint(db, openapi):
    routes = [
        pattern
        for resolver in api_router.get_urlpatterns()
        for pattern in resolver.url_patterns
    ]
    assert len(openapi["paths"]) == len(routes)
    assert set(openapi["paths"]) >= {
        "/api/v2/pages/",
        "/api/v2/pages/{pk}/",
        "/api/v2/pages/find/",
        "/api/v2/pages/{pk}/references.{kind}",
        "/api/v2/pages/{pk}/reviews/",
        "/api/v2/images/",
        "/api/v2/images/{pk}/",
        "/api/v2/images/find/",
        "/api/v2/documents/",
        "/api/v2/documents/{pk}/",
        "/api/v2/documents/find/",
        "/api/v2/tags/",
        "/api/v2/tags/{slug}/",
        "/api/v2/page_preview/",
    }


def test_the_listing_documents_the_article_parameters(db, openapi):
    parameters = {
        parameter["name"]: parameter
        for parameter in openapi["paths"]["/api/v2/pages/"]["get"]["parameters"]
    }
    assert {
        "type",
        "fields",
        "tag",
        "tag_any",
        "tags",
        "condition_code",
        "citation_style",
        "locale",
        "search",
        "order",
        "limit",
        "offset",
        "summary",  # a field filter of articles
    } <= set(parameters)
    assert parameters["citation_style"]["schema"]["enum"] == ["vancouver", "apa", "ama"]
    assert parameters["tag_any"]["explode"]


def test_each_block_type_has_a_schema_of_its_own(db, openapi):
    schemas = openapi["components"]["schemas"]
    for name in ArticleBodyBlock.base_blocks:
        camel = "".join(part.capitalize() for part in name.split("_"))
        item = schemas[f"ArticleBodyBlock{camel}"]
        assert item["properties"]["type"]["const"] == name
    assert schemas["HeadingBlock"]["properties"]["level"]["enum"] == ["h2", "h3", "h4"]
    treatment = schemas["TreatmentBlock"]["properties"]
    assert "not_graded" in treatment["certainty"]["enum"]
    section = schemas["ConditionSectionBlock"]["properties"]
    assert section["treatments"]["items"] == {
        "$ref": "#/components/schemas/TreatmentBlock"
    }
    assert section["codes"]["items"] == {"$ref": "#/components/schemas/ConditionCode"}
    assert "anchor" in section


def test_references_are_csl_json(db, openapi):
    schemas = openapi["components"]["schemas"]
    entry = schemas["ReferenceEntry"]["properties"]
    assert entry["csl"] == {"$ref": "#/components/schemas/CSLItem"}
    item = schemas["CSLItem"]
    assert set(item["required"]) == {"id", "type", "title"}
    assert item["properties"]["author"]["items"] == {
        "$ref": "#/components/schemas/CSLName"
    }
    assert "DOI" in item["properties"]


def test_errors_are_documented_with_their_message(db, openapi):
    assert openapi["components"]["schemas"]["Error"]["required"] == ["message"]
    for path in openapi["paths"].values():
        assert {"400", "404"} <= set(path["get"]["responses"])


@pytest.fixture
def live_site(live_server, demo_content):
    """The demo site, with an image (one article's hero and figure), a
    document, a medical review and a preview, served live; and the real values of its
    objects for the requests, by query or path parameter."""
    image = Image.objects.create(title="Hip", file=get_test_image_file())
    document = Document.objects.create(
        title="Leaflet", file=ContentFile(b"%PDF-1.4 leaflet", name="leaflet.pdf")
    )
    articles = list(HealthArticlePage.objects.live().order_by("pk"))
    figure = {"image": {"image": image.pk, "alt_text": "A hip"}, "caption": "A hip"}
    HealthArticlePage.objects.filter(pk=articles[0].pk).update(
        hero_image=image,
        body=[
            *articles[0].body.raw_data,
            {"type": "figure", "value": figure, "id": str(uuid.uuid4())},
        ],
    )
    MedicalReview.objects.create(
        page=articles[0],
        revision=articles[0].latest_revision,
        reviewer=Person.objects.first(),
        decision="approved",
        reviewed_at=timezone.now(),
    )
    preview = articles[1].create_page_preview()
    redirects = [
        Redirect.objects.create(old_path="/old-hip-article", redirect_page=articles[0]),
        Redirect.objects.create(
            old_path="/elsewhere", redirect_link="https://example.org/"
        ),
    ]
    pages = list(Page.objects.live().exclude(depth=1))
    live_server.values = {
        "query": {
            "type": [ARTICLE, INDEX, "wagtailcore.Page"],
            "fields": ["*", "_,title", "summary,tags", "-title", "hero_image(*)"],
            "tag": [["hip-pain"], ["Hip Pain,joint pain"]],
            "tag_any": [["hip-pain", "knee-pain"], ["nobody's tag"]],
            "tags": ["hip pain"],
            "condition_code": [["ICD10:M16"], ["MESH:D055958,ICD10:M17"]],
            "search": ["massage", "hip pain"],
            "order": ["-first_published_at", "title", "random", "-count", "name"],
            "limit": [1, 2],
            "offset": [0, 1],
            "child_of": [demo_content.pk, "root"],
            "descendant_of": ["root"],
            "ancestor_of": [articles[0].pk],
            "locale": ["en"],
            "slug": [articles[0].slug],
            "id": [page.pk for page in pages] + [image.pk, document.pk],
            "html_path": [articles[0].url, "/", "/old-hip-article/", "/elsewhere"],
            "content_type": [ARTICLE.lower()],
            "token": [preview.token],
        },
        "path": {
            "pages": [page.pk for page in pages],
            "images": [image.pk],
            "documents": [document.pk],
            "tags": ["hip-pain", "joint-pain"],
            "redirects": [redirect.pk for redirect in redirects],
        },
    }
    return live_server


def real_requests(operation, values):
    """Requests of ``operation`` with real values: ids and slugs of the
    site's objects, types, fields, tags and codes it has, and every value of
    each parameter the document enumerates."""
    endpoint = operation.definition.raw["tags"][0]
    path = {
        parameter.name: st.sampled_from(values["path"].get(endpoint, [0]))
        for parameter in operation.path_parameters
        if parameter.name != "kind"
    }
    if any(parameter.name == "kind" for parameter in operation.path_parameters):
        path["kind"] = st.sampled_from(["json", "bib", "ris"])
    query = {}
    for parameter in operation.query:
        schema = parameter.definition["schema"]
        if "enum" in schema:
            query[parameter.name] = st.sampled_from(schema["enum"])
        elif parameter.name in values["query"]:
            query[parameter.name] = st.sampled_from(values["query"][parameter.name])
    return st.builds(
        lambda path, query: operation.Case(path_parameters=path, query=query),
        st.fixed_dictionaries(path),
        st.fixed_dictionaries({}, optional=query),
    )


def fuzzed_requests(operation):
    """Requests of ``operation`` from its description alone, and (where its
    path has no parameters) with values it does not accept."""
    modes = [GenerationMode.POSITIVE]
    if not operation.path_parameters:
        modes.append(GenerationMode.NEGATIVE)
    return st.one_of(*(operation.as_strategy(generation_mode=m) for m in modes))


def answers_as_documented(requests, base_url):
    @given(requests)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(base_url=base_url, checks=CHECKS)

    check()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_api_answers_as_its_document_says(live_site):
    schema = schemathesis.openapi.from_url(live_site.url + OPENAPI)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for requests in (
            real_requests(operation, live_site.values),
            fuzzed_requests(operation),
        ):
            try:
                answers_as_documented(requests, live_site.url)
            except (AssertionError, BaseExceptionGroup) as failure:
                failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
