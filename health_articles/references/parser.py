"""Turn a pasted reference list into CSL-JSON items an editor then checks.

No pure-Python parser for free-text medical citations exists (anystyle is
Ruby, GROBID is Java), so this module reads a reference the way an editor
does:

1. identifiers first, by pattern: DOI, PMID, PMCID, ISBN and URL are reliable
   and are cut out of the text, as are notes that are not bibliographic data
   ("Epub 2013 Jan 8", "Accessed May 1, 2024", "[cited ...]");
2. then rules per family of citation styles, tried from the most to the least
   distinctive signal:

   - author-date with the year in brackets after the authors (APA 6/7,
     Harvard, Wiley: ``Family, I. (2004), Title. Journal, 51: 722-729.``),
   - Harvard with the year after a comma (``Family, I., 2002. Title. ...``),
   - a quoted title (MLA, Chicago),
   - an inverted first author with a full given name and no quotes (MLA and
     Chicago books),
   - otherwise the Vancouver family (NLM, AMA, BMJ, ICMJE): authors up to the
     first full stop, then a journal source ``Journal. YYYY Mon;V(I):p-p``, a
     chapter ``In: Editors, eds. Book. Place: Publisher; Year.``, a book or
     report ``Place: Publisher; Year``, or a web page.

Every reference in the input yields exactly one ``ParsedReference``, in input
order, whatever the parser made of it: the raw text is always kept and
``needs_review`` lists what the parser could not find or had to guess.
Plain Python with no Django imports.
"""

import re

from . import learned, review
from .csl import DEFAULT_TYPE
from .identifiers import IDENTIFIERS, checked
from .normalise import (
    DASH_CLASS,
    DASHES,
    LOWER,
    MONTH,
    NLM_DATE,
    ORG_CONNECTORS,
    PLACE_PUBLISHER,
    UPPER,
    YEAR,
    clean_space,
    cut_designators,
    expand_page_range,
    genre_type,
    nlm_date,
    parse_any_authors,
    parse_date,
    parse_inverted_authors,
    parse_natural_authors,
    parse_vancouver_authors,
    split_role,
    strip_end,
    strip_title,
)
from .parsed import ParsedReference, assign_ids, finish

# --------------------------------------------------------------------------
# Public API


def parse_references(text: str) -> list[ParsedReference]:
    """Parse a pasted reference list: one entry per reference, in input order."""
    parsed = [parse_reference(chunk) for chunk in split_references(text)]
    assign_ids(parsed)
    return parsed


# --------------------------------------------------------------------------
# Splitting a pasted list into references

# "1.", "12)", "[3]", "(4)" or a bullet at the start of a line.
LIST_MARKER = re.compile(
    r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)](?=\s)|[-*\u2022\u00b7\u25aa\u2023\u2013])\s*"
)


def _strip_marker(line: str) -> str:
    return LIST_MARKER.sub("", line, count=1).strip()


# Words that keep their hyphen when a line break follows it ("meta-\nanalysis");
# other words broken by a hyphen at a line's end are joined ("osteo-\narthritis").
HYPHENATED_PREFIXES = frozenset(
    [
        "anti",
        "co",
        "cross",
        "double",
        "evidence",
        "follow",
        "high",
        "long",
        "low",
        "meta",
        "mid",
        "multi",
        "non",
        "placebo",
        "post",
        "pre",
        "self",
        "short",
        "single",
        "well",
    ]
)


def _join_lines(lines: list[str]) -> str:
    joined = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        broken = re.search(r"(?:^|\W)([^\W\d_]+)[-\u00ad]$", joined)
        if broken and line[:1].islower():
            keep = broken.group(1).lower() in HYPHENATED_PREFIXES
            joined = (joined if keep else joined[:-1]) + line
        else:
            joined = f"{joined} {line}" if joined else line
    return joined


def _split_marked(lines: list[str]) -> list[list[str]]:
    """Group lines so that each list marker starts a new reference."""
    groups: list[list[str]] = []
    for line in lines:
        if LIST_MARKER.match(line) or not groups:
            groups.append([_strip_marker(line)])
        else:
            groups[-1].append(line)
    return groups


