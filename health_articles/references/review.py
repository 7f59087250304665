"""How likely each field of a parsed reference is to be wrong, from the
learned labeller's marginal probabilities and from how the rules' and the
model's readings agree: a small logistic model per CSL variable (one where
the rules' reading is kept, one where the model's is), fitted by
``training.py`` on cross-validation folds of the training data (never on a
held-out set) and shipped beside this module as ``review-model.json``.

``probability`` says how likely a field is wrong; ``parser.choose`` names
in ``needs_review`` the fields ``doubted`` picks (where the reference is
likely to hold a wrong field, those likely enough to be it), with the
reason in plain words. Plain Python with no Django imports.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .normalise import MONTH
from .sequence import KEYWORDS, MONTH_WORDS

MODEL_PATH = Path(__file__).with_name("review-model.json")

# The variables the two readers' readings are compared on (``parser.py``),
# and of those the ones whose doubts are measured and named: all but the
# editors (a reading of the editors that differs still tells of the other
# fields, "other fields read otherwise"; the gold sets do not compare them).
COMPARED = (
    "type",
    "author",
    "editor",
    "title",
    "container-title",
    "issued",
    "volume",
    "issue",
    "page",
    "publisher",
)
UNMEASURED = ("editor",)
VARIABLES = tuple(variable for variable in COMPARED if variable not in UNMEASURED)
STYLES = ("vancouver", "author-date", "harvard", "quoted-title", "mla-chicago-book")
TYPES = (
    "article-journal",
    "book",
    "chapter",
    "paper-conference",
    "webpage",
    "report",
    "thesis",
)
# Checks of a field's shape and of the reference's whole reading, each a
# sign that a field holds what belongs elsewhere or was guessed (the failure
# classes of issue 16: PDF hyphenation, designators and source details left
# in titles, residue in containers, corporate names split as persons, a
# number read as the year, a part read as an article).
SHAPES = (
    "a hyphen before a space",
    "a square bracket inside",
    "a bracket with a number inside",
    "source words inside",
    "publisher words inside",
    "ends in a place",
    "a month inside",
    "an organisation word in a personal name",
    "a group name",
    "year out of range",
    "other years in the text",
    "a number word before the year",
    "pages reversed or too many",
    "conference words, not a conference paper",
    "a conference paper without conference words",
    "thesis words, not a thesis",
    "report words, not a report",
    "in a book, not a part",
    "a journal article without numbers",
    "a part without a container",
    "no author",
    "a place read from brackets",
    "words in no field",
    "a word in no field beside it",
)
FEATURES = (
    "bias",
    "model kept",
    "rules kept, model differs",
    "rules kept, model has none",
    "rules kept, model has one",
    "model kept, rules differ",
    "model kept, rules have none",
    "model kept, rules have one",
    "in result",
    "model unsure",
    "model unsure (mean)",
    "model unsure where it ends",
    "model unsure of the reference",
    "model unsure of its labelling",
    "other fields read otherwise",
    "result not found in the text",
    "model doubts the result's words",
    "model sees the result go on",
    "year inside",
    "page range inside",
    "many words",
    "link inside",
    "odd names",
    "a name without a given name",
    "a given name of two words",
    "not a number",
    "digits inside",
    "rules found every part",
    "an identifier found",
    *SHAPES,
    *(f"style {style}" for style in STYLES),
    *(f"type {kind}" for kind in TYPES),
)
# The inputs that measure how unsure the labeller is (from its marginal
# probabilities): the less sure it is, the likelier a field is wrong, so
# their weights are kept at 0 or above (``fit``).
UNSURE = tuple(
    index
    for index, name in enumerate(FEATURES)
    if name.startswith(("model unsure", "model doubts", "model sees"))
)
# The model's labels a variable's words carry.
LABELS = {
    "author": ("author",),
    "title": ("title",),
    "container-title": ("journal", "container-title"),
    "issued": ("date",),
    "volume": ("volume",),
    "issue": ("volume",),
    "page": ("pages",),
    "publisher": ("publisher",),
}
# The parts of a journal article the rules find where they read it whole.
WHOLE = ("author", "title", "container-title", "issued", "volume", "page")
YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
RANGE = re.compile(r"\d+\s*[-\u2010-\u2015]\s*\d+")
LINK = re.compile(r"https?:|www\.|\bdoi\b", re.IGNORECASE)
HYPHEN_SPACE = re.compile(r"[^\W\d_][-\u00ad]\s+[^\W\d_]")
NUMBERED_BRACKET = re.compile(r"\([^()]*\d[^()]*\)")
SOURCE_WORDS = re.compile(
    r"(?:\bIn:|\b(?:vol|pp|eds?|edn)\.|\b(?:Available|Retrieved|Accessed|Cited"
    r"|Publication\s+No|Art\.?\s*No|Issue|Suppl|version\s+\d[\w.]*)\b)",
    re.IGNORECASE,
)
PUBLISHER_WORDS = re.compile(
    r"\b(?:Press|Books|Publishers?|Publishing|Publications|Verlag|Wiley|Springer"
    r"|Elsevier|Routledge|Sage|Univ\.|University|UP)\b"
    r"|\bU\s+of\s+[A-Z][\w ]{1,30}?\s+P\b"
)
ENDS_IN_PLACE = re.compile(r",\s*(?:[A-Z][a-z]+|[A-Z]{2,3})\.?$")
MONTH_INSIDE = re.compile(rf"\b{MONTH}(?=\s|$)")
ORGANISATION = re.compile(
    r"\b(?:Institutes?|Institution|Association|Organi[sz]ation|Department|Ministry"
    r"|Society|Committee|Commission|Council|Academy|Academies|Agency|Cent(?:er|re)s?"
    r"|College|Group|Collaborators?|Consortium|Foundation|Service|Board|Office"
    r"|Network|Federation|Union|University|National|International|Health|Medicine"
    r"|Sciences?|Research|Hospital|Trust|Programme|Program|Initiative|Alliance"
    r"|Investigators|Study|Task|Force)\b"
)
CONFERENCE_WORDS = re.compile(
    r"\b(?:proc|proceedings|conference|conf|symposium|congress|meeting|workshop"
    r"|colloquium|advances\s+in)\b",
    re.IGNORECASE,
)
THESIS_WORDS = re.compile(
    r"\b(?:thesis|dissertation|diss\.|ph\.?\s?d|doctoral|master['\u2019]?s"
    r"|th\u00e8se|tesis|tesi|proefschrift|habilitation)",
    re.IGNORECASE,
)
REPORT_WORDS = re.compile(
    r"\b(?:report|guidelines?|technical|working\s+paper|white\s+paper"
    r"|publication\s+no)\b",
    re.IGNORECASE,
)
IN_BOOK = re.compile(r"(?:^|[.,;\u201d\"']\s*)In:?\s+(?=[^\W\d_])")
BEFORE_YEAR = re.compile(
    r"\b(?:abstract|no|nr|art|article|number|p|pp|issue)\.?:?\s*#?\s*$", re.IGNORECASE
)
PARTS = ("chapter", "paper-conference")
# Words a reference holds outside its fields: what the styles print around
# them ("vol.", "In:", "Available from") and the months of dates.
GLUE = (
    KEYWORDS
    | MONTH_WORDS
    | {
        "from",
        "the",
        "of",
        "at",
        "on",
        "to",
        "for",
        "with",
        "an",
        "accessed",
        "cited",
        "updated",
        "published",
        "epub",
        "ahead",
        "print",
        "nd",
        "date",
        "vols",
        "pages",
        "page",
        "n",
        "s",
    }
)


def _unsure(probability: float) -> float:
    """-log of a probability, capped: 0 when the model is sure."""
    return min(-math.log(max(probability, 1e-6)), 5.0)


NOT_ALNUM = re.compile(r"[\W_]+")


def _squeezed(text: str) -> str:
    """Only the letters and digits of ``text``, case folded."""
    return NOT_ALNUM.sub("", text.casefold())


def _spans(variable: str, value) -> list[str]:
    """The pieces of a variable's value to look for in the text."""
    if variable == "author":
        return [n.get("family", n.get("literal", "")) for n in value or ()]
    if variable == "issued":
        parts = (value or {}).get("date-parts") or [[]]
        return [str(parts[0][0])] if parts[0] else []
    if variable in ("volume", "issue", "page"):
        return re.findall(r"\w+", str(value))[:1]
    return [str(value)]


