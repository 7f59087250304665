import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Site, Workflow

from health_articles.models import (
    HealthArticlePage,
    HealthArticleSettings,
    MedicalReviewTask,
    Person,
    Reference,
)

SEED = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "seeds"
    / "massage-therapy-for-hip-pain.txt"
)
HIP = "massage-therapy-for-hip-pain"


def load():
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_content(db):
    """All the demo: its articles, their French translation and the second
    clinic's site, as ``make run`` loads it."""
    load()
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def hip(demo_content):
    return HealthArticlePage.objects.get(slug=HIP)


def test_seed_article_is_published_under_the_home_index(demo_content, hip):
    assert hip.live
    assert hip.get_parent().specific == demo_content
    # Relative to its site: with the second clinic, the demo has two sites.
    assert hip.relative_url(Site.objects.get(is_default_site=True)) == f"/{HIP}/"
    assert hip.title == "Massage Therapy for Hip Pain"


def test_seed_article_has_three_conditions_with_their_treatments(hip):
    sections = [b.value for b in hip.body if b.block_type == "condition_section"]
    assert [s["name"] for s in sections] == [
        "Osteoarthritis of the hip",
        "Piriformis syndrome",
        "Femoroacetabular impingement",
    ]
    assert "HOA" in sections[0]["alternate_names"]
    assert "FAI" in sections[2]["alternate_names"]
    for section in sections:
        assert len(section["treatments"]) >= 2
        for treatment in section["treatments"]:
            assert list(treatment["references"]), treatment["name"]


def test_seed_article_has_its_tags(hip):
    assert sorted(tag.name for tag in hip.tags.all()) == [
        "benefits of massage therapy",
        "hip pain",
        "joint pain",
    ]


def test_every_citation_resolves_and_every_reference_is_cited(demo_content):
    from health_articles.body import cited_reference_keys

    for article in HealthArticlePage.objects.all():
        keys = set(article.references.values_list("key", flat=True))
        cited = {key for _, key in cited_reference_keys(article.body)}
        assert cited == keys, article.slug


def test_sixteen_references_keep_the_seed_identifiers(hip):
    references = list(hip.references.all())
    assert len(references) == 16
    for reference in references:
        raw = reference.raw_text
        doi = re.search(r"doi: ?(10\.\S+?)\.?(?:\s|$)", raw)
        pmid = re.search(r"PMID: (\d+)", raw)
        pmcid = re.search(r"PMCID: (PMC\d+)", raw)
        assert reference.doi == (doi.group(1) if doi else ""), reference.key
        assert reference.pmid == (pmid.group(1) if pmid else ""), reference.key
        assert reference.pmcid == (pmcid.group(1) if pmcid else ""), reference.key
    with_doi = [r.key for r in references if r.doi]
    assert len(with_doi) == 9
    assert hip.references.get(key="palmer2019").page_range == "l185"


@pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")
def test_raw_text_is_the_seed_reference_list_verbatim(hip):
    seed = SEED.read_text(encoding="utf-8")
    reference_block = seed.split("find some relief.")[1].split("Tags:")[0]
    seed_lines = [line.strip() for line in reference_block.splitlines() if line.strip()]
    assert [r.raw_text for r in hip.references.all()] == seed_lines


def test_more_articles_give_tags_something_to_browse(demo_content):
    others = HealthArticlePage.objects.live().exclude(slug=HIP)
    assert others.count() >= 2
    shared = HealthArticlePage.objects.filter(tags__name="joint pain").count()
    assert shared >= 2


def test_running_twice_duplicates_nothing(demo_content):
    counts = (HealthArticlePage.objects.count(), Reference.objects.count())
    output = load()
    assert "already present" in output
    assert (HealthArticlePage.objects.count(), Reference.objects.count()) == counts


DEMO_ACCOUNTS = {"editor": "e-pw", "reviewer": "r-pw", "admin": "a-pw"}


