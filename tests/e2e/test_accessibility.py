"""axe-core, run in Chromium, finds no serious or critical violations on the
reader pages (server-rendered) and on the example frontend."""

from urllib.parse import urlsplit

import pytest

from health_articles.models import HealthArticlePage

from .conftest import SCREENSHOTS, axe_violations

# Transactional (the live server reads what the test writes), with the
# rows the migrations made (the root page) restored after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def hip_article(demo_content):
    return HealthArticlePage.objects.get(slug="massage-therapy-for-hip-pain")


BOXES = "elements => elements.map(e => e.getBoundingClientRect().toJSON())"


def style(locator, name):
    """A computed style of the element ``locator`` finds."""
    return locator.evaluate(f"e => getComputedStyle(e).{name}")


def check(page, url, ready):
    page.goto(url)
    page.locator(ready).first.wait_for()
    assert axe_violations(page) == []
    assert page.js_errors == []
    assert page.csp_violations == []


def test_article_page(page, live_server, hip_article):
    check(page, live_server.url + hip_article.url, "section.references li")


@pytest.mark.parametrize(
    "width, height", [(1280, 900), (390, 844)], ids=["desktop", "mobile"]
)
def test_article_page_at_desktop_and_mobile_widths(
    page, live_server, hip_article, width, height
):
    """The reader page laid out at a desktop and a phone's width: no
    violations, nothing wider than the screen; its screenshot saved to
    tests/e2e/screenshots/ for a person to look at."""
    page.set_viewport_size({"width": width, "height": height})
    check(page, live_server.url + hip_article.url, "section.references li")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0
    badge = page.locator(".grade-badge").first
    assert badge.is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"article-{width}x{height}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_tag_page(page, live_server, hip_article):
    check(page, live_server.url + "/tags/hip-pain/", "main li")


def test_frontend_home(page, frontend, hip_article):
    check(page, frontend + "/", "main li")


def test_frontend_tag_page(page, frontend, hip_article):
    check(page, frontend + "/tags/hip-pain/", "main li")


def test_frontend_tags_page(page, frontend, hip_article):
    check(page, frontend + "/tags/", "main li")


def test_frontend_article(page, frontend, hip_article):
    check(page, f"{frontend}/{hip_article.slug}/", "#ref-ahuja2020")


def test_french_article_page(page, live_server, bilingual_demo):
    """The server-rendered French translation, with its language switcher."""
    _english, french = bilingual_demo
    # An absolute URL: the demo has two sites.
    check(page, live_server.url + urlsplit(french.url).path, "section.references li")
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert page.locator("nav.language-switcher a[aria-current=page]").count() == 1
    # The switcher is a line of languages, the current one marked to the eye.
    links = page.locator("nav.language-switcher a")
    current = page.locator("nav.language-switcher a[aria-current=page]")
    other = page.locator("nav.language-switcher a:not([aria-current])")
    tops = {round(box["y"]) for box in links.evaluate_all(BOXES)}
    assert links.count() == 2 and len(tops) == 1
    assert style(page.locator("nav.language-switcher li").first, "listStyleType") == (
        "none"
    )
    assert (style(current, "fontWeight"), style(other, "fontWeight")) == ("700", "400")
    assert style(current, "borderBottomStyle") == "solid"
    assert style(other, "borderBottomStyle") == "none"


def test_french_tag_page(page, live_server, bilingual_demo):
    check(page, live_server.url + "/fr-ca/tags/douleur-à-la-hanche/", "main li")
    assert page.locator("html").get_attribute("lang") == "fr-ca"


def test_frontend_french_article(page, frontend, bilingual_demo):
    """The frontend's French article: its body, references, switcher and
    the frontend's own words in French."""
    _english, french = bilingual_demo
    check(page, frontend + urlsplit(french.url).path, "#ref-ahuja2020")
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert page.get_by_role("navigation", name="Langues").count() == 1


def test_frontend_french_tag_page(page, frontend, bilingual_demo):
    check(page, frontend + "/fr-ca/tags/douleur-à-la-hanche/", "main li")
    assert page.locator("html").get_attribute("lang") == "fr-ca"


def test_the_check_finds_violations(page):
    """The checker is live: an image without a text alternative is critical."""
    page.set_content('<html><body><main><img src="x.png"></main></body></html>')
    assert any(v.startswith("image-alt (critical)") for v in axe_violations(page))


def test_the_check_finds_csp_violations(page, live_server):
    """The CSP watch is live: the site's policy refuses an inline script."""
    page.goto(live_server.url + "/tags/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert any("script-src" in violation for violation in page.csp_violations)


def test_frontend_article_shows_evidence_and_linked_citations(
    page, frontend, hip_article
):
    """The frontend, on another origin, renders the article from the API alone."""
    page.goto(f"{frontend}/{hip_article.slug}/")
    page.locator("#ref-ahuja2020").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == hip_article.title
    sections = page.locator("section.condition")
    assert sections.count() == 3
    # The hero image as a picture: AVIF and WebP sources, a srcset, its size.
    hero = page.locator("picture img.hero-image")
    assert hero.get_attribute("alt") == hip_article.hero_image.description
    assert (hero.get_attribute("width"), hero.get_attribute("height")) == (
        "1200",
        "630",
    )
    assert " 1600w" in hero.get_attribute("srcset")
    types = page.locator("picture source").evaluate_all("s => s.map(e => e.type)")
    assert types == ["image/avif", "image/webp"]
    assert "Certainty of evidence (GRADE)" in page.locator("main").inner_text()
    # Every citation links to an entry of the numbered list, which has it.
    citations = page.locator("main a.citation")
    assert citations.count() > 16
    for href in set(citations.evaluate_all("links => links.map(a => a.hash)")):
        assert page.locator(href).count() == 1
    entries = page.locator("section.references ol > li")
    assert entries.count() == 16
    ahuja = page.locator("#ref-ahuja2020")
    assert ahuja.get_by_role("link", name="DOI").get_attribute("href") == (
        "https://doi.org/10.4103/joacp.JOACP_170_19"
    )
    assert ahuja.get_by_role("link", name="PubMed").get_attribute("href") == (
        "https://pubmed.ncbi.nlm.nih.gov/33840922/"
    )
    # The in-text citation of the introduction is [1] and leads to its entry.
    first = citations.first
    assert first.inner_text() == "[1]"
    first.click()
    assert page.evaluate("document.activeElement.id") == "ref-ahuja2020"
    assert page.js_errors == []