def _belief(
    variable: str, value, labelling, seen: "Reading | None" = None
) -> tuple[float, float, float, bool]:
    """(found, the model's lowest belief that the value's tokens carry the
    variable's labels, its highest belief that a token beside them does,
    whether a token beside them is a word of no field)."""
    labels = LABELS.get(variable)
    if labelling is None or not labels or value is None:
        return 0.0, 1.0, 0.0, False
    if seen is None or seen.labelling is not labelling:
        seen = reading({}, "", labelling)
    joined, owner, uncovered = seen.joined, seen.owner, seen.uncovered
    found, low, beside, near = True, 1.0, 0.0, False
    count = len(labelling.tokens)
    for piece in _spans(variable, value):
        piece = _squeezed(piece)
        at = joined.find(piece) if piece else -1
        if at < 0:
            found = False
            continue
        first, last = owner[at], owner[at + len(piece) - 1]
        for index in range(first, last + 1):
            low = min(low, labelling.belief(labels, index))
        for index in (first - 1, last + 1):
            if 0 <= index < count and variable not in ("volume", "issue", "page"):
                beside = max(beside, labelling.belief(labels, index))
                near = near or uncovered[index]
    return float(not found), low, beside, near


@dataclass
class Reading:
    """What the checks read once a reference: the model's ``labelling``,
    its tokens' letters and digits run together (``joined``, with the token
    each character comes from, ``owner``), which tokens are words of no
    field of the result (``uncovered``), and the ``SHAPES`` checks of the
    whole reading (``whole``, in the order of ``_whole``)."""

    labelling: object
    joined: str
    owner: list[int]
    uncovered: list[bool]
    whole: list[float]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, int):
        return [str(value)]
    return []


