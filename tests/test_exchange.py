import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images.models import Image, Rendition
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageLogEntry,
    PageViewRestriction,
    Revision,
    Site,
)
from wagtail.utils.file import hash_filelike

from health_articles.blocks import BODY_TEXT_FEATURES, sanitise
from health_articles.exchange import PERSON_FIELDS, export_document
from health_articles.models import (
    HealthArticlePage,
    HealthArticleSettings,
    Person,
    Reference,
)

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
    images = list(Image.objects.order_by("pk").values_list("pk", "title"))
    import_file(path)
    assert HealthArticlePage.objects.count() == 3
    # The images the document names are those already there: reused.
    assert list(Image.objects.order_by("pk").values_list("pk", "title")) == images
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
        (
            lambda d: d.update(format="other/1"),
            "format: 'other/1' is not a format this import reads "
            "(health_articles/1, health_articles/2)",
        ),
        (
            lambda d: d.update(format="health_articles/3"),
            "format: 'health_articles/3' is not a format this import reads",
        ),
        (lambda d: d.pop("format"), "format: None is not a format this import"),
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
        (
            lambda d: d["articles"][0]["body"][0].update(
                value='<p><a linktype="page" site="localhost:80" locale="en" '
                'path="/nowhere/">x</a></p>'
            ),
            "articles[0].body[0]: a link to no page: “/nowhere/” on localhost:80",
        ),
        (lambda d: d["people"][0].update(user="nobody"), "people[0].user: no user"),
        (
            lambda d: d["images"][0].update(collection=["Nowhere"]),
            "images[0].collection: no collection “Nowhere”",
        ),
        (
            lambda d: d["sites"][0].update(citation_style="nope"),
            "sites[0].citation_style",
        ),
        (lambda d: d["sites"][0].update(site="elsewhere:80"), "sites[0].site"),
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


# A re-import into an empty database: the same API answers.

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*"
HOSTS = ["localhost", "north.localhost"]
API_IDS = re.compile(r"/api/v2/(pages|images)/(\d+)/")
PERSON_IDS = re.compile(r"#person-(\d+)")
# Where the API gives an id with nothing saying of what: the place says.
IDS_BY_PLACE = {
    "authors": "person",
    "reviewers": "person",
    "hero_picture": "image",
    "picture": "image",
    "translations": "page",
}


@pytest.fixture
def whole_demo(db):
    """All the demo, as ``make run`` loads it: its articles, the French
    translation (wagtail-localize's) and the second clinic's site."""
    call_command("load_demo_content", stdout=io.StringIO())


@pytest.fixture
def media(settings):
    """A media storage of the test's own, empty to begin with."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def drawn_image(title, size, colour, name, **fields):
    """An image of its own content (the import reuses an image by content)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    image = Image.objects.create(
        title=title, file=ImageFile(buffer, name=name), **fields
    )
    image.get_file_hash()  # saved, as an upload does
    return image


def stored_files(storage, folder=""):
    folders, files = storage.listdir(folder)
    found = [f"{folder}{name}" for name in files]
    for name in folders:
        found += stored_files(storage, f"{folder}{name}/")
    return found


def digest(storage, name):
    with storage.open(name) as file:
        return hashlib.sha256(file.read()).hexdigest()


def identities(storage):
    """What each id the API gives stands for, the same in any database: a
    page its URL path, an image the content of its file (read from the
    media storage: the file must be there), a person or a tag its name."""
    return {
        "page": dict(Page.objects.values_list("pk", "url_path")),
        "image": {
            image.pk: digest(storage, image.file.name) for image in Image.objects.all()
        },
        "person": dict(Person.objects.values_list("pk", "name")),
        "tag": dict(Tag.objects.values_list("pk", "name")),
    }


def _kind(answer):
    meta = answer.get("meta")
    kind = meta.get("type", "") if isinstance(meta, dict) else ""
    return {"wagtailimages.Image": "image", "taggit.Tag": "tag"}.get(
        kind, "page" if kind.endswith("Page") else None
    )


def named(answer, ids, kind=None):
    """``answer`` with every database id replaced by what it stands for: an
    id that stands for nothing known fails the test."""
    if isinstance(answer, (list, tuple)):
        return [named(item, ids, kind) for item in answer]
    if isinstance(answer, str):
        answer = API_IDS.sub(
            lambda m: f"/api/v2/{m[1]}/<{ids[m[1][:-1]][int(m[2])]}>/", answer
        )
        return PERSON_IDS.sub(lambda m: f"#person-<{ids['person'][int(m[1])]}>", answer)
    if not isinstance(answer, dict):
        return answer
    kind = kind or _kind(answer)
    return {
        key: ids[kind][value]
        if key == "id" and isinstance(value, int)
        else named(value, ids, IDS_BY_PLACE.get(key))
        for key, value in answer.items()
    }


