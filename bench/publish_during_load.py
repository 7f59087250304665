"""An editor publishing during the load test: a new revision of one of the
first 50 articles every INTERVAL seconds (default 2), for SECONDS seconds.

python bench/publish_during_load.py SECONDS [INTERVAL]
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogsite.settings.production")

import django  # noqa: E402

django.setup()

from health_articles.models import HealthArticlePage  # noqa: E402


def main():
    until = time.monotonic() + float(sys.argv[1])
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 2
    pages = list(HealthArticlePage.objects.live().order_by("pk")[:50])
    published = 0
    while time.monotonic() < until:
        page = pages[published % len(pages)]
        page.title = f"{page.title.split(' (rev')[0]} (rev {published})"
        page.save_revision().publish()
        published += 1
        time.sleep(max(0, min(interval, until - time.monotonic())))
    print(f"published {published} revisions")


if __name__ == "__main__":
    main()