def reading(result: dict, text: str, labelling) -> Reading:
    """The ``Reading`` of a reference's ``text`` and its ``result``."""
    held = _squeezed(
        " ".join(
            s for key, value in result.items() if key != "type" for s in _strings(value)
        )
    )
    joined, owner, uncovered = "", [], []
    for index, token in enumerate(labelling.tokens if labelling is not None else ()):
        word = _squeezed(token)
        joined += word
        owner += [index] * len(word)
        letters = sum(char.isalpha() for char in word)
        uncovered.append(letters >= 2 and word not in GLUE and word not in held)
    return Reading(labelling, joined, owner, uncovered, _whole(result, text, uncovered))


def _whole(result: dict, text: str, uncovered: list[bool]) -> list[float]:
    """The ``SHAPES`` checks of a reference's whole reading (from "year out
    of range"), but for "a word in no field beside it" (``_checks``)."""
    kind = result.get("type", "")
    container = str(result.get("container-title", ""))
    title = str(result.get("title", ""))
    parts = (result.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts and parts[0] else None
    inside = set(YEAR.findall(f"{title} {container}"))
    other_years = len(set(YEAR.findall(text)) - inside - {str(year)})
    before_year = False
    if year is not None:
        at = text.find(str(year))
        before_year = at > 0 and bool(BEFORE_YEAR.search(text[:at]))
    ends = re.fullmatch(r"(\d+)-(\d+)", str(result.get("page", "")))
    reversed_pages = bool(ends) and not 0 <= int(ends[2]) - int(ends[1]) <= 300
    place = str(result.get("publisher-place", ""))
    thesis_words = THESIS_WORDS.search(text) or THESIS_WORDS.search(
        str(result.get("genre", ""))
    )
    return [
        float(year is not None and not 1800 <= int(year) <= date.today().year + 1),
        float(min(other_years, 2)),
        float(before_year),
        float(reversed_pages),
        float(bool(CONFERENCE_WORDS.search(container)) and kind != "paper-conference"),
        float(kind == "paper-conference" and not CONFERENCE_WORDS.search(container)),
        float(bool(thesis_words) and kind != "thesis"),
        float(bool(REPORT_WORDS.search(f"{title} {text}")) and kind != "report"),
        float(bool(IN_BOOK.search(text)) and kind not in PARTS),
        float(
            kind == "article-journal"
            and not any(key in result for key in ("volume", "issue", "page"))
        ),
        float(kind in PARTS and not container),
        float(not result.get("author")),
        float(bool(place) and f"({place})" in text),
        math.log1p(sum(uncovered)),
    ]


def _checks(variable: str, value, result: dict, seen: Reading | None, near) -> list:
    """The ``SHAPES`` checks of one variable (``near``: whether a token
    beside its value in the text is a word of no field)."""
    text = ""
    if isinstance(value, str):
        text = value
    if variable == "type":  # a type is shown by its container
        text = str(result.get("container-title", ""))
    names = value if variable in ("author", "editor") and value else []
    if names:
        text = " ".join(n.get("family", n.get("literal", "")) for n in names)
    personal = [n for n in names if "literal" not in n]
    whole = seen.whole if seen is not None else _whole(result, "", [])
    return [
        float(bool(HYPHEN_SPACE.search(text))),
        float("[" in text or "]" in text),
        float(bool(NUMBERED_BRACKET.search(text))),
        float(bool(SOURCE_WORDS.search(text))),
        float(bool(PUBLISHER_WORDS.search(text)) and variable != "publisher"),
        float(bool(ENDS_IN_PLACE.search(text)) and not names),
        float(bool(MONTH_INSIDE.search(text)) and variable != "issued"),
        float(
            any(
                ORGANISATION.search(f"{n.get('family', '')} {n.get('given', '')}")
                for n in personal
            )
        ),
        float(any("literal" in n for n in names)),
        *whole,
        float(near),
    ]


def _quoted(text: str) -> str:
    return f"\u201c{text[:40] + '...' if len(text) > 43 else text}\u201d"


def shape_doubts(result: dict, text: str) -> list[str]:
    """The ``needs_review`` entries ("variable: reason") of the shape checks
    that are signs enough on their own: each names a field that holds what
    belongs elsewhere in few of the entirely right references of the
    training folds and development sets (the review model, fitted on folds
    whose gold shares the normalisers, cannot learn them). ``text``: the
    reference's text as read."""
    doubts = []
    names = [n for n in result.get("author") or () if "literal" not in n]
    for name in names:
        found = ORGANISATION.search(f"{name.get('family', '')} {name.get('given', '')}")
        if found:
            doubts.append(
                f"author: a personal name holds {_quoted(found.group(0))}; "
                "a group's name may have been split into persons"
            )
            break
    title = str(result.get("title", ""))
    if found := re.search(r"\[[^\]]*\]?", title):
        doubts.append(
            f"title: holds {_quoted(found.group(0))}; what a bracket says "
            "the reference is belongs in its type"
        )
    elif found := SOURCE_WORDS.search(title):
        doubts.append(
            f"title: holds {_quoted(found.group(0))}, words of the source "
            "rather than of a title"
        )
    container = str(result.get("container-title", ""))
    place = str(result.get("publisher-place", ""))
    if found := PUBLISHER_WORDS.search(container):
        doubts.append(
            f"container-title: holds {_quoted(found.group(0))}; "
            "the publisher may have been read into it"
        )
        if not result.get("publisher"):
            doubts.append("publisher: none found; it may be in the container")
        if result.get("type") == "article-journal":
            doubts.append(
                "type: a journal article whose container names a publisher "
                "(a book's part?)"
            )
    elif found := SOURCE_WORDS.search(container):
        doubts.append(
            f"container-title: holds {_quoted(found.group(0))}, words of the "
            "source rather than of its name"
        )
    elif found := ENDS_IN_PLACE.search(container):
        doubts.append(
            f"container-title: ends in {_quoted(found.group(0).strip(', '))}, "
            "perhaps a place"
        )
    elif container and (
        place.count("(") != place.count(")") or (place and f"({place})" in text)
    ):
        doubts.append(
            f"container-title: the place {_quoted(place)} was read from "
            "brackets; they may end the container's name"
        )
    if result.get("type") == "chapter" and (
        CONFERENCE_WORDS.search(container) or YEAR.search(container)
    ):
        doubts.append(
            "type: a chapter, but the book's title reads like a conference's "
            "proceedings (a paper-conference?)"
        )
    return doubts


def _names_doubts(names: list[dict]) -> list[float]:
    """(a family name that cannot be one, a personal name without a given
    name, a given name of two full words: where a name's split between
    given and family names is a guess)."""
    families = [n.get("family", n.get("literal", "")) for n in names]
    odd = any(
        len(f) < 2
        or any(c.isdigit() for c in f)
        or f[:1].islower()
        or len(f.split()) > 3
        for f in families
    )
    bare = any("family" in n and not n.get("given") for n in names)
    split = any(
        len([w for w in n.get("given", "").split() if len(w.strip(".")) > 1]) > 1
        for n in names
    )
    return [float(odd), float(bare), float(split)]


def _residue(variable: str, value, result: dict) -> list[float]:
    """Signs in a value that a normaliser left something in it, or guessed
    (for the type, in the container that shows it)."""
    if value is None:
        return [0.0] * 9
    names = [0.0, 0.0, 0.0]
    text = ""
    if variable == "author":
        names = _names_doubts(value)
    elif variable == "type":
        text = str(result.get("container-title", ""))
    elif not isinstance(value, dict):
        text = str(value)
    number = variable in ("volume", "issue", "page")
    return [
        float(bool(YEAR.search(text))) if not number else 0.0,
        float(bool(RANGE.search(text))) if variable != "page" else 0.0,
        math.log1p(len(text.split())) if not number else 0.0,
        float(bool(LINK.search(text))),
        *names,
        float(number and not re.fullmatch(r"[\dA-Za-z]?\d+(?:-[\dA-Za-z]?\d+)?", text)),
        float(not number and any(char.isdigit() for char in text)),
    ]


def features(
    variable: str,
    *,
    result: dict,
    rules: dict,
    model: dict,
    model_kept: bool,
    agree: bool,
    confidence: float,
    mean: float,
    spill: float,
    lowest: float,
    labelling,
    others_differ: int,
    style: str,
    rules_doubt: bool,
    seen: Reading | None = None,
) -> list[float]:
    """The predictor's inputs for one variable of one reference, in the
    order of ``FEATURES`` (``seen``: the reference's ``reading``)."""
    in_rules, in_model = variable in rules, variable in model
    differ = in_rules and in_model and not agree
    rules_kept = not model_kept
    value = result.get(variable)
    missing, low, beside, near = _belief(variable, value, labelling, seen)
    probability = labelling.probability if labelling is not None else 1.0
    return [
        1.0,
        float(model_kept),
        float(rules_kept and differ),
        float(rules_kept and in_rules and not in_model),
        float(rules_kept and in_model and not in_rules),
        float(model_kept and differ),
        float(model_kept and in_model and not in_rules),
        float(model_kept and in_rules and not in_model),
        float(variable in result),
        _unsure(confidence),
        _unsure(mean),
        _unsure(1.0 - spill),
        _unsure(lowest),
        _unsure(probability),
        float(min(others_differ, 4)),
        missing,
        _unsure(low),
        _unsure(1.0 - beside),
        *_residue(variable, value, result),
        float(all(part in rules for part in WHOLE) and not rules_doubt),
        float(any(name in result for name in ("DOI", "PMID", "PMCID"))),
        *_checks(variable, value, result, seen, near),
        *(float(style == name) for name in STYLES),
        *(float(result.get("type") == kind) for kind in TYPES),
    ]


@cache
def weights() -> dict:
    """The fitted model: its thresholds and the weights of each variable."""
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def reader(inputs: list[float]) -> str:
    """Whose reading the result is: a variable has weights for each."""
    return "model" if inputs[FEATURES.index("model kept")] else "rules"


def probability(variable: str, inputs: list[float]) -> float:
    """How likely the variable is wrong, given its ``features``."""
    coefficients = weights()["weights"].get(variable, {}).get(reader(inputs))
    return logistic(coefficients, inputs) if coefficients else 0.0


def logistic(coefficients: list[float], inputs: list[float]) -> float:
    score = sum(w * x for w, x in zip(coefficients, inputs, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(score, 30.0), -30.0)))