def api_answers(client, storage):
    """What an anonymous reader gets from the API on each site: the
    articles' listing, every article's detail (a 404 for one they may not
    read), the tags in each language, the images' listing and details;
    ids named by what they stand for."""
    answers = {}
    for host in HOSTS:

        def get(path, host=host):
            response = client.get(path, HTTP_HOST=host)
            return response.status_code, response.json()

        answers[host, "listing"] = get(LISTING)
        answers[host, "tags"] = get("/api/v2/tags/")
        answers[host, "tags fr-ca"] = get("/api/v2/tags/?locale=fr-ca")
        for article in HealthArticlePage.objects.all():
            answers[host, article.url_path] = get(f"/api/v2/pages/{article.pk}/")
    answers["images"] = get("/api/v2/images/?fields=*", "localhost")
    for image in Image.objects.all():
        answers["image", image.file.name] = get(
            f"/api/v2/images/{image.pk}/", "localhost"
        )
    return named(answers, identities(storage))


def image_records(storage):
    """Every image's fields, its focal point, tags and collection, by the
    content of its file."""
    return {
        digest(storage, image.file.name): {
            "file": image.file.name,
            "title": image.title,
            "alt": image.description,
            "size": (image.width, image.height),
            "focal_point": (
                image.focal_point_x,
                image.focal_point_y,
                image.focal_point_width,
                image.focal_point_height,
            ),
            "tags": sorted(tag.name for tag in image.tags.all()),
            "collection": image.collection.name,
        }
        for image in Image.objects.all()
    }


def people_records(storage):
    return [
        {
            **{field: getattr(person, field) for field in PERSON_FIELDS},
            "photo": person.photo and digest(storage, person.photo.file.name),
            "user": person.user and person.user.username,
        }
        for person in Person.objects.order_by("name")
    ]


def rich_text_link(page, text):
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


@pytest.fixture
def everything(media, whole_demo, django_user_model):
    """The whole demo with what else an export carries: a password- and a
    group-restricted article (the latter scheduled), an image in the body
    (with a focal point and a tag), links between articles in the body and
    in the site's disclaimer, an article shown in menus, an author's photo
    and login, the publisher's logo, and a hero image in a restricted
    collection."""
    hip, back, knee = HealthArticlePage.objects.filter(
        locale__language_code="en"
    ).order_by("path")[:3]
    clinicians = Group.objects.create(name="Clinicians")
    later = HealthArticlePage.objects.get(pk=back.pk)
    later.go_live_at = timezone.now() + datetime.timedelta(days=7)
    later.unpublish()
    later.save_revision().publish()  # scheduled: not live until then
    PageViewRestriction.objects.create(
        page=back, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([clinicians])
    members = HealthArticlePageFactory(
        parent=hip.get_parent(),
        slug="members-only",
        body=[
            {
                "type": "rich_text",
                "value": sanitise("<p>For members.</p>", BODY_TEXT_FEATURES),
            }
        ],
    )
    members.save_revision().publish()
    PageViewRestriction.objects.create(
        page=members, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )

    figure = drawn_image(
        "Hip joint",
        (900, 600),
        (10, 120, 200),
        "hip-joint.png",
        description="The hip joint, drawn",
        focal_point_x=700,
        focal_point_y=150,
        focal_point_width=100,
        focal_point_height=100,
    )
    figure.tags.add("diagram")
    hip = HealthArticlePage.objects.get(pk=hip.pk)
    body = hip.body.get_prep_value()
    # A link to an article the document brings later (the knee comes after).
    body[0]["value"] = sanitise(  # as the editor saves it
        body[0]["value"] + f"<p>See {rich_text_link(knee, 'knees')}.</p>",
        BODY_TEXT_FEATURES,
    )
    body.append(
        {
            "type": "figure",
            "value": {
                "image": {
                    "image": figure.pk,
                    "decorative": False,
                    "alt_text": "The hip joint",
                },
                "caption": "Where the hip hurts.",
            },
        }
    )
    hip.body = body
    hip.save_revision().publish()
    knee = HealthArticlePage.objects.get(pk=knee.pk)
    knee.show_in_menus = True
    knee.save_revision().publish()

    alex = Person.objects.get(name="Alex Morgan")
    alex.photo = drawn_image("Alex", (300, 300), (200, 180, 150), "alex.png")
    alex.user = django_user_model.objects.create_user(username="alex")
    alex.save()
    site = Site.objects.get(is_default_site=True)
    site_settings = HealthArticleSettings.for_site(site)
    site_settings.publisher_logo = drawn_image(
        "Clinic logo", (600, 200), (0, 90, 60), "logo.png"
    )
    site_settings.medical_disclaimer = (
        f"<p>General information; {rich_text_link(knee, 'exercise helps')}.</p>"
    )
    site_settings.save()

    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=private,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="x",
    )
    north = HealthArticlePage.objects.get(slug__startswith="manual-therapy")
    north.hero_image = drawn_image(
        "Staff only", (800, 450), (90, 0, 0), "staff.png", collection=private
    )
    north.save_revision().publish()


