"""Property-based fuzzing of every API endpoint and reader page.

Each test builds the demo site once (plus an image, a document and an article
with non-ASCII tags), then sends generated query strings: plausible values
(real ids, slugs, field names) mixed with garbage (control characters, NUL,
right-to-left text, emoji, huge and negative numbers, non-ASCII digits, long
strings, searches of hundreds of words, ``fields`` nested 1000 deep) and
repeated parameters, now and then thousands of them. Whatever the input, the
site must answer below 500, a 400 from the API must carry a non-empty
``message``, and a 200 must be well-formed JSON, HTML or RSS.

Hypothesis's example database is off, so running the tests writes nothing
into the checkout; a failure prints the request that caused it (``GET ...``).
Set ``HEALTH_ARTICLES_FUZZ_SCALE=10`` to run ten times as many examples.
Inputs the fuzzing found are kept in ``test_inputs_found_by_fuzzing``.
"""

import json
import os
import string
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import feedparser
import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from taggit.models import Tag
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from ..factories import HealthArticlePageFactory
from ..helpers import publish

pytestmark = pytest.mark.django_db

ARTICLE = "health_articles.HealthArticlePage"
INDEX = "health_articles.HealthArticleIndexPage"
SCALE = int(os.environ.get("HEALTH_ARTICLES_FUZZ_SCALE", "1"))


def fuzz(max_examples):
    return settings(
        max_examples=max_examples * SCALE,
        deadline=None,
        database=None,
        # No "explain" phase: it reruns a failing request hundreds of times.
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# The site under test


@dataclass(frozen=True)
class SiteData:
    page_ids: tuple[int, ...]
    image_ids: tuple[int, ...]
    document_ids: tuple[int, ...]
    tag_slugs: tuple[str, ...]
    tag_names: tuple[str, ...]
    html_paths: tuple[str, ...]


@pytest.fixture
def site_data(demo_content):
    """The demo site, plus an image, a document and non-ASCII tags."""
    image = Image.objects.create(title="Hip", file=get_test_image_file())
    image.tags.add("hip pain")
    document = Document.objects.create(
        title="Leaflet", file=ContentFile(b"A leaflet.", name="leaflet.txt")
    )
    document.tags.add("back pain")
    page = HealthArticlePageFactory(
        parent=demo_content,
        title="Santé du dos",
        slug="sante-du-dos",
        hero_image=image,
    )
    page.tags.add("santé du dos", "背中の痛み", "ألم الظهر")
    publish(page)
    pages = Page.objects.live().exclude(depth=1)
    return SiteData(
        page_ids=tuple(pages.values_list("pk", flat=True)),
        image_ids=(image.pk,),
        document_ids=(document.pk,),
        tag_slugs=tuple(Tag.objects.values_list("slug", flat=True)),
        tag_names=tuple(Tag.objects.values_list("name", flat=True)),
        html_paths=tuple(p.url for p in pages if p.url),
    )


# Values


# Every character UTF-8 can carry: NUL and other controls included.
CHARS = st.characters(exclude_categories=["Cs"])
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\x01",
        "\x1b[31m",
        "\t",
        "\r\n",
        "\x7f",
        "\u200b",
        "\u200f",
        "\u202e",
        "\u3000",
        "\ufeff",
        "\uffff",
        "\U0010ffff",
        "עברית",
        "العربية",
        "日本語",
        "😀",
        "👩\u200d⚕️",
        "İ",
        "ß",
        "ﬁ",
        "%",
        "%00",
        "%zz",
        "&",
        "=",
        "#",
        "+",
        ";",
        ",",
        "'",
        '"',
        '"x',
        "\\",
        "/",
        "..",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "null",
        "None",
        "true",
        "[]",
        "{}",
        "①",
        "²",
    ]
)
TEXT = st.text(CHARS, max_size=30)
LONG_TEXT = st.one_of(
    st.text(CHARS, min_size=200, max_size=2000),
    st.builds(
        lambda chunk, size: (chunk * size)[:size],
        st.text(CHARS, min_size=1, max_size=5),
        st.sampled_from([101, 500, 2000, 20_000]),
    ),
)
WORDS = st.lists(NASTY | TEXT, min_size=1, max_size=4).map("".join)
# Many words, as a search (one past the limit too; 155 overflowed PostgreSQL's
# query building).
MANY_WORDS = st.builds(
    lambda words, count: " ".join((words * count)[:count]),
    st.lists(st.sampled_from(["hip", "pain", "OR", '"x"', "-"]) | TEXT, min_size=1),
    st.sampled_from([31, 32, 33, 155, 400]) | st.integers(1, 500),
)

