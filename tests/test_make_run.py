"""`make run PORT=X FRONTEND_PORT=Y`, as a new user runs it: the frontend on
Y reads the API on X, the API's URLs (media, find/'s redirect) are on X,
canonical URLs and the admin's Preview open Y, and Y may read the API.
Against the same server, every curl example of docs/api.md runs as written
(on port X), and its detail example has the real answer's shape."""

import http.cookiejar
import json
import os
import re
import shlex
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
API_DOCS = ROOT / "docs" / "api.md"
DOCS_SITE = "http://127.0.0.1:8000"
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


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make-run")
    port, frontend_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
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


def curl_examples():
    """The curl commands of docs/api.md's ```sh blocks, continuations joined."""
    blocks = re.findall(r"```sh\n(.*?)```", API_DOCS.read_text(), re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip().startswith("curl ")]


def test_every_curl_example_of_the_api_docs_runs_as_written(make_run):
    site, _ = make_run
    examples = curl_examples()
    assert len(examples) >= 8
    for example in examples:
        assert DOCS_SITE in example, example
        command = shlex.split(example.replace(DOCS_SITE, site))
        result = subprocess.run(  # noqa: S603
            [shutil.which("curl"), *command[1:], "--write-out", "\n%{http_code}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (example, result.stderr)
        body, status = result.stdout.rsplit("\n", 1)
        assert status == "200", (example, body[:300])
        if body.startswith("{"):
            assert "message" not in json.loads(body), example


def shape(value):
    """Keys all the way down; a list by its first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if value is not None else None


def test_the_detail_example_of_the_api_docs_has_the_real_shape(make_run):
    site, _ = make_run
    text = API_DOCS.read_text()
    example = json.loads(re.search(r"### Example\n.*?```json\n(.*?)```", text, re.S)[1])
    real = json.load(get(f"{site}/api/v2/pages/{example['id']}/"))
    assert shape(example) == shape(real)
