import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from health_articles.models import HealthArticlePage, Person, Reference

from .factories import HealthArticleIndexPageFactory, HealthArticlePageFactory


def export(tmp_path):
    path = tmp_path / "articles.json"
    call_command("export_articles", output=str(path), stdout=io.StringIO())
    return path, json.loads(path.read_text())


def import_file(path):
    out = io.StringIO()
    call_command("import_articles", str(path), stdout=out)
    return out.getvalue()


def test_demo_content_round_trips_identically(demo_content, tmp_path):
    path, before = export(tmp_path)
    assert len(before["articles"]) == 3
    assert len(before["articles"][0]["references"]) == 16
    HealthArticlePage.objects.all().delete()
    Person.objects.all().delete()
    output = import_file(path)
    assert "[3/3] exercise-for-knee-osteoarthritis" in output
    assert "Imported 3 articles." in output
    _, after = export(tmp_path)
    assert after == before
    hip = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    assert hip.live
    assert hip.references.count() == 16
    assert hip.reviewers[0].name == "Sam Rivera"


def test_import_updates_existing_articles_in_place(demo_content, tmp_path):
    path, document = export(tmp_path)
    document["articles"][0]["title"] = "Massage for hip pain"
    path.write_text(json.dumps(document))
    import_file(path)
    assert HealthArticlePage.objects.count() == 3
    hip = HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")
    assert hip.title == "Massage for hip pain"
    assert Reference.objects.filter(page=hip).count() == 16


def broken(document, change):
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (
            lambda d: d["articles"][0]["references"][3].update(doi="not-a-doi"),
            "articles[0].references[3].doi",
        ),
        (
            lambda d: d["articles"][1]["references"][0].pop("title"),
            "articles[1].references[0]",
        ),
        (
            lambda d: d["articles"][2]["body"][1]["value"]["treatments"][0]["value"][
                "references"
            ].append({"type": "item", "value": "nobody2020", "id": "x"}),
            "articles[2].body[1].treatments[0].references[",
        ),
        (
            lambda d: d["articles"][0]["body"][1]["value"].update(name=""),
            "articles[0].body[1].name: This field is required.",
        ),
        (
            lambda d: [
                reference.update(doi=doi)
                for reference, doi in zip(
                    d["articles"][0]["references"],
                    ["10.1000/ab1", "10.1000/AB1"],
                    strict=False,
                )
            ],
            "articles[0].references[1].doi: repeats the doi of "
            "articles[0].references[0]",
        ),
        (lambda d: d["articles"][0].update(last_reviewed="March"), "last_reviewed"),
        (lambda d: d["articles"][0].update(authors=["Nobody"]), "articles[0].authors"),
        (
            lambda d: d["articles"][1].update(index_path="/nowhere/"),
            "articles[1].index_path",
        ),
        (lambda d: d["articles"][1].update(site="elsewhere:80"), "articles[1].site"),
        (lambda d: d["articles"][1].update(locale="xx"), "articles[1].locale"),
        (
            lambda d: d["articles"][0].update(view_restrictions=[{"type": "secret"}]),
            "articles[0].view_restrictions[0].type",
        ),
        (
            lambda d: d["articles"][0].update(
                view_restrictions=[{"type": "groups", "groups": ["Nobody"]}]
            ),
            "articles[0].view_restrictions[0].groups",
        ),
        (lambda d: d.update(format="other/1"), "format"),
        (
            lambda d: d["articles"][0].update(seo_title=["x"]),
            "articles[0].seo_title: expected str, got list",
        ),
        (
            lambda d: d["articles"][0].update(tags=["hip pain", "x" * 150]),
            "articles[0].tags[1]: longer than 100 characters",
        ),
        (
            lambda d: d["articles"][0].update(tags=[{"name": "hip"}]),
            "articles[0].tags[0]: expected a non-empty string",
        ),
        (
            lambda d: d["articles"][0].update(authors=[["Sam Rivera"]]),
            "articles[0].authors[0]: expected a non-empty string",
        ),
        (
            lambda d: d["articles"][0].update(live="yes"),
            "articles[0].live: expected bool, got str",
        ),
        (
            lambda d: d["articles"][0].update(first_published_at=2024),
            "articles[0].first_published_at: expected str, got int",
        ),
    ],
)
def test_a_malformed_document_changes_nothing_and_says_where(
    demo_content, tmp_path, change, place
):
    path, document = export(tmp_path)
    HealthArticlePage.objects.filter(slug="exercise-for-knee-osteoarthritis").delete()
    document["articles"][0]["title"] = "Changed title"
    path.write_text(json.dumps(broken(document, change)))
    with pytest.raises(CommandError) as error:
        import_file(path)
    assert place in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert HealthArticlePage.objects.count() == 2
    assert not HealthArticlePage.objects.filter(title="Changed title").exists()