def split_references(text: str) -> list[str]:
    """Cut a pasted list into reference texts, list markers removed.

    With blank lines in the text each paragraph is a reference whose lines
    are joined (a reference may wrap); without, each line is one, unless the
    lines carry list markers, in which case an unmarked line continues the
    reference above it. Numbered lines inside a paragraph are split apart.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        return []
    first = lines.index(nonblank[0])
    last = len(lines) - lines[::-1].index(nonblank[-1])
    body = lines[first:last]
    if any(not line.strip() for line in body):
        paragraphs: list[list[str]] = [[]]
        for line in body:
            if line.strip():
                paragraphs[-1].append(line)
            elif paragraphs[-1]:
                paragraphs.append([])
        groups = []
        for paragraph in paragraphs:
            marked = sum(1 for line in paragraph if LIST_MARKER.match(line))
            if marked > 1:
                groups.extend(_split_marked(paragraph))
            else:
                groups.append([_strip_marker(paragraph[0]), *paragraph[1:]])
    elif any(LIST_MARKER.match(line) for line in nonblank):
        groups = _split_marked(nonblank)
    else:
        groups = []
        for line in nonblank:
            if groups and _continues(groups[-1][-1], line):
                groups[-1].append(line)
            else:
                groups.append([line])
    return [joined for group in groups if (joined := _join_lines(group))]


def _continues(previous: str, line: str) -> bool:
    """Whether, in a list of one reference a line, ``line`` carries on the
    reference of ``previous``: a paste that kept its wrapping.

    It does when it starts in lower case or with a digit (a source wrapped
    before "2014;66(3):622-36": references start with a name or a title,
    and list numbers are markers), or when the line above stops
    mid-sentence (on a letter or , ; : - &) and is not a short heading such
    as "References" or a line ending in a link.
    """
    previous, line = previous.strip(), line.strip()
    if line[:1].islower() or line[:1].isdigit():
        return True
    words = previous.split()
    if len(words) < 4 or re.match(r"(?:https?://|www\.|doi:|10\.\d)", words[-1]):
        return False
    return previous[-1].isalpha() or previous[-1] in ",;:-&" + DASHES


# --------------------------------------------------------------------------
# Sentences

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "st",
    "mt",
    "ft",
    "vs",
    "no",
    "nos",
    "vol",
    "vols",
    "pp",
    "p",
    "jr",
    "sr",
    "dr",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "d.c",
    "suppl",
    "pt",
    "fig",
    "approx",
    "inc",
    "ltd",
    "co",
}


def sentence_split(text: str) -> list[str]:
    """Split on ". ", "? " and "! " outside brackets, minding abbreviations.

    The "?" or "!" stays with its sentence; a full stop is dropped. A run of
    initials ("F. H. C. Crick") is not split.
    """
    pieces = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif (
            char in ".?!"
            and depth == 0
            and i + 1 < len(text)
            and text[i + 1] == " "
            and not _is_abbreviation(text, i)
        ):
            end = i + 1 if char in "?!" else i
            pieces.append(text[start:end].strip())
            start = i + 2
            i += 1
        i += 1
    pieces.append(strip_end(text[start:], ". "))
    return [piece for piece in pieces if piece]


def _is_abbreviation(text: str, index: int) -> bool:
    if text[index] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[max(0, index - 12) : index])
    if not word:
        return False
    token = word.group(1)
    if token.lower() in ABBREVIATIONS:
        return True
    # An initial followed by another initial: "F. H. C. Crick", "J. D., and".
    return bool(
        re.fullmatch(rf"[{UPPER}]", token)
        and re.match(
            rf" (?:[{UPPER}]\.|[{UPPER}][{LOWER}]*,)", text[index + 1 : index + 5]
        )
    )


# --------------------------------------------------------------------------
# Identifiers and notes, cut out of the text before the style rules run

DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"]+)")
DOI_LABEL = re.compile(
    r"(?:\bdoi\s*:?\s*|\bhttps?://(?:dx\.)?doi\.org/|\b(?:dx\.)?doi\.org/)$",
    re.IGNORECASE,
)
PMID_IN_TEXT = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
PMCID_IN_TEXT = re.compile(r"\b(?:PMCID\s*:?\s*)?(PMC\s?\d{3,9})\b", re.IGNORECASE)
ISBN_IN_TEXT = re.compile(
    r"\bISBN(?:-1[03])?\s*:?\s*((?:\d[\s-]?){9}[\dXx](?:[\s-]?\d){0,3})"
    r"(?:\s*\((?:print|electronic|online|e-?book|pbk|hbk|paperback|hardcover)[^)]*\))?",
    re.IGNORECASE,
)
URL_IN_TEXT = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
URL_LABEL = re.compile(
    r"(?:\b(?:Available\s+(?:from|at|online)|URL|Retrieved(?:\s+[^,]{3,25},\s*\d{4},)?"
    r"\s+from)\s*:?\s*)$",
    re.IGNORECASE,
)
DATE_TEXT = (
    rf"(?:{MONTH}\s+\d{{1,2}},?\s+{YEAR}|\d{{1,2}}\s+{MONTH},?\s+{YEAR}"
    rf"|{MONTH},?\s+{YEAR}|{YEAR}-\d{{2}}-\d{{2}}"
    rf"|{YEAR}(?:\s+{MONTH}(?:\s+\d{{1,2}}\b)?)?)"
)
ACCESSED = re.compile(
    r"(?P<open>[(\[])?\s*\b(?:accessed|cited|retrieved|viewed)(?:\s+on)?\s*:?\s*"
    rf"(?P<date>{DATE_TEXT})\s*[)\]]?",
    re.IGNORECASE,
)
# "[updated 2002 May 16; cited 2002 Jul 9]": the update note goes, the
# bracket stays open for the access date when one follows.
UPDATED = re.compile(
    r"[\[(]\s*(?:updated|modified|revised)\s+[^\]);]*(?:(?P<sep>;)\s*|[\])])",
    re.IGNORECASE,
)
PUBLISHED = re.compile(
    r"\b(?:Published(?:\s+online)?|Updated|Last\s+updated|Last\s+reviewed)\s*:?\s*"
    rf"(?P<date>{DATE_TEXT})\.?",
    re.IGNORECASE,
)
EPUB = re.compile(
    r"\[?\bEpub(?:lished)?\b(?:\s+ahead\s+of\s+print)?\]?\s*"
    rf"(?:{YEAR}(?:\s+{MONTH}(?:\s+\d{{1,2}})?)?)?\.?",
    re.IGNORECASE,
)
# Where an identifier or note was cut out: a sentence break (HOLE) or, for a
# bracketed note inside a sentence ("2004 [cited 2021 Jan 5];6(3)"), nothing.
HOLE = "\x00"
INLINE = "\x01"


def _trim_identifier(value: str) -> str:
    """Drop trailing punctuation and unbalanced closing brackets, including
    the closing angle bracket of a link (<https://doi.org/…>); the patterns
    that find identifiers never start with one."""
    while True:
        value = value.rstrip(".,;:")
        unbalanced = (
            (value.endswith(")") and value.count(")") > value.count("("))
            or (value.endswith("]") and value.count("]") > value.count("["))
            or (value.endswith(">") and value.count(">") > value.count("<"))
        )
        if not unbalanced:
            return value
        value = value[:-1]


def _cut(text: str, start: int, end: int, hole: str = HOLE) -> str:
    return text[:start] + hole + text[end:]


def _take(variable: str, value: str, csl: dict, review: list[str]) -> None:
    if variable not in csl:
        csl[variable] = checked(variable, value, review)


def extract_identifiers(text: str, csl: dict, review: list[str]) -> str:
    """Move identifiers, URLs and dates of access or publication into ``csl``
    and return the rest of the text, closed up around the holes."""
    # URLs first, so that a DOI or PMCID inside a link stays in the link;
    # a doi.org link is a DOI, not a URL.
    for match in reversed(list(URL_IN_TEXT.finditer(text))):
        url = _trim_identifier(match.group(0))
        if DOI_URL.match(url):
            continue
        label = URL_LABEL.search(text[: match.start()])
        csl.setdefault("URL", url)
        text = _cut(
            text, label.start() if label else match.start(), match.start() + len(url)
        )
    for match in reversed(list(DOI_IN_TEXT.finditer(text))):
        doi = _trim_identifier(match.group(1))
        label = DOI_LABEL.search(text[: match.start()])
        _take("DOI", doi, csl, review)
        text = _cut(
            text, label.start() if label else match.start(), match.start() + len(doi)
        )
    for pattern, key in ((PMID_IN_TEXT, "PMID"), (PMCID_IN_TEXT, "PMCID")):
        normalise = IDENTIFIERS[key].normalise
        for match in reversed(list(pattern.finditer(text))):
            try:
                csl.setdefault(key, normalise(match.group(1).replace(" ", "")))
            except ValueError:
                continue
            text = _cut(text, match.start(), match.end())
    for match in reversed(list(ISBN_IN_TEXT.finditer(text))):
        _take("ISBN", re.sub(r"[\s-]", "", match.group(1)), csl, review)
        text = _cut(text, match.start(), match.end())
    if url := csl.get("URL"):
        if match := DOI_IN_TEXT.search(url):
            _take("DOI", _trim_identifier(match.group(1)), csl, review)
        if match := re.search(r"/(PMC\d{3,9})\b", url):
            _take("PMCID", match.group(1), csl, review)
    text = UPDATED.sub(lambda m: "[" if m["sep"] else "", text)
    for match in reversed(list(ACCESSED.finditer(text))):
        if date := parse_date(match["date"]):
            csl.setdefault("accessed", date)
            # A bracketed note sits inside a sentence; a bare one is its own.
            text = _cut(
                text, match.start(), match.end(), INLINE if match["open"] else HOLE
            )
    text = re.sub(r"\[\s*\]|\(\s*\)", "", text)
    for match in reversed(list(PUBLISHED.finditer(text))):
        if date := parse_date(match["date"]):
            csl.setdefault("_published", date)
            text = _cut(text, match.start(), match.end())
    text = EPUB.sub(HOLE, text)
    text = re.sub(r"\s+(?=[.,;](?:\s|$))", "", text)
    # Close up the holes with the punctuation around them.
    text = re.sub(r"\s*[.,;:]*\s*(?:" + HOLE + r"\s*[.,;:]*\s*)+", ". ", text)
    text = re.sub(r"\s*[;,:]?\s*" + INLINE + r"\s*(?=\.|$)", "", text)
    text = re.sub(r"\s*" + INLINE, "", text)
    return strip_end(clean_space(text), " ;,:").rstrip(". ") + "."


# --------------------------------------------------------------------------
# Pieces of the source: journal, publisher, chapter

# "2013 Apr;21(4):525-34", "2019; 364 :l185", "2003;(417):112-20",
# "2015;74:164-169", "2002 Jul 25;347(4):284-7", "2020 Oct-Dec;36(4):450-457".
NLM_SOURCE = re.compile(
    NLM_DATE.pattern
    + r"\s*(?:;\s*(?P<volume>[^\s():;][^():;]*?)?\s*(?:\((?P<issue>[^)]*)\))?"
    r"\s*(?::\s*(?P<page>[^;\s][^;]*?))?)?\s*\.?$"
)
# ", 83(3), 295-301." (APA), ", 51: 722-729." (Wiley), ", 34(2), pp. 187-220."
AUTHOR_DATE_SOURCE = re.compile(
    r"[,.]\s*(?:vol\.\s*)?(?P<volume>\d+[A-Za-z]?)\s*(?:\((?P<issue>[^)]+)\))?"
    r"\s*(?:[,:]\s*(?:pp?\.\s*|Article\s+)?(?P<page>[A-Za-z]?\d+[A-Za-z]?"
    r"(?:\s*" + DASH_CLASS + r"\s*[A-Za-z]?\d+)?))?\s*\.?$"
)
# "Qualitative Research in Psychology 3, no. 2 (2006): 77-101." (Chicago)
CHICAGO_SOURCE = re.compile(
    r"^(?P<container>.+?),?\s+(?:(?P<volume>\d+[A-Za-z]?)\s*)?(?:,?\s*no\.\s*(?P<issue>[\w-]+))?"
    r"\s*\((?:[A-Za-z.]+\s+)?(?:\d{1,2},?\s+)?(?P<year>" + YEAR + r")\)"
    r"(?:\s*:\s*(?P<page>[^\s.,]+))?\s*\.?$"
)
PLACE = re.compile(
    r"^(?:St\.\s|Ft\.\s|Mt\.\s)?[A-Z][\w.'\u2019-]*(?:\s[A-Z][\w.'\u2019-]*){0,3}"
    r"(?:,\s?[A-Z][\w.]*){0,2}(?:\s?\([^)]{1,20}\))?$"
)
# "New York: McGraw-Hill; 2002", "Chicago: University of Chicago Press, 1962",
# "Treasure Island (FL): StatPearls Publishing; 2022 Jan-", "Mosby; 2002:93-113".
PUBLISHER_SEGMENT = re.compile(
    r"^(?:(?P<place>[^:;]+?)\s*:\s*)?(?P<publisher>[^:;]+?)\s*[;,]\s*"
    r"(?P<date>(?:c|\u00a9)?\s*" + YEAR + r"[^:;]*?)"
    r"(?:\s*[:;.,]\s*(?:pp?\.\s*)?(?P<page>\d+\s*" + DASH_CLASS + r"\s*\d+))?$"
)
EDITION = re.compile(
    r"^(?:(?P<n>\d+)(?:st|nd|rd|th)|(?P<word>Rev(?:ised)?|New|Expanded))"
    r"\s+(?:ed|edn|edition)\.?$",
    re.IGNORECASE,
)
EDITION_IN_TITLE = re.compile(
    r"\s*\((?P<n>\d+)(?:st|nd|rd|th)\s+(?:ed|edn)\.?(?:,\s*(?P<more>[^)]*))?\)\s*$",
    re.IGNORECASE,
)
# NLM's series statement: "(WHO technical report series; no. 894)".
SERIES_SEGMENT = re.compile(
    r"^\((?P<series>[^()]+?)[;,]?\s+(?:no\.|number|vol\.)\s*(?P<number>[\w-]+)\)$",
    re.IGNORECASE,
)
PUBLISHER_YEAR = re.compile(r"^(?P<publisher>[^,;:]+),\s*(?P<year>" + YEAR + r")$")
PAGES_SEGMENT = re.compile(
    r"^(?:pp?\.\s*)?(?P<page>[A-Za-z]?\d+\s*" + DASH_CLASS + r"\s*[A-Za-z]?\d+)$"
)
DATE_ONLY = re.compile(r"^" + NLM_DATE.pattern + r"\s*" + DASH_CLASS + r"?$")
DOCUMENT_NUMBER = re.compile(
    r"\[?\b(?P<number>[A-Z]{1,6}[\s-]?\d{1,5}[A-Za-z]?)\]?\s*$"
)
GENRE_WORDS = re.compile(
    r"\b(?:guidelines?|report|technical|working paper|policy|briefing|"
    r"white paper|bulletin|series|standard)\b",
    re.IGNORECASE,
)
# Words that tell a journal's name from a publisher's when nothing else does
# ("Title. Cochrane Database of Systematic Reviews." vs "Title. Wiley.").
JOURNAL_WORDS = re.compile(
    r"\b(?:journal|review|reviews|annals|archives|bulletin|proceedings|"
    r"transactions|letters|quarterly|database|reports|research|medicine|"
    r"acta|clinical|therapy|surgery)\b",
    re.IGNORECASE,
)
PUBLISHER_WORDS = re.compile(
    r"\b(?:press|publishing|publishers?|publications|books|inc|ltd|llc|gmbh|"
    r"company|sons|verlag|editions|house|wiley|springer|elsevier|sage|"
    r"routledge|mcgraw)\b",
    re.IGNORECASE,
)
INTERNET = re.compile(r"\s*\[(?:Internet|online|Online|serial online)\]")


def _set(csl: dict, key: str, value) -> None:
    if value not in (None, "", [], {}):
        csl[key] = value


def _clean_container(text: str) -> str:
    return strip_end(INTERNET.sub("", text), ".,;: ")


def _publisher_segment(segment: str) -> dict | None:
    """Place, publisher, date and pages of "Place: Publisher; Year[: pages]"."""
    match = PUBLISHER_SEGMENT.match(segment)
    if not match:
        return None
    place = match["place"]
    if place and not PLACE.match(place.strip()):
        return None
    publisher = match["publisher"].strip()
    if not place and not (";" in segment or PUBLISHER_WORDS.search(publisher)):
        # "Journal, 2005" is not a publisher; require ";" or a publisher word.
        return None
    return {
        "publisher-place": (place or "").strip(),
        "publisher": publisher,
        "issued": parse_date(match["date"]),
        "page": expand_page_range(match["page"]) if match["page"] else "",
    }


def _fill_book(csl: dict, segments: list[str], review: list[str]) -> None:
    """Title, edition, genre/number, publisher, place, date and pages of a
    book, report or web page from the sentences after its authors."""
    segments = list(segments)
    if segments and (match := PAGES_SEGMENT.match(segments[-1])):
        _set(csl, "page", expand_page_range(match["page"]))
        segments.pop()
    if len(segments) > 1 and (match := SERIES_SEGMENT.match(segments[-1])):
        _set(csl, "collection-title", strip_end(match["series"], " ;,"))
        _set(csl, "number", match["number"])
        segments.pop()
    publisher = None
    for index in range(len(segments) - 1, 0, -1):
        publisher = _publisher_segment(segments[index])
        if publisher:
            segments = segments[:index] + segments[index + 1 :]
            break
    if publisher is None and len(segments) > 1:
        last = segments[-1]
        match = PLACE_PUBLISHER.match(last)
        if match and PLACE.match(match["place"].strip()):
            publisher = {
                "publisher-place": match["place"].strip(),
                "publisher": match["publisher"].strip(),
            }
            segments.pop()
        elif match := PUBLISHER_YEAR.match(last):
            # "Publisher, Year" ends MLA books and some publishers' own forms.
            publisher = {
                "publisher": match["publisher"].strip(),
                "issued": parse_date(match["year"]),
            }
            segments.pop()
    if publisher:
        for key, value in publisher.items():
            if key == "issued":
                if value and "issued" not in csl:
                    csl["issued"] = value
            elif key == "page":
                if value and "page" not in csl:
                    csl["page"] = value
            else:
                _set(csl, key, value)
    titles = []
    for segment in segments:
        if match := EDITION.match(segment):
            _set(csl, "edition", match["n"] or match["word"])
        elif len(segment.split()) <= 5 and (number := DOCUMENT_NUMBER.search(segment)):
            _set(csl, "number", number["number"])
            _set(csl, "genre", strip_end(segment[: number.start()], " ,.[("))
        elif DATE_ONLY.match(segment) and titles:
            if "issued" not in csl:
                csl["issued"] = parse_date(segment)
        else:
            titles.append(segment)
    title = " ".join(
        strip_title(t) + ("." if t[-1] not in "?!" else "") for t in titles
    )
    title = strip_title(INTERNET.sub("", title))
    if match := EDITION_IN_TITLE.search(title):
        _set(csl, "edition", match["n"])
        title = title[: match.start()]
    _set(csl, "title", strip_title(title))
    if len(titles) > 1:
        review.append("title: several sentences taken as the title")


# --------------------------------------------------------------------------
# One reference

# Longer texts are not one reference (the longest real ones, with 30 authors
# written out, run to about 1,500 characters); the rules are not run on them.
MAX_REFERENCE_LENGTH = 4000
MAX_AUTHORS_LENGTH = 2000


def parse_reference(text: str, inputs: dict | None = None) -> ParsedReference:
    """Parse one reference's text (already cut from its list).

    Never raises: should a rule fail on unforeseen text, the reference is
    kept with its raw text and the failure in ``needs_review``. ``inputs``,
    if given, receives the review model's inputs (``choose``).
    """
    raw = text.strip()
    try:
        return _parse_reference(raw, inputs)
    except Exception as error:  # a rule's bug must not lose the reference
        review = [f"type: parser failed ({type(error).__name__}: {error})"]
        return finish({"type": DEFAULT_TYPE}, review, raw, "error")


def _parse_reference(raw: str, inputs: dict | None = None) -> ParsedReference:
    text = clean_space(raw)
    if len(text) > MAX_REFERENCE_LENGTH:
        review = ["type: text too long to be one reference; not parsed"]
        return finish({"type": DEFAULT_TYPE}, review, raw, "none")
    # BMJ's "cite this" text pasted without its formatting runs "et al" into
    # the title ("Krommes K, et alFemoroacetabular"), and PDFs lose the space
    # after an initial ("Bierma-Zeinstra S.Osteoarthritis"): restore them.
    text = re.sub(r"\bet al\.?(?=[A-Z])", "et al. ", text)
    identifiers: dict = {}
    noted: list[str] = []
    body = LOST_SPACE.sub(r"\1. ", extract_identifiers(text, identifiers, noted))
    designated: dict = {}
    # The rules read "[Internet]" themselves (a web page); other brackets that
    # say what a reference is ("[dissertation]", "[Preprint]") are cut out.
    plain = cut_designators(body, designated, keep=("internet", "online"))
    rules = _read_by_rules(plain, dict(identifiers), list(noted), raw)
    if genre_type(designated.get("genre", "")) == "thesis":
        rules.csl["type"] = "thesis"
        rules.csl.setdefault("publisher", designated.get("publisher"))
        rules.needs_review = [e for e in rules.needs_review if not e.startswith("type")]
    detail: dict = {}
    model, confidence = learned.read(body, detail)
    return choose(
        rules, model, confidence, identifiers, noted, raw, detail, inputs, body
    )


# Preprint servers, printed where a journal goes ("arXiv.", "medRxiv
# [Preprint].", "arXiv:2005.14165"): the server is the container.
SERVER = (
    r"(?:arXiv|medRxiv|bioRxiv|ChemRxiv|PsyArXiv|SocArXiv|EarthArXiv|TechRxiv"
    r"|SSRN|Research Square|Preprints\.org|OSF Preprints|Authorea)"
)
SERVER_AFTER_TITLE = re.compile(r"^(?P<title>.+?)[.?!]\s+(?P<server>" + SERVER + r")$")
SERVER_IN_TEXT = re.compile(r"\b(?P<server>" + SERVER + r")\b(?=\s*(?:\[|[.:]|$))")


def preprint_server(csl: dict, body: str) -> bool:
    """A preprint's server as its container, cut from a title or a container
    it was read into with the title; whether one was found."""
    found = False
    for variable in ("container-title", "title"):
        if match := SERVER_AFTER_TITLE.match(csl.get(variable, "")):
            if (
                variable == "container-title"
                and not csl.get("title")
                or variable == "title"
            ):
                csl["title"] = match["title"]
            csl["container-title"] = match["server"]
            found = True
    if not csl.get("container-title") and (match := SERVER_IN_TEXT.search(body)):
        csl["container-title"] = match["server"]
        if csl.get("type") in ("book", "webpage", None):
            csl["type"] = DEFAULT_TYPE
        if csl.get("publisher") == match["server"]:
            del csl["publisher"]
        found = True
    return found


# What a reader says of a preprint's container and type before its server
# is found: no longer so once it is (a preprint is a journal article whose
# container is its server).
PREPRINT_SETTLES = ("container-title: none found", "type: guessed article-journal")


# A full stop after initials and before a capitalised word, without its
# space ("Bierma-Zeinstra S.Osteoarthritis", "Altman DG.Statistical").
LOST_SPACE = re.compile(rf"(\b[{UPPER}]{{1,3}})\.(?=[{UPPER}][{LOWER}]{{2,}})")


def _read_by_rules(body: str, csl: dict, review: list[str], raw: str):
    style = ""
    for parser in (
        _parse_author_date,
        _parse_harvard_comma_year,
        _parse_quoted_title,
        _parse_inverted_book,
        _parse_vancouver,
    ):
        if style := parser(body, csl, review):
            break
    if not style:
        style = _parse_fallback(body, csl, review)
    published = csl.pop("_published", None)
    if published and "issued" not in csl:
        csl["issued"] = published
    return finish(csl, review, raw, style)


# -- Choosing between the rules and the model

# The model overrules a gap the rules left when it is at least this sure of
# the field (the marginal probability of its least sure token). Which fields
# ``needs_review`` names beyond the readers' own doubts is the review
# model's call (``review.py``).
OVERRULES = 0.8


# Where the model, at least OVERRULES_READING sure of each, reads this many of
# these otherwise, the rules' reading is not kept.
STRUCTURE = ("author", "title", "container-title", "type", "issued")
OVERRULES_READING = 0.9


def _broke(rules: ParsedReference, model: dict, confidence: dict) -> bool:
    """Whether the rules lost the reference's structure: their style did
    not fit, they took several sentences as the title, they found no author,
    year, container, volume or type where the model found one and was not
    unsure of it, or the model reads three of its main parts otherwise."""
    if rules.style in ("unrecognised", "error"):
        return True
    otherwise = [
        variable
        for variable in STRUCTURE
        if variable in model
        and confidence.get(variable, 0.0) >= OVERRULES_READING
        and _key(variable, rules.csl.get(variable)) != _key(variable, model[variable])
    ]
    if len(otherwise) >= 3:
        return True
    for entry in rules.needs_review:
        variable, _, reason = entry.partition(":")
        if "several sentences" in reason:
            return True
        sure = variable in model and confidence.get(variable, 1.0) >= OVERRULES
        if sure and ("none found" in reason or "no year" in reason):
            return True
        if variable == "type" and "guessed" in reason and "type" in model:
            return True
    return False


def _key(variable: str, value) -> object:
    """What two readings of a variable are compared by."""
    if variable in ("author", "editor"):
        return tuple(
            clean_space(name.get("family", name.get("literal", ""))).casefold()
            for name in value or ()
        )
    if variable == "issued":
        parts = (value or {}).get("date-parts") or [[None]]
        return tuple(parts[0][:2])
    return strip_end(DASHES_RE.sub("-", clean_space(str(value or "")))).casefold()


DASHES_RE = re.compile(DASH_CLASS)


def choose(
    rules: ParsedReference,
    model: dict,
    confidence: dict[str, float],
    identifiers: dict,
    noted: list[str],
    raw: str,
    detail: dict | None = None,
    inputs: dict | None = None,
    body: str = "",
) -> ParsedReference:
    """The rules' reading where they kept the structure (they normalise
    medical styles best), else the model's, with the identifiers read by
    pattern and a preprint's server found in ``body`` (``preprint_server``);
    ``needs_review`` names what either reader doubts, and the fields the
    review model (``review.py``) finds likely to be wrong. ``inputs``, if
    given, receives that model's inputs for each variable."""
    if _broke(rules, model, confidence):
        chosen = finish({**identifiers, **model}, list(noted), raw, "learned")
    else:
        chosen = rules
    if preprint_server(chosen.csl, body):
        chosen.needs_review = [
            entry
            for entry in chosen.needs_review
            if not entry.startswith(PREPRINT_SETTLES)
        ]
    _doubt(chosen, rules, model, confidence, detail or {}, inputs, noted)
    return chosen


