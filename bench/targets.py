"""The benchmarks' targets: each printed as met or missed."""


def check(targets):
    """Print each (name, value, limit) with whether value <= limit, or, for
    (name, value, limit, "at least"), value >= limit; return how many were
    missed."""
    print()
    missed = 0
    for name, value, limit, *how in targets:
        at_least = how == ["at least"]
        met = value >= limit if at_least else value <= limit
        missed += not met
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        bound = ">=" if at_least else "<="
        print(
            f"{'met   ' if met else 'MISSED'} {name}: {shown} (limit {bound} {limit})"
        )
    return missed
