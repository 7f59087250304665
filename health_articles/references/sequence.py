"""A learned labeller for the words of a reference: a linear-chain CRF
(python-crfsuite) that gives each whitespace-separated token a label (author,
title, journal, date, volume, pages, publisher, ...) and its marginal
probability.

The model is trained on AnyStyle's labelled references (BSD 2-clause; see
``tests/data/anystyle/``) by ``python -m health_articles.references.training``
(``make reference-model``), ships beside this module and is loaded once a
process. ``learned.py`` turns the labelled tokens into CSL. Plain Python with
no Django imports.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

MODEL_PATH = Path(__file__).with_name("reference-model.crfsuite")

# A token is what lies between spaces; tokens this long are not words of a
# reference and are cut (a pasted blob must not cost the tagger much).
MAX_TOKENS = 400

MONTH_WORDS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "spring",
        "summer",
        "fall",
        "autumn",
        "winter",
    ]
)
KEYWORDS = frozenset(
    [
        "and",
        "et",
        "al",
        "in",
        "ed",
        "eds",
        "editor",
        "editors",
        "edited",
        "by",
        "pp",
        "p",
        "vol",
        "no",
        "nr",
        "issue",
        "art",
        "article",
        "press",
        "university",
        "univ",
        "publishing",
        "publishers",
        "books",
        "journal",
        "proceedings",
        "conference",
        "conf",
        "symposium",
        "congress",
        "meeting",
        "workshop",
        "abstract",
        "thesis",
        "dissertation",
        "phd",
        "msc",
        "report",
        "preprint",
        "retrieved",
        "available",
        "accessed",
        "cited",
        "online",
        "internet",
        "doi",
        "pmid",
        "pmc",
        "isbn",
        "http",
        "https",
        "www",
        "org",
        "com",
        "trans",
        "translated",
        "edn",
        "edition",
        "rev",
        "ser",
        "series",
        "chapter",
        "guideline",
        "guidelines",
        "review",
        "supplement",
        "suppl",
    ]
)
QUOTES = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb"
ROMAN = re.compile(r"^[ivxlcdm]+$")


# NLM runs the source together ("2015 Jan;67(1):17-27"): a token is also cut
# after ";" or ":" that another character follows (not "://" of a link).
GLUED = re.compile(r"(?<=[;:])(?=[^\s/])")


def tokenise(text: str) -> list[str]:
    return [
        piece
        for token in text.split()[:MAX_TOKENS]
        for piece in (GLUED.split(token) if "://" not in token else (token,))
        if piece
    ][:MAX_TOKENS]


def _shape(token: str) -> str:
    shape = []
    for char in token:
        if char.isupper():
            code = "X"
        elif char.isalpha():
            code = "x"
        elif char.isdigit():
            code = "d"
        else:
            code = char
        if not shape or shape[-1] != code:
            shape.append(code)
    return "".join(shape)[:8]


def _word(token: str) -> str:
    return "".join(char for char in token.casefold() if char.isalnum())


def _token_features(token: str) -> list[str]:
    word = _word(token)
    bare = unicodedata.normalize("NFKD", word)
    bare = "".join(char for char in bare if not unicodedata.combining(char))
    shape = _shape(token)
    features = [f"shape={shape}", f"len={min(len(word), 8)}"]
    if word:
        features += [f"w={bare}", f"p2={bare[:2]}", f"s3={bare[-3:]}"]
        if bare in KEYWORDS:
            features.append(f"key={bare}")
        if bare in MONTH_WORDS:
            features.append("month")
    first, last = token[0], token[-1]
    if not first.isalnum():
        features.append(f"first={first}")
    if not last.isalnum():
        features.append(f"last={last}")
    if len(token) > 1 and not token[-2].isalnum():
        features.append(f"last2={token[-2:]}")
    letters = [char for char in token if char.isalpha()]
    if letters:
        if all(char.isupper() for char in letters):
            features.append("caps=all" if len(letters) > 1 else "caps=one")
        elif letters[0].isupper():
            features.append("caps=initial")
        else:
            features.append("caps=lower")
        if any(ord(char) > 127 for char in letters):
            features.append("non-ascii")
    digits = re.sub(r"\D", "", token)
    if digits:
        if re.fullmatch(r"(1[5-9]|20)\d\d[a-z]?", word):
            features.append("year")
        if re.search(r"\d\s*[-\u2010-\u2015]\s*\d", token):
            features.append("range")
        features.append(f"digits={min(len(digits), 5)}")
    elif word and ROMAN.match(word) and len(word) < 5:
        features.append("roman")
    if re.fullmatch(r"[^\W\d_]\.?[,;]?|(?:[^\W\d_]\.-?){2,4}[,;]?", token):
        features.append("initial")
    if "(" in token or ")" in token:
        features.append("paren")
    if "[" in token or "]" in token:
        features.append("bracket")
    if any(char in QUOTES for char in token):
        features.append("quote")
    if ":" in token[:-1]:
        features.append("colon-inside")
    if re.match(r"(?:https?://|www\.)", token, re.IGNORECASE):
        features.append("url")
    if re.search(r"\b10\.\d{4,9}/", token):
        features.append("doi")
    return features


# Features of the neighbours that carry over: (offset, feature prefixes).
CONTEXT = (
    (-2, ("w=", "last=")),
    (-1, ("w=", "shape=", "last=", "caps=", "year", "initial", "key=")),
    (1, ("w=", "shape=", "first=", "caps=", "year", "initial", "key=", "month")),
    (2, ("w=", "year")),
)


def features(tokens: list[str]) -> list[list[str]]:
    """CRF attributes of each token: its own, its position and its
    neighbours' (prefixed by their offset)."""
    own = [_token_features(token) for token in tokens]
    count = len(tokens)
    sequence = []
    for index, attributes in enumerate(own):
        items = list(attributes)
        items.append(f"pos={10 * index // count}")
        if index == 0:
            items.append("BOS")
        if index == count - 1:
            items.append("EOS")
        for offset, prefixes in CONTEXT:
            neighbour = index + offset
            if 0 <= neighbour < count:
                items += [
                    f"{offset}:{feature}"
                    for feature in own[neighbour]
                    if feature.startswith(prefixes)
                ]
        sequence.append(items)
    return sequence