def _doubt(
    chosen: ParsedReference,
    rules: ParsedReference,
    model: dict,
    confidence: dict[str, float],
    detail: dict,
    inputs: dict | None,
    noted: list[str],
) -> None:
    """Name in ``chosen.needs_review`` the fields not yet named there that
    the review model doubts (``review.doubted``)."""
    model_kept = chosen.style == "learned"
    flagged = {entry.split(":")[0] for entry in chosen.needs_review}
    rules_doubt = [entry for entry in rules.needs_review if entry not in noted]
    text = clean_space(chosen.raw_text)
    for entry in review.shape_doubts(chosen.csl, text):
        if entry.split(":")[0] not in flagged:
            chosen.needs_review.append(entry)
            flagged.add(entry.split(":")[0])
    differ = {
        variable
        for variable in review.COMPARED
        if variable in rules.csl
        and variable in model
        and _key(variable, rules.csl[variable]) != _key(variable, model[variable])
    }
    likely: dict[str, float] = {}
    spills: dict[str, float] = {}
    labelling = detail.get("labelling")
    seen = review.reading(chosen.csl, text, labelling)
    for variable in review.VARIABLES:
        if variable in flagged:
            continue
        measured = "container-title" if variable == "type" else variable
        mean, spill = detail.get(measured, (1.0, 0.0))
        values = review.features(
            variable,
            result=chosen.csl,
            rules=rules.csl,
            model=model,
            model_kept=model_kept,
            agree=variable not in differ,
            confidence=confidence.get(variable, 1.0),
            mean=mean,
            spill=spill,
            lowest=detail.get("", 1.0),
            labelling=labelling,
            others_differ=len(differ - {variable}),
            style=rules.style,
            rules_doubt=bool(rules_doubt),
            seen=seen,
        )
        if inputs is not None:
            inputs[variable] = values
        likely[variable] = review.probability(variable, values)
        spills[variable] = spill
    doubted = review.doubted(likely, bool(flagged))
    for variable in review.VARIABLES:
        if variable in doubted:
            reason = _reason(
                variable,
                chosen.csl,
                model,
                model_kept,
                confidence,
                spills[variable],
                likely[variable],
            )
            chosen.needs_review.append(f"{variable}: {reason}")


