"""Two clinics' sites on one database (issue #15, item 3): each lists its
own articles, tags and counts in the API, the reader's tag pages, the feeds
and the sitemap, names its own publisher in the JSON-LD, and never gets the
other's stored answer to the same path."""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from wagtail.models import Site

from health_articles.models import HealthArticleSettings

from .factories import HealthArticlePageFactory
from .helpers import publish

pytestmark = pytest.mark.django_db

SOUTH, NORTH = "localhost", "north.example"
ARTICLES = "/api/v2/pages/?type=health_articles.HealthArticlePage"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def tagged(parent, title, slug, *tags):
    page = HealthArticlePageFactory(parent=parent, title=title, slug=slug)
    page.tags.add(*tags)
    page.save()
    return publish(page)


@pytest.fixture
def network(index, second_site):
    """South (the default site, localhost) and North (north.example): both
    have articles tagged "hip pain"; "south only" and "north only" are each
    one site's; each site names its own publisher."""
    north_site, north_hip = second_site
    north_hip.title = "North hip"
    north_hip.tags.add("hip pain", "north only")
    north_hip.save()
    publish(north_hip)
    south = {
        "hip": tagged(index, "South hip", "south-hip", "hip pain", "south only"),
        "knee": tagged(index, "South knee", "south-knee", "hip pain"),
    }
    south_site = Site.objects.get(is_default_site=True)
    for site, name, url in [
        (south_site, "South Clinic", "https://south.example/"),
        (north_site, "North Clinic", "https://north.example/"),
    ]:
        settings = HealthArticleSettings.for_site(site)
        settings.publisher_name, settings.publisher_url = name, url
        settings.save()
    return {"south": south, "north": {"hip": north_hip}}


def get(client, host, path, follow=False):
    response = client.get(path, HTTP_HOST=host, follow=follow)
    assert response.status_code == 200, (host, path, response.content[:300])
    return response


def api_titles(client, host, path):
    return sorted(item["title"] for item in get(client, host, path).json()["items"])


def tag_counts(client, host, path="/api/v2/tags/"):
    items = get(client, host, path).json()["items"]
    return {item["slug"]: item["count"] for item in items}


# Each test asks South, then North, then South again the same path: with the
# stored answers on (the default), North gets its own answer, not South's.


def test_the_pages_listing_holds_each_sites_articles(client, network):
    assert api_titles(client, SOUTH, ARTICLES) == ["South hip", "South knee"]
    assert api_titles(client, NORTH, ARTICLES) == ["North hip"]
    assert api_titles(client, SOUTH, ARTICLES) == ["South hip", "South knee"]
    north = get(client, NORTH, ARTICLES).json()
    assert north["meta"]["total_count"] == 1
    assert north["items"][0]["meta"]["html_url"] == "http://north.example/north-hip/"


def test_a_sites_article_is_not_found_through_the_other_site(client, network):
    south_hip = network["south"]["hip"]
    north_hip = network["north"]["hip"]
    detail = "/api/v2/pages/{}/"
    assert get(client, SOUTH, detail.format(south_hip.pk)).json()["title"] == (
        "South hip"
    )
    assert client.get(detail.format(south_hip.pk), HTTP_HOST=NORTH).status_code == 404
    assert get(client, NORTH, detail.format(north_hip.pk)).json()["title"] == (
        "North hip"
    )
    assert client.get(detail.format(north_hip.pk), HTTP_HOST=SOUTH).status_code == 404


def test_the_tags_api_counts_each_sites_articles(client, network):
    south = {"hip-pain": 2, "south-only": 1}
    north = {"hip-pain": 1, "north-only": 1}
    assert tag_counts(client, SOUTH) == south
    assert tag_counts(client, NORTH) == north
    assert tag_counts(client, SOUTH) == south
    assert get(client, NORTH, "/api/v2/tags/").json()["meta"]["total_count"] == 2
    # The same with an ordering and in the site's language.
    assert tag_counts(client, NORTH, "/api/v2/tags/?order=name") == north
    assert tag_counts(client, NORTH, "/api/v2/tags/?locale=en") == north


def test_a_tags_detail_counts_the_sites_articles_only(client, network):
    assert get(client, SOUTH, "/api/v2/tags/hip-pain/").json()["count"] == 2
    assert get(client, NORTH, "/api/v2/tags/hip-pain/").json()["count"] == 1
    assert get(client, SOUTH, "/api/v2/tags/hip-pain/").json()["count"] == 2
    assert get(client, NORTH, "/api/v2/tags/north-only/").json()["count"] == 1
    for host, other in [(SOUTH, "north-only"), (NORTH, "south-only")]:
        response = client.get(f"/api/v2/tags/{other}/", HTTP_HOST=host)
        assert response.status_code == 404, (host, other)


@pytest.mark.parametrize("parameter", ["tags", "tag", "tag_any"])
def test_the_tag_filter_holds_the_sites_articles_only(client, network, parameter):
    # By name: Wagtail's own ``tags`` matches names only (``tag`` and
    # ``tag_any`` take slugs too).
    def titles(host, tag):
        return api_titles(client, host, f"{ARTICLES}&{parameter}={tag}")

    assert titles(SOUTH, "hip pain") == ["South hip", "South knee"]
    assert titles(NORTH, "hip pain") == ["North hip"]
    assert titles(SOUTH, "hip pain") == ["South hip", "South knee"]
    assert titles(NORTH, "south only") == []
    assert titles(SOUTH, "north only") == []
    assert titles(NORTH, "north only") == ["North hip"]