BIG_INTS = st.one_of(
    st.integers(),
    st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
    st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
    st.sampled_from([10**19, 10**100, -(10**19), -(2**63) - 1]),
)
# Values at the edges of what an integer parameter can take: str.isdigit()
# or int() accept some that the other refuses, some overflow the database.
INT_EDGES = st.one_of(
    BIG_INTS.map(str),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=4),
    st.sampled_from(
        [
            "0",
            "-1",
            "root",
            "x",
            "",
            " 1",
            "1 ",
            "+1",
            "-0",
            "1.5",
            "1e3",
            "0x10",
            "1_000",
            "007",
            "NaN",
            "inf",
            "①",
            "²",
            "½",
            "٣",
            "１２",
            "Ⅻ",
            "𝟙",
            str(2**31),
            str(2**63 - 1),
            str(2**63),
            str(10**19),
            str(-(10**19)),
        ]
    ),
)
NUMBERS = st.integers(-2, 120).map(str) | INT_EDGES
GARBAGE = st.one_of(NASTY, TEXT, WORDS, INT_EDGES, LONG_TEXT, MANY_WORDS)


def commas(strategy, max_size=4):
    return st.lists(strategy, min_size=1, max_size=max_size).map(",".join)


def prefixed(strategy):
    return st.builds(lambda p, v: p + v, st.sampled_from(["", "", "-", "--"]), strategy)


PAGE_FIELDS = [
    # Wagtail's own
    "id",
    "title",
    "type",
    "detail_url",
    "html_url",
    "slug",
    "show_in_menus",
    "seo_title",
    "search_description",
    "first_published_at",
    "alias_of",
    "parent",
    "locale",
    # Articles and their index
    "summary",
    "hero_image",
    "hero_image_rendition",
    "body",
    "tags",
    "references",
    "authors",
    "reviewers",
    "review",
    "disclaimer",
    "word_count",
    "reading_time",
    "table_of_contents",
    "related_articles",
    "schema_org",
    "intro",
    # Database columns the API does not serve
    "path",
    "depth",
    "url_path",
    "live",
    "owner",
    "content_type",
    "last_published_at",
    "condition_index",
    "last_reviewed",
    "next_review_due",
    "pk",
]
DOCUMENT_FIELDS = [
    *("id", "title", "type", "detail_url", "tags", "download_url"),
    *("file", "collection"),
]
IMAGE_FIELDS = [*DOCUMENT_FIELDS, "width", "height", "focal_point_x", "created_at"]
SUB_FIELDS = ["id", "title", "name", "slug", "key", "width", "meta", "url"]


def fields_values(names):
    """``fields=`` values: lists, ``*``/``_``, ``-x``, ``x(y,z)``, deep nesting."""
    name = st.sampled_from(names + SUB_FIELDS) | st.text(
        string.ascii_letters + "_*-()", min_size=1, max_size=8
    )
    item = st.recursive(
        prefixed(name),
        lambda inner: st.builds(
            lambda n, subs: f"{n}({','.join(subs)})",
            name,
            st.lists(inner, min_size=0, max_size=3),
        ),
        max_leaves=6,
    )
    listed = st.lists(item, min_size=1, max_size=5).map(",".join)
    starred = st.builds(
        lambda head, tail: ",".join([head, *tail]),
        st.sampled_from(["*", "_", "-*", "*(id)"]),
        st.lists(item, max_size=3),
    )
    # Up to 2000 characters of brackets, closed or not.
    nested = st.builds(
        lambda field, depth, leaf, close: (
            f"{field}(" * depth + leaf + (")" * depth if close else "")
        ),
        st.sampled_from(["hero_image", "tags", "x"]),
        st.sampled_from([1, 2, 10, 100, 500, 1000]) | st.integers(1, 1000),
        st.sampled_from(["id", "*", "_", ""]),
        st.booleans(),
    )
    return st.one_of(listed, listed, starred, nested)


