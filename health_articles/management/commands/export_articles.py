import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from health_articles.exchange import export_document
from health_articles.models import HealthArticlePage


class Command(BaseCommand):
    help = (
        "Write every health article with all its structured data (body, "
        "references, tags, authors, reviewers, review dates, images), where it "
        "lives, who may read it and when, the people it names (with their "
        "photos) and its sites' settings (with the publisher's logo) as one "
        "JSON document, which import_articles restores (docs/exchange.md). "
        "With --output, the images' files are copied into an images folder "
        "beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="File to write (default: standard output)."
        )

    def handle(self, *args, output=None, **options):
        articles = HealthArticlePage.objects.all()
        document = export_document(
            articles, files=Path(output).resolve().parent if output else None
        )
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            self.stdout.write(text)
        sys.stderr.write(
            f"Exported {len(document['articles'])} articles and "
            f"{len(document['people'])} people.\n"
        )