def test_invalid_json_reports_line_and_column(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "health_articles/1",\n  "articles": [,]\n}')
    with pytest.raises(CommandError, match="line 3, column 16"):
        import_file(path)


@pytest.mark.parametrize(
    ("command", "content", "message"),
    [
        ("import_articles", b'{"title": "caf\xe9"}', "Cannot read"),
        ("import_articles", b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
        (
            "import_articles",
            b'{"format": "health_articles/1", "people": [], "articles": [1]}',
            "articles[0]: expected an object",
        ),
        ("parse_references", b"Smith J. Caf\xe9. 2020.", "Cannot read"),
        ("parse_references --format=ris", b"Smith J. A title. 2020.", "not a RIS"),
    ],
)
def test_the_commands_answer_bad_files_with_one_line(
    tmp_path, command, content, message
):
    """What an operator sees running a command: one line, no traceback."""
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    # A database of its own: the input is refused before any table is read.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *command.split(), str(path)],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert message in line


def test_privacy_schedules_and_languages_survive_a_round_trip(
    client, demo_content, tmp_path
):
    """Restricted articles come back restricted, a scheduled one scheduled,
    each in its locale with its translation key: the same document, and the
    same API answers, privacy included."""
    hip, back, knee = HealthArticlePage.objects.order_by("path")
    clinicians = Group.objects.create(name="Clinicians")
    PageViewRestriction.objects.create(
        page=hip, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    PageViewRestriction.objects.create(
        page=back, restriction_type=PageViewRestriction.LOGIN
    )
    PageViewRestriction.objects.create(
        page=knee, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([clinicians])
    later = HealthArticlePage.objects.get(pk=knee.pk)
    later.go_live_at = timezone.now() + datetime.timedelta(days=7)
    later.view_restrictions.all().delete()
    later.unpublish()
    later.save_revision().publish()  # scheduled: not live until then
    listing = "/api/v2/pages/?type=health_articles.HealthArticlePage"
    answers = [client.get(listing).json()["items"]]
    path, before = export(tmp_path)
    assert [entry["view_restrictions"] for entry in before["articles"]] == [
        [{"type": "password", "password": "s3cret", "groups": []}],
        [{"type": "login", "password": "", "groups": []}],
        [],
    ]
    assert before["articles"][2]["scheduled"] and not before["articles"][2]["live"]

    HealthArticlePage.objects.all().delete()
    import_file(path)
    _, after = export(tmp_path)
    assert after == before
    answers.append(client.get(listing).json()["items"])
    assert answers[0] == answers[1] == []
    hip = HealthArticlePage.objects.get(slug=hip.slug)
    assert str(hip.translation_key) == before["articles"][0]["translation_key"]
    assert client.get(f"/api/v2/pages/{hip.pk}/").status_code == 404
    scheduled = HealthArticlePage.objects.get(slug=knee.slug)
    assert not scheduled.live and scheduled.approved_schedule


@pytest.fixture
def two_sites(demo_content):
    """A second site whose article index is called "articles" too."""
    home = Page.get_first_root_node().add_child(
        instance=Page(title="North", slug="north")
    )
    index = HealthArticleIndexPageFactory(parent=home, slug="articles", title="North")
    Site.objects.create(hostname="north.example", port=80, root_page=home)
    article = HealthArticlePageFactory(
        parent=index,
        slug="north-knees",
        body=[{"type": "rich_text", "value": "<p>Knee pain is common.</p>"}],
    )
    article.save_revision().publish()
    return index, HealthArticlePage.objects.get(pk=article.pk)


def test_an_index_is_found_by_its_site_and_path(demo_content, two_sites, tmp_path):
    north_index, north_article = two_sites
    path, document = export(tmp_path)
    (entry,) = [e for e in document["articles"] if e["slug"] == "north-knees"]
    assert (entry["site"], entry["index_path"]) == ("north.example:80", "/articles/")
    north_article.delete()
    import_file(path)
    again = HealthArticlePage.objects.get(slug="north-knees")
    assert again.get_parent().pk == north_index.pk
    assert HealthArticlePage.objects.count() == 4


def test_an_article_of_another_site_is_never_duplicated(
    demo_content, two_sites, tmp_path
):
    path, document = export(tmp_path)
    for entry in document["articles"]:
        if entry["slug"] == "north-knees":
            # The other site's index of the same name.
            entry["site"], entry["index_path"] = "localhost:80", "/"
    path.write_text(json.dumps(document))
    with pytest.raises(
        CommandError, match="already elsewhere, at /north/articles/north-knees/"
    ):
        import_file(path)
    assert HealthArticlePage.objects.filter(slug="north-knees").count() == 1


def test_a_document_naming_an_index_by_slug_alone_must_name_one(
    demo_content, two_sites, tmp_path
):
    path, document = export(tmp_path)
    for entry in document["articles"]:
        del entry["site"], entry["index_path"]
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="several article indexes are called"):
        import_file(path)
