"""Reference keys: made from a reference, unique in a list, and the fields
by which two references are the same work.

Keys are slugs ("abbott2013") that citations name. Plain Python.
"""

import re
import unicodedata
from collections import Counter

MAX_LENGTH = 64

FOLD = str.maketrans(
    {"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "ł": "l", "Ł": "l"}
    | {"đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "œ": "oe", "Œ": "oe"}
)
# Two references with the same value of one of these are the same work.
IDENTITY_FIELDS = ("key", "doi", "pmid", "pmcid")


def ascii_key(text: str) -> str:
    """Lowercase ASCII letters, digits and hyphens: "Ishøi" -> "ishoi"."""
    folded = unicodedata.normalize("NFKD", text.translate(FOLD))
    folded = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9-]", "", folded).strip("-")


def base_key(csl: dict) -> str:
    """First author's family name (or a group's initials) and the year."""
    names = csl.get("author") or csl.get("editor") or []
    stem = ""
    if names:
        first = names[0]
        if "family" in first:
            stem = ascii_key(first["family"])
        else:
            words = [w for w in first.get("literal", "").split() if w[:1].isupper()]
            stem = ascii_key(
                "".join(w[0] for w in words)
                if len(words) > 1
                else first.get("literal", "")
            )
    if not stem:
        title_words = re.findall(r"[^\W\d_]{3,}", csl.get("title", ""))
        stem = ascii_key(title_words[0]) if title_words else "ref"
    try:
        year = str(csl["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError):
        year = "nd"
    return f"{stem[:48] or 'ref'}{year}"


def own_key(csl: dict) -> str:
    """The item's own ``id`` (e.g. a BibTeX key) as a slug, else ``base_key``."""
    own = ascii_key(str(csl.get("id", "")).replace("_", "-"))[:MAX_LENGTH]
    return own or base_key(csl)


def unique_keys(keys: list[str], taken=()) -> list[str]:
    """``keys`` made unique among themselves and against ``taken``.

    The one rule for keys that collide: a key that stands more than once in
    ``keys`` gets a, b, c... at each use ("smith2020a", "smith2020b"), and so
    does one already taken (the first letter free).
    """
    counts = Counter(keys)
    taken = set(taken)
    used = taken | {key for key, count in counts.items() if count == 1}
    suffixes: dict[str, int] = {}
    unique = []
    for key in keys:
        if counts[key] > 1 or key in taken:
            while True:
                index = suffixes.get(key, 0)
                suffixes[key] = index + 1
                candidate = f"{key[: MAX_LENGTH - 4]}{_letters(index)}"
                if candidate not in used:
                    break
            used.add(candidate)
            key = candidate
        unique.append(key)
    return unique


def _letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def repeated_references(references):
    """(position, field, earlier position) for each reference whose key, DOI,
    PMID or PMCID (ignoring case) an earlier one in ``references`` has."""
    first = {}
    for position, reference in enumerate(references):
        for field in IDENTITY_FIELDS:
            value = getattr(reference, field)
            if value:
                earlier = first.setdefault((field, value.lower()), position)
                if earlier != position:
                    yield position, field, earlier
