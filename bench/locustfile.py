"""Load test of the API (Locust): readers on the list, detail, tags and search.

Run by bench/load_test.sh against gunicorn with PostgreSQL, while an editor's
publishing goes on; see docs/performance.md.
"""

import random

from locust import HttpUser, between, task

TYPE = "type=health_articles.HealthArticlePage"


class Reader(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        listing = self.client.get(f"/api/v2/pages/?{TYPE}&limit=100&fields=_,id").json()
        self.ids = [item["id"] for item in listing["items"]]
        tags = self.client.get("/api/v2/tags/?limit=20").json()
        self.tags = [item["slug"] for item in tags["items"]]

    def read(self, path, name):
        self.client.get(f"/api/v2/{path}", name=name)

    @task(4)
    def list_articles(self):
        offset = random.randrange(0, 200, 20)  # noqa: S311
        self.read(
            f"pages/?{TYPE}&fields=*&limit=20&offset={offset}", "list 20, all fields"
        )

    @task(4)
    def article_detail(self):
        self.read(f"pages/{random.choice(self.ids)}/", "detail")  # noqa: S311

    @task(2)
    def tags(self):
        self.read("tags/?order=-count", "tags list")

    @task(2)
    def tag_filter(self):
        tag = random.choice(self.tags)  # noqa: S311
        self.read(f"pages/?{TYPE}&tag={tag}&limit=20", "tag filter")

    @task(1)
    def search(self):
        word = random.choice(["hip", "pain", "trial"])  # noqa: S311
        self.read(f"pages/?{TYPE}&search={word}", "search")
