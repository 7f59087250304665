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
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

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

DEMO = Path(__file__).resolve().parents[2] / "demo"
DEFAULT_FILE = DEMO / "demo_content.json"
# The demo's translations (wagtail-localize's strings of each page, by slug).
TRANSLATIONS = DEMO / "translations"
# The network's second clinic: a site of its own, with its index and article.
SECOND_SITE_FILE = DEMO / "north_clinic.json"
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
            "--articles-only",
            action="store_true",
            help=(
                "Only the demo articles of the default site: no translations, "
                "no second site."
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

    def handle(self, *args, file, site_url=None, articles_only=False, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read demo content from {file}: {exc}") from exc

        with transaction.atomic():
            index = self.get_or_create_index(document["index"])
            self.import_missing(document, index, file)
        if site_url:
            self.set_site_address(site_url)
        site = Site.objects.get(is_default_site=True)
        self.set_publisher(site, document.get("publisher"))
        if file == DEFAULT_FILE and not articles_only:
            for path in sorted(TRANSLATIONS.glob("*.json")):
                self.load_translations(path, index)
            self.load_second_site(SECOND_SITE_FILE, site)
        self.create_demo_accounts(index)

    def import_missing(self, document, index, file):
        """The document's articles not yet under ``index``."""
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
                    f"[{number}/{total}] {page.title}: " + self.style.SUCCESS("created")
                ),
            )
        except DocumentError as exc:
            raise CommandError(f"{file}: {exc}") from exc

    def load_translations(self, path, index):
        """The pages of ``index`` (itself first) translated as ``path`` says,
        through wagtail-localize, as a translator would in its editor: its
        translation source, a translation of each string it offers, then the
        translated page with its own tags and disclaimer, published. A page
        translated already is left as it is."""
        data = json.loads(path.read_text(encoding="utf-8"))
        locale, _ = Locale.objects.get_or_create(language_code=data["locale"])
        pages = {index.slug: index}
        pages.update(
            (article.slug, article)
            for article in HealthArticlePage.objects.child_of(index).filter(
                locale=index.locale
            )
        )
        for entry in data["pages"]:
            page = pages.get(entry["slug"])
            if page is None:
                raise CommandError(f"{path}: no demo page “{entry['slug']}”")
            if page.get_translation_or_none(locale) is not None:
                self.stdout.write(
                    f"{page.title} ({locale.language_code}): already present"
                )
                continue
            with transaction.atomic():
                translation = self.translate(page, locale, entry["strings"], path)
                self.with_own_fields(translation, entry).publish()
            self.stdout.write(
                f"{page.title} ({locale.language_code}): “{translation.title}” "
                + self.style.SUCCESS("created")
            )

    def translate(self, page, locale, strings, path):
        source, _created = TranslationSource.update_or_create_from_instance(page)
        segments = StringSegment.objects.filter(source=source).select_related(
            "string", "context"
        )
        for segment in segments:
            text = segment.string.data
            if text not in strings:
                raise CommandError(f"{path}: no translation of “{text[:80]}”")
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": strings[text]},
            )
        translation, _created = source.create_or_update_translation(
            locale, publish=False
        )
        return translation

    def with_own_fields(self, translation, entry):
        """The latest revision of ``translation``, given what ``entry`` gives
        it in its own language besides the strings wagtail-localize offers:
        its tags (wagtail-localize copies the source's) and a disclaimer (the
        English article has none of its own to translate)."""
        if "tags" not in entry and "disclaimer" not in entry:
            return translation.get_latest_revision()
        draft = translation.get_latest_revision_as_object()
        if "tags" in entry:
            draft.tags.set(entry["tags"])
        if "disclaimer" in entry:
            draft.disclaimer = entry["disclaimer"]
        return draft.save_revision()

    def load_second_site(self, path, default_site):
        """The network's second clinic: a site on its own hostname (at the
        default site's port), its article index as home page, its publisher
        and its articles."""
        document = json.loads(path.read_text(encoding="utf-8"))
        site_data = document["site"]
        with transaction.atomic():
            index = HealthArticleIndexPage.objects.filter(
                slug=document["index"]["slug"]
            ).first()
            if index is None:
                index = self.add_index(document["index"])
            site, created = Site.objects.update_or_create(
                hostname=site_data["hostname"],
                defaults={
                    "port": default_site.port,
                    "root_page": index,
                    "site_name": site_data["site_name"],
                },
            )
            if created:
                self.stdout.write(f"Second site: {site.site_name} at {site.root_url}")
            self.import_missing(document, index, path)
        self.set_publisher(site, document.get("publisher"))

    def set_publisher(self, site, data):
        """A site's publisher (its health article settings), unless one is
        set already."""
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
        index = self.add_index(data)
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

    def add_index(self, data):
        """A published article index at the top of the page tree."""
        index = Page.get_first_root_node().add_child(
            instance=HealthArticleIndexPage(
                title=data["title"], slug=data["slug"], intro=data["intro"]
            )
        )
        index.save_revision().publish()
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
