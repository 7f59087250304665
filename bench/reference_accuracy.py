"""Field-by-field accuracy of the free-text reference parser against gold data.

Run from the repository root: ``python bench/reference_accuracy.py`` (no
Django needed). Options: ``--verbose`` lists every wrong field; pass gold
files to benchmark others than the three default sets (the seed, other styles, a
held-out set).

A field counts for a reference when gold or parser output has it; it is exact
when both have it and the values agree after normalising case, whitespace,
trailing punctuation and dash types. Author names are compared as whole
lists (family names; given-name initials).
"""

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from health_articles.references.parser import parse_references  # noqa: E402

# seed: the seed article's 16 references; styles: 43 real citations in other
# styles (used while developing the rules); holdout: 24 more, written before
# the parser first ran on them and kept out of rule development.
DEFAULT_SETS = [
    ROOT / "tests/data/citations/seed.json",
    ROOT / "tests/data/citations/styles.json",
    ROOT / "tests/data/citations/holdout.json",
]
FIELDS = [
    "type",
    "author family",
    "author initials",
    "title",
    "container-title",
    "year",
    "month",
    "volume",
    "issue",
    "page",
    "DOI",
    "PMID",
    "PMCID",
    "ISBN",
    "URL",
    "publisher",
]
DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")


def normalise(value: str) -> str:
    value = unicodedata.normalize("NFC", DASHES.sub("-", value))
    value = re.sub(r"\s+", " ", value).strip().casefold()
    return value.rstrip(".,;: ").strip()


def _initials(given: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s.-]+", given) if part).upper()


def field_values(csl: dict) -> dict[str, str]:
    """The compared fields of a CSL item, as strings ("" when absent)."""
    names = csl.get("author") or []
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    first = parts[0] if parts else []
    values = {
        "type": csl.get("type", ""),
        "author family": "; ".join(
            n.get("family", n.get("literal", "")) for n in names
        ),
        "author initials": "; ".join(_initials(n.get("given", "")) for n in names),
        "year": str(first[0]) if len(first) > 0 else "",
        "month": str(first[1]) if len(first) > 1 else "",
    }
    if not names:
        values["author initials"] = ""
    for key in FIELDS:
        if key not in values:
            values[key] = str(csl.get(key, ""))
    return values


def evaluate(path: Path, verbose: bool) -> tuple[int, int]:
    document = json.loads(path.read_text(encoding="utf-8"))
    counted = dict.fromkeys(FIELDS, 0)
    exact = dict.fromkeys(FIELDS, 0)
    split_errors = 0
    for item in document["items"]:
        parsed = parse_references(item["raw"])
        if len(parsed) != 1:
            split_errors += 1
        got = field_values(parsed[0].csl if parsed else {})
        want = field_values(item["csl"])
        for key in FIELDS:
            if not got[key] and not want[key]:
                continue
            counted[key] += 1
            if normalise(got[key]) == normalise(want[key]):
                exact[key] += 1
            elif verbose:
                print(f"  {item['raw'][:50]!r}\n    {key}: got {got[key]!r}")
                print(f"    {' ' * len(key)}  want {want[key]!r}")
    total_counted = sum(counted.values())
    total_exact = sum(exact.values())
    print(f"\n{path.name}: {len(document['items'])} references")
    print(f"{'field':<17}{'counted':>8}{'exact':>7}{'%':>8}")
    for key in FIELDS:
        if counted[key]:
            share = 100 * exact[key] / counted[key]
            print(f"{key:<17}{counted[key]:>8}{exact[key]:>7}{share:>7.1f}%")
    share = 100 * total_exact / total_counted if total_counted else 0.0
    print(f"{'all fields':<17}{total_counted:>8}{total_exact:>7}{share:>7.1f}%")
    if split_errors:
        print(f"({split_errors} raw texts did not parse as exactly one reference)")
    return total_exact, total_counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--verbose", "-v", action="store_true")
    arguments = parser.parse_args()
    for path in arguments.gold:
        evaluate(path, arguments.verbose)


if __name__ == "__main__":
    main()
