"""API benchmark: this app's endpoints against stock Wagtail v2 and a ceiling.

    python bench/api_bench.py [--articles 1000] [--repeat 30] [--explain]

Builds (once, then reuses) a database of realistic articles: three condition
sections, five treatments, 16 references, three tags and a hero image each.
Then, for each request, measures in one process through Django's test client
the p50 and p95 latency and the SQL queries of:

- ours, built: the response built anew (stored answers, articles and
  generations dropped each time), with the references formatted before kept
  in the citation cache;
- ours, cached: the same request again, answered from the stored response;
- stock: Wagtail's own PagesAPIViewSet over the same pages;
- ceiling: a Django view answering the same bytes from memory.

and the list of 20 built with the citation cache emptied before each request.
A request built anew and stock Wagtail's take turns, so that what else the
machine is doing weighs on both alike.

SQLite in bench/bench.sqlite3 unless DATABASE_URL names another database.
With --explain (PostgreSQL), prints the query plans (EXPLAIN ANALYZE) of the
slowest queries of the tag filter, the tag counts and search.
"""

import argparse
import os
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache, caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.images.models import Image  # noqa: E402
from wagtail.images.tests.utils import get_test_image_file  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from bench import urls as bench_urls  # noqa: E402
from bench.targets import check  # noqa: E402
from health_articles import caching  # noqa: E402
from health_articles.models import (  # noqa: E402
    HealthArticleIndexPage,
    HealthArticlePage,
    HealthArticleTag,
    Reference,
)
from health_articles.references import formatting  # noqa: E402

TAGS = [f"topic {n}" for n in range(40)]
TYPE = "type=health_articles.HealthArticlePage"


def treatment(n, keys):
    return {
        "name": f"Treatment {n}",
        "description": f"<p>What treatment {n} involves, in a few sentences.</p>",
        "evidence": "<p>Randomised trials found less pain and better function.</p>",
        "certainty": "moderate",
        "study_types": ["Randomized Controlled Trial"],
        "references": keys,
    }


def body(number):
    keys = [f"ref{number}-{n}" for n in range(16)]
    sections = []
    for c, count in enumerate((2, 2, 1)):
        sections.append(
            {
                "type": "condition_section",
                "value": {
                    "name": f"Condition {(number + c) % 50}",
                    "alternate_names": [f"C{(number + c) % 50}"],
                    "description": "<p>A condition of the hip, described.</p>" * 3,
                    "epidemiology": "2-9% of people under 75.",
                    "symptoms": "<p>Pain, stiffness and less movement.</p>",
                    "references": keys[c * 5 : c * 5 + 2],
                    "treatments": [
                        treatment(t, keys[c * 5 + t : c * 5 + t + 3])
                        for t in range(count)
                    ],
                },
            }
        )
    return [{"type": "rich_text", "value": "<p>An opening paragraph.</p>"}, *sections]


def build(articles):
    existing = HealthArticlePage.objects.count()
    if existing >= articles:
        print(f"Reusing {existing} articles.")
        return
    root = Page.get_first_root_node()
    index = HealthArticleIndexPage.objects.first()
    if index is None:
        index = root.add_child(
            instance=HealthArticleIndexPage(title="Bench", slug="bench")
        )
        site = Site.objects.get(is_default_site=True)
        site.root_page = index
        site.hostname = "testserver"
        site.save()
    image = Image.objects.first() or Image.objects.create(
        title="Hero", file=get_test_image_file()
    )
    start = time.perf_counter()
    for number in range(existing, articles):
        with transaction.atomic():
            page = HealthArticlePage(
                title=f"Article {number} on hip pain",
                slug=f"article-{number}",
                summary="How massage and exercise help with hip pain.",
                body=body(number),
                hero_image=image,
                live=True,
            )
            page.tags.add(*(TAGS[(number * 7 + k * 13) % len(TAGS)] for k in range(3)))
            # Saved with the page (its body cites them), as its tags.
            page.references = [
                Reference(
                    sort_order=n,
                    key=f"ref{number}-{n}",
                    authors="Abbott, J H\nRobertson, M C",
                    title=f"Trial {n} of manual therapy for hip osteoarthritis",
                    container_title="Osteoarthritis Cartilage",
                    issued="2013-04",
                    volume="21",
                    issue="4",
                    page_range="525-534",
                    doi=f"10.1016/j.joca.{number}.{n}",
                    pmid=str(20000000 + number * 16 + n),
                )
                for n in range(16)
            ]
            index.add_child(instance=page)
        if (number + 1) % 100 == 0:
            rate = (number + 1 - existing) / (time.perf_counter() - start)
            print(
                f"  built {number + 1}/{articles} articles ({rate:.0f}/s)", flush=True
            )
    call_command("update_index", verbosity=0)


