import json
from datetime import datetime, time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from health_articles.models import (
    ArticleAuthor,
    ArticleReviewer,
    HealthArticleIndexPage,
    HealthArticlePage,
    Person,
    Reference,
)

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
            help="JSON file of demo content (default: %(default)s).",
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
            content = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read demo content from {file}: {exc}") from exc

        with transaction.atomic():
            index = self.get_or_create_index(content["index"])
            people = self.get_or_create_people(content["people"])
            for number, data in enumerate(content["articles"], start=1):
                self.stdout.write(
                    f"[{number}/{len(content['articles'])}] {data['title']}: ",
                    ending="",
                )
                if (
                    HealthArticlePage.objects.child_of(index)
                    .filter(slug=data["slug"])
                    .exists()
                ):
                    self.stdout.write("already present")
                    continue
                self.create_article(index, data, people)
                self.stdout.write(self.style.SUCCESS("created"))
        if site_url:
            self.set_site_address(site_url)
        self.create_demo_editor()

    def set_site_address(self, site_url):
        address = urlsplit(site_url)
        if address.scheme not in ("http", "https") or not address.hostname:
            raise CommandError(f"--site-url must be an http(s) URL, not {site_url!r}")
        site = Site.objects.get(is_default_site=True)
        site.hostname = address.hostname
        site.port = address.port or (443 if address.scheme == "https" else 80)
        site.save()
        self.stdout.write(f"Default site address: {site.root_url}")

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

    def get_or_create_people(self, entries):
        people = {}
        for entry in entries:
            person, _created = Person.objects.get_or_create(
                name=entry["name"],
                defaults={
                    "credentials": entry["credentials"],
                    "job_title": entry["job_title"],
                    "bio": entry["bio"],
                    "profile_url": entry["profile_url"],
                    "same_as": "\n".join(entry["same_as"]),
                },
            )
            people[person.name] = person
        return people

    def create_article(self, index, data, people):
        published = timezone.make_aware(
            datetime.combine(datetime.fromisoformat(data["published"]), time(9))
        )
        article = HealthArticlePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            body=data["body"],
            first_published_at=published,
            last_reviewed=datetime.fromisoformat(data["last_reviewed"]).date(),
        )
        article.article_authors = [
            ArticleAuthor(person=people[name], sort_order=position)
            for position, name in enumerate(data["authors"])
        ]
        article.article_reviewers = [
            ArticleReviewer(person=people[name], sort_order=position)
            for position, name in enumerate(data["reviewers"])
        ]
        article.tags.add(*data["tags"])
        references = []
        for position, entry in enumerate(data["references"]):
            reference = Reference(
                sort_order=position,
                key=entry["key"],
                csl_type=entry["type"],
                authors="\n".join(entry["authors"]),
                title=entry["title"],
                container_title=entry["container_title"],
                issued=entry["issued"],
                volume=entry["volume"],
                issue=entry["issue"],
                page_range=entry["page"],
                publisher=entry["publisher"],
                publisher_place=entry["publisher_place"],
                doi=entry["doi"],
                pmid=entry["pmid"],
                pmcid=entry["pmcid"],
                isbn=entry.get("isbn", ""),
                url=entry["url"],
                raw_text=entry["raw_text"],
            )
            try:
                reference.full_clean(exclude=["page"])
            except ValidationError as exc:
                raise CommandError(
                    f"Reference {entry['key']} of {data['slug']}: {exc}"
                ) from exc
            references.append(reference)
        article.references = references
        index.add_child(instance=article)
        article.save_revision().publish()

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
