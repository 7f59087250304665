"""The normalisers every reader of references shares: spaces, dashes and
page ranges, dates in loose text, and personal and group names.

The free-text parser and the file formats (BibTeX, RIS, MEDLINE) put what
they read through these, so that a name or a date comes out the same
whichever way it came in. Plain Python with no Django imports.
"""

import re

from .csl import parse_issued

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
DASH_CLASS = "[-" + DASHES + "]"
TERMINAL = ".,;: "

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
    r"|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
SEASON = r"(?:Spring|Summer|Fall|Autumn|Winter)"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"


# "Place: Publisher" ("Washington (DC): National Academies Press").
PLACE_PUBLISHER = re.compile(r"^(?P<place>[^:;]+?)\s*:\s*(?P<publisher>[^:;]+)$")


def clean_space(text: str) -> str:
    """Collapse runs of whitespace (non-breaking spaces included) to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def strip_end(text: str, chars: str = TERMINAL) -> str:
    return text.strip().strip(chars).strip() if text else ""


def strip_title(text: str) -> str:
    """A title without trailing full stop or comma; "?" and "!" are kept."""
    return strip_end(text, ".,;: ")


def expand_page_range(page: str) -> str:
    """Normalise dashes and expand a shortened end page: 525-34 -> 525-534."""
    page = clean_space(page)
    page = re.sub(r"\s*" + DASH_CLASS + r"+\s*", "-", page)
    page = strip_end(page, ".,;: ")
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", page)
    if not match:
        return page
    prefix, start, end_prefix, end = match.groups()
    if len(end) < len(start) and end_prefix in ("", prefix):
        expanded = start[: len(start) - len(end)] + end
        if int(expanded) >= int(start):
            return f"{prefix}{start}-{prefix}{expanded}"
    return page


def _month(name: str | None) -> int | None:
    if not name:
        return None
    return MONTHS.get(name.strip(". ").lower())


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    text = f"{year:04d}"
    if month:
        text += f"-{month:02d}"
        if day:
            text += f"-{day:02d}"
    return text


def _csl_date(start: tuple, end: tuple | None = None) -> dict | None:
    """A CSL date from (year, month, day) tuples, checked by parse_issued."""
    text = _iso(*start)
    if end and end != start:
        text += "/" + _iso(*end)
    try:
        return parse_issued(text)
    except ValueError:
        return parse_issued(_iso(start[0]))


NLM_DATE = re.compile(
    rf"(?P<year>{YEAR})[a-z]?"
    rf"(?:\s+(?P<m1>{MONTH}|{SEASON})(?:\s*{DASH_CLASS}\s*(?P<m2>{MONTH}|{SEASON}))?"
    rf"(?:\s+(?P<d1>\d{{1,2}})(?:\s*{DASH_CLASS}\s*(?P<d2>\d{{1,2}}))?)?)?"
)
DAY_MONTH_YEAR = re.compile(
    rf"(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH}),?\s+(?P<year>{YEAR})"
)
MONTH_DAY_YEAR = re.compile(
    rf"(?P<m1>{MONTH})\s+(?:(?P<d1>\d{{1,2}}),?\s+)?(?P<year>{YEAR})"
)
ISO_DATE = re.compile(
    rf"(?P<year>{YEAR})[-/](?P<m1>\d{{1,2}})(?:[-/](?P<d1>\d{{1,2}}))?"
)
YEAR_RANGE = re.compile(
    rf"c?(?P<year>{YEAR})\s*{DASH_CLASS}\s*(?P<y2>\d{{2}}|{YEAR})\b"
)


def parse_date(text: str) -> dict | None:
    """A CSL date from loose text: "2013 Apr", "2020 Oct-Dec", "May 1, 2024",
    "1 May 2024", "2024-05-01", "c2000-01" (copyright years 2000-2001)."""
    text = clean_space(text or "")
    if not text:
        return None
    if match := YEAR_RANGE.search(text):
        y1 = int(match["year"])
        y2 = match["y2"]
        y2 = int(str(y1)[: 4 - len(y2)] + y2)
        if y2 > y1 and (text.lstrip().startswith("c") or len(match["y2"]) == 4):
            return _csl_date((y1,), (y2,))
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        if match := pattern.search(text):
            day = int(match["d1"]) if match["d1"] else None
            return _csl_date((int(match["year"]), _month(match["m1"]), day))
    if (match := ISO_DATE.search(text)) and 1 <= int(match["m1"]) <= 12:
        day = int(match["d1"]) if match["d1"] else None
        return _csl_date((int(match["year"]), int(match["m1"]), day))
    if match := NLM_DATE.search(text):
        return nlm_date(match)
    return None


def nlm_date(match: re.Match) -> dict | None:
    year = int(match["year"])
    m1, m2 = _month(match["m1"]), _month(match["m2"])
    d1 = int(match["d1"]) if match["d1"] else None
    d2 = int(match["d2"]) if match["d2"] else None
    if m1 and m2:
        return _csl_date((year, m1), (year, m2))
    if m1 and d1 and d2:
        return _csl_date((year, m1, d1), (year, m1, d2))
    return _csl_date((year, m1, d1 if m1 else None))


# --------------------------------------------------------------------------
# Names

# Capital and small letters, Latin (with its accented and extended letters),
# Greek and Cyrillic: initials are not only ASCII ("Øiestad BE", "Kaiser, Ł.").
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0391-\u03a9\u0410-\u042f"
LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u03b1-\u03c9\u0430-\u044f"
VANCOUVER_NAME = re.compile(
    r"^(?P<family>[^\W\d_][^,;]*?)\s+"
    rf"(?P<given>[{UPPER}]{{1,4}}|[{UPPER}](?:[ -][{UPPER}]){{1,3}})"
    r"(?:\s+(?P<suffix>Jr|Sr|2nd|3rd|4th|II|III|IV))?$"
)
PERIOD_INITIALS = re.compile(
    rf"^(?:(?:[{UPPER}][{LOWER}]?\.|[{UPPER}](?![{LOWER}]))\s?-?\s?){{1,5}}$"
)
GIVEN_WORDS = re.compile(rf"^(?:(?:[{UPPER}][\w'\u2019-]+|[{UPPER}]\.?)\s?){{1,4}}$")
PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du"}
PARTICLES |= {"la", "le", "dos", "das", "ten", "ter", "af", "zu", "bin", "ibn"}
ORG_CONNECTORS = {"of", "for", "and", "the", "on", "in", "&", "de", "des", "du"}
ORG_CONNECTORS |= {"la", "et", "für", "to", "at", "-", "a"}
ET_AL = re.compile(r"[,\s]*\bet\.?\s*al\b\.?", re.IGNORECASE)
EDITOR_ROLE = re.compile(
    r"[,\s]*(?:\((?:eds?|editors?|Hrsg)\.?\)|,?\s*\b(?:eds?|editors?)\b\.?)\s*$",
    re.IGNORECASE,
)


def normalise_given(given: str) -> str:
    """CSL given names: initials spaced and without full stops.

    "JH" -> "J H", "L. M." -> "L M", "H.L." -> "H L", "J.-P." -> "J-P",
    "John P. A." -> "John P A".
    """
    given = clean_space(given).strip(",")
    if re.fullmatch(rf"[{UPPER}]{{1,4}}", given):
        return " ".join(given)
    given = re.sub(r"\.\s*-\s*", "-", given)
    given = re.sub(r"\.\s*", " ", given)
    return clean_space(given)


def person(family: str, given: str = "", suffix: str = "") -> dict:
    """A CSL personal name from its parts, given names normalised."""
    name = {"family": strip_end(clean_space(family), ",; ")}
    if given := normalise_given(given):
        name["given"] = given
    if suffix := clean_space(suffix):
        name["suffix"] = suffix
    return name


def natural_name(text: str) -> dict:
    """ "Given Family" ("Klaus A. Siebenrock", "F. H. C. Crick") as a CSL name."""
    words = clean_space(text).strip(".,").split(" ")
    suffix = ""
    if len(words) > 2 and words[-1].strip(".") in {"Jr", "Sr", "II", "III", "IV"}:
        suffix = words.pop()
    if len(words) == 1:
        return {"family": words[0]}
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return person(" ".join(words[start:]), " ".join(words[:start]), suffix)


def initials_first(text: str) -> bool:
    """ "A. B. Family", "J.-P. Family", "Ł. Kaiser": a personal name as IEEE
    prints it, initials before a capitalised family name."""
    words = clean_space(text).split(" ")
    return (
        2 <= len(words) <= 5
        and all(PERIOD_INITIALS.match(word) for word in words[:-1])
        and words[-1][:1].isupper()
        and not PERIOD_INITIALS.match(words[-1])
    )


def parse_initials_first_authors(text: str) -> list[dict] | None:
    """Names like "A. B. Family, C. Other, and D. Third" (IEEE), or None."""
    text = strip_end(ET_AL.sub("", clean_space(text)), ".,;: ")
    pieces = [
        piece.strip()
        for piece in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+", text)
        if piece.strip()
    ]
    if pieces and all(initials_first(piece) for piece in pieces):
        return [natural_name(piece) for piece in pieces]
    return None


def looks_like_org(text: str) -> bool:
    """A group or organisation name: capitalised words and connectors only
    (and not personal names with initials first, "S. Family and J. Other")."""
    if initials_first(text) or parse_initials_first_authors(text):
        return False
    words = clean_space(text).split(" ")
    if not words[0] or not 1 <= len(words) <= 12 or "[" in text:
        return False
    if not words[0][:1].isupper():
        return False
    for word in words:
        bare = word.strip("(),.:")
        if not bare:
            continue
        if bare.lower() in ORG_CONNECTORS or bare[:1].isupper() or bare[:1].isdigit():
            continue
        return False
    return True


def _vancouver_piece(piece: str) -> dict | None:
    match = VANCOUVER_NAME.match(piece)
    if not match:
        return None
    family = match["family"]
    # "National Collaborating Centre for Chronic Conditions UK" is a group.
    group_words = ORG_CONNECTORS - PARTICLES
    if len(family.split()) > 3 and any(w in group_words for w in family.split()):
        return None
    return person(family, match["given"], match["suffix"] or "")


def parse_vancouver_authors(text: str) -> list[dict] | None:
    """Names like "Abbott JH, Palmer A J R, Leon de la Barra S; MOA Trial team".

    Returns None when the text is not a Vancouver author list. A group after
    ";" (NLM's convention) or a lone organisation becomes a literal name.
    """
    text = ET_AL.sub("", strip_end(text, ". "))
    groups = [group.strip() for group in text.split(";") if group.strip()]
    if not groups:
        return None
    names = []
    pieces = [piece.strip() for piece in groups[0].split(",") if piece.strip()]
    for piece in pieces:
        if person := _vancouver_piece(piece):
            names.append(person)
        elif len(pieces) == 1 and looks_like_org(piece):
            names.append({"literal": piece})
        elif not names and len(groups) == 1 and _org_with_commas(groups[0]):
            # "National Academies of Sciences, Engineering, and Medicine"
            return [{"literal": clean_space(groups[0])}]
        else:
            return None
    for group in groups[1:]:
        people = [_vancouver_piece(piece.strip()) for piece in group.split(",")]
        if all(people):
            names.extend(people)
        elif len(group.split()) <= 10:
            names.append({"literal": group})
        else:
            return None
    return names


def _org_with_commas(text: str) -> bool:
    """One organisation whose name holds commas: capitalised words and
    connectors, the first piece a name with a connector in it ("National
    Academies of Sciences"), the last opened by "and" or "&"."""
    pieces = [piece.strip() for piece in text.split(",")]
    first = pieces[0].split()
    return (
        len(pieces) >= 3
        and len(first) >= 3
        and any(word in ("of", "for", "the", "on") for word in first[1:])
        and re.match(r"(?:and|&)\s", pieces[-1]) is not None
        and looks_like_org(text.replace(",", ""))
        and not any(_vancouver_piece(piece) for piece in pieces)
    )


def _name_tokens(text: str) -> list[str]:
    # APA 7 elides authors 20+ with ". . ." before the last one.
    text = re.sub(r"(?:\.\s?){3}|\u2026", ",", text)
    tokens = re.split(r"\s*,\s*(?:&|and)?\s*|\s+(?:&|and)\s+", text)
    return [token.strip() for token in tokens if token.strip()]


def parse_inverted_authors(text: str) -> list[dict] | None:
    """Names like "Fishman, L. M., Dombi, G. W., & Weber, C." (APA, Harvard),
    "Hoeksma, H.L., ... and Van Den Ende, C.H.M." (Wiley), and the MLA/Chicago
    form "Ganz, Reinhold, Javad Parvizi, and Klaus A. Siebenrock".

    Returns None when the text is none of these (nor a lone organisation).
    """
    text = strip_end(ET_AL.sub("", clean_space(text)), ".,; ")
    if not text:
        return None
    if "," not in text and looks_like_org(text):
        return [{"literal": text}]
    tokens = _name_tokens(text)
    if len(tokens) < 2:
        return None
    odd = tokens[1::2]
    if len(tokens) % 2 == 0 and all(
        PERIOD_INITIALS.match(t.rstrip(".") + ".") for t in odd
    ):
        names = []
        for family, given in zip(tokens[::2], odd, strict=True):
            if not re.match(r"^[^\W\d_][\w'\u2019 -]*$", family):
                return None
            if _vancouver_piece(family):  # "Higgins JPT, Savović J": Vancouver
                return None
            names.append(person(family, given))
        return names
    family, given, *rest = tokens
    if _vancouver_piece(family) or any(_vancouver_piece(token) for token in rest):
        return None
    if not GIVEN_WORDS.match(given + " ") and not PERIOD_INITIALS.match(
        given.rstrip(".") + "."
    ):
        return None
    if not re.match(r"^[^\W\d_][\w'\u2019 -]*$", family) or len(family.split()) > 3:
        return None
    names = [person(family, given)]
    for token in rest:
        if len(token.split()) > 5 or not token[:1].isupper():
            return None
        names.append(natural_name(token))
    return names


def parse_natural_authors(text: str) -> list[dict]:
    """Editors as in APA "W. Damon & R. M. Lerner" or Chicago "edited by"."""
    return [natural_name(token) for token in _name_tokens(strip_end(text, ".,; "))]


def parse_any_authors(text: str) -> list[dict] | None:
    """Whichever author-list form fits the text."""
    return (
        parse_initials_first_authors(text)
        or parse_vancouver_authors(text)
        or parse_inverted_authors(text)
    )


def name_from_text(text: str) -> dict:
    """One name as reference managers write it: "Family, Given[, Suffix]",
    Vancouver "Family GI", or else a group name."""
    text = clean_space(text)
    parts = [part.strip() for part in text.split(",")]
    if len(parts) == 3:
        return person(parts[0], parts[2], parts[1])
    if len(parts) == 2 and parts[0]:
        return person(parts[0], parts[1])
    vancouver = parse_vancouver_authors(text) or []
    if len(vancouver) == 1 and "family" in vancouver[0]:
        return vancouver[0]
    return {"literal": text}


def split_role(text: str) -> tuple[str, str]:
    """("Vogelstein B, Kinzler KW", "editor") from "... , editors"."""
    if match := EDITOR_ROLE.search(text):
        return text[: match.start()].strip(), "editor"
    return text, "author"


# --------------------------------------------------------------------------
# What a reference says it is

THESIS = re.compile(r"\b(?:thesis|dissertation|diss\.|ph\.?\s?d|doctoral|master)", re.I)
REPORT = re.compile(r"\b(?:report|guideline|technical|working paper)\b", re.I)
# What a style prints in brackets after a title or a container to say what
# it is ("[dissertation]", "[Preprint]", "[Internet]", "[abstract]"): not part
# of the title; a thesis's may name its university ("[Doctoral dissertation,
# Princeton University]").
DESIGNATOR = re.compile(
    r"\s*\[(?P<kind>[^\[\],]*?(?:dissertation|thesis|abstract|preprint|internet"
    r"|online|translation|editorial|letter|review|video|podcast)[^\[\],]*)"
    r"(?:,\s*(?P<by>[^\[\]]+))?\]",
    re.IGNORECASE,
)


def cut_designators(
    text: str, csl: dict, only_with_publisher=False, keep: tuple[str, ...] = ()
) -> str:
    """Move what brackets say a reference is ("[dissertation]", "[Doctoral
    dissertation, Princeton University]", "[Preprint]") into ``csl`` (as
    ``genre`` and, for a thesis, ``publisher``) and return the rest."""

    def cut(match: re.Match) -> str:
        kind = match["kind"].strip()
        if (only_with_publisher and not match["by"]) or kind.lower() in keep:
            return match.group(0)
        csl.setdefault("genre", match["kind"].strip())
        if match["by"]:
            csl.setdefault("publisher", strip_end(match["by"]))
        return ""

    return DESIGNATOR.sub(cut, text)


def genre_type(genre: str) -> str | None:
    """The CSL type a genre names ("Doctoral dissertation": thesis), if any."""
    if THESIS.search(genre or ""):
        return "thesis"
    if REPORT.search(genre or ""):
        return "report"
    return None


# A thesis whose genre and university a style prints where a container goes
# (Chicago: "Master's thesis, Massachusetts Institute of Technology").
THESIS_SOURCE = re.compile(
    r"^(?:PhD|Ph\.\s?D\.?|Doctoral|Master['\u2019]?s?|MSc|MA|MD)\s+"
    r"(?:diss(?:ertation)?\.?|thesis)\s*[,.:]?\s*(?P<by>.*)$",
    re.IGNORECASE,
)
