"""A CSL item from the labelled segments of a reference (``sequence.py``),
each field put through the normalisers every reader shares, with how sure
the model was of each.

Plain Python with no Django imports.
"""

import re

from .normalise import (
    DASH_CLASS,
    ET_AL,
    PERIOD_INITIALS,
    PLACE_PUBLISHER,
    YEAR,
    clean_space,
    cut_designators,
    expand_page_range,
    genre_type,
    natural_name,
    parse_any_authors,
    parse_date,
    strip_end,
    strip_title,
)
from .sequence import Segment, label

# The one table from the model's labels to CSL variables; labels not here
# (citation-number, and identifiers, which are read by pattern) are dropped.
LABEL_VARIABLES = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "director": "director",
    "title": "title",
    "journal": "container-title",
    "container-title": "container-title",
    "collection-title": "collection-title",
    "date": "issued",
    "volume": "volume",
    "pages": "page",
    "publisher": "publisher",
    "location": "publisher-place",
    "edition": "edition",
    "genre": "genre",
    "medium": "medium",
    "note": "note",
    "source": "note",
}
# Notes are read for a year, an issue and an article number, not kept: what
# the model calls a note is mostly the rest of the source.
NAME_VARIABLES = ("author", "editor", "translator", "director")

ROLE_WORDS = re.compile(
    r"\(?\b(?:eds?|editors?|edited\s+by|hrsg|trans(?:lated)?(?:\s+by)?|transl?"
    r"|dir(?:ected)?(?:\s+by)?|producers?|prod)\b\.?\)?[.,:]?",
    re.IGNORECASE,
)
LEADING_IN = re.compile(r"^(?:In|in|IN)\b:?\s*")
CONFERENCE = re.compile(
    r"\b(?:proceedings|proc|conference|conf|symposium|congress|meeting"
    r"|workshop|colloquium)\b",
    re.IGNORECASE,
)
# What the model labels a volume may hold the issue and the pages too:
# "24(4): 911-932", "85, (24)", "19, 4", "vol. 316, no. 22", "39: 1146".
VOLUME_ISSUE = re.compile(
    r"^(?:vol(?:ume)?s?\.?\s*)?(?P<volume>[\w.-]+?)?\s*"
    r"(?:,?\s*\(\s*(?P<issue>[^()]+?)\s*\)|[,\s]*(?:no|nr|issue|iss|n)\.?\s*"
    r"(?P<issue2>[\w-]+)|,\s*(?P<issue3>\d{1,4}))?"
    r"(?:\s*[:,]\s*(?:pp?\.\s*)?(?P<page>[A-Za-z]?\d+[A-Za-z]?"
    r"(?:\s*" + DASH_CLASS + r"\s*[A-Za-z]?\d+[A-Za-z]?)?))?"
    r"\s*[:.,;]?\s*$",
    re.IGNORECASE,
)
# NLM's date (or its day) before the volume ("2019; 393(10182)", "25; 347(4)"),
# when labelled as one.
DATE_FIRST = re.compile(r"^(?P<date>[^;]{1,20});\s*(?P<rest>[^;]+)$")
# Cochrane's "2015, Issue 9. Art. No.: CD001929", APA's "Article CD004376".
ISSUE_WORDS = re.compile(r"\bIssue\s+(?P<issue>\d+)", re.IGNORECASE)
ARTICLE_NUMBER = re.compile(
    r"\b(?:Art\.?\s*No\.?|Article(?:\s+(?:no\.?|number))?)\s*:?\s*(?P<number>[A-Z]*\d+\w*)",
    re.IGNORECASE,
)
PAGE_WORDS = re.compile(r"^(?:pp?\.?|pages?|s\.)\s*", re.IGNORECASE)


def _names(text: str) -> list[dict]:
    """Names in whichever form they come (``parse_any_authors``), else one
    group name."""
    text = clean_space(ROLE_WORDS.sub(" ", LEADING_IN.sub("", text)))
    text = strip_end(ET_AL.sub("", text), ".,;: ")
    if not text:
        return []
    return parse_any_authors(text) or _natural_order(text) or [{"literal": text}]


def _natural_order(text: str) -> list[dict] | None:
    """ "Robert C. Allen and Harry G. Kwatny", "Gene F. Franklin, J. David
    Powell, and Abbas Emami-Naeini": names given first, where the model
    labelled authors (two or more of them, or one with a middle initial)."""
    pieces = [
        piece.strip()
        for piece in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", text)
        if piece.strip()
    ]
    words = [piece.split() for piece in pieces]
    if not all(2 <= len(w) <= 4 and all(x[:1].isupper() for x in w) for w in words):
        return None
    if len(pieces) == 1 and not any(PERIOD_INITIALS.match(x) for x in words[0][1:-1]):
        return None
    return [natural_name(piece) for piece in pieces]


def _volume(text: str, csl: dict) -> None:
    text = strip_end(text, " .,;:")
    if match := DATE_FIRST.match(text):
        if "issued" not in csl and (date := _year_in(match["date"])):
            csl["issued"] = date
        text = match["rest"]
    match = VOLUME_ISSUE.match(text)
    if match and (match["volume"] or match["issue"] or match["issue2"]):
        if match["volume"]:
            csl["volume"] = strip_end(match["volume"], ".")
        if issue := match["issue"] or match["issue2"] or match["issue3"]:
            csl["issue"] = issue
        if match["page"]:
            csl.setdefault("page", expand_page_range(match["page"]))
    elif text:
        csl["volume"] = text


