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
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images.models import Image, Rendition
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
)

from health_articles.blocks import BODY_TEXT_FEATURES, sanitise
from health_articles.exchange import PERSON_FIELDS
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
    return Image.objects.create(
        title=title, file=ImageFile(buffer, name=name), **fields
    )


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
    del document["images"], document["sites"]
    for person in document["people"]:
        del person["photo"], person["user"]
    for number, entry in enumerate(document["articles"]):
        del entry["show_in_menus"]
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
