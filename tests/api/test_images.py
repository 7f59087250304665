"""Images for real layouts: the hero image as a picture with named
renditions, width-based srcsets, AVIF and WebP, absolute URLs, sizes, alt
text and the focal point; the same on the server-rendered page; a listing's
queries do not grow with its images."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from health_articles.images import MODERN_FORMATS

from ..factories import HealthArticlePageFactory
from ..helpers import publish

pytestmark = pytest.mark.django_db


def two_colour_image(width=1200, height=400):
    """Left half red, right half blue: a crop shows which side it kept."""
    picture = PILImage.new("RGB", (width, height), (220, 0, 0))
    picture.paste((0, 0, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return Image.objects.create(
        title="Halves",
        description="A red and a blue half",
        file=ImageFile(buffer, name="halves.png"),
    )


def hero(client, article):
    return client.get(f"/api/v2/pages/{article.pk}/").json()["hero_picture"]


def test_the_hero_image_is_a_picture_with_named_renditions(client, article):
    image = Image.objects.create(
        title="Hip", description="A hip joint", file=get_test_image_file()
    )
    image.set_focal_point(None)
    article.hero_image = image
    publish(article)
    data = hero(client, article)

    assert {key: data[key] for key in ("id", "title", "alt", "width", "height")} == {
        "id": image.pk,
        "title": "Hip",
        "alt": "A hip joint",
        "width": 640,
        "height": 480,
    }
    assert set(data["renditions"]) == {"thumbnail", "card", "hero"}
    card = data["renditions"]["card"]
    # 16:9 at 400 and 800 wide; the 640px original gives no 800px one.
    assert (card["width"], card["height"]) == (640, 360)
    assert card["srcset"].split(", ")[0].endswith(" 400w")
    assert [entry.split(" ")[1] for entry in card["srcset"].split(", ")] == [
        "400w",
        "640w",
    ]
    assert card["url"].startswith("http://localhost/") and card["url"].endswith(".png")
    assert [source["type"] for source in card["sources"]] == [
        mime for _, mime in MODERN_FORMATS
    ]
    assert {"image/avif", "image/webp"} <= {mime for _, mime in MODERN_FORMATS}
    for source in card["sources"]:
        extension = source["type"].split("/")[1]
        for entry in source["srcset"].split(", "):
            url, width = entry.split(" ")
            assert url.startswith("http://localhost/") and url.endswith(f".{extension}")
    square = data["renditions"]["thumbnail"]
    assert square["width"] == square["height"]
    assert data["focal_point"] is None


def test_crops_keep_the_focal_point_in_view(client, article):
    image = two_colour_image()
    article.hero_image = image
    publish(article)
    colours = {}
    for side, x in (("left", 150), ("right", 1050)):
        image.focal_point_x, image.focal_point_y = x, 200
        image.focal_point_width = image.focal_point_height = 100
        image.save()
        image.renditions.all().delete()
        data = hero(client, article)
        assert data["focal_point"] == {"x": x, "y": 200, "width": 100, "height": 100}
        assert data["renditions"]["thumbnail"]["width"] == 320
        square = image.get_rendition("fill-320x320")  # the one the API made
        with square.file.open() as file:
            colours[side] = PILImage.open(file).convert("RGB").getpixel((160, 160))
    assert colours["left"][0] > 150 and colours["left"][2] < 50  # red
    assert colours["right"][2] > 150 and colours["right"][0] < 50  # blue


def test_no_hero_image_is_null(client, article):
    assert hero(client, article) is None


def test_the_article_page_has_a_picture_with_sources_and_sizes(client, article):
    article.hero_image = Image.objects.create(
        title="Hip", description="A hip joint", file=get_test_image_file()
    )
    publish(article)
    html = client.get(article.url).content.decode()
    picture = html[html.index("<picture>") : html.index("</picture>")]
    assert '<source type="image/avif"' in picture
    assert '<source type="image/webp"' in picture
    assert 'width="640" height="336"' in picture  # the 40:21 hero crop
    assert 'alt="A hip joint"' in picture
    assert 'sizes="' in picture and " 640w" in picture


def queries_of(client, url):
    """(queries, JSON) of a GET of ``url`` whose renditions exist, read from
    the database (not Wagtail's cache of them)."""
    client.get(url + ("&" if "?" in url else "?") + "_=warm")  # renditions made
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        data = client.get(url).json()
    return len(captured), data


def test_a_listing_of_pictures_costs_the_same_queries_for_more_articles(
    client, index, no_stored_responses
):
    url = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=hero_picture"

    def add(count):
        for number in range(count):
            page = HealthArticlePageFactory(parent=index, slug=f"a{number}-{count}")
            page.hero_image = Image.objects.create(
                title=f"Image {number}", file=get_test_image_file()
            )
            publish(page)

    def queries():
        count, data = queries_of(client, url)
        assert all(item["hero_picture"]["renditions"] for item in data["items"])
        return count

    add(2)
    few = queries()
    add(4)
    assert queries() == few


def add_figures(article, *figures):
    """Append figures (image, alt text, decorative, caption) to the body."""
    raw = list(article.body.raw_data)
    for image, alt, decorative, caption in figures:
        raw.append(
            {
                "type": "figure",
                "value": {
                    "image": {
                        "image": image.pk,
                        "alt_text": alt,
                        "decorative": decorative,
                    },
                    "caption": caption,
                },
            }
        )
    article.body = json.dumps(raw)
    return publish(article)


def body_figures(client, article):
    body = client.get(f"/api/v2/pages/{article.pk}/").json()["body"]
    return [block["value"] for block in body if block["type"] == "figure"]


def test_images_of_the_body_are_pictures_with_their_own_alt_text(client, article):
    image = Image.objects.create(title="Stretch", file=get_test_image_file())
    add_figures(
        article,
        (image, "A seated piriformis stretch", False, "The stretch, held 30 s."),
        (image, "", True, ""),
    )
    first, decorative = body_figures(client, article)
    assert first["caption"] == "The stretch, held 30 s."
    picture = first["picture"]
    assert picture["alt"] == "A seated piriformis stretch"
    assert set(picture["renditions"]) == {"figure"}
    figure = picture["renditions"]["figure"]
    # The image's own ratio, never upscaled: 480 and 640 wide.
    assert (figure["width"], figure["height"]) == (640, 480)
    assert [entry.split(" ")[1] for entry in figure["srcset"].split(", ")] == [
        "480w",
        "640w",
    ]
    assert decorative["picture"]["alt"] == ""

    html = client.get(article.url).content.decode()
    assert html.count('<figure class="figure">') == 2
    assert 'alt="A seated piriformis stretch"' in html
    assert "<figcaption>The stretch, held 30 s.</figcaption>" in html
    assert 'alt=""' in html


def test_an_article_with_more_figures_costs_the_same_queries(
    client, article, no_stored_responses
):
    url = f"/api/v2/pages/{article.pk}/"

    def queries():
        return queries_of(client, url)[0]

    one = Image.objects.create(title="One", file=get_test_image_file())
    add_figures(article, (one, "One", False, ""))
    few = queries()
    more = [
        Image.objects.create(title=f"{n}", file=get_test_image_file()) for n in range(3)
    ]
    add_figures(article, *((image, image.title, False, "") for image in more))
    assert len(body_figures(client, article)) == 4
    assert queries() == few


def test_images_of_a_restricted_collection_are_not_served(client, article):
    private = Collection.get_first_root_node().add_child(name="Staff only")
    image = Image.objects.create(
        title="Hip", file=get_test_image_file(), collection=private
    )
    article.hero_image = image
    add_figures(article, (image, "A hip", False, ""))
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert data["hero_picture"]["id"] == image.pk  # public until restricted
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert data["hero_picture"] is None
    assert data["seo"]["image"] is None
    assert [b["value"]["picture"] for b in data["body"] if b["type"] == "figure"] == [
        None
    ]
    assert '"ImageObject"' not in str(data["schema_org"])
    assert client.get(f"/api/v2/images/{image.pk}/").status_code == 404
    assert "<picture>" not in client.get(article.url).content.decode()


def test_a_listing_of_bodies_with_figures_costs_the_same_queries_for_more(
    client, index, no_stored_responses
):
    url = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=body"

    def add(count):
        for number in range(count):
            page = HealthArticlePageFactory(parent=index, slug=f"f{number}-{count}")
            image = Image.objects.create(title=f"{number}", file=get_test_image_file())
            add_figures(page, (image, f"Figure {number}", False, ""))

    def queries():
        count, data = queries_of(client, url)
        figures = [
            block["value"]["picture"]
            for item in data["items"]
            for block in item["body"]
            if block["type"] == "figure"
        ]
        assert len(figures) == len(data["items"]) and all(figures)
        return count

    add(2)
    few = queries()
    add(4)
    assert queries() == few
