"""Reference files in and out, by format.

Every reader returns the same ``ParsedReference`` list, one entry per
reference in input order, ``raw_text`` being the entry's source text: the
free-text parser for pasted lists, and BibTeX, RIS and PubMed's MEDLINE
(.nbib) for files. A malformed entry never stops an import: it yields a
reference with whatever could be read and ``needs_review`` saying what
failed. ``ValueError`` is raised only when the input as a whole is not of
the format asked for. Writers take CSL-JSON items.
"""

import json
import re
from pathlib import Path

from ..parser import parse_references, split_references
from .bibtex import ENTRY_START, from_bibtex, to_bibtex
from .medline import from_medline
from .ris import from_ris, to_ris

READERS = {
    "text": parse_references,
    "bibtex": from_bibtex,
    "ris": from_ris,
    "medline": from_medline,
}
EXTENSIONS = {".bib": "bibtex", ".ris": "ris", ".nbib": "medline"}
# Export name: (content type, file ending, writer).
WRITERS = {
    "json": (
        "application/vnd.citationstyles.csl+json",
        "json",
        lambda items: json.dumps(items, indent=2, ensure_ascii=False),
    ),
    "bib": ("application/x-bibtex; charset=utf-8", "bib", to_bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", to_ris),
}


def detect_format(text, filename=""):
    """The reader for a file: by its ending, else by its first entry."""
    ending = Path(filename).suffix.lower()
    if ending in EXTENSIONS:
        return EXTENSIONS[ending]
    start = text.lstrip("\ufeff \n\r\t")
    if start.startswith("@"):
        return "bibtex"
    if start.startswith("TY  -"):
        return "ris"
    if start.startswith("PMID-"):
        return "medline"
    return "text"


# What one import may hold (docs/editing.md; the import form says so):
# the longest pasted text, the largest file, and the most references an
# article's list holds (its editor opens every one as a form).
MAX_TEXT_CHARACTERS = 200_000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_REFERENCES = 300
# Where a record starts, to count a file's records before reading them.
RECORD_START = {
    "bibtex": ENTRY_START,
    "ris": re.compile(r"^\s*TY  -", re.MULTILINE),
    "medline": re.compile(r"^PMID-", re.MULTILINE),
}


class TooManyReferences(ValueError):
    """An import holds more references than the article may take."""


def count_references(text, fmt="text"):
    """How many references ``text`` holds, counted without reading them."""
    if fmt == "text":
        return len(split_references(text))
    return len(RECORD_START[fmt].findall(text))


def read(text, fmt="text", room=None):
    """Parsed references of ``text`` in format ``fmt`` (see READERS);
    ``TooManyReferences`` when there are more than ``room``, before any is
    read."""
    if room is not None and (count := count_references(text, fmt)) > room:
        raise TooManyReferences(count)
    return READERS[fmt](text)


def write(items, kind):
    """(content, content type) of CSL-JSON ``items`` in export ``kind``."""
    content_type, _ending, writer = WRITERS[kind]
    return writer(items), content_type
