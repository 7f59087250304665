import json
import sys

from django.core.management.base import BaseCommand, CommandError

from health_articles.management.input import read_input
from health_articles.references import formats


class Command(BaseCommand):
    help = (
        "Read a reference list (pasted text, one reference a line or paragraph; "
        "or a BibTeX, RIS or PubMed MEDLINE/.nbib export) from FILE, or - for "
        "standard input, and print it as one CSL-JSON array, one entry per "
        "reference in input order. Each entry keeps its source text and what "
        "to check under custom.raw_text and custom.needs_review."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to read, or - for standard input.")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=sorted(formats.READERS),
            help="The input's format (default: from the file name or its start).",
        )

    def handle(self, *args, file, fmt=None, **options):
        text = read_input(file)
        fmt = fmt or formats.detect_format(text, "" if file == "-" else file)
        try:
            parsed = formats.read(text, fmt)
        except ValueError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        items = []
        for reference in parsed:
            item = dict(reference.csl)
            item["custom"] = {
                "raw_text": reference.raw_text,
                "needs_review": reference.needs_review,
            }
            items.append(item)
        self.stdout.write(json.dumps(items, indent=2, ensure_ascii=False))
        flagged = sum(1 for reference in parsed if reference.needs_review)
        sys.stderr.write(
            f"{len(parsed)} references read as {fmt}; {flagged} to check.\n"
        )
