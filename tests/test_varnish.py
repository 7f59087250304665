"""Varnish in front of the site, with the VCL of deploy/varnish/: the API's
public answers are kept and purged by their cache tags as soon as a change
is committed; drafts, previews and pages are never kept. A real varnishd,
started here in front of a live server."""

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from .api.test_preview import frontend, open_preview  # noqa: F401 (a fixture)
from .helpers import article_form_data, publish

VARNISHD = shutil.which("varnishd") or (
    "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
)
VCL = Path(__file__).resolve().parent.parent / "deploy/varnish/health_articles.vcl"
pytestmark = [
    pytest.mark.skipif(VARNISHD is None, reason="no varnishd (.ci/run installs it)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings):
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="health-articles-varnish-"))
    workdir.chmod(0o755)  # Varnish's worker process reads it as another user
    backend = live_server.url.rsplit(":", 1)[1]
    vcl = workdir / "site.vcl"
    vcl.write_text(VCL.read_text().replace("BACKEND_PORT", backend))
    vcl.chmod(0o644)
    process = subprocess.Popen(  # noqa: S603
        [VARNISHD, "-F", "-a", f"127.0.0.1:{port}", "-f", str(vcl)]
        + ["-n", str(workdir), "-s", "malloc,32m"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert process.poll() is None, "varnishd stopped"
            assert time.monotonic() < deadline, "varnishd did not start"
            time.sleep(0.1)
    settings.HEALTH_ARTICLES_PURGE_URLS = [url + "/"]
    yield url
    process.terminate()
    process.wait(timeout=20)
    shutil.rmtree(workdir, ignore_errors=True)


def get(url):
    """(status, X-Cache, body) of a GET through Varnish."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("X-Cache"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache"), error.read()


def first_change(url, old_body, limit=1.0):
    """Seconds until Varnish serves something other than ``old_body``."""
    start = time.monotonic()
    while time.monotonic() - start < limit + 2:
        status, _, body = get(url)
        if body != old_body:
            return time.monotonic() - start, status, body
        time.sleep(0.02)
    return None, None, None


def test_publishing_purges_the_answers_that_show_the_article(varnish, article):
    detail = f"{varnish}/api/v2/pages/{article.pk}/"
    listing = f"{varnish}/api/v2/pages/?type=health_articles.HealthArticlePage"
    for url in (detail, listing):
        assert get(url)[1] == "MISS"
        assert get(url)[1] == "HIT"
    old_detail, old_listing = get(detail)[2], get(listing)[2]
    article.title = "Massage for hip pain, revised"
    publish(article)
    for url, old in ((detail, old_detail), (listing, old_listing)):
        seconds, status, body = first_change(url, old)
        assert seconds is not None and seconds <= 1.0
        assert status == 200 and b"Massage for hip pain, revised" in body
    # An edit is purged softly: the old answer may be served while the new
    # one is fetched. A withdrawal is purged at once: never served again.
    assert get(detail)[1] == "HIT"
    article.unpublish()
    assert get(detail)[0] == 404
    assert json.loads(get(listing)[2])["meta"]["total_count"] == 0


def test_drafts_and_previews_are_never_kept(varnish, article, editor_client, frontend):  # noqa: F811
    detail = f"{varnish}/api/v2/pages/{article.pk}/"
    published = get(detail)[2]
    article.title = "A draft title"
    article.save_revision()
    assert get(detail)[1] == "HIT"
    assert get(detail)[2] == published  # the draft is not shown
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    data = article_form_data(title="Previewed title", slug=article.slug)
    content_type, token = open_preview(editor_client, url, data)
    preview = (
        f"{varnish}/api/v2/page_preview/?content_type={content_type}&token={token}"
    )
    for _ in range(2):
        status, cached, body = get(preview)
        assert status == 200 and cached == "MISS" and b"Previewed title" in body
    page = f"{varnish}{article.url}"
    assert [get(page)[1] for _ in range(2)] == ["MISS", "MISS"]


def test_purges_come_from_the_app_only(varnish):
    request = urllib.request.Request(
        varnish + "/", method="PURGE", headers={"xkey-purge": "all"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200  # from 127.0.0.1, the app's machine
    request = urllib.request.Request(varnish + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400


def test_a_missing_page_is_never_kept(varnish, article, index):
    url = f"{varnish}/api/v2/pages/?type=health_articles.HealthArticlePage&slug=new"
    assert json.loads(get(url)[2])["meta"]["total_count"] == 0
    missing = f"{varnish}/api/v2/tags/new-tag/"
    assert [get(missing)[:2] for _ in range(2)] == [(404, "MISS")] * 2
    article.tags.add("new tag")
    publish(article)
    assert get(missing)[0] == 200
