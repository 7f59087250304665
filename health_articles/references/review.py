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
from functools import cache
from pathlib import Path

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
    *(f"style {style}" for style in STYLES),
    *(f"type {kind}" for kind in TYPES),
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


def _unsure(probability: float) -> float:
    """-log of a probability, capped: 0 when the model is sure."""
    return min(-math.log(max(probability, 1e-6)), 5.0)


def _squeezed(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


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


def _belief(variable: str, value, labelling) -> tuple[float, float, float]:
    """(found, the model's lowest belief that the value's tokens carry the
    variable's labels, its highest belief that a token beside them does)."""
    labels = LABELS.get(variable)
    if labelling is None or not labels or value is None:
        return 0.0, 1.0, 0.0
    words = [_squeezed(token) for token in labelling.tokens]
    joined, owner = "", []
    for index, word in enumerate(words):
        joined += word
        owner += [index] * len(word)
    found, low, beside = True, 1.0, 0.0
    count = len(words)
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
    return float(not found), low, beside


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


def _residue(variable: str, value) -> list[float]:
    """Signs in a value that a normaliser left something in it, or guessed."""
    if value is None:
        return [0.0] * 9
    names = [0.0, 0.0, 0.0]
    text = ""
    if variable == "author":
        names = _names_doubts(value)
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
) -> list[float]:
    """The predictor's inputs for one variable of one reference, in the
    order of ``FEATURES``."""
    in_rules, in_model = variable in rules, variable in model
    differ = in_rules and in_model and not agree
    rules_kept = not model_kept
    value = result.get(variable)
    missing, low, beside = _belief(variable, value, labelling)
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
        *_residue(variable, value),
        float(all(part in rules for part in WHOLE) and not rules_doubt),
        float(any(name in result for name in ("DOI", "PMID", "PMCID"))),
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


def fit(rows: list[tuple[list[float], bool, float]], ridge: float = 1.0) -> list[float]:
    """Logistic-regression weights for ``rows`` of (features, wrong, weight),
    by Newton's method with a small ridge penalty (not on the bias)."""
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
