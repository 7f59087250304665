"""What every reader of references returns: one ``ParsedReference`` an
entry, finished the same way whichever reader made it.

Plain Python with no Django imports.
"""

from dataclasses import dataclass, field

from .csl import CONTAINED_TYPES, DEFAULT_TYPE, ordered
from .keys import own_key, unique_keys
from .normalise import THESIS_SOURCE, clean_space, strip_end


@dataclass
class ParsedReference:
    """One reference of a pasted or imported list.

    ``csl`` is a CSL-JSON item without empty fields. ``raw_text`` is the source
    text of the reference (its lines joined by single spaces if it wrapped;
    a list number or bullet in front is not part of it). ``needs_review``
    holds field names, each optionally followed by ``": reason"``, that an
    editor should check; it is empty only when the reader found authors,
    title, year and (where the type needs one) container without guessing.
    ``style`` names the rules that read it: "vancouver", "author-date",
    "harvard", "mla", "chicago", "quoted-title", "mla-chicago-book",
    "unrecognised", "none" (too long to parse), "error" (a rule failed), or
    the file format ("bibtex", "ris", "medline"). ``stem`` is its key before
    it was made unique in a list (see ``assign_ids``).
    """

    csl: dict
    raw_text: str
    needs_review: list[str] = field(default_factory=list)
    style: str = ""
    stem: str = ""


# Text variables whose spacing is made regular, and dropped when empty.
TEXT_VARIABLES = ("title", "container-title", "publisher", "publisher-place")


def review_gaps(csl: dict) -> list[str]:
    """What a reference lacks that an editor should supply or confirm."""
    gaps = []
    if not csl.get("author") and not csl.get("editor"):
        gaps.append("author: none found")
    if not csl.get("title"):
        gaps.append("title: none found")
    if not csl.get("issued"):
        gaps.append("issued: no year found")
    if csl.get("type") in CONTAINED_TYPES and not csl.get("container-title"):
        gaps.append("container-title: none found")
    return gaps


def finish(csl: dict, review: list[str], raw: str, style: str) -> ParsedReference:
    """The reference a reader made of ``raw``: its type guessed where the
    reader found none, text variables spaced regularly, empty ones dropped,
    the rest in order, and what it lacks added to ``review`` (once a field)."""
    if thesis := THESIS_SOURCE.match(csl.get("container-title", "")):
        csl["type"] = "thesis"
        del csl["container-title"]
        if thesis["by"] and not csl.get("publisher"):
            csl["publisher"] = strip_end(thesis["by"])
        review = [entry for entry in review if not entry.startswith("type")]
    if "type" not in csl:
        if csl.get("container-title"):
            csl["type"] = DEFAULT_TYPE
        elif csl.get("URL") and not csl.get("publisher"):
            csl["type"] = "webpage"
        else:
            has_book_data = csl.get("ISBN") or csl.get("publisher")
            csl["type"] = "book" if has_book_data else DEFAULT_TYPE
        review.append(f"type: guessed {csl['type']}")
    for key in TEXT_VARIABLES:
        if isinstance(csl.get(key), str):
            csl[key] = clean_space(csl[key])
    csl = ordered(csl)
    flagged = {entry.split(":")[0] for entry in review}
    review.extend(gap for gap in review_gaps(csl) if gap.split(":")[0] not in flagged)
    return ParsedReference(
        csl=csl, raw_text=raw.strip(), needs_review=review, style=style
    )


def assign_ids(parsed: list[ParsedReference], taken=()) -> None:
    """Give each item a stable, slug-safe key, unique in the list and not in
    ``taken``: its own ``id`` where that is slug-safe, else first author and
    year ("abbott2013"), made unique by ``unique_keys``. Assigned again with
    other keys ``taken``, they are made unique from the same stems."""
    for reference in parsed:
        reference.stem = reference.stem or own_key(reference.csl)
    keys = unique_keys([reference.stem for reference in parsed], taken)
    for reference, key in zip(parsed, keys, strict=True):
        fields = {k: v for k, v in reference.csl.items() if k != "id"}
        reference.csl = {"id": key, **fields}