def _shown(variable: str, value) -> str:
    """A reading of a variable as an editor would write it, shortened."""
    if variable in ("author", "editor"):
        families = [n.get("family", n.get("literal", "")) for n in value or ()]
        text = ", ".join(families[:3]) + (" ..." if len(families) > 3 else "")
    elif variable == "issued":
        parts = (value or {}).get("date-parts") or [[]]
        text = "-".join(str(part) for part in parts[0][:2])
    else:
        text = clean_space(str(value))
    return f"\u201c{text[:57] + '...' if len(text) > 60 else text}\u201d"


def _reason(
    variable: str,
    result: dict,
    other: dict,
    model_kept: bool,
    confidence: dict,
    spill: float,
    likely: float,
) -> str:
    """Why a field is doubted, in plain words: how the learned model reads
    it where the rules' reading is kept, else how unsure the model is."""
    if not model_kept and variable in other:
        shown = _shown(variable, other[variable])
        if variable not in result:
            return f"none found, but the learned model reads {shown}"
        if _key(variable, other[variable]) != _key(variable, result[variable]):
            return f"the learned model reads it as {shown}"
    if not model_kept and variable in result and variable not in other:
        return "the learned model does not find it in the text"
    if variable not in result:
        return "none found; check whether the reference gives one"
    sure = confidence.get("container-title" if variable == "type" else variable)
    if sure is not None and sure < 0.9:
        where = " where it ends" if spill > 0.3 else ""
        return f"the learned model is only {sure:.0%} sure of it{where}"
    return (
        f"may be wrong ({likely:.0%} likely): "
        "the learned model is unsure of this reference"
    )