def test_demo_accounts_exist_only_under_dev_settings(demo_content):
    User = get_user_model()
    assert not User.objects.exists()  # the test settings define no demo accounts
    with override_settings(DEMO_ACCOUNTS=DEMO_ACCOUNTS):
        output = load()
    for role, password in DEMO_ACCOUNTS.items():
        assert f"Demo {role}: user “{role}”, password “{password}”" in output
        assert User.objects.get(username=role).check_password(password)


def test_each_demo_role_has_its_permissions(demo_content):
    with override_settings(DEMO_ACCOUNTS=DEMO_ACCOUNTS):
        load()
        load()  # a second run changes nothing
    User = get_user_model()
    editor, reviewer, admin = (
        User.objects.get(username=name) for name in ("editor", "reviewer", "admin")
    )
    hip = HealthArticlePage.objects.get(slug=HIP)
    editing = hip.permissions_for_user(editor)
    assert editing.can_edit() and not editing.can_publish()
    assert not editor.is_superuser
    assert hip.permissions_for_user(reviewer).can_publish()
    assert not reviewer.is_superuser
    assert admin.is_superuser
    # Articles under the index go through the medical review, which the
    # reviewer (the person who reviews the demo articles) may approve.
    workflow = hip.get_workflow()
    assert workflow.name == "Medical review"
    [task] = [task.specific for task in workflow.tasks]
    assert isinstance(task, MedicalReviewTask)
    assert task.get_actions(hip, reviewer) and not task.get_actions(hip, editor)
    assert Person.objects.filter(user=reviewer).exists()
    assert Workflow.objects.filter(name="Medical review").count() == 1
    assert MedicalReviewTask.objects.count() == 1


def test_site_url_sets_the_default_site_address(demo_content):
    call_command(
        "load_demo_content", site_url="http://127.0.0.1:8123", stdout=io.StringIO()
    )
    article = HealthArticlePage.objects.get(slug=HIP)
    assert article.full_url == f"http://127.0.0.1:8123/{HIP}/"


def test_a_bad_site_url_is_refused(demo_content):
    with pytest.raises(CommandError, match="http"):
        call_command("load_demo_content", site_url="ftp://x", stdout=io.StringIO())


FRENCH = "massotherapie-douleur-hanche"
NORTH = "manual-therapy-and-exercise-for-hip-and-knee-osteoarthritis"


def api(client, path, **query):
    response = client.get(f"/api/v2/{path}", query, **query.pop("headers", {}))
    assert response.status_code == 200, response.content
    return response.json()


def test_the_seed_article_is_also_in_french(client, hip):
    french = HealthArticlePage.objects.get(slug=FRENCH)
    assert french.locale.language_code == "fr-ca"
    assert french.translation_key == hip.translation_key
    assert french.live
    assert french.title == "La massothérapie contre la douleur à la hanche"
    assert french.summary.startswith("Un survol de trois causes possibles")
    index = french.get_parent().specific
    assert index.title == "Articles santé"
    assert index.translation_key == hip.get_parent().translation_key
    sections = [b.value for b in french.body if b.block_type == "condition_section"]
    assert [s["name"] for s in sections] == [
        "Arthrose de la hanche",
        "Syndrome du piriforme",
        "Conflit fémoro-acétabulaire",
    ]
    english = [b.value for b in hip.body if b.block_type == "condition_section"]
    for section, source in zip(sections, english, strict=True):
        assert list(section["references"]) == list(source["references"])
        assert [dict(code) for code in section["codes"]] == [
            dict(code) for code in source["codes"]
        ]
        assert [list(t["references"]) for t in section["treatments"]] == [
            list(t["references"]) for t in source["treatments"]
        ]
    # The references are the source's, numbered the same; nothing cites a
    # key the list lacks.
    fields = ["key", "title", "doi", "pmid", "pmcid", "raw_text"]
    assert list(french.references.values_list(*fields)) == list(
        hip.references.values_list(*fields)
    )
    assert french.reference_numbers == hip.reference_numbers
    french.full_clean()


