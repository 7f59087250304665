"""Clinical codes of a condition: the one table of coding systems, and the
checks, normal form and links of a code in each.

A code is written ``SYSTEM:CODE`` in the API's filter (``ICD10:M16``) and
kept as ``{"system": "ICD10", "code": "M16"}`` in a condition section.
Plain Python (python-stdnum for SNOMED CT's Verhoeff check digit).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from stdnum import verhoeff


@dataclass(frozen=True)
class System:
    label: str  # as schema.org's MedicalCode.codingSystem and readers see it
    pattern: re.Pattern  # the code's form, after normalising
    example: str
    hierarchical: bool  # whether a code also finds the codes below it (M16 finds M16.1)
    link: str = ""  # the code's page in the system's browser, "{code}" for the code
    check: Callable[[str], bool] = lambda code: True
    normal_form: Callable[[str], str] = lambda code: code


def _icd10(code: str) -> str:
    """ICD-10 with its full stop after the category ("M161" -> "M16.1")."""
    if "." not in code and len(code) > 3:
        return f"{code[:3]}.{code[3:]}"
    return code


def _snomed_valid(code: str) -> bool:
    # An SCTID: 6 to 18 digits, the last a Verhoeff check digit.
    return verhoeff.is_valid(code)


SYSTEMS = {
    "ICD10": System(
        label="ICD-10",
        pattern=re.compile(r"^[A-Z][0-9]{2}[0-9A-Z]?(?:\.[0-9A-Z]{1,4})?$"),
        example="M16.1",
        hierarchical=True,
        link="https://icd.who.int/browse10/2019/en#/{code}",
        normal_form=_icd10,
    ),
    "ICD11": System(
        label="ICD-11",
        # A stem code: four characters, the second a letter and the third a
        # digit, neither I nor O; then extensions after full stops.
        pattern=re.compile(
            r"^[0-9A-HJ-NP-Z][A-HJ-NP-Z][0-9][0-9A-HJ-NP-Z](?:\.[0-9A-HJ-NP-Z]{1,2})*$"
        ),
        example="FA00",
        hierarchical=True,
    ),
    "SNOMED": System(
        label="SNOMED CT",
        pattern=re.compile(r"^[1-9][0-9]{5,17}$"),
        example="239872002",
        hierarchical=False,
        link="https://browser.ihtsdotools.org/?perspective=full&conceptId1={code}",
        check=_snomed_valid,
    ),
    "MESH": System(
        label="MeSH",
        # A descriptor's unique id: D and six or nine digits.
        pattern=re.compile(r"^D(?:[0-9]{6}|[0-9]{9})$"),
        example="D015207",
        hierarchical=False,
        link="https://meshb.nlm.nih.gov/record/ui?ui={code}",
    ),
}


class CodeError(ValueError):
    """A code that is not of its system's form, or fails its check."""


def normalise(system: str, code: str) -> str:
    """The code in its system's normal form, or ``CodeError`` saying why not."""
    if system not in SYSTEMS:
        known = ", ".join(SYSTEMS)
        raise CodeError(f"unknown coding system {system!r} (one of {known})")
    spec = SYSTEMS[system]
    code = re.sub(r"\s+", "", code or "").upper()
    code = spec.normal_form(code)
    if not spec.pattern.match(code):
        raise CodeError(f"“{code}” is not a {spec.label} code (e.g. {spec.example})")
    if not spec.check(code):
        raise CodeError(f"“{code}” fails the {spec.label} check digit")
    return code


def parse(text: str) -> tuple[str, str]:
    """(system, code) from ``SYSTEM:CODE`` ("icd10:m16" too)."""
    system, colon, code = (text or "").strip().partition(":")
    if not colon:
        raise CodeError(f"“{text}” is not SYSTEM:CODE (e.g. ICD10:M16)")
    system = system.strip().upper().replace("-", "").replace(" ", "")
    return system, normalise(system, code)


def key(system: str, code: str) -> str:
    """The code as the condition index holds it (folded, like names)."""
    return f"{system}:{code}".casefold()


def link(system: str, code: str) -> str:
    spec = SYSTEMS[system]
    return spec.link.format(code=quote(code)) if spec.link else ""
