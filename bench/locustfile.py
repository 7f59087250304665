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

    @task(4)
    def list_articles(self):
        offset = random.randrange(0, 200, 20)  # noqa: S311
        self.client.get(
            f"/api/v2/pages/?{TYPE}&fields=*&limit=20&offset={offset}",
            name="list 20, all fields",
        )

    @task(4)
    def article_detail(self):
        self.client.get(
            f"/api/v2/pages/{random.choice(self.ids)}/",  # noqa: S311
            name="detail",
        )

    @task(2)
    def tags(self):
        self.client.get("/api/v2/tags/?order=-count", name="tags list")

    @task(2)
    def tag_filter(self):
        self.client.get(
            f"/api/v2/pages/?{TYPE}&tag={random.choice(self.tags)}&limit=20",  # noqa: S311
            name="tag filter",
        )

    @task(1)
    def search(self):
        self.client.get(
            f"/api/v2/pages/?{TYPE}&search={random.choice(['hip', 'pain', 'trial'])}",  # noqa: S311
            name="search",
        )
