"""Publish webhooks, end to end: changes made in the admin, events queued
after commit, the real task worker (``manage.py db_worker``) sending them to a
real HTTP receiver this test starts, and the signatures checked by the
verification snippets docs/webhooks.md gives, in Python and in JavaScript."""

import datetime
import json
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, PageViewRestriction, Site

from health_articles.models import HealthArticlePage, WebhookDelivery, WebhookEndpoint
from health_articles.webhooks.delivery import post, retry_delay
from health_articles.webhooks.events import EventType
from health_articles.webhooks.signing import new_secret

from .factories import HealthArticleIndexPageFactory, HealthArticlePageFactory
from .helpers import add_url, article_form_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"
NODE = shutil.which("node")


def doc_snippet(heading, language):
    """The first ``language`` code block under ``### heading`` in the docs."""
    text = DOCS.read_text("utf-8")
    section = text.split(f"\n### {heading}\n", 1)[1]
    return re.search(rf"```{language}\n(.*?)```", section, re.DOTALL).group(1)


def python_verifier():
    namespace = {}
    exec(doc_snippet("Python", "python"), namespace)  # noqa: S102 (the docs' own code)
    return namespace["verify_webhook"]


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Receiver:
    """A webhook receiver on a port of its own: down (connections refused)
    until started; it keeps each request's headers and body and answers
    ``status``, after ``delay`` seconds."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/revalidate"
        self.requests = []
        self.status = 204
        self.delay = 0
        self.server = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.headers, body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def events(self):
        return [json.loads(body) for _headers, body in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(url=receiver.url)


@pytest.fixture(autouse=True)
def canonical_urls(settings):
    settings.HEALTH_ARTICLES_CANONICAL_URL = "https://www.example.org{path}"


def run_worker():
    """Work off the webhooks queue with the real ``db_worker`` until nothing
    is due (its batch mode), then give the test run its signal handlers
    back (the worker sets its own)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker",
            "--backend=webhooks",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def publish_in_admin(client, index, slug="hip-pain"):
    response = client.post(
        add_url(index), article_form_data(slug=slug, action="action-publish")
    )
    assert response.status_code == 302
    return HealthArticlePage.objects.get(slug=slug)


def wait_until(moment):
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)


def test_receiver_down_then_the_retry_delivers(
    editor_client, index, receiver, endpoint, settings
):
    settings.HEALTH_ARTICLES_WEBHOOK_RETRY_DELAY = 1
    page = publish_in_admin(editor_client, index)
    # The editor's request queued the delivery and sent nothing itself.
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert DBTaskResult.objects.filter(backend_name="webhooks").count() == 1

    run_worker()  # the receiver is down
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()
    assert delivery.next_retry_at > timezone.now()
    assert delivery.delivered_at is None

    receiver.start()
    run_worker()  # the retry is not due yet
    assert receiver.requests == []
    wait_until(delivery.next_retry_at)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert (delivery.attempts, delivery.last_status_code) == (2, 204)
    assert delivery.last_error == ""
    assert delivery.next_retry_at is None

    [(headers, body)] = receiver.requests
    assert python_verifier()(endpoint.secret, headers, body)
    assert body.decode() == delivery.payload
    assert headers["Content-Type"] == "application/json"
    event = json.loads(body)
    assert headers["webhook-id"] == event["id"] == delivery.event_id
    assert event["type"] == "article.published"
    assert event["data"] == {
        "id": page.pk,
        "slug": "hip-pain",
        "title": "Massage Therapy for Hip Pain",
        "locale": "en",
        "urls": {
            "api": f"http://localhost/api/v2/pages/{page.pk}/",
            "page": "http://localhost/hip-pain/",
            "frontend": "https://www.example.org/hip-pain/",
        },
        "tags": [
            {"name": "hip pain", "slug": "hip-pain"},
            {"name": "joint pain", "slug": "joint-pain"},
        ],
    }


