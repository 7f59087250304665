"""Parsed or imported references as the app's ``Reference`` rows.

The one bridge from the references engine to the models. Nothing an editor
pastes or uploads is dropped: every parsed entry becomes a Reference, its
source kept in ``raw_text``; a value the model refuses is left out of its
field and named, with the parser's doubts, in ``review_note``; free text
longer than a field holds is cut to the field's ``max_length``.
"""

from django.core.exceptions import ValidationError

from ..models import Reference
from .csl import DEFAULT_TYPE, FIELDS, TYPES, from_item
from .parsed import assign_ids

FREE_TEXT = {field.name for field in FIELDS if field.free_text}


def _fitted(field_name, value):
    """Free text cut to the field's ``max_length``; anything else as it is
    (``full_clean`` then leaves it out, with a note, if it does not fit)."""
    max_length = Reference._meta.get_field(field_name).max_length
    if field_name in FREE_TEXT and max_length:
        return value[:max_length]
    return value


def references_from_parsed(parsed, taken_keys=()):
    """A Reference (not saved) for each parsed entry, its key unique among
    them and not in ``taken_keys``."""
    assign_ids(parsed, taken_keys)
    return [_reference(entry) for entry in parsed]


def _reference(parsed):
    values = from_item(parsed.csl)
    if values["csl_type"] not in TYPES:
        values["csl_type"] = DEFAULT_TYPE
    values["title"] = values["title"] or parsed.raw_text
    reference = Reference(
        **{name: _fitted(name, value) for name, value in values.items()},
        raw_text=parsed.raw_text,
    )
    notes = list(parsed.needs_review)
    try:
        reference.full_clean(exclude=["page", "sort_order"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            notes.append(
                f"{field}: {getattr(reference, field)!r} left out ({messages[0]})"
            )
            setattr(reference, field, "")
    reference.review_note = "; ".join(notes)
    return reference