def _numbers(text: str, csl: dict) -> None:
    """Issue and article number written out in words, wherever labelled."""
    if match := ISSUE_WORDS.search(text):
        csl.setdefault("issue", match["issue"])
    if match := ARTICLE_NUMBER.search(text):
        csl.setdefault("page", match["number"])


def _year_in(text: str) -> dict | None:
    if date := parse_date(text):
        return date
    if match := re.search(YEAR, text):
        return parse_date(match.group(0))
    return None


def _value(variable: str, text: str) -> str:
    text = clean_space(text)
    if variable == "title":
        return strip_title(text.strip("\"'\u2018\u2019\u201c\u201d\u00ab\u00bb .,"))
    if variable == "container-title":
        return strip_end(LEADING_IN.sub("", text), " .,;:").strip('"\u201c\u201d')
    if variable == "page":
        text = PAGE_WORDS.sub("", strip_end(text, " .,;:()"))
        return expand_page_range(re.sub(r"\s*" + DASH_CLASS + r"+\s*", "-", text))
    if variable == "edition":
        return strip_end(re.sub(r"\b(?:ed|edn|edition)\b\.?", "", text, flags=re.I))
    return strip_end(text.strip("()[]"), " .,;:()[]")


def read(text: str, detail: dict | None = None) -> tuple[dict, dict[str, float]]:
    """The CSL item the model reads in ``text`` (a reference with its
    identifiers already cut out), and for each variable it filled the
    lowest marginal probability of its tokens (see ``from_segments`` for
    ``detail``, which also receives the ``Labelling`` under "labelling")."""
    csl: dict = {}
    # A bracket that names the publisher ("[Doctoral dissertation, Princeton
    # University]") is cut before labelling, the others from the segments.
    labelling: list = []
    segments = label(cut_designators(text, csl, only_with_publisher=True), labelling)
    if detail is not None and labelling:
        detail["labelling"] = labelling[0]
    return from_segments(segments, csl, detail)


def from_segments(
    segments: list[Segment], csl: dict | None = None, detail: dict | None = None
) -> tuple[dict, dict[str, float]]:
    """The CSL item labelled segments make (added to ``csl``), and for each
    variable the lowest marginal probability of its tokens. ``detail``, if
    given, receives for each variable the mean marginal of its tokens and
    its segment's ``spill`` (``Segment``), and under "" the lowest marginal
    of any token of the reference."""
    csl = {} if csl is None else csl
    detail = {} if detail is None else detail
    detail[""] = min((segment.confidence for segment in segments), default=1.0)
    confidence: dict[str, float] = {}
    for segment in segments:
        variable = LABEL_VARIABLES.get(segment.label)
        if not variable:
            continue
        text = segment.text
        if variable in ("title", "container-title", "note"):
            text = cut_designators(text, csl)
        if variable in ("note", "volume", "page"):
            _numbers(text, csl)
        if variable == "note":
            if "issued" not in csl and (date := _year_in(text)):
                csl["issued"] = date
            continue
        if variable in csl:
            if variable in NAME_VARIABLES:
                csl[variable] += _names(text)
            continue
        confidence[variable] = min(confidence.get(variable, 1.0), segment.confidence)
        detail[variable] = (segment.mean, segment.spill)
        if variable in NAME_VARIABLES:
            if names := _names(text):
                csl[variable] = names
        elif variable == "issued":
            if date := _year_in(text):
                csl["issued"] = date
        elif variable == "volume":
            _volume(text, csl)
        elif variable == "publisher" and (
            match := PLACE_PUBLISHER.match(strip_end(text))
        ):
            csl.setdefault("publisher-place", strip_end(match["place"]))
            csl["publisher"] = strip_end(match["publisher"])
        elif value := _value(variable, text):
            csl[variable] = value
    if "volume" in confidence:
        confidence.setdefault("issue", confidence["volume"])
        detail.setdefault("issue", detail["volume"])
    labels = {segment.label for segment in segments}
    if "title" not in csl and "container-title" in csl and "journal" not in labels:
        csl["title"] = csl.pop("container-title")  # a book's title, in italics
        confidence["title"] = confidence.pop("container-title")
        detail["title"] = detail.pop("container-title")
    if kind := _type(csl, labels):
        csl["type"] = kind
        # How sure the model is of the type: of the container that shows it
        # (a book read from a publisher alone has no such measure).
        if kind != "book":
            confidence["type"] = confidence.get("container-title", 1.0)
    return csl, confidence


def _type(csl: dict, labels: set[str]) -> str | None:
    """The type the labels show, or None where they show none (the caller
    then guesses, and says so)."""
    genre = csl.pop("genre", "")
    if genre_type(genre) == "thesis":
        return "thesis"
    if "journal" in labels:
        return "article-journal"
    container = csl.get("container-title", "")
    if container:
        if CONFERENCE.search(container):
            return "paper-conference"
        return "chapter"
    if genre_type(genre) == "report":
        return "report"
    if csl.get("publisher"):
        return "book"
    return None