def test_the_french_article_in_the_api_and_as_a_page(client, hip):
    french = HealthArticlePage.objects.get(slug=FRENCH)
    listing = api(
        client, "pages/", locale="fr-ca", type="health_articles.HealthArticlePage"
    )
    assert [item["title"] for item in listing["items"]] == [french.title]
    english = api(
        client, "pages/", locale="en", type="health_articles.HealthArticlePage"
    )
    assert french.title not in [item["title"] for item in english["items"]]
    detail = api(client, f"pages/{french.pk}/")
    assert detail["meta"]["locale"] == "fr-ca"
    assert [(t["id"], t["locale"]) for t in detail["translations"]] == [
        (hip.pk, "en"),
        (french.pk, "fr-ca"),
    ]
    assert api(client, f"pages/{hip.pk}/")["translations"] == detail["translations"]
    source = api(client, f"pages/{hip.pk}/")
    assert [(r["key"], r["number"]) for r in detail["references"]] == [
        (r["key"], r["number"]) for r in source["references"]
    ]
    url = french.relative_url(Site.objects.get(is_default_site=True))
    assert url == f"/fr-ca/{FRENCH}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="fr-ca">' in html
    assert "Arthrose de la hanche" in html
    assert 'data-reference-key="ahuja2020"' in html


FRENCH_TAGS = [
    "arthrose",
    "douleur articulaire",
    "douleur à la hanche",
    "massothérapie",
]
ENGLISH_TAGS = ["benefits of massage therapy", "hip pain", "joint pain"]
FRENCH_DISCLAIMER = "Cet article présente de l’information générale."
ENGLISH_DISCLAIMER = "This article is general information."


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_french_article_has_french_tags_and_disclaimer(client, hip):
    """The French translation's own tags and disclaimer (the demo's
    translation data: wagtail-localize offers neither), the English
    article's unchanged."""
    french = HealthArticlePage.objects.get(slug=FRENCH)
    assert sorted(french.tags.names()) == FRENCH_TAGS
    assert sorted(hip.tags.names()) == ENGLISH_TAGS
    assert french.disclaimer.startswith(f"<p>{FRENCH_DISCLAIMER}")
    assert french.live and not french.has_unpublished_changes
    in_french = page_text(client, f"/fr-ca/{FRENCH}/")
    assert FRENCH_DISCLAIMER in in_french and ENGLISH_DISCLAIMER not in in_french
    assert quote("/fr-ca/tags/massothérapie/") in in_french
    in_english = page_text(client, f"/{HIP}/")
    assert ENGLISH_DISCLAIMER in in_english and FRENCH_DISCLAIMER not in in_english


def test_tags_are_french_in_french_and_english_in_english(client, hip):
    """Tag pages, feeds and the tags API list the French tags for fr-ca and
    the English ones for en, never the other language's."""
    french = HealthArticlePage.objects.get(slug=FRENCH)
    for url in ("/fr-ca/tags/", f"/fr-ca/{FRENCH}/"):
        text = page_text(client, url)
        assert all(f">{tag}</a>" in text for tag in FRENCH_TAGS), url
        assert not any(f">{tag}</a>" in text for tag in ENGLISH_TAGS), url
    english_index = page_text(client, "/tags/")
    assert all(f">{tag}</a>" in english_index for tag in ENGLISH_TAGS)
    assert not any(f">{tag}</a>" in english_index for tag in FRENCH_TAGS)
    french_tag = page_text(client, "/fr-ca/tags/douleur-à-la-hanche/")
    assert "Articles sur «\u00a0douleur à la hanche\u00a0»" in french_tag
    assert french.title in french_tag
    assert client.get("/fr-ca/tags/hip-pain/").status_code == 404
    assert client.get("/tags/douleur-à-la-hanche/").status_code == 404
    feed = page_text(client, "/fr-ca/tags/massothérapie/feed/")
    assert french.title in feed
    assert sorted(re.findall(r"<category>(.*?)</category>", feed)) == FRENCH_TAGS
    feed = page_text(client, "/feed/")
    assert set(re.findall(r"<category>(.*?)</category>", feed)) >= set(ENGLISH_TAGS)
    assert not set(re.findall(r"<category>(.*?)</category>", feed)) & set(FRENCH_TAGS)

    def tag_names(**query):
        return sorted(tag["name"] for tag in api(client, "tags/", **query)["items"])

    assert tag_names(locale="fr-ca") == FRENCH_TAGS
    english = tag_names(locale="en")
    assert set(ENGLISH_TAGS) <= set(english) and not set(FRENCH_TAGS) & set(english)
    assert api(client, "tags/douleur-à-la-hanche/", locale="fr-ca")["count"] == 1