# -- author-date: "Authors (YYYY). Title. Journal, V(I), p-p."

AUTHOR_DATE_YEAR = re.compile(
    r"\s*\((?:(?P<year>" + YEAR + r")[a-z]?(?:,\s*(?P<more>[^)]{1,30}))?"
    r"|(?P<nd>n\.\s?d\.?|no date|undated))\)\s*[.,:]?\s*",
    re.IGNORECASE,
)


def _parse_author_date(body: str, csl: dict, review: list[str]) -> str:
    for match in AUTHOR_DATE_YEAR.finditer(body):
        head = body[: match.start()]
        if not head or len(head) > min(0.85 * len(body), MAX_AUTHORS_LENGTH):
            return ""
        authors = parse_inverted_authors(head) or parse_vancouver_authors(head)
        if not authors:
            continue
        csl["author"] = authors
        if match["year"]:
            date = parse_date(f"{match['more'] or ''} {match['year']}")
            _set(csl, "issued", date or parse_date(match["year"]))
        _parse_title_and_source(body[match.end() :], csl, review)
        return "author-date"
    return ""


HARVARD_COMMA_YEAR = re.compile(
    r"^(?P<authors>.+?),\s*(?P<year>" + YEAR + r")[a-z]?\.\s+"
)


def _parse_harvard_comma_year(body: str, csl: dict, review: list[str]) -> str:
    match = HARVARD_COMMA_YEAR.match(body)
    if not match:
        return ""
    authors = parse_inverted_authors(match["authors"])
    if not authors:
        return ""
    csl["author"] = authors
    csl["issued"] = parse_date(match["year"])
    _parse_title_and_source(body[match.end() :], csl, review)
    return "harvard"