def order_values(names):
    return st.one_of(
        commas(prefixed(st.sampled_from(names))),
        st.sampled_from(["random", "random,title", "-random", "?", "id,", ",", "-"]),
    )


def ids(real):
    return st.sampled_from(real).map(str) | INT_EDGES


SEARCHES = st.one_of(
    st.sampled_from(
        [
            "hip",
            "massage therapy",
            "knee osteoarthritis",
            "piriformis",
            "santé",
            "背中",
            "hip*",
            '"hip pain"',
            '"hip',
            'hip"',
            '"',
            "'\"'",
            " ",
            "\t",
            "\u3000",
            "hip AND",
            "OR",
            "NOT hip",
            "NEAR(hip pain)",
            "title:hip",
            "^hip",
            "-hip",
            "+hip",
            "(",
            ")",
            "*",
            ":",
            "'",
            "\\",
        ]
    ),
    WORDS,
    MANY_WORDS,
)
TYPES = st.sampled_from(
    [
        ARTICLE,
        INDEX,
        "wagtailcore.Page",
        "health_articles.healtharticlepage",
        "health_articles.Reference",
        "taggit.Tag",
        "auth.User",
        "nope.Nothing",
        "HealthArticlePage",
        "health_articles.",
        ".",
        "a.b.c",
    ]
)
DATES = st.sampled_from(
    [
        "2024-03-12",
        "2024-03-12T09:00:00Z",
        "2024-03-12 09:00:00+01:00",
        "2024-02-30",
        "0000-00-00",
        "9999-12-31T23:59:59",
        "yesterday",
        "1",
    ]
)
BOOLS = st.sampled_from(["true", "false", "1", "0", "yes", "TRUE", "maybe"])
LOCALES = st.sampled_from(["en", "en-us", "fr", "de", "EN", "x" * 100])
SITES = st.sampled_from(
    [
        "localhost",
        "localhost:80",
        "localhost:8000",
        "localhost:abc",
        "localhost:²",
        "localhost:99999999999999999999",
        "localhost:-1",
        "testserver",
        ":",
        ":80",
        "localhost:80:80",
    ]
)
RICH_TEXT_FORMATS = st.sampled_from(
    ["html", "db_html", "markdown", "db_markdown", "HTML", "text", "json"]
)
FORMATS = st.sampled_from(["json", "api", "xml", "JSON"])
SEARCH_OPERATORS = st.sampled_from(["and", "or", "AND", "xor"])
UNKNOWN_NAMES = st.one_of(
    st.sampled_from(["colour", "page", "q", "tag[]", "fields[]", "Type", "LIMIT"]),
    TEXT,
)


def tag_values(site):
    real = st.sampled_from(site.tag_slugs + site.tag_names)
    cased = real.map(str.upper) | real.map(str.title)
    return commas(real | cased | NASTY | TEXT, max_size=25)


def html_paths(site):
    real = st.sampled_from(site.html_paths)
    return st.one_of(
        real,
        real.map(str.upper),
        real.map(lambda p: p + "x/"),
        st.lists(WORDS | real, min_size=1, max_size=4).map("/".join),
    )


def page_values(site):
    """Values for each parameter of the pages listing."""
    page_ids = ids(site.page_ids)
    return {
        "type": TYPES | commas(TYPES, max_size=3),
        "fields": fields_values(PAGE_FIELDS),
        "limit": NUMBERS,
        "offset": NUMBERS,
        "order": order_values(PAGE_FIELDS),
        "search": SEARCHES,
        "search_operator": SEARCH_OPERATORS,
        "tags": tag_values(site),
        "tag": tag_values(site),
        "tag_any": tag_values(site),
        "child_of": page_ids,
        "descendant_of": page_ids,
        "ancestor_of": page_ids,
        "translation_of": page_ids,
        "locale": LOCALES,
        "site": SITES,
        "rich_text_format": RICH_TEXT_FORMATS,
        "format": FORMATS,
        "_": NUMBERS,
        # Field filters: exact match on a model field
        "id": page_ids,
        "title": st.sampled_from(["Massage Therapy for Hip Pain", "x"]),
        "slug": st.sampled_from(["massage-therapy-for-hip-pain", "sante-du-dos"]),
        "show_in_menus": BOOLS,
        "seo_title": TEXT,
        "search_description": TEXT,
        "first_published_at": DATES,
        "alias_of": page_ids,
        "summary": TEXT,
        "hero_image": ids(site.image_ids),
        "body": st.sampled_from(["[]", "{}", "x", '[{"type": "x"}]']),
        "references": NUMBERS,
        "intro": TEXT,
        "depth": NUMBERS,
        "word_count": NUMBERS,
        "html_path": html_paths(site),
    }


