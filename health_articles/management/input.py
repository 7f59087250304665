"""The input of the app's commands: a file, or - for standard input."""

import sys

from django.core.management.base import CommandError


def read_input(path):
    """The text of the file at ``path`` (UTF-8, a byte order mark dropped), or
    of standard input for "-"; a CommandError naming it if unreadable."""
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