# What the reference model reads: how likely each field is wrong, the
# likeliest, their sum, and whether the readers doubt any field themselves.
REFERENCE_FEATURES = (
    "bias",
    *(f"{variable} likely wrong" for variable in VARIABLES),
    "likeliest",
    "sum",
    "readers doubt it",
)


# The reference model's inputs that say how likely its fields are wrong:
# the likelier they are, the likelier the reference holds a wrong one
# (weights kept at 0 or above).
LIKELIER = tuple(
    index
    for index, name in enumerate(REFERENCE_FEATURES)
    if name.endswith("likely wrong") or name in ("likeliest", "sum")
)


def _logit(probability: float) -> float:
    probability = min(max(probability, 1e-4), 1.0 - 1e-4)
    return math.log(probability / (1.0 - probability))


def reference_features(likely: dict[str, float], doubted_already: bool) -> list[float]:
    """The reference model's inputs (``REFERENCE_FEATURES``)."""
    return [
        1.0,
        *(_logit(likely.get(variable, 0.0)) for variable in VARIABLES),
        max(likely.values(), default=0.0),
        sum(likely.values()),
        float(doubted_already),
    ]


def named(
    likely: dict[str, float],
    doubted_already: bool,
    fitted: dict,
    reference: float,
    field: float,
) -> set[str]:
    """The variables to name, given how likely each is wrong: those at
    least ``field`` likely where the readers already doubt a field of the
    reference (an editor checks it anyway); else none where the reference
    model (weights ``fitted["reference"]``) finds it less than ``reference``
    likely to hold a wrong field, and otherwise the likeliest and those at
    least ``field`` likely."""
    if not likely:
        return set()
    likeliest = {v for v, p in likely.items() if p >= field}
    if doubted_already:
        return likeliest
    inputs = reference_features(likely, doubted_already)
    if logistic(fitted["reference"], inputs) < reference:
        return set()
    return likeliest | {max(likely, key=likely.get)}