def media_values(names, real_ids, site):
    """Values for each parameter of the images or documents listing."""
    return {
        "fields": fields_values(names),
        "limit": NUMBERS,
        "offset": NUMBERS,
        "order": order_values(names),
        "search": SEARCHES,
        "search_operator": SEARCH_OPERATORS,
        "tags": tag_values(site),
        "id": ids(real_ids),
        "title": st.sampled_from(["Hip", "Leaflet"]),
        "width": NUMBERS,
        "height": NUMBERS,
        "collection": NUMBERS,
        "rich_text_format": RICH_TEXT_FORMATS,
        "format": FORMATS,
        "_": NUMBERS,
    }


def find_values(site):
    return {
        "html_path": html_paths(site),
        "id": ids(site.page_ids),
        "fields": fields_values(PAGE_FIELDS),
        "type": TYPES,
        "site": SITES,
        "rich_text_format": RICH_TEXT_FORMATS,
        "format": FORMATS,
        "offset": NUMBERS,
    }


def detail_values(names):
    return {
        "fields": fields_values(names),
        "rich_text_format": RICH_TEXT_FORMATS,
        "type": TYPES,
        "site": SITES,
        "format": FORMATS,
        "offset": NUMBERS,
        "search": SEARCHES,
    }


TAG_VALUES = {
    "order": st.sampled_from(["-count", "count", "name", "-name", "title", "?"]),
    "limit": NUMBERS,
    "offset": NUMBERS,
    "format": FORMATS,
    "_": NUMBERS,
    "search": SEARCHES,
    "type": TYPES,
    "fields": fields_values(["id", "name", "slug", "count"]),
}
READER_VALUES = {"page": NUMBERS, "colour": TEXT}


@st.composite
def query(draw, plausible, max_params=4, unknown=True):
    """A few parameters, each given one to three times, mostly plausibly.

    Few at a time, so that one bad value does not always stop the request
    before the others are looked at.
    """
    names = draw(
        st.lists(st.sampled_from(sorted(plausible)), unique=True, max_size=max_params)
    )
    params = {
        name: draw(
            st.lists(
                st.one_of(plausible[name], plausible[name], GARBAGE),
                min_size=1,
                max_size=3,
            )
        )
        for name in names
    }
    if unknown and draw(st.integers(0, 9)) == 0:
        params[draw(UNKNOWN_NAMES)] = draw(st.lists(GARBAGE, min_size=1, max_size=2))
    if draw(st.integers(0, 19)) == 0:
        # Many parameters at once: past Django's limit of 1000 too.
        count = draw(st.sampled_from([50, 999, 1000, 1001, 3000]))
        name = draw(st.sampled_from([*sorted(plausible), "x"]))
        params[name] = [*params.get(name, []), *(["1"] * count)]
    return params


def slugs(site):
    real = st.sampled_from(site.tag_slugs)
    return st.one_of(real, real.map(str.upper), NASTY, TEXT, WORDS, LONG_TEXT)


def any_id(real):
    return st.sampled_from(real) | st.integers(0, 2**70)


# Requests and checks


def url_for(path, params):
    pairs = [(name, value) for name, vals in params.items() for value in vals]
    query_string = urlencode(pairs)
    return f"{path}?{query_string}" if query_string else path


def in_path(slug):
    return quote(slug, safe="")


def get(client, url, **extra):
    note(f"GET {url}")
    return client.get(url, **extra)


