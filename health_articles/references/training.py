"""Train the reference labeller (``sequence.py``) on AnyStyle's labelled
references and report per-label scores on the held-out ``gold`` set.

    python -m health_articles.references.training [--data DIR] [--out FILE]

Trains on AnyStyle's ``core``, ``good``, ``ugly`` and ``bad`` sets (its
``gold`` set is never trained on) and on the project's own labelled
references (``tests/data/citations/labelled.xml``, medical kinds AnyStyle's
sets hold few of, counted ``OWN_WEIGHT`` times), with fixed settings and the
files in a fixed order, so the same data gives the same model. AnyStyle's
data are under the BSD 2-clause licence (``tests/data/anystyle/LICENSE``).
"""

import argparse
import sys
import time
import xml.etree.ElementTree as ElementTree  # noqa: S405 (the project's own files)
from collections import Counter
from pathlib import Path

import pycrfsuite

from .sequence import MODEL_PATH, features, tokenise

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests/data/anystyle"
TRAINING_SETS = ("core", "good", "ugly", "bad")
HELD_OUT = "gold"
OWN = ROOT / "tests/data/citations/labelled.xml"
OWN_WEIGHT = 3
SETTINGS = {
    "c1": 1.0,
    "c2": 0.01,
    "max_iterations": 200,
    "feature.minfreq": 2,
    "feature.possible_transitions": True,
}


def read_sequences(path: Path) -> list[tuple[list[str], list[str]]]:
    """(tokens, labels) of each labelled reference in an AnyStyle XML file."""
    sequences = []
    for sequence in ElementTree.parse(path).getroot().iter("sequence"):  # noqa: S314
        tokens, labels = [], []
        for element in sequence:
            words = tokenise(element.text or "")
            tokens += words
            labels += [element.tag] * len(words)
        if tokens:
            sequences.append((tokens, labels))
    return sequences


def train(data: Path, out: Path, verbose: bool = False) -> None:
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=verbose)
    trainer.set_params(SETTINGS)
    sequences = [
        sequence
        for name in TRAINING_SETS
        for sequence in read_sequences(data / f"{name}.xml")
    ]
    sequences += read_sequences(OWN) * OWN_WEIGHT
    for tokens, labels in sequences:
        trainer.append(features(tokens), labels)
    count = len(sequences)
    print(f"Training on {count} references ...", flush=True)
    started = time.monotonic()
    trainer.train(str(out))
    size = out.stat().st_size / 1024
    print(f"Wrote {out} ({size:.0f} KiB) in {time.monotonic() - started:.0f} s.")


def label_scores(
    sequences: list[tuple[list[str], list[str]]], model: Path = MODEL_PATH
) -> dict[str, tuple[float, float, float, int]]:
    """Per label (precision, recall, F1, tokens in gold) of the model's
    token labels against ``sequences``."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    right, predicted, wanted = Counter(), Counter(), Counter()
    for tokens, labels in sequences:
        for got, want in zip(tagger.tag(features(tokens)), labels, strict=True):
            predicted[got] += 1
            wanted[want] += 1
            right[got] += got == want
    scores = {}
    for name in sorted(wanted, key=wanted.get, reverse=True):
        precision = right[name] / predicted[name] if predicted[name] else 0.0
        recall = right[name] / wanted[name]
        f1 = 2 * precision * recall / (precision + recall) if right[name] else 0.0
        scores[name] = (precision, recall, f1, wanted[name])
    return scores


def print_scores(scores: dict) -> None:
    print(f"{'label':<18}{'tokens':>8}{'P':>7}{'R':>7}{'F1':>7}")
    for name, (precision, recall, f1, count) in scores.items():
        print(f"{name:<18}{count:>8}{precision:>7.3f}{recall:>7.3f}{f1:>7.3f}")
    total = sum(count for *_, count in scores.values())
    weighted = sum(f1 * count for *_, f1, count in scores.values()) / total
    print(f"{'weighted F1':<18}{total:>8}{weighted:>21.3f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--verbose", action="store_true")
    arguments = parser.parse_args(argv)
    train(arguments.data, arguments.out, arguments.verbose)
    print(f"\nToken labels on the held-out {HELD_OUT} set:")
    gold = read_sequences(arguments.data / f"{HELD_OUT}.xml")
    print_scores(label_scores(gold, arguments.out))


if __name__ == "__main__":
    sys.exit(main())