@dataclass(frozen=True)
class Segment:
    """A run of tokens with one label, its text as printed, the lowest
    marginal probability among its tokens (``confidence``), their mean, and
    how likely the tokens on either side are to belong to it too (``spill``:
    the higher, the less sure the model is where the segment ends)."""

    label: str
    text: str
    confidence: float
    mean: float = 1.0
    spill: float = 0.0


@cache
def tagger() -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger


@dataclass
class Labelling:
    """The tokens of a reference, the marginal probability of each label at
    each token, and the probability of the labelling the model chose."""

    tokens: list[str]
    marginals: dict[str, list[float]]
    probability: float

    def belief(self, labels: tuple[str, ...], index: int) -> float:
        """How likely token ``index`` has one of ``labels``."""
        return sum(
            self.marginals[name][index] for name in labels if name in self.marginals
        )


# The labels whose marginals a ``Labelling`` keeps (those ``review.py`` reads).
KEPT_MARGINALS = (
    "author",
    "title",
    "journal",
    "container-title",
    "date",
    "volume",
    "pages",
    "publisher",
)


def label(text: str, labelling: list | None = None) -> list[Segment]:
    """The labelled segments of one reference's text, in reading order;
    ``labelling``, if given, receives its ``Labelling`` (the marginals of
    ``KEPT_MARGINALS``)."""
    tokens = tokenise(text)
    if not tokens:
        return []
    model = tagger()
    labels = model.tag(features(tokens))
    marginals = [model.marginal(name, index) for index, name in enumerate(labels)]
    if labelling is not None:
        table = {
            name: [model.marginal(name, index) for index in range(len(tokens))]
            for name in KEPT_MARGINALS
        }
        labelling.append(Labelling(tokens, table, model.probability(labels)))
    segments: list[Segment] = []
    start = 0
    for end in range(1, len(tokens) + 1):
        if end < len(tokens) and labels[end] == labels[start]:
            continue
        name, run = labels[start], marginals[start:end]
        spill = max(
            (
                model.marginal(name, index)
                for index in (start - 1, end)
                if 0 <= index < len(tokens)
            ),
            default=0.0,
        )
        segments.append(
            Segment(
                name,
                " ".join(tokens[start:end]),
                min(run),
                sum(run) / len(run),
                spill,
            )
        )
        start = end
    return segments
