"""The benchmarks' targets: each printed as met or missed."""


def check(targets):
    """Print each (name, value, limit) with whether value <= limit; return
    how many were missed."""
    print()
    missed = 0
    for name, value, limit in targets:
        met = value <= limit
        missed += not met
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        print(f"{'met   ' if met else 'MISSED'} {name}: {shown} (limit {limit})")
    return missed