def check_api(response, params):
    """Below 500; 400 with a message; 200 as JSON (or the browsable HTML)."""
    status = response.status_code
    assert status < 500, response.content[:2000]
    content_type = response.get("Content-Type", "")
    browsable = params.get("format", ["json"])[-1] == "api"
    if browsable and content_type.startswith("text/html"):
        return
    if status == 400:
        assert content_type.startswith("application/json"), content_type
        body = json.loads(response.content)
        assert isinstance(body, dict), body
        message = body.get("message")
        assert isinstance(message, str), body
        assert message.strip(), body
    elif status == 200:
        assert content_type.startswith("application/json"), content_type
        json.loads(response.content)


def check_api_get(client, path, params):
    response = get(client, url_for(path, params))
    check_api(response, params)
    if response.status_code == 302 and path.endswith("/find/"):
        # The redirect keeps the other parameters: the detail must cope too.
        location = urlsplit(response["Location"])
        detail = f"{location.path}?{location.query}"
        check_api(get(client, detail, HTTP_HOST=location.netloc), params)
    return response


def check_reader(response):
    """Below 500; a 200 is an HTML page or an RSS feed that parses."""
    status = response.status_code
    assert status < 500, response.content[:2000]
    if status != 200:
        return
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        assert b"<html" in response.content.lower()
        response.content.decode()
    else:
        assert "xml" in content_type, content_type
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception


# Pages


@fuzz(max_examples=150)
@given(data=st.data())
def test_page_listing_survives_any_query(client, site_data, data):
    params = data.draw(query(page_values(site_data)), label="params")
    check_api_get(client, "/api/v2/pages/", params)


@fuzz(max_examples=100)
@given(data=st.data())
def test_article_listing_survives_any_query(client, site_data, data):
    """The same with ``type=`` an article, so article fields filter and order."""
    params = data.draw(query(page_values(site_data)), label="params")
    params["type"] = [ARTICLE]
    check_api_get(client, "/api/v2/pages/", params)


@fuzz(max_examples=50)
@given(data=st.data())
def test_page_detail_survives_any_id_and_query(client, site_data, data):
    page_id = data.draw(any_id(site_data.page_ids), label="id")
    params = data.draw(query(detail_values(PAGE_FIELDS)), label="params")
    check_api_get(client, f"/api/v2/pages/{page_id}/", params)


@fuzz(max_examples=50)
@given(data=st.data())
def test_page_find_survives_any_query(client, site_data, data):
    params = data.draw(query(find_values(site_data)), label="params")
    check_api_get(client, "/api/v2/pages/find/", params)


# Images and documents


MEDIA = {
    "images": (IMAGE_FIELDS, "image_ids"),
    "documents": (DOCUMENT_FIELDS, "document_ids"),
}


@pytest.mark.parametrize("endpoint", sorted(MEDIA))
@fuzz(max_examples=40)
@given(data=st.data())
def test_media_endpoints_survive_any_query(client, site_data, data, endpoint):
    fields, ids_name = MEDIA[endpoint]
    media_ids = getattr(site_data, ids_name)
    params = data.draw(
        query(media_values(fields, media_ids, site_data)), label="params"
    )
    check_api_get(client, f"/api/v2/{endpoint}/", params)
    media_id = data.draw(any_id(media_ids), label="id")
    detail = data.draw(query(detail_values(fields)), label="detail_params")
    check_api_get(client, f"/api/v2/{endpoint}/{media_id}/", detail)


# Tags


@fuzz(max_examples=50)
@given(data=st.data())
def test_tag_endpoints_survive_any_query_and_slug(client, site_data, data):
    params = data.draw(query(TAG_VALUES), label="params")
    check_api_get(client, "/api/v2/tags/", params)
    slug = data.draw(slugs(site_data), label="slug")
    detail = data.draw(query(TAG_VALUES), label="detail_params")
    check_api_get(client, f"/api/v2/tags/{in_path(slug)}/", detail)


# One parameter at a time, on every endpoint, so that garbage reaches each check


def endpoints(site):
    """Each endpoint with the values its parameters take."""
    page = site.page_ids[0]
    return {
        "/api/v2/pages/": page_values(site),
        f"/api/v2/pages/{page}/": detail_values(PAGE_FIELDS),
        "/api/v2/pages/find/": find_values(site),
        "/api/v2/images/": media_values(IMAGE_FIELDS, site.image_ids, site),
        "/api/v2/documents/": media_values(DOCUMENT_FIELDS, site.document_ids, site),
        "/api/v2/tags/": TAG_VALUES,
    }