# "Title. In E. Editor & F. Editor (Eds.), Book (2nd ed., pp. 1-9). Publisher."
# The book title ends at the bracketed details when there are some (it may
# hold full stops itself: "Handbook: Vol. 1. Theory"), else at the last stop.
APA_CHAPTER_HEAD = (
    r"^(?P<title>.+?[.?!])\s+In:?\s+(?:(?P<editors>[^()]+?)\s*"
    r"\((?:Eds?|eds?|Editors?|editors?)\.?\),?\s*)?"
)
APA_CHAPTER = [
    re.compile(
        APA_CHAPTER_HEAD + r"(?P<book>.+?)\s*"
        r"\((?P<details>[^()]*?(?:pp?\.|ed\.|Vol\.)[^()]*)\)\.\s*(?P<rest>.*)$"
    ),
    re.compile(APA_CHAPTER_HEAD + r"(?P<book>.+)\.\s+(?P<details>)(?P<rest>[^.]*)$"),
]
CLOSING_QUOTE = {"'": "'", "\u2018": "\u2019", '"': '"', "\u201c": "\u201d"}


def _split_quoted(text: str) -> tuple[str, str] | None:
    """("Title", "rest") for text starting with a quoted title."""
    text = text.strip()
    if not text or text[0] not in CLOSING_QUOTE:
        return None
    close = CLOSING_QUOTE[text[0]]
    # For straight single quotes, the closing one is followed by , or .
    pattern = re.escape(close) + (r"(?=[,.\s]|$)" if close == "'" else "")
    match = re.search(pattern, text[1:])
    if not match:
        return None
    end = match.start() + 1
    return strip_title(text[1:end]), strip_end(text[end + 1 :], " ,.")


def _parse_title_and_source(rest: str, csl: dict, review: list[str]) -> None:
    """After author and year (APA, Harvard, Wiley): title, then the source."""
    rest = rest.strip()
    quoted = _split_quoted(rest)
    if quoted:
        title, source = quoted
        _set(csl, "title", title)
        if _in_source(source, csl, review):
            return
        if match := AUTHOR_DATE_SOURCE.search(", " + source):
            _set(csl, "container-title", strip_end(source[: max(match.start() - 2, 0)]))
            _journal_numbers(csl, match)
            csl["type"] = "article-journal"
            return
        _book_or_page(csl, sentence_split(source), review)
        return
    for pattern in APA_CHAPTER:
        if match := pattern.match(rest):
            _apa_chapter(csl, match, review)
            return
    if (match := AUTHOR_DATE_SOURCE.search(rest)) and match.start() > 0:
        head = rest[: match.start()]
        sentences = sentence_split(head + ".")
        if len(sentences) >= 2:
            _set(csl, "title", strip_title(" ".join(_rejoin(sentences[:-1]))))
            _set(csl, "container-title", strip_end(sentences[-1]))
            _journal_numbers(csl, match)
            csl["type"] = "article-journal"
            return
    sentences = sentence_split(rest)
    if not sentences:
        return
    title, *others = sentences
    other = strip_end(others[0]) if len(others) == 1 else ""
    place = PLACE_PUBLISHER.match(other)
    if (
        other
        and not csl.get("URL")
        and not _publisher_segment(other)
        and not (place and PLACE.match(place["place"].strip()))
    ):
        # "Title. Something.": a journal without volume (a Cochrane review),
        # or the publisher of a book. Words in the name decide; else a guess.
        if JOURNAL_WORDS.search(other) and not PUBLISHER_WORDS.search(other):
            csl["type"] = "article-journal"
            _set(csl, "title", strip_title(title))
            _set(csl, "container-title", other)
            review.append("volume: none found for a journal article")
            return
        if not PUBLISHER_WORDS.search(other) and not EDITION_IN_TITLE.search(title):
            review.append("type: guessed book (publisher or journal?)")
    _book_or_page(csl, sentences, review)


def _rejoin(sentences: list[str]) -> list[str]:
    """Put back the full stops sentence_split removed inside a title."""
    return [s if s[-1:] in "?!" else s + "." for s in sentences[:-1]] + sentences[-1:]


def _journal_numbers(csl: dict, match: re.Match) -> None:
    _set(csl, "volume", (match["volume"] or "").strip())
    _set(csl, "issue", (match["issue"] or "").strip())
    if match["page"]:
        _set(csl, "page", expand_page_range(match["page"]))


