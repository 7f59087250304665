import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from health_articles import signal_handlers
from health_articles.references import formatting

from .factories import HealthArticleIndexPageFactory, HealthArticlePageFactory
from .helpers import publish


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no stored API answers, generations or
    formatted citations."""
    for store in caches.all():
        store.clear()
    formatting.SEEN.clear()
    yield
    for store in caches.all():
        store.clear()
    formatting.SEEN.clear()


@pytest.fixture(autouse=True)
def changes_commit_at_once(request, monkeypatch):
    """A test in the one transaction pytest-django never commits sees what a
    change does after its commit (stored answers going stale) at once, as if
    each change were committed; a test in real transactions (``transaction=
    True``) sees real commits."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    monkeypatch.setattr(signal_handlers, "on_commit", lambda callback, **kw: callback())


@pytest.fixture
def index(db):
    """An article index that is the default site's home page."""
    root = Page.get_first_root_node()
    index = HealthArticleIndexPageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": index},
    )
    return index


@pytest.fixture
def article(index):
    """A published article with a condition, a treatment, references and tags."""
    page = HealthArticlePageFactory(
        parent=index,
        title="Massage Therapy for Hip Pain",
        slug="hip",
        references=[
            {
                "key": "abbott2013",
                "title": "Manual therapy, exercise therapy, or both",
                "doi": "10.1016/j.joca.2012.12.014",
                "pmid": "23313532",
            },
            {
                "key": "ahuja2020",
                "title": "Chronic hip pain in adults",
                "container_title": "J Anaesthesiol Clin Pharmacol",
                "doi": "10.4103/joacp.JOACP_170_19",
                "pmid": "33840922",
                "pmcid": "PMC8022067",
            },
        ],
    )
    page.tags.add("hip pain", "joint pain")
    page.save()
    return publish(page)


@pytest.fixture
def second_site(index, settings):
    """A second clinic's site (north.example) on the same database, beside
    the default one, with an index and a published article of its own."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "north.example"]
    home = HealthArticleIndexPageFactory(
        parent=Page.get_first_root_node(), slug="north", title="North clinic"
    )
    site = Site.objects.create(hostname="north.example", port=80, root_page=home)
    article = publish(HealthArticlePageFactory(parent=home, slug="north-hip"))
    return site, article


@pytest.fixture
def french_locale(db):
    """Canadian French, the site's second language (LANGUAGES in
    blogsite/settings), served under /fr-ca/."""
    return Locale.objects.get_or_create(language_code="fr-ca")[0]


@pytest.fixture
def french(article, french_locale):
    """The hip article's French translation under the French home, both
    published, with a tag of its own."""
    publish(article.get_parent().specific.copy_for_translation(french_locale))
    translation = article.copy_for_translation(french_locale)
    translation.title = "Massothérapie et douleur à la hanche"
    translation.slug = "massotherapie-hanche"
    translation.save_revision()
    translation = publish(translation)
    translation.tags.add("douleur à la hanche")
    return publish(translation)


@pytest.fixture
def demo_content(db):
    """The demo's articles on the default site, in English (the French
    translation and the second clinic are tests/test_demo_content.py's)."""
    call_command("load_demo_content", articles_only=True, stdout=io.StringIO())
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.com", password="secret"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def no_stored_responses(settings):
    """Build every API response anew, to count the queries it costs."""
    settings.HEALTH_ARTICLES_API_CACHE_TIMEOUT = 0
