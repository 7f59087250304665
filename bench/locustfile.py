"""Load test of the API (Locust): readers on the list, detail, tags and search.

Run by bench/load_test.py against gunicorn with PostgreSQL, while an editor's
publishing goes on; see docs/performance.md.
"""

import random

from locust import FastHttpUser, between, task

TYPE = "type=health_articles.HealthArticlePage"
OFFSETS = range(0, 200, 20)
WORDS = ["hip", "pain", "trial"]
IDS = f"pages/?{TYPE}&limit=100&fields=_,id"
TAGS = "tags/?limit=20"


def listing(offset):
    return f"pages/?{TYPE}&fields=*&limit=20&offset={offset}"


def tag_filter(tag):
    return f"pages/?{TYPE}&tag={tag}&limit=20"


def search(word):
    return f"pages/?{TYPE}&search={word}"


def every_path(ids, tags):
    """Each path the readers ask for (to warm the caches before measuring)."""
    return [
        *(listing(offset) for offset in OFFSETS),
        *(f"pages/{pk}/" for pk in ids),
        "tags/?order=-count",
        *(tag_filter(tag) for tag in tags),
        *(search(word) for word in WORDS),
    ]


class Reader(FastHttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        listed = self.client.get(f"/api/v2/{IDS}", name="ids").json()
        self.ids = [item["id"] for item in listed["items"]]
        tags = self.client.get(f"/api/v2/{TAGS}", name="tags").json()
        self.tags = [item["slug"] for item in tags["items"]]

    def read(self, path, name):
        self.client.get(f"/api/v2/{path}", name=name)

    @task(4)
    def list_articles(self):
        self.read(listing(random.choice(OFFSETS)), "list 20, all fields")  # noqa: S311

    @task(4)
    def article_detail(self):
        self.read(f"pages/{random.choice(self.ids)}/", "detail")  # noqa: S311

    @task(2)
    def tags(self):
        self.read("tags/?order=-count", "tags list")

    @task(2)
    def tag_filter(self):
        self.read(tag_filter(random.choice(self.tags)), "tag filter")  # noqa: S311

    @task(1)
    def search(self):
        self.read(search(random.choice(WORDS)), "search")  # noqa: S311
