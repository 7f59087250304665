"""Reading the example frontend in Chromium: opening a view, and following
every link from one."""

from urllib.parse import urldefrag

# The headings of the frontend's error views, in its two languages.
ERROR_TITLES = {
    "Article not found",
    "No such tag",
    "Something went wrong",
    "Article introuvable",
    "Mot-clé introuvable",
    "Une erreur s’est produite",
}


def settle(page, url=None):
    """Open ``url`` (or wait for the page being opened) until its view has
    rendered."""
    if url:
        page.goto(url)
    page.locator("main[aria-busy=false]").wait_for(state="attached")


def crawl(page, frontend, start):
    """Follow every link of the frontend from ``start``, checking that each
    view renders without an error; (the views' URLs, the other links)."""
    seen, queue, elsewhere = set(), [start], set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        settle(page, url)
        heading = page.get_by_role("heading", level=1).first.inner_text()
        assert heading not in ERROR_TITLES, url
        assert page.locator("main .error").count() == 0, url
        for href in page.locator("a[href]").evaluate_all("a => a.map(l => l.href)"):
            href = urldefrag(href).url
            (queue.append if href.startswith(frontend) else elsewhere.add)(href)
    return seen, elsewhere