RE_STORED = re.compile(r"health_articles:(answer|item|selection):")


def forget_answers():
    """Drop every stored answer, article and selection, keeping the
    generations and the site's other cached data (the bench settings' cache
    is the process's memory)."""
    stored = caches["default"]
    with stored._lock:
        for key in [k for k in stored._cache if RE_STORED.search(k)]:
            del stored._cache[key]
            stored._expire_info.pop(key, None)


def one(client, url, fresh=False, before=None):
    """(ms, queries, body) of one request of ``url``; ``fresh``: built anew,
    after ``before`` is called."""
    target = f"{url}&_={time.perf_counter_ns()}" if fresh else url
    if fresh:
        forget_answers()
    if before:
        before()
    connection.queries_log.clear()  # a full log miscounts captured queries
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(target)
        elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{target} answered {response.status_code}")
    return elapsed * 1000, len(captured), response.content


def summary(runs):
    """(p50 ms, p95 ms, queries, body) of ``runs`` of ``one``."""
    times = sorted(run[0] for run in runs)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, runs[-1][1], runs[-1][2]


def measure(client, url, repeat, fresh=False, before=None):
    """(p50 ms, p95 ms, queries, body) of ``url`` over ``repeat`` requests;
    ``before`` is called before each."""
    runs = [one(client, url, fresh, before) for _ in range(repeat + 2)]
    return summary(runs[2:])  # the first two warm caches of every kind


def measure_against(client, url, baseline, repeat):
    """``measure`` of ``url`` built anew and of ``baseline``, their requests
    taking turns: what else the machine does weighs on both alike."""
    runs = [
        (one(client, url, fresh=True), one(client, baseline)) for _ in range(repeat + 2)
    ][2:]
    return summary([ours for ours, _ in runs]), summary([base for _, base in runs])