PAGE_BASES = st.sampled_from(
    [
        {},
        {"type": [ARTICLE]},
        {"type": [ARTICLE], "search": ["hip"]},
        {"type": [ARTICLE], "order": ["title"]},
        {"type": [INDEX]},
    ]
)


@fuzz(max_examples=150)
@given(data=st.data())
def test_each_parameter_survives_any_value(client, site_data, data):
    """One parameter, sent to every endpoint that takes it."""
    every = endpoints(site_data)
    names = sorted({name for values in every.values() for name in values})
    name = data.draw(st.sampled_from(names), label="name")
    paths = [path for path in every if name in every[path]]
    plausible = st.one_of(*(every[path][name] for path in paths))
    values = data.draw(
        st.lists(plausible | GARBAGE, min_size=1, max_size=3), label="values"
    )
    base = data.draw(PAGE_BASES, label="base")
    for path in paths:
        params = {**base, name: values} if path == "/api/v2/pages/" else {name: values}
        check_api_get(client, path, params)


# Reader pages


@fuzz(max_examples=50)
@given(data=st.data())
def test_reader_pages_survive_any_slug_and_page(client, site_data, data):
    slug = data.draw(slugs(site_data), label="slug")
    params = data.draw(query(READER_VALUES, unknown=False), label="params")
    other = data.draw(st.sampled_from(["/", "/tags/", "/feed/"]), label="other")
    for path in (f"/tags/{in_path(slug)}/", f"/tags/{in_path(slug)}/feed/", other):
        check_reader(get(client, url_for(path, params)))


# Inputs the fuzzing found, shrunk. Each raised an exception (a 500).

NESTED_FIELDS = "x(" * 1000


@pytest.fixture
def small_site(article):
    """An article, an image and a document: enough for every search to run."""
    Image.objects.create(title="Hip", file=get_test_image_file())
    Document.objects.create(
        title="Leaflet", file=ContentFile(b"A leaflet.", name="leaflet.txt")
    )
    return article


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/api/v2/pages/?offset=%C2%B2", id="offset-superscript-digit"),
        pytest.param("/api/v2/images/?offset=%E2%91%A0", id="offset-circled-digit"),
        pytest.param("/api/v2/pages/{page}/?offset=%C2%B2", id="detail-offset-digit"),
        pytest.param("/api/v2/pages/find/?id=%C2%B2", id="find-id-superscript-digit"),
        pytest.param("/api/v2/pages/?search=%22hip", id="search-unbalanced-quote"),
        pytest.param("/api/v2/images/?search=%22hip", id="images-search-quote"),
        pytest.param("/api/v2/documents/?search=%22hip", id="documents-search-quote"),
        pytest.param("/api/v2/pages/?search=+", id="search-only-whitespace"),
        pytest.param("/api/v2/images/?search=%09", id="images-search-whitespace"),
        pytest.param(
            "/api/v2/pages/?first_published_at=x", id="datetime-filter-not-a-date"
        ),
        pytest.param(
            "/api/v2/pages/?first_published_at=2024-02-30", id="datetime-filter-bad-day"
        ),
        pytest.param(
            "/api/v2/pages/?alias_of=10000000000000000000", id="foreign-key-overflow"
        ),
        pytest.param(
            f"/api/v2/pages/?type={ARTICLE}&hero_image=10000000000000000000",
            id="hero-image-filter-overflow",
        ),
        pytest.param(
            f"/api/v2/pages/?type={ARTICLE}&references=10000000000000000000",
            id="references-filter-overflow",
        ),
        pytest.param(
            "/api/v2/tags/?offset=10000000000000000000", id="tags-offset-overflow"
        ),
        pytest.param(f"/api/v2/pages/?fields={NESTED_FIELDS}", id="fields-nesting"),
        pytest.param("/api/v2/pages/?ancestor_of=" + "0" * 5000, id="digits-past-4300"),
        pytest.param(
            "/api/v2/pages/find/?html_path=%2F&fields=" + "0" * 5000 + "&fields=1" * 50,
            id="find-redirect-over-16k",
        ),
    ],
)
def test_inputs_found_by_fuzzing(client, small_site, url):
    check_api(client.get(url.replace("{page}", str(small_site.pk))), {})
