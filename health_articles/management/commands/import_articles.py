import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from health_articles.exchange import DocumentError, import_document
from health_articles.management.input import read_input


class Command(BaseCommand):
    help = (
        "Create or update health articles from a document written by "
        "export_articles (FILE, or - for standard input). The document is "
        "checked as it is imported and nothing is changed if any part is wrong; "
        "the error names its place, e.g. articles[0].references[3].doi. The "
        "sites, article indexes, locales, groups, collections and users it "
        "names must exist; its people, images and sites' settings are created "
        "or updated with the articles (docs/exchange.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON document, or - for standard input.")
        parser.add_argument(
            "--files",
            help=(
                "Folder of the images' files (each image's file): by default "
                "the document's own folder; MEDIA_ROOT for a site's export."
            ),
        )

    def handle(self, *args, file, files=None, **options):
        text = read_input(file)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file}: not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
        except RecursionError as exc:
            raise CommandError(f"{file}: JSON nested too deep to read") from exc

        def progress(number, total, article):
            self.stdout.write(f"[{number}/{total}] {article.slug}")

        try:
            articles = import_document(
                document,
                progress=progress,
                files=files or (Path(file).parent if file != "-" else Path.cwd()),
            )
        except DocumentError as exc:
            raise CommandError(f"{file}: {exc} (nothing was imported)") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {len(articles)} articles."))