def tag_index(client, host):
    content = get(client, host, "/tags/").content.decode()
    return dict(
        re.findall(
            r'<a href="/tags/([^/]+)/" rel="tag">[^<]*</a>\s*'
            r'<span class="count">\((\d+) articles?\)</span>',
            content,
        )
    )


def test_the_readers_tag_index_lists_the_sites_tags_and_counts(client, network):
    assert tag_index(client, SOUTH) == {"hip-pain": "2", "south-only": "1"}
    assert tag_index(client, NORTH) == {"hip-pain": "1", "north-only": "1"}


def test_the_readers_tag_page_lists_the_sites_articles(client, network):
    south = get(client, SOUTH, "/tags/hip-pain/").content.decode()
    north = get(client, NORTH, "/tags/hip-pain/").content.decode()
    assert "South hip" in south and "South knee" in south
    assert "North hip" not in south
    assert "North hip" in north
    assert "South hip" not in north and "South knee" not in north


def test_a_tag_only_the_other_site_uses_is_not_found(client, network):
    for host, other, own in [
        (SOUTH, "north-only", "south-only"),
        (NORTH, "south-only", "north-only"),
    ]:
        assert get(client, host, f"/tags/{own}/").status_code == 200
        assert client.get(f"/tags/{other}/", HTTP_HOST=host).status_code == 404
        assert client.get(f"/tags/{other}/feed/", HTTP_HOST=host).status_code == 404


def feed(client, host, path):
    parsed = feedparser.parse(get(client, host, path).content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


@pytest.mark.parametrize("path", ["/feed/", "/tags/hip-pain/feed/"])
def test_the_feeds_carry_the_sites_articles(client, network, path):
    south = feed(client, SOUTH, path)
    north = feed(client, NORTH, path)
    assert sorted(entry.title for entry in south.entries) == ["South hip", "South knee"]
    assert [entry.title for entry in north.entries] == ["North hip"]
    assert [entry.link for entry in north.entries] == [
        "http://north.example/north-hip/"
    ]
    assert north.feed.link.startswith("http://north.example/")
    assert all(entry.link.startswith("http://localhost/") for entry in south.entries), [
        entry.link for entry in south.entries
    ]
    (north_entry,) = north.entries
    assert sorted(tag.term for tag in north_entry.tags) == ["hip pain", "north only"]


def sitemap(client, host):
    root = ET.fromstring(get(client, host, "/sitemap.xml").content)  # noqa: S314
    return sorted(url.find(f"{SITEMAP}loc").text for url in root.iter(f"{SITEMAP}url"))


def test_the_sitemap_lists_the_sites_pages(client, network):
    south = [
        "http://localhost/",
        "http://localhost/south-hip/",
        "http://localhost/south-knee/",
    ]
    north = ["http://north.example/", "http://north.example/north-hip/"]
    assert sitemap(client, SOUTH) == south
    assert sitemap(client, NORTH) == north
    assert sitemap(client, SOUTH) == south


def publishers(graph):
    return [node for node in graph if node["@type"] == "Organization"]


def test_the_api_json_ld_names_the_sites_publisher(client, network):
    for host, article, name in [
        (SOUTH, network["south"]["hip"], "South Clinic"),
        (NORTH, network["north"]["hip"], "North Clinic"),
    ]:
        graph = get(client, host, f"/api/v2/pages/{article.pk}/").json()["schema_org"][
            "@graph"
        ]
        (publisher,) = publishers(graph)
        assert publisher["name"] == name
        assert publisher["url"] == f"https://{name.split()[0].lower()}.example/"
        (node,) = [node for node in graph if node["@type"] == "Article"]
        assert node["publisher"] == {"@id": publisher["@id"]}


def page_json_ld(client, host, path):
    content = get(client, host, path).content.decode()
    (script,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', content, re.S
    )
    return json.loads(script)


def test_the_page_heads_json_ld_names_the_sites_publisher(client, network):
    south = page_json_ld(client, SOUTH, "/south-hip/")
    north = page_json_ld(client, NORTH, "/north-hip/")
    assert [org["name"] for org in publishers(south["@graph"])] == ["South Clinic"]
    assert [org["name"] for org in publishers(north["@graph"])] == ["North Clinic"]
    north_page = get(client, NORTH, "/north-hip/").content.decode()
    assert "North Clinic" in north_page and "South Clinic" not in north_page


def test_one_path_on_both_sites_is_each_sites_article(client, network, second_site):
    # An article at /shared/ on each site: the same paths, asked of South,
    # North and South again, give each site's article and publisher.
    tagged(network["south"]["hip"].get_parent(), "South shared", "shared")
    tagged(second_site[0].root_page, "North shared", "shared")
    find = "/api/v2/pages/find/?html_path=/shared/"
    south, north = (SOUTH, "South"), (NORTH, "North")
    for host, clinic in [south, north, south]:
        found = get(client, host, find, follow=True)
        assert found.json()["title"] == f"{clinic} shared"
        graph = found.json()["schema_org"]["@graph"]
        assert [org["name"] for org in publishers(graph)] == [f"{clinic} Clinic"]
        head = page_json_ld(client, host, "/shared/")
        assert [org["name"] for org in publishers(head["@graph"])] == [
            f"{clinic} Clinic"
        ]
