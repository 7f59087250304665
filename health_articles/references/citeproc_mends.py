"""Where citeproc-py departs from the CSL specification and from citeproc-js
(the processor Zotero and most reference managers use), mended on import.

``tests/references/test_citeproc_js.py`` formats the project's references
with both processors and lists what still differs, with reasons.

- A date range within one year ("2020 Oct-Dec") in the style's order.
- Variables a ``cs:substitute`` rendered (an editor, or the title, in the
  author's place) are suppressed in the rest of the entry, as the
  specification says: not "Obesity and overweight. (2024). Obesity and
  overweight."
- Title case capitalises a word after an opening bracket or quote and each
  part of a hyphenated word ("Non-Cooperative Games", "(FAI Syndrome)").
- Text case applies where the item's language is not given (citeproc-py
  took "no language" for "not English", so APA printed "(eds.)" for
  "(Eds.)").
"""

from citeproc.model import Date as CSLDate
from citeproc.model import Names, Substitute, Text, TextCased
from citeproc.source import VariableError
from citeproc.string import NoCase

DATE_PARTS = ("year", "month", "day")


def _date_part(date, name):
    try:
        return getattr(date, name)
    except (AttributeError, VariableError):
        return None


def _render_date_range(self, date_range, show_parts=None, context=None):
    """citeproc-py's ``Date.render_date_range``, mended for a range within one
    year, as journals date issues ("2020 Oct-Dec"). citeproc-py puts the
    shared year last whatever the style's order ("Oct–Dec 2020" in NLM's
    "2020 Oct 5" order) and prints nothing where the style shows the year
    alone (APA's and AMA's journal articles), or fails ("October 1–5, 2020"
    in AMA). Here the shared parts go where the style puts them, a range
    that differs only in parts the style does not show is one date, and
    one whose ends differ in precision, or whose differing parts sit between
    shared ones, is two full dates."""
    begin, end = date_range.begin, date_range.end
    order = [child.get("name") for child in self.iterchildren()]
    shown = [part for part in order if part in (show_parts or DATE_PARTS)]
    same = []
    if not end.is_nil():
        for part in DATE_PARTS:
            value = _date_part(begin, part)
            if value is None or value != _date_part(end, part):
                break
            same.append(part)
    differ = [
        part
        for part in shown
        if part not in same
        and (_date_part(begin, part) or _date_part(end, part)) is not None
    ]
    if end.is_nil() or not differ:
        return self.render_single_date(begin, shown, context)
    shared = [part for part in shown if part in same]
    uneven = any(
        (_date_part(begin, part) is None) != (_date_part(end, part) is None)
        for part in shown
    )
    if shared and (
        uneven or shared not in (shown[: len(shared)], shown[-len(shared) :])
    ):
        # The ends differ in precision ("2020 Oct" to "2020 Dec 5"), or the
        # parts that differ sit between shared ones ("October 1, 2020"):
        # the two dates in full.
        differ, shared = shown, []

    def render(date, parts):
        return self.render_single_date(date, parts, context) or ""

    dash = self.unicode_character("EN DASH")
    # A part's suffix does not touch the dash ("October 1–5", not "1,–5");
    # an end without the parts shown here leaves no dash.
    first, last = render(begin, differ).rstrip(" ,"), render(end, differ)
    span = first + dash + last if first and last else first or last
    if not shared:
        return span
    joined = [render(end, shared).rstrip(), span]
    if shown[0] not in shared:  # "Oct–Dec 2020", not "2020 Oct–Dec"
        joined.reverse()
    # Joined as render_single_date joins the parts of one date.
    return (context if self.is_locale_date() else self).join(joined)


CSLDate.render_date_range = _render_date_range


# -- Substitution suppresses what it substituted

SUPPRESSED = "health_articles:suppressed"
RECORDING = "health_articles:recording"


def _layout_state(context):
    return context.get_layout().repressed


def _substitute_render(self, item, context=None, **kwargs):
    state = _layout_state(context)
    for child in self.getchildren():
        state[RECORDING] = set()
        try:
            if isinstance(child, Names) and child.name is None:
                names = self.xpath_search("./parent::cs:names[1]")[0]
                text = child.render(
                    item, names_context=names, context=context, **kwargs
                )
            else:
                text = child.render(item, context=context, **kwargs)
        except VariableError:
            continue
        finally:
            recorded = state.pop(RECORDING, set())
        if text:
            state.setdefault(SUPPRESSED, set()).update(recorded)
            self.add_to_repressed_list(child, context)
            return text
    return None


_text_variable = Text._variable


def _text_variable_suppressed(self, item, context):
    state = _layout_state(context)
    variable = self.get("variable")
    if variable in state.get(SUPPRESSED, ()):
        return None
    text = _text_variable(self, item, context)
    if text and RECORDING in state:
        state[RECORDING].add(variable)
    return text


_names_process = Names.process


def _names_process_suppressed(self, item, names_context=None, context=None, **kwargs):
    state = _layout_state(context if context is not None else self)
    roles = self.get("variable").split()
    kept = [role for role in roles if role not in state.get(SUPPRESSED, ())]
    if not kept:
        return None
    if RECORDING in state:
        state[RECORDING].update(role for role in kept if role in item.reference)
    if kept == roles:
        return _names_process(self, item, names_context, context, **kwargs)
    self.set("variable", " ".join(kept))
    try:
        return _names_process(self, item, names_context, context, **kwargs)
    finally:
        self.set("variable", " ".join(roles))


Substitute.render = _substitute_render
Text._variable = _text_variable_suppressed
Names.process = _names_process_suppressed


# -- Text case

OPENING = "([{\"'\u2018\u201c"


def _capitalize(part: str, first: bool) -> str:
    """A part of a word (between hyphens) with its first letter, after any
    opening bracket or quote, in capitals: where the part is in lower case,
    and is not a stop word after the first part."""
    bare = part.lstrip(OPENING)
    at = len(part) - len(bare)
    if not bare[:1].isalpha() or not part.islower():
        return part
    if not first and bare.rstrip(".,;:?!)]}\"'\u2019\u201d") in TextCased._stop_words:
        return part
    return part[:at] + part[at].upper() + part[at + 1 :]


def _title_word(word, previous: str):
    if isinstance(word, NoCase):
        return word
    text = str(word)
    bare = text.lstrip(OPENING)
    if text.islower() and bare in TextCased._stop_words and previous not in ":.":
        return word.soft_lower()
    parts = text.split("-")
    return word.__class__(
        "-".join(_capitalize(part, index == 0) for index, part in enumerate(parts))
    )


_case = TextCased.case


def _case_mended(self, text, language=None):
    text_case = self.get("text-case")
    if language is None:
        language = "en"
    if text_case != "title" or language != "en":
        return _case(self, text, language)
    output = []
    previous = ":"  # the first word is capitalised
    for word in text.words():
        word = _title_word(word, previous)
        previous = str(word)[-1]
        output.append(word)
    return " ".join(output)


TextCased.case = _case_mended