def empty_the_database(storage):
    """Delete everything an export carries: the articles (with their
    references, people's places, tags, restrictions and revisions), the
    people, images and renditions, tags, the sites' settings, and every
    file of the media storage; the sites, their article indexes, locales,
    groups, users and collections stay, as what an import needs."""
    HealthArticlePage.objects.all().delete()
    Person.objects.all().delete()
    Image.objects.all().delete()  # and their renditions
    Tag.objects.all().delete()
    HealthArticleSettings.objects.all().delete()
    for name in stored_files(storage):
        storage.delete(name)
    for store in caches.all():
        store.clear()
    assert not stored_files(storage)
    assert not Rendition.objects.exists()
    assert not PageViewRestriction.objects.exists()
    assert not HealthArticlePage.objects.exists()


def test_a_reimport_into_an_empty_database_gives_the_same_api_answers(
    client, everything, media, tmp_path, no_stored_responses
):
    """Export everything, empty the database and the media storage, import
    the document: the API answers the same, privacy included.

    Ids necessarily differ (the rows are new), so each id in an answer is
    replaced by what it stands for: a page by its URL path, an image by the
    content of its file (read from the storage, so the file must be there),
    a person or a tag by name. Nothing else is normalised: first and last
    published times, rendition URLs (which name the file and the focal
    point) and everything else must be the same."""
    answers = api_answers(client, media)
    images = image_records(media)
    people = people_records(media)
    hero_url = answers["localhost", "/articles/massage-therapy-for-hip-pain/"][1][
        "hero_picture"
    ]["renditions"]["hero"]["url"]
    hero_crop = digest(media, hero_url.removeprefix("http://localhost/media/"))
    path, before = export(tmp_path)
    assert len(before["articles"]) == 6
    assert {entry["site"] for entry in before["sites"]} == {
        "localhost:80",
        "north.localhost:80",
    }

    empty_the_database(media)
    assert "Imported 6 articles." in import_file(path)

    assert api_answers(client, media) == answers
    assert image_records(media) == images
    assert people_records(media) == people
    # A rendition made after the import crops as before: same focal point.
    assert digest(media, hero_url.removeprefix("http://localhost/media/")) == hero_crop
    _, after = export(tmp_path)
    assert after == before

    # What the answers hold, so that their being the same means something.
    listing = answers["localhost", "listing"][1]["items"]
    assert [item["meta"]["slug"] for item in listing] == [
        "massage-therapy-for-hip-pain",
        "exercise-for-knee-osteoarthritis",
        "massotherapie-douleur-hanche",
    ]
    for private in ["massage-therapy-for-low-back-pain", "members-only"]:
        assert answers["localhost", f"/articles/{private}/"][0] == 404
    back = HealthArticlePage.objects.get(slug="massage-therapy-for-low-back-pain")
    assert not back.live and back.approved_schedule
    assert [g.name for g in back.view_restrictions.get().groups.all()] == ["Clinicians"]
    hip = answers["localhost", "/articles/massage-therapy-for-hip-pain/"][1]
    knee_url = "http://localhost/exercise-for-knee-osteoarthritis/"
    knee = answers["localhost", "/articles/exercise-for-knee-osteoarthritis/"][1]
    assert knee["meta"]["show_in_menus"]
    assert f'href="{knee_url}"' in hip["body"][0]["value"]
    assert f'href="{knee_url}"' in hip["disclaimer"]  # the site's
    figure = hip["body"][-1]["value"]["picture"]
    assert figure["focal_point"] == {"x": 700, "y": 150, "width": 100, "height": 100}
    assert [person["name"] for person in hip["authors"]] == ["Alex Morgan"]
    assert [person["name"] for person in hip["reviewers"]] == ["Sam Rivera"]
    assert hip["review"]["last_reviewed"] == "2024-03-12"
    graph = hip["schema_org"]["@graph"]
    assert [node["logo"]["width"] for node in graph if "logo" in node] == [600]
    (north,) = answers["north.localhost", "listing"][1]["items"]
    assert north["hero_picture"] is None  # its image's collection is restricted
    assert len(answers["images"][1]["items"]) == 6  # and not listed
    # Each person once, however many articles name them.
    assert Person.objects.count() == 2