def _apa_chapter(csl: dict, match: re.Match, review: list[str]) -> None:
    csl["type"] = "chapter"
    _set(csl, "title", strip_title(match["title"]))
    if match["editors"]:
        _set(csl, "editor", parse_natural_authors(match["editors"]))
    book = strip_end(match["book"])
    if volume := re.match(
        r"^(?P<book>.+?):\s*Vol\.\s*(?P<v>\w+)\.?\s*(?P<vt>.*)$", book
    ):
        book = volume["book"]
        _set(csl, "volume", volume["v"])
        _set(csl, "volume-title", strip_title(volume["vt"]))
    _set(csl, "container-title", book)
    details = match["details"] or ""
    if edition := re.search(r"(\d+)(?:st|nd|rd|th)\s+ed", details):
        _set(csl, "edition", edition.group(1))
    if volume := re.search(r"Vol\.\s*(\w+)", details):
        _set(csl, "volume", volume.group(1))
    if pages := re.search(r"pp?\.\s*([\w" + DASHES + r"-]+)", details):
        _set(csl, "page", expand_page_range(pages.group(1)))
    _publisher_from(match["rest"], csl)


TRAILING_PAGES = re.compile(
    r"[,:]?\s*pp?\.\s*(?P<page>[A-Za-z]?\d+\s*" + DASH_CLASS + r"\s*[A-Za-z]?\d+)\.?$"
)


def _publisher_from(text: str, csl: dict) -> None:
    """Publisher, place, year and pages from the end of a chapter's source:
    "London: Routledge, pp. 10-20", "New York: Wiley; 2010", "Wiley"."""
    text = strip_end(text)
    if match := TRAILING_PAGES.search(text):
        _set(csl, "page", expand_page_range(match["page"]))
        text = strip_end(text[: match.start()])
    if publisher := _publisher_segment(text):
        for key, value in publisher.items():
            if value and key not in csl:
                csl[key] = value
        return
    place = PLACE_PUBLISHER.match(text)
    if place and PLACE.match(place["place"].strip()):
        _set(csl, "publisher-place", place["place"].strip())
        _set(csl, "publisher", place["publisher"].strip())
    elif text:
        _set(csl, "publisher", text)


IN_EDITORS = re.compile(
    r"^(?P<names>[^()]+?)\s*\((?:eds?|editors?|Hrsg)\.?\)[,.]?\s*", re.IGNORECASE
)
EDITED_BY = re.compile(
    r",\s*edited by\s+(?P<names>.+?)"
    r"(?:,\s*(?:pp?\.\s*)?(?P<page>\d+\s*" + DASH_CLASS + r"\s*\d+))?$"
)


def _in_source(source: str, csl: dict, review: list[str]) -> bool:
    """A chapter's source after its title: Harvard "in Jones, K. (ed.) Book.
    London: Routledge, pp. 10-20" or Chicago "In Book, edited by P. Smith,
    57-71. London: Sage, 2019"."""
    match = re.match(r"^in:?\s+", source, re.IGNORECASE)
    if not match:
        return False
    csl["type"] = "chapter"
    rest = source[match.end() :]
    if editors := IN_EDITORS.match(rest):
        names = editors["names"]
        _set(csl, "editor", parse_any_authors(names) or parse_natural_authors(names))
        rest = rest[editors.end() :]
    sentences = sentence_split(rest)
    if not sentences:
        return True
    book = sentences[0]
    if edited := EDITED_BY.search(book):
        _set(csl, "editor", parse_natural_authors(edited["names"]))
        if edited["page"]:
            _set(csl, "page", expand_page_range(edited["page"]))
        book = book[: edited.start()]
    _set(csl, "container-title", _clean_container(book))
    if len(sentences) > 1:
        _publisher_from(" ".join(sentences[1:]), csl)
    return True


def _book_or_page(csl: dict, sentences: list[str], review: list[str]) -> None:
    """A book, report or web page from its title and publication sentences."""
    if not sentences:
        return
    has_publisher = any(
        _publisher_segment(s) or PLACE_PUBLISHER.match(s) for s in sentences[1:]
    )
    if csl.get("URL") and not has_publisher and not csl.get("ISBN"):
        csl["type"] = "webpage"
        _set(csl, "title", strip_title(INTERNET.sub("", sentences[0])))
        if len(sentences) > 1:
            _set(csl, "container-title", strip_end(" ".join(sentences[1:])))
        return
    if len(sentences) == 2 and not has_publisher and not EDITION.match(sentences[1]):
        # APA: "Title. Publisher." (the year came after the authors).
        _set(csl, "title", strip_title(sentences[0]))
        _set(csl, "publisher", strip_end(sentences[1]))
        if match := EDITION_IN_TITLE.search(csl.get("title", "")):
            csl["title"] = strip_title(csl["title"][: match.start()])
            _set(csl, "edition", match["n"])
    else:
        _fill_book(csl, sentences, review)
    csl.setdefault("type", _book_type(csl))


def _book_type(csl: dict) -> str:
    text = " ".join(str(csl.get(key, "")) for key in ("title", "genre", "number"))
    if csl.get("genre") or csl.get("number") or GENRE_WORDS.search(text):
        return "report"
    return "book"


# -- MLA and Chicago: "Family, Given. "Title." Source."


def _parse_quoted_title(body: str, csl: dict, review: list[str]) -> str:
    match = re.search(r"[\"\u201c]", body)
    if not match or match.start() == 0:
        return ""
    authors = parse_inverted_authors(body[: match.start()])
    if not authors:
        authors = parse_vancouver_authors(body[: match.start()])
    if not authors:
        return ""
    quoted = _split_quoted(body[match.start() :])
    if not quoted:
        return ""
    title, source = quoted
    csl["author"] = authors
    _set(csl, "title", title)
    source = strip_end(source)
    if _in_source(source, csl, review):
        return "chicago"
    if match := CHICAGO_SOURCE.match(source):
        csl["type"] = "article-journal"
        _set(csl, "container-title", strip_end(match["container"]))
        _set(csl, "volume", match["volume"])
        _set(csl, "issue", match["issue"])
        _set(csl, "issued", parse_date(match["year"]))
        if match["page"]:
            _set(csl, "page", expand_page_range(match["page"]))
        return "chicago"
    if re.search(r"\b(?:vol|no|pp?)\.\s", source) or re.search(r",\s*" + YEAR, source):
        _mla_source(source, csl, review)
        return "mla"
    _book_or_page(csl, sentence_split(source), review)
    return "quoted-title"