def explain(client, url, slowest=2):
    """Print EXPLAIN ANALYZE of the ``slowest`` queries ``url`` makes."""
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{url}&_={time.perf_counter_ns()}")
    ranked = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    print(f"\n=== {url}: {len(ranked)} queries; slowest {slowest}:")
    for query in ranked[:slowest]:
        print(f"\n-- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}…")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    build(args.articles)
    cache.clear()
    client = Client()
    common = (
        HealthArticleTag.objects.values_list("tag__name", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    tag_name, second_name = common[0], common[1]
    tag, second = tag_name.replace(" ", "-"), second_name.replace(" ", "-")
    scenarios = [
        ("list 20, all fields", f"/api/v2/pages/?{TYPE}&fields=*&limit=20", True),
        ("list 100, all fields", f"/api/v2/pages/?{TYPE}&fields=*&limit=100", True),
        (
            "tag-filtered list",
            f"/api/v2/pages/?{TYPE}&fields=*&tags={quote(tag_name)}&limit=20",
            True,
        ),
        (
            "tag filter (slug, OR)",
            f"/api/v2/pages/?{TYPE}&fields=*&tag_any={tag},{second}&limit=20",
            False,
        ),
        ("detail", "/api/v2/pages/{detail}/?", True),
        ("tags list", "/api/v2/tags/?limit=50", False),
        ("search", f"/api/v2/pages/?{TYPE}&search=hip&limit=20", True),
    ]
    detail = HealthArticlePage.objects.order_by("pk").values_list("pk", flat=True)[
        args.articles // 2
    ]
    rows = []
    for name, url, has_stock in scenarios:
        url = url.replace("{detail}", str(detail))
        if has_stock and "tag_any" not in url:
            stock_url = url.replace("/api/v2/", "/stock/v2/")
            built, stock = measure_against(client, url, stock_url, args.repeat)
        else:
            built, stock = measure(client, url, args.repeat, fresh=True), None
        cached = measure(client, url, args.repeat)
        bench_urls.CEILING[name] = cached[3]
        ceiling = measure(client, f"/ceiling/{name}/?", args.repeat)
        rows.append((name, built, cached, stock, ceiling))
        print(f"  measured {name}", flush=True)
    if args.explain and connection.vendor == "postgresql":
        for name, url, _has_stock in scenarios:
            if name in ("tag filter (slug, OR)", "tags list", "search"):
                explain(client, url if "?" in url else url + "?")
    # A publish makes the list stale; it is built again with the other 19
    # articles' serialised forms reused.
    listing = scenarios[0][1]
    first = client.get(listing).json()["items"][0]["id"]
    editing = HealthArticlePage.objects.get(pk=first)

    publishing = []
    warm_pages = caching.WARM_PAGES

    def publish_one():
        editing.title = f"Article {first} on hip pain, rev {time.perf_counter_ns()}"
        start = time.perf_counter()
        editing.save_revision().publish()
        publishing.append((time.perf_counter() - start) * 1000)

    # The publish builds the article again for the listings in use
    # (caching.warm); without that, the reader's request builds it.
    after_publish = measure(client, listing, args.repeat, before=publish_one)
    warmed_publish = statistics.median(publishing)
    publishing.clear()
    caching.WARM_PAGES = 0
    unwarmed = measure(client, listing, args.repeat, before=publish_one)
    caching.WARM_PAGES = warm_pages
    unwarmed_publish = statistics.median(publishing)

    # Formatting references (citeproc) is most of the work of a build; the
    # citation cache keeps it from one build to the next, across publishes.
    def forget_citations():
        caches[settings.HEALTH_ARTICLES_CITATION_CACHE].clear()
        formatting.SEEN.clear()

    cold = measure(
        client, scenarios[0][1], args.repeat, fresh=True, before=forget_citations
    )
    # Memory of building one list of 100, measured apart: tracing slows Python.
    tracemalloc.start()
    client.get(scenarios[1][1] + f"&_={time.perf_counter_ns()}")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print()
    print(
        f"{connection.vendor}, {HealthArticlePage.objects.count()} articles, "
        f"{args.repeat} requests each; times in ms (p50 / p95), queries"
    )
    header = (
        f"{'request':<24}{'ours, built':>20}{'ours, cached':>18}"
        f"{'stock Wagtail':>20}{'ceiling':>14}{'built/stock':>13}"
        f"{'cached/ceil':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, built, cached, stock, ceiling in rows:
        stock_cell = f"{stock[0]:.1f}/{stock[1]:.1f} q{stock[2]}" if stock else "n/a"
        ratio = f"{built[0] / stock[0]:.2f}x" if stock else "n/a"
        print(
            f"{name:<24}"
            f"{built[0]:>9.1f}/{built[1]:.1f} q{built[2]:<3}"
            f"{cached[0]:>9.2f}/{cached[1]:.2f} q{cached[2]}"
            f"{stock_cell:>20}"
            f"{ceiling[0]:>8.2f}/{ceiling[1]:.2f}"
            f"{ratio:>13}"
            f"{cached[0] / ceiling[0]:>12.2f}x"
        )
    print(
        f"\n{scenarios[0][0]}, built with no formatted citations kept: "
        f"{cold[0]:.1f}/{cold[1]:.1f} q{cold[2]} "
        f"({cold[0] / rows[0][1][0]:.1f}x ours, built)"
    )
    print(
        f"{scenarios[0][0]}, built again right after one of its articles was "
        f"published: {after_publish[0]:.1f}/{after_publish[1]:.1f} "
        f"q{after_publish[2]} ({after_publish[0] / rows[0][1][0]:.2f}x ours, built); "
        f"with the article built by the reader (not by the publish): "
        f"{unwarmed[0]:.1f}/{unwarmed[1]:.1f} q{unwarmed[2]} "
        f"({unwarmed[0] / rows[0][1][0]:.2f}x)"
    )
    print(
        f"One publish (p50): {warmed_publish:.1f} ms, building the article for "
        f"the listings in use; {unwarmed_publish:.1f} ms without"
    )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nPeak Python memory building a list of 100: {peak / 1e6:.1f} MB; "
        f"process peak RSS: {maxrss:.0f} MB"
    )
    by_name = {row[0]: row for row in rows}
    built_list, stock_list = by_name["list 20, all fields"][1:4:2]
    targets = [
        (
            "list 20 rebuilt after one publish <= 0.10x built (p50)",
            after_publish[0] / built_list[0],
            0.10,
        ),
        (
            "list 20 built <= 0.15x stock Wagtail (p50)",
            built_list[0] / stock_list[0],
            0.15,
        ),
        ("detail <= 10 queries", by_name["detail"][1][2], 10),
        (
            "queries of a list of 100 <= those of a list of 20",
            by_name["list 100, all fields"][1][2],
            built_list[2],
        ),
    ]
    return check(targets)


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