def test_a_document_from_before_still_imports(media, demo_content, tmp_path):
    """A health_articles/1 document as export wrote it before images, sites
    and links were carried: hero images' files at images/<id>-<name>, no
    list of images nor sites, people without photo or user, an image of the
    body and a link to a page by their ids. It imports as it did; what it
    does not name (a person's photo) is left as it is."""
    figure = drawn_image("Figure", (400, 300), (30, 30, 30), "figure.png")
    alex = Person.objects.get(name="Alex Morgan")
    alex.photo = drawn_image("Alex", (300, 300), (200, 180, 150), "alex.png")
    alex.save()
    path, document = export(tmp_path)
    assert document["format"] == "health_articles/2"
    document["format"] = "health_articles/1"
    del document["images"], document["sites"]
    for person in document["people"]:
        del person["photo"], person["user"]
    for number, entry in enumerate(document["articles"]):
        del entry["show_in_menus"]
        # The body and disclaimer as stored: images and pages by their ids.
        article = HealthArticlePage.objects.get(slug=entry["slug"])
        entry["body"] = article.body.get_prep_value()
        entry["disclaimer"] = article.disclaimer
        hero = entry["hero_image"]
        del hero["tags"], hero["collection"]
        name = f"images/{number + 1}-{Path(hero['file']).name}"
        (tmp_path / name).write_bytes((tmp_path / hero["file"]).read_bytes())
        hero["file"] = name
    hip = document["articles"][0]
    hip["body"][0]["value"] = sanitise(
        hip["body"][0]["value"] + f"<p>{rich_text_link(demo_content, 'All')}</p>",
        BODY_TEXT_FEATURES,
    )
    hip["body"].append(
        {
            "type": "figure",
            "value": {
                "image": {"image": figure.pk, "decorative": False, "alt_text": "A"},
                "caption": "",
            },
        }
    )
    path.write_text(json.dumps(document))
    HealthArticlePage.objects.all().delete()

    assert "Imported 3 articles." in import_file(path)
    article = HealthArticlePage.objects.get(slug=hip["slug"])
    assert f'linktype="page" id="{demo_content.pk}"' in article.body[0].value.source
    assert article.body[-1].value["image"].pk == figure.pk
    assert article.hero_image.file.name == "original_images/hip.jpg"  # reused
    assert Person.objects.get(name="Alex Morgan").photo == alex.photo


def test_a_failed_import_leaves_no_image_file_behind(media, demo_content, tmp_path):
    """Nothing is imported from a document with a fault: no image, and no
    image's file in the media storage either."""
    path, document = export(tmp_path)
    HealthArticlePage.objects.all().delete()
    Image.objects.all().delete()
    for name in stored_files(media):
        media.delete(name)
    document["articles"][-1]["authors"] = ["Nobody"]
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"articles\[2\].authors: no person"):
        import_file(path)
    assert not Image.objects.exists()
    assert stored_files(media) == []


def test_each_article_is_published_once_though_it_links_to_a_later_one(
    demo_content, tmp_path
):
    """An article linking to one the document brings later is published
    once, its link in it: one revision and one publish for each article
    (one publish webhook, one entry in the history)."""
    path, document = export(tmp_path)
    hip, knee = document["articles"][0], document["articles"][2]
    link = (
        f'<a linktype="page" site="{knee["site"]}" locale="en" '
        f'path="{knee["index_path"]}{knee["slug"]}/">knees</a>'
    )
    hip["body"][0]["value"] += f"<p>See {link}.</p>"  # as export writes it
    hip["disclaimer"] = f"<p>Read {link}.</p>"
    path.write_text(json.dumps(document))
    HealthArticlePage.objects.all().delete()
    PageLogEntry.objects.all().delete()

    import_file(path)
    knee_page = HealthArticlePage.objects.get(slug=knee["slug"])
    hip_page = HealthArticlePage.objects.get(slug=hip["slug"])
    assert f'linktype="page" id="{knee_page.pk}"' in hip_page.body[0].value.source
    assert f'id="{knee_page.pk}"' in hip_page.disclaimer
    for article in HealthArticlePage.objects.all():
        assert article.live
        revisions = Revision.objects.for_instance(article)
        assert revisions.count() == 1, article.slug
        assert article.live_revision == revisions.get()
        publishes = PageLogEntry.objects.filter(page=article, action="wagtail.publish")
        assert publishes.count() == 1, article.slug