def _mla_source(source: str, csl: dict, review: list[str]) -> None:
    """ "Journal, vol. 2, no. 8, 2005, pp. 1-9" or a chapter's
    "Book, edited by A. Editor, Publisher, 2010, pp. 1-9"."""
    parts = [part.strip() for part in re.split(r",\s+", source) if part.strip()]
    container = []
    for index, part in enumerate(parts):
        if match := re.fullmatch(r"vol\.\s*(\S+)", part):
            _set(csl, "volume", match.group(1))
        elif match := re.fullmatch(r"no\.\s*(\S+)", part):
            _set(csl, "issue", match.group(1))
        elif match := re.fullmatch(r"pp?\.\s*(\S+)", part):
            _set(csl, "page", expand_page_range(match.group(1)))
        elif part.startswith("edited by "):
            _set(csl, "editor", parse_natural_authors(part[len("edited by ") :]))
        elif date := (parse_date(part) if re.search(YEAR, part) else None):
            _set(csl, "issued", date)
        elif index == 0 or not csl.get("editor"):
            container.append(part)
        else:
            _set(csl, "publisher", part)
    _set(csl, "container-title", strip_end(", ".join(container)))
    csl["type"] = "chapter" if csl.get("editor") else "article-journal"


# -- MLA and Chicago books: "Kuhn, Thomas S. Title. Place: Publisher, Year."


def _parse_inverted_book(body: str, csl: dict, review: list[str]) -> str:
    if not re.match(r"^[^\W\d_][\w'\u2019 -]*, [A-Z][a-z]+", body):
        return ""
    sentences = sentence_split(body)
    if len(sentences) < 3:
        return ""
    authors = parse_inverted_authors(sentences[0])
    if not authors or any("given" not in name for name in authors[:1]):
        return ""
    last = sentences[-1]
    if not re.search(r",\s*" + YEAR + r"$", last):
        return ""
    csl["author"] = authors
    rest = sentences[1:]
    match = re.match(r"^(?P<publisher>.+?),\s*(?P<year>" + YEAR + r")$", last)
    if match and not _publisher_segment(last):
        rest = [*sentences[1:-1], f"{match['publisher']}; {match['year']}"]
    _fill_book(csl, rest, review)
    csl.setdefault("type", _book_type(csl))
    return "mla-chicago-book"


# -- Vancouver family: NLM, AMA, BMJ, ICMJE


def _parse_vancouver(body: str, csl: dict, review: list[str]) -> str:
    sentences = sentence_split(body)
    if not sentences:
        return ""
    names_text, role = split_role(sentences[0])
    authors = parse_vancouver_authors(names_text)
    if authors:
        csl["editor" if role == "editor" else "author"] = authors
        rest = body[body.index(sentences[0]) + len(sentences[0]) :].lstrip(". ")
    else:
        rest = body
    if match := re.search(r"(?:^|(?<=[.?!])\s+)In:\s*", rest):
        _vancouver_chapter(rest[: match.start()], rest[match.end() :], csl, review)
        return "vancouver"
    if _vancouver_journal(rest, csl, review):
        return "vancouver"
    segments = sentence_split(rest)
    if not segments:
        return "vancouver" if authors else ""
    _book_or_page(csl, segments, review)
    return "vancouver"


def _vancouver_journal(rest: str, csl: dict, review: list[str]) -> bool:
    """Title, journal and "YYYY Mon;V(I):p-p" at the end of the text."""
    text = strip_end(rest, " .")
    for match in reversed(list(re.finditer(YEAR, text))):
        source = NLM_SOURCE.match(text, match.start())
        if not source or source.end() != len(text):
            continue
        prefix = text[: match.start()].rstrip()
        if not prefix or not text[match.start() - 1].isspace():
            continue
        has_numbers = source["volume"] or source["issue"] or source["page"]
        last = sentence_split(text)[-1]
        if not has_numbers and (csl.get("URL") or _publisher_segment(last)):
            return False
        title, container = _split_title_container(prefix, review)
        if not container:
            continue
        csl["type"] = "article-journal"
        _set(csl, "title", title)
        _set(csl, "container-title", _clean_container(container))
        _set(csl, "issued", nlm_date(source))
        _set(csl, "volume", (source["volume"] or "").strip())
        _set(csl, "issue", (source["issue"] or "").strip())
        if source["page"]:
            _set(csl, "page", expand_page_range(source["page"]))
        if not has_numbers:
            review.append("volume: none found for a journal article")
        return True
    return False


def _split_title_container(prefix: str, review: list[str]) -> tuple[str, str]:
    """Title and journal from "Title. Journal" (NLM, AMA) or the BMJ's
    "Title Journal" (no stop between them)."""
    prefix = prefix.rstrip(" .,")
    sentences = sentence_split(prefix)
    if len(sentences) >= 2:
        title = " ".join(_rejoin(sentences[:-1]))
        return strip_title(title), strip_end(sentences[-1])
    # No stop: a title run into its journal, as in pasted BMJ exports
    # ("randomised trialAnnals of the Rheumatic Diseases") ...
    glued = list(re.finditer(r"(?:(?<=[a-z]{3})|(?<=[)\]]))(?=[A-Z][a-z])", prefix))
    if glued:
        cut = glued[-1].start()
        review.append("container-title: guessed where the title ends")
        return strip_title(prefix[:cut]), strip_end(prefix[cut:])
    # ... or separated by a space only ("controlled trial BMJ 2019").
    words = prefix.split(" ")
    index = len(words)
    while index > 1 and (
        words[index - 1][:1].isupper() or words[index - 1].lower() in ORG_CONNECTORS
    ):
        index -= 1
    while index < len(words) and words[index].lower() in ORG_CONNECTORS:
        index += 1
    if 0 < index < len(words):
        review.append("container-title: guessed where the title ends")
        return strip_title(" ".join(words[:index])), " ".join(words[index:])
    return "", ""


def _vancouver_chapter(before: str, after: str, csl: dict, review: list[str]) -> None:
    """ "Chapter title. [date.] In: Editors, editors. Book. Place: Publisher;
    Year. p. x-y." (NLM, AMA, StatPearls)."""
    csl["type"] = "chapter"
    titles = sentence_split(before)
    if titles and DATE_ONLY.match(titles[-1]) and len(titles) > 1:
        csl["issued"] = parse_date(titles.pop())
    _set(csl, "title", strip_title(" ".join(_rejoin(titles)) if titles else ""))
    segments = sentence_split(after)
    if segments:
        names, role = split_role(segments[0])
        if role == "editor" and (editors := parse_any_authors(names)):
            csl["editor"] = editors
            segments = segments[1:]
    book: dict = {}
    _fill_book(book, segments, review)
    _set(csl, "container-title", _clean_container(book.pop("title", "")))
    for key, value in book.items():
        if key == "issued":
            csl.setdefault("issued", value)
        else:
            csl.setdefault(key, value)
    if "title: several sentences taken as the title" in review:
        review.remove("title: several sentences taken as the title")
        review.append("container-title: several sentences taken as the book title")


# -- Nothing recognised


def _parse_fallback(body: str, csl: dict, review: list[str]) -> str:
    sentences = sentence_split(body)
    if sentences and (authors := parse_any_authors(sentences[0])):
        csl["author"] = authors
        sentences = sentences[1:]
    if sentences:
        _set(csl, "title", strip_title(max(sentences, key=len)))
    if match := re.search(r"\b" + YEAR + r"\b", body):
        _set(csl, "issued", parse_date(match.group(0)))
    review.append("type: style not recognised")
    return "unrecognised"
