"""`make run PORT=X FRONTEND_PORT=Y`, as a new user runs it: the frontend on
Y reads the API on X, the API's URLs (media, find/'s redirect) are on X,
canonical URLs and the admin's Preview open Y, and Y may read the API."""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HIP = "/massage-therapy-for-hip-pain/"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_for(url, process, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make run stopped: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer in {seconds} s")


@pytest.fixture
def make_run(tmp_path):
    port, frontend_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for name in ("DJANGO_SETTINGS_MODULE", "FRONTEND_URL", "WAGTAILADMIN_BASE_URL"):
        env.pop(name, None)
    process = subprocess.Popen(  # noqa: S603
        [shutil.which("make"), "run", f"PORT={port}", f"FRONTEND_PORT={frontend_port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    site, frontend = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{frontend_port}"
    try:
        wait_for(site + "/api/v2/pages/", process)
        wait_for(frontend + "/config.js", process)
        yield site, frontend
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(url, opener=None, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    return (opener or urllib.request.build_opener()).open(request, timeout=30)


def test_make_run_on_other_ports(make_run):
    site, frontend = make_run
    # The frontend reads the API on PORT, and its routes answer index.html.
    config = get(frontend + "/config.js").read().decode()
    assert config == f'window.HEALTH_ARTICLES_API = "{site}";\n'
    assert b'<main id="main"' in get(frontend + HIP).read()

    # find/ redirects to a detail on PORT; the frontend's origin may read it.
    no_redirects = urllib.request.build_opener(NoRedirects)
    query = urllib.parse.urlencode({"html_path": HIP})
    with pytest.raises(urllib.error.HTTPError) as found:
        get(f"{site}/api/v2/pages/find/?{query}", no_redirects)
    detail_url = found.value.headers["Location"]
    assert detail_url.startswith(site + "/api/v2/pages/")
    response = get(detail_url, headers={"Origin": frontend})
    assert response.headers["Access-Control-Allow-Origin"] == frontend
    article = json.load(response)

    # Media on PORT, served; canonical URLs on the frontend.
    hero = article["hero_picture"]["renditions"]["hero"]
    assert hero["url"].startswith(site + "/media/")
    image = get(hero["url"])
    assert image.headers["Content-Type"] == "image/jpeg"
    assert article["seo"]["canonical_url"] == frontend + HIP

    # The admin's Preview opens the frontend with a token the API accepts.
    jar = http.cookiejar.CookieJar()
    admin = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirects
    )
    login = get(site + "/admin/login/", admin).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)[1]
    form = urllib.parse.urlencode(
        {"username": "editor", "password": "editor-demo", "csrfmiddlewaretoken": token}
    ).encode()
    with pytest.raises(urllib.error.HTTPError) as logged_in:
        admin.open(
            urllib.request.Request(
                site + "/admin/login/", data=form, headers={"Referer": site}
            ),
            timeout=30,
        )
    assert logged_in.value.code == 302
    with pytest.raises(urllib.error.HTTPError) as preview:
        get(f"{site}/admin/pages/{article['id']}/view_draft/?mode=frontend", admin)
    opened = preview.value.headers["Location"]
    assert opened.startswith(frontend + "/?content_type=")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(opened).query)
    draft = get(
        f"{site}/api/v2/page_preview/?"
        + urllib.parse.urlencode(
            {"content_type": params["content_type"][0], "token": params["token"][0]}
        ),
        headers={"Origin": frontend},
    )
    assert draft.headers["Access-Control-Allow-Origin"] == frontend
    assert json.load(draft)["title"] == article["title"]
