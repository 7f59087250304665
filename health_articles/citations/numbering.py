"""Reference numbers: the order readers see the reference list in."""


def reference_numbers(cited_keys, keys):
    """Map each of the reference list's ``keys`` to its number: numbered in
    the order ``cited_keys`` (the body's citations, in reading order) first
    cite them, then the uncited ones in list order."""
    known = set(keys)
    cited = [key for key in cited_keys if key in known]
    order = dict.fromkeys([*cited, *keys])
    return {key: number for number, key in enumerate(order, start=1)}