def test_two_images_of_the_same_pixels_stay_two(media, demo_content, tmp_path):
    """Two people's photos of identical content are two images, each with
    its own title, after a re-import into an empty database."""
    alex = Person.objects.get(name="Alex Morgan")
    alex.photo = drawn_image("Alex", (300, 300), (200, 180, 150), "alex.png")
    alex.save()
    sam = Person.objects.get(name="Sam Rivera")
    sam.photo = drawn_image("Sam", (300, 300), (200, 180, 150), "sam.png")
    sam.photo.tags.add("staff")
    sam.save()
    assert alex.photo.file_hash == sam.photo.file_hash
    path, _ = export(tmp_path)
    HealthArticlePage.objects.all().delete()
    Person.objects.all().delete()
    Image.objects.all().delete()

    import_file(path)
    alex = Person.objects.get(name="Alex Morgan")
    sam = Person.objects.get(name="Sam Rivera")
    assert alex.photo.pk != sam.photo.pk
    assert (alex.photo.title, sam.photo.title) == ("Alex", "Sam")
    assert list(alex.photo.tags.names()) == []
    assert list(sam.photo.tags.names()) == ["staff"]


def test_an_image_already_there_of_the_same_content_is_left_alone(
    media, demo_content, tmp_path
):
    """An image in the database with the content of an image the document
    brings, but not that image (another title, collection and tags), is
    neither reused nor changed: it stays in its restricted collection."""
    alex = Person.objects.get(name="Alex Morgan")
    alex.photo = drawn_image("Alex", (300, 300), (200, 180, 150), "alex.png")
    alex.save()
    path, _ = export(tmp_path)
    alex.photo.delete()
    private = Collection.get_first_root_node().add_child(name="Private")
    other = drawn_image(
        "Someone else",
        (300, 300),
        (200, 180, 150),
        "other.png",
        description="Not Alex",
        collection=private,
    )
    other.tags.add("confidential")
    assert other.file_hash == alex.photo.file_hash

    import_file(path)
    photo = Person.objects.get(name="Alex Morgan").photo
    assert photo.pk != other.pk
    assert (photo.title, photo.collection.is_root()) == ("Alex", True)
    other = Image.objects.get(pk=other.pk)
    assert (other.title, other.description) == ("Someone else", "Not Alex")
    assert other.collection == private
    assert list(other.tags.names()) == ["confidential"]


def test_an_image_of_the_body_that_is_gone_is_exported_as_none(
    media, demo_content, tmp_path
):
    """A figure whose image was deleted is written as no image, not as its
    id, which in another database could be another image."""
    gone = drawn_image("Gone", (200, 100), (1, 2, 3), "gone.png")
    hip = HealthArticlePage.objects.order_by("path").first()
    body = hip.body.get_prep_value()
    body.append(
        {
            "type": "figure",
            "value": {
                "image": {"image": gone.pk, "decorative": True, "alt_text": ""},
                "caption": "",
            },
        }
    )
    hip.body = body
    hip.save_revision().publish()
    gone.delete()
    drawn_image("Another", (200, 100), (4, 5, 6), "another.png")  # maybe its id

    _, document = export(tmp_path)
    assert document["articles"][0]["body"][-1]["value"]["image"]["image"] is None


def test_an_export_writes_nothing_to_the_database(media, demo_content, tmp_path):
    """Exporting reads: a site without saved settings gets none made (their
    defaults are written), an image without a hash gets none saved."""
    HealthArticleSettings.objects.all().delete()
    alex = Person.objects.get(name="Alex Morgan")
    alex.photo = drawn_image("Alex", (300, 300), (200, 180, 150), "alex.png")
    alex.save()
    Image.objects.update(file_hash="")
    with CaptureQueriesContext(connection) as queries:
        document = export_document(HealthArticlePage.objects.all(), files=tmp_path)
    writes = [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not HealthArticleSettings.objects.exists()
    assert not Image.objects.exclude(file_hash="").exists()
    (site,) = document["sites"]
    assert site["review_interval_months"] == (
        HealthArticleSettings._meta.get_field("review_interval_months").default
    )
    (photo,) = [p["photo"] for p in document["people"] if p["name"] == "Alex Morgan"]
    with Image.objects.get(title="Alex").open_file() as file:
        assert photo["file"] == f"images/{hash_filelike(file)[:16]}/alex.png"
