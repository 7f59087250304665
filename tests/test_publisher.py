"""Each site of a clinic network names its own publisher (name, website,
logo) in its health article settings: the articles' JSON-LD and pages say
who publishes them."""

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from health_articles.models import HealthArticleSettings

pytestmark = pytest.mark.django_db


def organisations(client, page, host="localhost"):
    graph = client.get(f"/api/v2/pages/{page.pk}/", HTTP_HOST=host).json()[
        "schema_org"
    ]["@graph"]
    article = next(node for node in graph if node["@type"] == "Article")
    found = [node for node in graph if node["@type"] == "Organization"]
    assert [article.get("publisher")] == [{"@id": node["@id"]} for node in found] or (
        not found and "publisher" not in article
    )
    return found


def test_each_site_names_its_own_publisher(client, article, second_site):
    site, north_article = second_site
    main = HealthArticleSettings.for_site(Site.objects.get(is_default_site=True))
    main.publisher_name, main.publisher_url = "South Clinic", "https://south.example/"
    main.save()
    north = HealthArticleSettings.for_site(site)
    north.publisher_name = "North Clinic"
    north.publisher_logo = Image.objects.create(
        title="Logo", file=get_test_image_file()
    )
    north.save()

    (south_org,) = organisations(client, article)
    assert south_org == {
        "@type": "Organization",
        "@id": "https://south.example/#publisher",
        "name": "South Clinic",
        "url": "https://south.example/",
    }
    (north_org,) = organisations(client, north_article, host="north.example")
    assert north_org["name"] == "North Clinic"
    assert north_org["@id"] == "http://north.example/#publisher"
    assert north_org["logo"]["@type"] == "ImageObject"
    assert north_org["logo"]["width"] == 600
    assert north_org["logo"]["url"].endswith(".png")

    page = client.get(article.url).content.decode()
    assert '<a href="https://south.example/">South Clinic</a>' in page
    assert "North Clinic" not in page


def test_no_publisher_no_organisation(client, article):
    assert organisations(client, article) == []
    assert "<dt>Publisher</dt>" not in client.get(article.url).content.decode()
