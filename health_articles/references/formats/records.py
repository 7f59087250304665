"""The one record loop of the file formats, and the steps they share.

Each format cuts its file into records and says how to read one into a
CSL-JSON item; ``read_records`` does the rest the same way for all: a
record that fails to read is kept with what failed, every record is
finished as the free-text parser finishes its references, and keys are
made unique. Plain Python with no Django imports.
"""

from collections.abc import Callable, Iterable

from ..csl import DEFAULT_TYPE, TYPES
from ..identifiers import checked
from ..normalise import clean_space
from ..parsed import ParsedReference, assign_ids, finish

# Reads one record into a CSL item, noting its doubts in the list it is given.
Reader = Callable[[list[str]], dict]


def read_records(
    records: Iterable[tuple[str, Reader]], style: str, noun: str = "record"
) -> list[ParsedReference]:
    """One reference a (source text, reader) record, in file order; ``noun``
    is what the format calls a record, for the note on one that fails."""
    parsed = []
    for raw, read in records:
        review: list[str] = []
        try:
            csl = read(review)
        except Exception as error:  # a bad record must not stop the import
            csl = {"type": DEFAULT_TYPE}
            review.append(f"type: {noun} could not be read ({error})")
        parsed.append(finish(csl, review, raw, style))
    assign_ids(parsed)
    return parsed


def set_identifier(csl: dict, variable: str, value: str, review: list[str]) -> None:
    """Set DOI (a doi.org link too), PMID, PMCID or ISBN normalised, or as
    given and flagged."""
    value = clean_space(value or "")
    if value:
        csl[variable] = checked(variable, value, review)


def set_type(csl: dict, csl_type: str, source_type: str, review: list[str]) -> None:
    """The item's type, or the nearest the app offers (flagged)."""
    csl["type"] = csl_type
    if csl_type not in TYPES:
        csl["type"] = DEFAULT_TYPE if csl.get("container-title") else "book"
        review.append(f"type: “{source_type}” mapped to {csl['type']}")
