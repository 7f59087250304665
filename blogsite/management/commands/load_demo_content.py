import json
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import (
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from health_articles.exchange import DocumentError, import_document
from health_articles.models import (
    ArticleReviewer,
    HealthArticleIndexPage,
    HealthArticlePage,
    HealthArticleSettings,
    MedicalReviewTask,
)

# The demo's roles: what each may do in the admin (printed with the logins).
ROLES = {
    "editor": "writes and edits articles and submits them for medical review; "
    "cannot publish",
    "reviewer": "approves or rejects articles in the medical review workflow "
    "(the approval publishes them and sets their review dates)",
    "admin": "administrator: everything, publishing included",
}
REVIEWERS_GROUP = "Medical reviewers"
WORKFLOW_NAME = "Medical review"

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
                    files=file.parent,
                    progress=lambda number, total, page: self.stdout.write(
                        f"[{number}/{total}] {page.title}: "
                        + self.style.SUCCESS("created")
                    ),
                )
            except DocumentError as exc:
                raise CommandError(f"{file}: {exc}") from exc
        if site_url:
            self.set_site_address(site_url)
        self.set_publisher(document.get("publisher"))
        self.create_demo_accounts(index)

    def set_publisher(self, data):
        """The demo site's publisher (its health article settings), unless
        one is set already."""
        site = Site.objects.get(is_default_site=True)
        site_settings = HealthArticleSettings.for_site(site)
        if data and not site_settings.publisher_name:
            site_settings.publisher_name = data["name"]
            site_settings.publisher_url = data["url"]
            site_settings.save()
            self.stdout.write(f"Publisher: {site_settings.publisher_name}")

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

    def create_demo_accounts(self, index):
        """The demo's editor, medical reviewer and administrator, where the
        settings define ``DEMO_ACCOUNTS`` (role: password; the dev settings
        do), and the medical review workflow on the article index."""
        accounts = getattr(settings, "DEMO_ACCOUNTS", None)
        if not accounts:
            return
        editors = self.group("Editors", index, ["add", "change"])
        # A reviewer's approval publishes the article, as the reviewer.
        reviewers = self.group(REVIEWERS_GROUP, index, ["change", "publish"])
        task, _ = MedicalReviewTask.objects.get_or_create(name=WORKFLOW_NAME)
        task.groups.set([reviewers])
        workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
        WorkflowTask.objects.get_or_create(
            workflow=workflow, task=task, defaults={"sort_order": 0}
        )
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
        User = get_user_model()
        for role, password in accounts.items():
            user = User.objects.filter(username=role).first() or User(username=role)
            user.email = f"{role}@example.com"
            user.is_superuser = user.is_staff = role == "admin"
            user.set_password(password)
            user.save()
            if role == "editor":
                user.groups.set([editors])
            elif role == "reviewer":
                user.groups.set([reviewers])
                self.link_reviewer(user, index)
            self.stdout.write(
                f"Demo {role}: user “{role}”, password “{password}”: {ROLES[role]}."
            )

    def group(self, name, index, permissions):
        """A group that may use the admin and ``permissions`` on the index's
        pages (Wagtail's own Editors group, or one of the demo's)."""
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=index,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore",
                    codename=f"{permission}_page",
                ),
            )
        return group

    def link_reviewer(self, user, index):
        """The demo reviewer is the person who reviews the demo's articles."""
        link = ArticleReviewer.objects.filter(
            page__in=HealthArticlePage.objects.child_of(index)
        ).first()
        if link and link.person.user_id in (None, user.pk):
            link.person.user = user
            link.person.save()
