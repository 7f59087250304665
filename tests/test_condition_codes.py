"""Coded conditions: ICD-10, ICD-11, SNOMED CT and MeSH codes on condition
sections, checked on save, served in the API, filtered by, and emitted as
schema.org MedicalCode."""

import pytest

from health_articles import codes
from health_articles.models import HealthArticlePage

from .factories import HealthArticlePageFactory, condition_section
from .helpers import add_url, article_form_data, condition_data, publish

ARTICLES = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=body"


@pytest.mark.parametrize(
    "system, given, normal",
    [
        ("ICD10", "m16", "M16"),
        ("ICD10", "M161", "M16.1"),
        ("ICD10", " G57.0 ", "G57.0"),
        ("ICD11", "fa00", "FA00"),
        ("ICD11", "FA00.0", "FA00.0"),
        ("SNOMED", "239872002", "239872002"),
        ("MESH", "d015207", "D015207"),
        ("MESH", "D000077276", "D000077276"),
    ],
)
def test_codes_are_put_in_their_normal_form(system, given, normal):
    assert codes.normalise(system, given) == normal


@pytest.mark.parametrize(
    "system, code, reason",
    [
        ("ICD10", "16M", "is not a ICD-10 code"),
        ("ICD10", "M16.12345", "is not a ICD-10 code"),
        ("ICD11", "FO00", "is not a ICD-11 code"),  # no O in ICD-11 codes
        ("SNOMED", "239872003", "fails the SNOMED CT check digit"),  # Verhoeff
        ("SNOMED", "12345", "is not a SNOMED CT code"),
        ("MESH", "D01520", "is not a MeSH code"),
        ("MESH", "Q015207", "is not a MeSH code"),
        ("READ", "N05z5", "unknown coding system"),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(system, code, reason):
    with pytest.raises(codes.CodeError, match=reason):
        codes.normalise(system, code)


def test_a_malformed_code_is_refused_on_its_field_in_the_admin(editor_client, index):
    section = condition_data(
        "Osteoarthritis of the hip",
        references=["ahuja2020"],
        codes=[("ICD10", "M16"), ("SNOMED", "239872003")],
    )
    data = article_form_data(
        body=[("condition_section", section)], action="action-publish"
    )
    response = editor_client.post(add_url(index), data)
    assert response.status_code == 200
    assert "fails the SNOMED CT check digit" in response.content.decode()
    assert not HealthArticlePage.objects.filter(slug="hip-pain").exists()


def test_a_code_is_saved_in_its_normal_form_from_the_admin(editor_client, index):
    section = condition_data(
        "Osteoarthritis of the hip", references=["ahuja2020"], codes=[("ICD10", "m161")]
    )
    data = article_form_data(
        body=[("condition_section", section)], action="action-publish"
    )
    response = editor_client.post(add_url(index), data)
    assert response.status_code == 302
    page = HealthArticlePage.objects.get(slug="hip-pain")
    [section] = [
        block for block in page.body if block.block_type == "condition_section"
    ]
    assert [dict(code) for code in section.value["codes"]] == [
        {"system": "ICD10", "code": "M16.1"}
    ]


def coded_article(index, title, name, *pairs, **kwargs):
    page = HealthArticlePageFactory(
        parent=index,
        title=title,
        body=[
            condition_section(
                name, codes=[{"system": s, "code": c} for s, c in pairs], **kwargs
            )
        ],
    )
    return publish(page)


def test_codes_are_served_in_the_api(client, index):
    page = coded_article(
        index,
        "Hip",
        "Osteoarthritis of the hip",
        ("ICD10", "M16.1"),
        ("MESH", "D015207"),
    )
    data = client.get(f"/api/v2/pages/{page.pk}/").json()
    [section] = [b for b in data["body"] if b["type"] == "condition_section"]
    assert section["value"]["codes"] == [
        {
            "system": "ICD10",
            "code": "M16.1",
            "coding_system": "ICD-10",
            "url": "https://icd.who.int/browse10/2019/en#/M16.1",
        },
        {
            "system": "MESH",
            "code": "D015207",
            "coding_system": "MeSH",
            "url": "https://meshb.nlm.nih.gov/record/ui?ui=D015207",
        },
    ]


def test_articles_are_filtered_by_condition_code(client, index):
    hip = coded_article(index, "Hip", "Osteoarthritis of the hip", ("ICD10", "M16.1"))
    knee = coded_article(index, "Knee", "Knee osteoarthritis", ("ICD10", "M17"))
    sciatic = coded_article(
        index, "Piriformis", "Piriformis syndrome", ("MESH", "D055958")
    )

    def found(query):
        response = client.get(f"{ARTICLES}&condition_code={query}")
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["items"]}

    assert found("ICD10:M16") == {hip.pk}  # the category finds its subcodes
    assert found("icd10:m16.1") == {hip.pk}
    assert found("ICD10:M16.2") == set()
    assert found("ICD10:M17,MESH:D055958") == {knee.pk, sciatic.pk}
    assert found("MESH:D055958") == {sciatic.pk}


@pytest.mark.parametrize(
    "query, message",
    [
        ("M16", "is not SYSTEM:CODE"),
        ("ICD10:16M", "is not a ICD-10 code"),
        ("SNOMED:239872003", "check digit"),
        ("READ:N05z5", "unknown coding system"),
        (",".join(["ICD10:M16"] * 21), "at most 20 codes"),
    ],
)
def test_a_bad_condition_code_answers_400(client, index, query, message):
    response = client.get(f"{ARTICLES}&condition_code={query}")
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_articles_sharing_a_code_are_related(client, index):
    """Two names for one condition, one code: the articles are related."""
    hip = coded_article(index, "Hip", "Osteoarthritis of the hip", ("ICD10", "M16"))
    other = coded_article(index, "Coxarthrosis", "Coxarthrosis", ("ICD10", "M16"))
    data = client.get(f"/api/v2/pages/{hip.pk}/").json()
    assert [item["id"] for item in data["related_articles"]] == [other.pk]


def test_codes_are_medical_codes_in_the_json_ld(client, index):
    page = coded_article(
        index,
        "Hip",
        "Osteoarthritis of the hip",
        ("ICD10", "M16"),
        ("SNOMED", "239872002"),
    )
    graph = client.get(f"/api/v2/pages/{page.pk}/").json()["schema_org"]["@graph"]
    [condition] = [node for node in graph if node["@type"] == "MedicalCondition"]
    assert condition["code"] == [
        {"@type": "MedicalCode", "code": "M16", "codingSystem": "ICD-10"},
        {"@type": "MedicalCode", "code": "239872002", "codingSystem": "SNOMED CT"},
    ]


def test_the_reader_page_names_the_codes(client, index):
    page = coded_article(index, "Hip", "Osteoarthritis of the hip", ("MESH", "D015207"))
    content = client.get(page.url).content.decode()
    assert (
        '<a href="https://meshb.nlm.nih.gov/record/ui?ui=D015207">MeSH D015207</a>'
        in content
    )


def test_the_seed_conditions_are_coded_in_the_demo(client, demo_content):
    response = client.get(f"{ARTICLES}&condition_code=ICD10:M16")
    [item] = response.json()["items"]
    assert item["title"] == "Massage Therapy for Hip Pain"
    sections = {
        block["value"]["name"]: block["value"]["codes"]
        for block in item["body"]
        if block["type"] == "condition_section"
    }
    assert set(sections) == {
        "Osteoarthritis of the hip",
        "Piriformis syndrome",
        "Femoroacetabular impingement",
    }
    assert all(sections.values())
    for found in sections.values():
        for code in found:  # each is valid, as the import checked
            assert codes.normalise(code["system"], code["code"]) == code["code"]
