"""What an article body holds, read by walking its block definitions.

One walker (``walk``) visits every block of a body with its value and its
place; citations, words, the table of contents, condition names and the
nested errors of a form are all read through it, so a block added to the
body, or a citing field added to a block, is found without naming it here.
"""

import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from wagtail import blocks
from wagtail.blocks import (
    ListBlockValidationError,
    StreamBlockValidationError,
    StructBlockValidationError,
)

from . import codes
from .blocks import (
    CitingRichTextBlock,
    ConditionSectionBlock,
    ReferenceKeyBlock,
    ReferenceKeysBlock,
    condition_anchor,
)
from .citations.links import cited_keys, without_citations

CONDITION_SEPARATOR = "|"
# A tag of stored rich text (its attributes' values quoted), and the tags a
# word ends at: "a</p><p>b" is two words, "<b>a</b>b" one.
TAG = re.compile(r"""</?([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
WORD_BREAKS = {"p", "br", "li", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "hr"}
WORD_BREAKS |= {"blockquote", "div", "table", "tr", "td", "th", "figure"}


def _text(source):
    """The text of stored rich text, for counting its words."""
    return TAG.sub(
        lambda tag: " " if tag.group(1).lower() in WORD_BREAKS else "", source
    )


def walk(block, value, path=()):
    """Yield (block, value, path) for ``block`` and every block inside it,
    in reading order. ``path`` locates a block in the body: a stream child
    by its index, a struct child by its name, a list item by its index."""
    # A stack, not nested generators: each block is yielded once, not once
    # more for each block it is inside.
    stack = [(block, value, path)]
    while stack:
        block, value, path = stack.pop()
        yield block, value, path
        if isinstance(block, blocks.StreamBlock):
            inside = [
                (child.block, child.value, (*path, index))
                for index, child in enumerate(value)
            ]
        elif isinstance(block, blocks.StructBlock) and isinstance(value, dict):
            # (Wagtail's ImageBlock is a StructBlock whose value is an image.)
            inside = [
                (child_block, value[name], (*path, name))
                for name, child_block in block.child_blocks.items()
            ]
        elif isinstance(block, blocks.ListBlock):
            inside = [
                (block.child_block, item, (*path, index))
                for index, item in enumerate(value)
            ]
        else:
            continue
        stack.extend(reversed(inside))


def _walk_body(body):
    return walk(body.stream_block, body)


class Outline(NamedTuple):
    """What one walk of a body reads (``outline``)."""

    words: int  # words a reader reads: text, names and headings
    citations: list  # (path, key) of every citation, in reading order
    sections: list  # the values of the condition sections, in reading order


def outline(body):
    """The words, citations and condition sections of an article body, read
    in one walk (an article serves all three).

    Citations are those of every citing rich text field
    (``CitingRichTextBlock``) and list of cited keys (``ReferenceKeysBlock``),
    wherever the blocks put one; a citation's path locates the rich text, or
    the key in its list. Words leave out reference keys and the values of
    choices.
    """
    words, citations, sections = 0, [], []
    for block, value, path in _walk_body(body):
        if isinstance(block, blocks.RichTextBlock):
            source = value.source
            if isinstance(block, CitingRichTextBlock):
                citations.extend((path, key) for key in cited_keys(source))
            words += len(_text(without_citations(source)).split())
        elif isinstance(block, ReferenceKeysBlock):
            citations.extend(((*path, index), key) for index, key in enumerate(value))
        elif isinstance(block, blocks.CharBlock | blocks.TextBlock):
            if not isinstance(block, ReferenceKeyBlock):
                words += len(value.split())
        elif isinstance(block, ConditionSectionBlock):
            sections.append(value)
    return Outline(words, citations, sections)


def cited_reference_keys(body):
    """(path, key) for every citation in an article body, in reading order
    (``outline``)."""
    return outline(body).citations


def missing_citations(body, keys):
    """Where ``body`` cites a key that is not one of ``keys``: {path: [key,
    …]}, each key once in each place, in reading order."""
    missing = {}
    for path, key in cited_reference_keys(body):
        if key not in keys:
            found = missing.setdefault(path, [])
            if key not in found:
                found.append(key)
    return missing


def _no_reference_has(keys):
    return gettext("No reference has the key %(keys)s.") % {
        "keys": ", ".join(f"“{key}”" for key in keys)
    }


def citation_error(body, keys):
    """None when every citation of ``body`` names one of ``keys`` (the keys
    of the article's references); else the body's ValidationError: nested at
    each citing field, where the editor shows it, and with a message naming
    every missing key, for whoever is not an editor (a command, an import, a
    translation tool). The one citation check of the model and the form."""
    missing = missing_citations(body, keys)
    if not missing:
        return None
    error = nested_errors(
        body,
        {
            path: ValidationError(_no_reference_has(found))
            for path, found in missing.items()
        },
    )
    # Wagtail's block errors all say "Validation error in StreamBlock".
    error.message = _no_reference_has(
        dict.fromkeys(key for found in missing.values() for key in found)
    )
    return error


def condition_sections(body):
    """The values of the body's condition sections, in reading order."""
    return outline(body).sections


def table_of_contents(sections):
    """Condition ``sections`` (``outline``) with their anchors, in order."""
    return [
        {"title": section["name"], "anchor": condition_anchor(section["name"])}
        for section in sections
    ]


def condition_names(sections):
    """For each of condition ``sections`` (``outline``), the set of its names
    and its codes (``ICD10:M16``), folded: what finds articles on the same
    condition."""
    return [
        {
            name.replace(CONDITION_SEPARATOR, " ").strip().casefold()
            for name in [section["name"], *section["alternate_names"]]
            if name.strip()
        }
        | {codes.key(code["system"], code["code"]) for code in section.get("codes", ())}
        for section in sections
    ]


def condition_index(body):
    """Every name of every condition in ``body``, folded, as "|a|b|" text."""
    sections = condition_names(condition_sections(body))
    names = sorted({name for section in sections for name in section})
    if not names:
        return ""
    return CONDITION_SEPARATOR + CONDITION_SEPARATOR.join(names) + CONDITION_SEPARATOR


def nested_errors(body, errors):
    """Wagtail's nested block errors for ``errors`` ({path: ValidationError}
    in ``body``), each level built as the block on the path expects."""
    tree = {}
    for path, error in errors.items():
        node = tree
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = error

    def build(block, value, node):
        if not isinstance(node, dict):
            return node
        if isinstance(block, blocks.StreamBlock):
            return StreamBlockValidationError(
                block_errors={
                    index: build(value[index].block, value[index].value, child)
                    for index, child in node.items()
                }
            )
        if isinstance(block, blocks.StructBlock):
            return StructBlockValidationError(
                block_errors={
                    name: build(block.child_blocks[name], value[name], child)
                    for name, child in node.items()
                }
            )
        return ListBlockValidationError(
            block_errors={
                index: build(block.child_block, value[index], child)
                for index, child in node.items()
            }
        )

    return build(body.stream_block, body, tree)