def test_a_search_finds_the_articles_of_its_language(client, hip):
    """The API's search with ``locale=fr-ca`` finds French articles only,
    with ``locale=en`` English ones only, for a word both languages' articles
    have. Without ``locale`` it searches every language, as every listing
    without it does: a French word finds the French article alone, an
    English one the English articles alone."""
    french = HealthArticlePage.objects.get(slug=FRENCH)

    def found(search, **query):
        listing = api(
            client,
            "pages/",
            type="health_articles.HealthArticlePage",
            search=search,
            **query,
        )
        return {(item["id"], item["meta"]["locale"]) for item in listing["items"]}

    in_french = found("massage", locale="fr-ca")
    assert in_french == {(french.pk, "fr-ca")}
    in_english = found("massage", locale="en")
    assert (hip.pk, "en") in in_english
    assert {locale for _id, locale in in_english} == {"en"}
    assert found("massage") == in_french | in_english
    assert found("massothérapie") == found("hanche") == in_french
    assert found("massothérapie", locale="en") == set()
    osteoarthritis = found("osteoarthritis")
    assert (hip.pk, "en") in osteoarthritis
    assert {locale for _id, locale in osteoarthritis} == {"en"}
    assert found("osteoarthritis", locale="fr-ca") == set()


def test_a_second_site_with_its_own_article_and_publisher(client, hip):
    north = Site.objects.get(hostname="north.localhost")
    default = Site.objects.get(is_default_site=True)
    assert north.port == default.port and north.root_page_id != default.root_page_id
    article = HealthArticlePage.objects.get(slug=NORTH)
    assert article.get_parent().pk == north.root_page_id
    assert article.live and article.get_site() == north
    assert HealthArticleSettings.for_site(north).publisher_name == (
        "Example Clinic Network: North Clinic"
    )
    listing = api(
        client,
        "pages/",
        type="health_articles.HealthArticlePage",
        headers={"HTTP_HOST": "north.localhost"},
    )
    assert [item["title"] for item in listing["items"]] == [article.title]
    main = api(client, "pages/", type="health_articles.HealthArticlePage")
    assert article.title not in [item["title"] for item in main["items"]]
    detail = api(
        client, f"pages/{article.pk}/", headers={"HTTP_HOST": "north.localhost"}
    )
    graph = detail["schema_org"]["@graph"]
    assert [node["name"] for node in graph if node["@type"] == "Organization"] == [
        "Example Clinic Network: North Clinic"
    ]
    page = client.get(f"/{NORTH}/", HTTP_HOST="north.localhost")
    assert page.status_code == 200
    assert client.get(f"/{NORTH}/").status_code == 404


def test_running_twice_translates_and_adds_nothing_again(demo_content):
    counts = (
        HealthArticlePage.objects.count(),
        Reference.objects.count(),
        Site.objects.count(),
    )
    output = load()
    assert "Massage Therapy for Hip Pain (fr-ca): already present" in output
    assert (
        HealthArticlePage.objects.count(),
        Reference.objects.count(),
        Site.objects.count(),
    ) == counts