def doubted(likely: dict[str, float], doubted_already: bool) -> set[str]:
    """``named`` by the fitted model at its thresholds."""
    fitted = weights()
    if "reference" not in fitted:
        return set()
    return named(
        likely,
        doubted_already,
        fitted,
        fitted["reference threshold"],
        fitted["field threshold"],
    )


def fit(
    rows: list[tuple[list[float], bool, float]],
    ridge: float = 1.0,
    positive: tuple[int, ...] = (),
) -> list[float]:
    """Logistic-regression weights for ``rows`` of (features, wrong, weight),
    by Newton's method with a small ridge penalty (not on the bias); the
    weights of the features at ``positive`` are kept at 0 or above (those
    the fit would make negative are left out and the rest fitted again)."""
    left_out: set[int] = set()
    while True:
        kept = [
            ([0.0 if i in left_out else x for i, x in enumerate(inputs)], *rest)
            for inputs, *rest in rows
        ]
        coefficients = _newton(kept, ridge)
        negative = {i for i in positive if coefficients[i] < 0} - left_out
        if not negative:
            return coefficients
        left_out |= negative


def _newton(rows: list[tuple[list[float], bool, float]], ridge: float) -> list[float]:
    size = len(rows[0][0])
    coefficients = [0.0] * size
    for _ in range(25):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for inputs, wrong, count in rows:
            p = logistic(coefficients, inputs)
            error = count * (p - float(wrong))
            weight = count * p * (1.0 - p)
            active = [(i, x) for i, x in enumerate(inputs) if x]
            for i, x in active:
                gradient[i] += error * x
                row = hessian[i]
                for j, y in active:
                    row[j] += weight * x * y
        for i in range(size):
            if i:
                gradient[i] += ridge * coefficients[i]
                hessian[i][i] += ridge
            hessian[i][i] += 1e-9
        step = _solve(hessian, gradient)
        coefficients = [w - s for w, s in zip(coefficients, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return [round(w, 6) for w in coefficients]


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix x = vector (Gaussian elimination with pivoting)."""
    size = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda r: abs(rows[r][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        head = rows[column][column] or 1e-12
        for r in range(size):
            if r != column and rows[r][column]:
                factor = rows[r][column] / head
                rows[r] = [
                    a - factor * b for a, b in zip(rows[r], rows[column], strict=True)
                ]
    return [rows[i][size] / (rows[i][i] or 1e-12) for i in range(size)]