def test_the_python_snippet_refuses_what_was_not_signed(
    editor_client, index, receiver, endpoint
):
    receiver.start()
    publish_in_admin(editor_client, index)
    run_worker()
    [(headers, body)] = receiver.requests
    verify = python_verifier()
    assert verify(endpoint.secret, headers, body)
    assert not verify(endpoint.secret, headers, body.replace(b"hip", b"hop"))
    other_secret = WebhookEndpoint(url=receiver.url).secret
    assert not verify(other_secret, headers, body)
    replayed = {name.lower(): value for name, value in headers.items()}
    replayed["webhook-timestamp"] = str(int(time.time()) - 600)
    assert not verify(endpoint.secret, replayed, body)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_javascript_snippet_verifies_the_signature(
    editor_client, index, receiver, endpoint, tmp_path
):
    receiver.start()
    publish_in_admin(editor_client, index)
    run_worker()
    [(headers, body)] = receiver.requests
    (tmp_path / "verify.mjs").write_text(doc_snippet("JavaScript", "js"))
    (tmp_path / "main.mjs").write_text(
        'import { readFileSync } from "node:fs";\n'
        'import { verifyWebhook } from "./verify.mjs";\n'
        'const cases = JSON.parse(readFileSync(0, "utf8"));\n'
        "console.log(JSON.stringify(cases.map(({ secret, headers, body }) =>\n"
        "  verifyWebhook(secret, new Headers(headers), body))));\n"
    )
    genuine = {
        "secret": endpoint.secret,
        "headers": dict(headers),
        "body": body.decode(),
    }
    cases = [
        genuine,
        {**genuine, "body": genuine["body"].replace("hip", "hop")},
        {**genuine, "secret": WebhookEndpoint(url=receiver.url).secret},
    ]
    result = subprocess.run(  # noqa: S603 (node, on the docs' snippet)
        [NODE, str(tmp_path / "main.mjs")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(result.stdout) == [True, False, False]


def test_publish_move_delete_and_unpublish_each_send_their_event(
    editor_client, index, receiver, endpoint
):
    receiver.start()
    elsewhere = HealthArticleIndexPageFactory(
        parent=Page.get_first_root_node(), slug="elsewhere"
    )
    Site.objects.create(hostname="elsewhere.localhost", root_page=elsewhere)
    moved = publish_in_admin(editor_client, index, slug="hip-pain")
    withdrawn = publish_in_admin(editor_client, index, slug="knee-pain")

    response = editor_client.post(
        reverse("wagtailadmin_pages:move_confirm", args=(moved.pk, elsewhere.pk))
    )
    assert response.status_code == 302
    response = editor_client.post(
        reverse("wagtailadmin_pages:unpublish", args=(withdrawn.pk,))
    )
    assert response.status_code == 302
    response = editor_client.post(
        reverse("wagtailadmin_pages:delete", args=(moved.pk,))
    )
    assert response.status_code == 302
    assert not HealthArticlePage.objects.filter(pk=moved.pk).exists()
    run_worker()

    events = [(event["type"], event["data"]) for event in receiver.events()]
    assert [(kind, data["slug"]) for kind, data in events] == [
        ("article.published", "hip-pain"),
        ("article.published", "knee-pain"),
        ("article.moved", "hip-pain"),
        ("article.unpublished", "knee-pain"),
        ("article.deleted", "hip-pain"),
    ]
    _, move = events[2]
    assert move["urls"]["page"] == "http://elsewhere.localhost/hip-pain/"
    assert move["previous_urls"] == {
        "page": "http://localhost/hip-pain/",
        "frontend": "https://www.example.org/hip-pain/",
    }
    _, unpublish = events[3]
    assert unpublish["id"] == withdrawn.pk
    _, delete = events[4]
    assert delete["id"] == moved.pk
    assert delete["urls"]["page"] == "http://elsewhere.localhost/hip-pain/"
    assert [tag["slug"] for tag in delete["tags"]] == ["hip-pain", "joint-pain"]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        "delivered"
    }


def test_deleting_an_index_sends_the_deletion_of_each_live_article(
    editor_client, index, receiver, endpoint
):
    receiver.start()
    live = publish_in_admin(editor_client, index)
    draft = HealthArticlePageFactory(parent=index, live=False)
    index.delete()
    assert not HealthArticlePage.objects.filter(pk__in=[live.pk, draft.pk]).exists()
    run_worker()
    assert [(event["type"], event["data"]["id"]) for event in receiver.events()] == [
        ("article.published", live.pk),
        ("article.deleted", live.pk),
    ]


def test_an_endpoint_gets_only_the_events_it_takes_while_active(
    editor_client, index, receiver
):
    receiver.start()
    WebhookEndpoint.objects.create(url=receiver.url, events=[EventType.UNPUBLISHED])
    WebhookEndpoint.objects.create(url=receiver.url, active=False)
    page = publish_in_admin(editor_client, index)
    editor_client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    run_worker()
    assert [event["type"] for event in receiver.events()] == ["article.unpublished"]


def test_a_failing_endpoint_is_given_up_after_the_last_attempt(
    editor_client, index, receiver, endpoint, settings
):
    settings.HEALTH_ARTICLES_WEBHOOK_MAX_ATTEMPTS = 2
    settings.HEALTH_ARTICLES_WEBHOOK_RETRY_DELAY = 0.2
    receiver.status = 503
    receiver.start()
    publish_in_admin(editor_client, index)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("pending", 503)
    assert delivery.last_error.startswith("HTTP 503")
    wait_until(delivery.next_retry_at)
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert delivery.next_retry_at is None
    assert len(receiver.requests) == 2
    # The same event, signed anew for each attempt.
    first, second = (headers for headers, _body in receiver.requests)
    assert first["webhook-id"] == second["webhook-id"]


def test_a_hung_endpoint_times_out(editor_client, index, receiver, endpoint, settings):
    settings.HEALTH_ARTICLES_WEBHOOK_TIMEOUT = 0.5
    receiver.delay = 3
    receiver.start()
    publish_in_admin(editor_client, index)
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < 2.5  # not waiting for the answer
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert "timed out" in delivery.last_error


def test_only_http_and_https_urls_are_posted_to():
    secret = new_secret()
    assert post("file:///etc/hostname", secret, "evt_1", "{}") == (
        None,
        "Not an http or https URL.",
    )
    assert post("https://www.example.org/", "not-a-secret", "evt_1", "{}") == (
        None,
        "a secret starts with whsec_",
    )


@pytest.mark.django_db
def test_retries_back_off_exponentially_to_a_cap():
    assert [retry_delay(n).total_seconds() for n in range(1, 10)] == [
        30,
        120,
        480,
        1920,
        7200,
        7200,
        7200,
        7200,
        7200,
    ]


@pytest.mark.django_db
def test_an_administrator_adds_an_endpoint(editor_client):
    url = reverse("webhook_endpoints:add")
    form = editor_client.get(url).content.decode()
    # A new endpoint takes every event unless unticked.
    ticked = re.findall(
        r'<input type="checkbox" name="events" value="([^"]+)"[^>]* checked', form
    )
    assert ticked == [kind.value for kind in EventType]
    secret = re.search(r'name="secret" value="(whsec_[^"]+)"', form).group(1)
    data = {
        "url": "https://www.example.org/api/revalidate",
        "events": ["article.published", "article.deleted"],
        "secret": secret,
        "active": "on",
    }
    assert (
        editor_client.post(url, {**data, "secret": "not-a-secret"}).status_code == 200
    )
    assert editor_client.post(url, data).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["article.published", "article.deleted"]
    assert endpoint.secret == secret
    index = editor_client.get(reverse("webhook_endpoints:index")).content.decode()
    assert "Article published, Article deleted" in index


@pytest.mark.django_db
def test_editors_see_no_webhooks(client, django_user_model):
    editor = django_user_model.objects.create_user(username="writer", password="x")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("webhook_endpoints:index") not in home
    for name in ("webhook_endpoints:index", "webhook_deliveries:index"):
        assert client.get(reverse(name)).status_code == 302  # to the dashboard


@pytest.mark.django_db
def test_the_delivery_log_is_read_only(editor_client):
    endpoint = WebhookEndpoint.objects.create(url="https://www.example.org/hook")
    delivery = endpoint.deliveries.create(
        event_id="evt_1",
        event_type=EventType.DELETED,
        page_id=7,
        payload='{"id":"evt_1"}',
        attempts=3,
        last_status_code=500,
        last_error="HTTP 500 Internal Server Error: oops",
    )
    listing = editor_client.get(reverse("webhook_deliveries:index"))
    assert listing.status_code == 200
    inspect_url = reverse("webhook_deliveries:inspect", args=(delivery.pk,))
    assert inspect_url in listing.content.decode()
    assert reverse("webhook_deliveries:add") not in listing.content.decode()
    page = editor_client.get(inspect_url).content.decode()
    assert "HTTP 500 Internal Server Error: oops" in page
    assert "{&quot;id&quot;:&quot;evt_1&quot;}" in page
    for name, args in (("add", ()), ("edit", (delivery.pk,))):
        response = editor_client.get(reverse(f"webhook_deliveries:{name}", args=args))
        assert response.status_code == 302  # refused, to the dashboard


def test_only_what_readers_can_see_makes_an_event(index, receiver, endpoint):
    receiver.start()
    later = HealthArticlePageFactory(parent=index, slug="later", live=False)
    later.go_live_at = timezone.now() + datetime.timedelta(days=1)
    later.save_revision().publish()  # scheduled: Wagtail signals it all the same
    private_index = HealthArticleIndexPageFactory(parent=index, slug="staff")
    PageViewRestriction.objects.create(
        page=private_index, restriction_type=PageViewRestriction.LOGIN
    )
    private = HealthArticlePageFactory(parent=private_index, slug="private", live=False)
    private.save_revision().publish()
    private.unpublish()
    public = HealthArticlePageFactory(parent=index, slug="public", live=False)
    public.save_revision().publish()
    run_worker()
    assert [(event["type"], event["data"]["slug"]) for event in receiver.events()] == [
        ("article.published", "public")
    ]


def test_a_scheduled_article_sends_its_event_when_it_goes_live(
    index, receiver, endpoint
):
    receiver.start()
    article = HealthArticlePageFactory(parent=index, slug="soon", live=False)
    article.go_live_at = timezone.now() + datetime.timedelta(seconds=1)
    article.save_revision().publish()
    run_worker()
    assert receiver.events() == []
    wait_until(article.go_live_at)
    call_command("publish_scheduled")
    run_worker()
    assert [(event["type"], event["data"]["slug"]) for event in receiver.events()] == [
        ("article.published", "soon")
    ]
