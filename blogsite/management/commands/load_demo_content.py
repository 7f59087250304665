import json
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from health_articles.exchange import DocumentError, import_document
from health_articles.models import HealthArticleIndexPage, HealthArticlePage

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "demo" / "demo_content.json"
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


class Command(BaseCommand):
    help = (
        "Load the demo health articles (Massage Therapy for Hip Pain and others) "
        "under an article index that becomes the site's home page. Articles "
        "already present are left as they are, so running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            help=(
                "Demo content: an export_articles document with an article index "
                "under the key 'index' (default: %(default)s)."
            ),
        )
        parser.add_argument(
            "--site-url",
            help=(
                "Where the site is served, e.g. http://127.0.0.1:8000: the default "
                "site's hostname and port are set from it, so that the URLs the "
                "API gives (html_url, detail_url) work."
            ),
        )

    def handle(self, *args, file, site_url=None, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read demo content from {file}: {exc}") from exc

        with transaction.atomic():
            index = self.get_or_create_index(document["index"])
            present = set(
                HealthArticlePage.objects.child_of(index).values_list("slug", flat=True)
            )
            for article in document["articles"]:
                if article["slug"] in present:
                    self.stdout.write(f"{article['title']}: already present")
            missing = [a for a in document["articles"] if a["slug"] not in present]
            try:
                import_document(
                    {**document, "articles": missing},
                    progress=lambda number, total, page: self.stdout.write(
                        f"[{number}/{total}] {page.title}: "
                        + self.style.SUCCESS("created")
                    ),
                )
            except DocumentError as exc:
                raise CommandError(f"{file}: {exc}") from exc
        if site_url:
            self.set_site_address(site_url)
        self.create_demo_editor()

    def get_or_create_index(self, data):
        index = HealthArticleIndexPage.objects.filter(slug=data["slug"]).first()
        if index is not None:
            return index
        root = Page.get_first_root_node()
        index = root.add_child(
            instance=HealthArticleIndexPage(
                title=data["title"], slug=data["slug"], intro=data["intro"]
            )
        )
        index.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=index, is_default_site=True
            )
        else:
            welcome = site.root_page
            site.root_page = index
            site.save()
            # The placeholder page Wagtail creates on install goes, once unused.
            if (
                welcome.specific_class is Page
                and welcome.title == WAGTAIL_WELCOME_TITLE
                and not welcome.get_children().exists()
            ):
                welcome.delete()
        self.stdout.write(f"Created the article index “{index.title}” as home page.")
        return index

    def set_site_address(self, site_url):
        address = urlsplit(site_url)
        if address.scheme not in ("http", "https") or not address.hostname:
            raise CommandError(f"--site-url must be an http(s) URL, not {site_url!r}")
        site = Site.objects.get(is_default_site=True)
        site.hostname = address.hostname
        site.port = address.port or (443 if address.scheme == "https" else 80)
        site.save()
        self.stdout.write(f"Default site address: {site.root_url}")

    def create_demo_editor(self):
        account = getattr(settings, "DEMO_EDITOR_ACCOUNT", None)
        if not account:
            return
        User = get_user_model()
        if not User.objects.filter(username=account["username"]).exists():
            User.objects.create_superuser(
                username=account["username"],
                email=f"{account['username']}@example.com",
                password=account["password"],
            )
        self.stdout.write(
            "Demo editor account: user “{username}”, password “{password}”.".format(
                **account
            )
        )
