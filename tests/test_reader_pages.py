import html5lib
import pytest
from bs4 import BeautifulSoup

from health_articles.models import HealthArticlePage


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def parse(markup):
    """Parse as a browser would, failing on any HTML parse error."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(markup)
    return BeautifulSoup(markup, "html.parser")


def heading_levels(soup):
    return [
        int(tag.name[1]) for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
    ]


def assert_accessible_structure(soup):
    assert soup.html["lang"]
    assert soup.title.string.strip()
    assert len(soup.find_all("main")) == 1
    assert soup.find("header") and soup.find("footer") and soup.find("nav")
    levels = heading_levels(soup)
    assert levels.count(1) == 1 and levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1, f"heading level skips: {levels}"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for image in soup.find_all("img"):
        assert image.has_attr("alt")


@pytest.fixture
def hip_html(client, demo_content):
    return get_page(client, "/massage-therapy-for-hip-pain/")


def test_article_page_is_valid_accessible_html(hip_html):
    assert_accessible_structure(parse(hip_html))


def test_article_page_shows_conditions_with_their_treatments(hip_html):
    soup = parse(hip_html)
    sections = soup.select("section.condition")
    assert [s.h2.get_text() for s in sections] == [
        "Osteoarthritis of the hip",
        "Piriformis syndrome",
        "Femoroacetabular impingement",
    ]
    first_treatments = [
        t.h3.get_text() for t in sections[0].select("section.treatment")
    ]
    assert "Supervised exercise therapy" in first_treatments
    assert "HOA" in sections[0].select_one(".alternate-names").get_text()


def test_references_are_numbered_by_first_citation(hip_html):
    soup = parse(hip_html)
    entries = soup.select("section.references ol > li")
    assert len(entries) == 16
    # Citations in the text and under conditions and treatments, in reading order.
    links = soup.select("a.citation, sup.citation a")
    first_appearance = list(dict.fromkeys(a["href"] for a in links))
    # Every entry is cited, and the list follows the first citation of each.
    assert [f"#{li['id']}" for li in entries] == first_appearance
    # The in-text citation of the introduction comes first: it is [1].
    first = soup.select_one("main a.citation")
    assert (first["href"], first.get_text()) == ("#ref-ahuja2020", "[1]")
    # Each link shows the number of the entry it points to.
    numbers = {f"#{li['id']}": n for n, li in enumerate(entries, start=1)}
    for link in links:
        assert link.get_text().strip("[]") == str(numbers[link["href"]])


def test_reference_list_links_identifiers(hip_html):
    soup = parse(hip_html)
    ahuja = soup.find(id="ref-ahuja2020")
    assert "Chronic hip pain in adults" in ahuja.get_text()
    # Each identifier once: where the citation prints it, it is the link.
    links = {a.get_text(): a["href"] for a in ahuja.find_all("a")}
    assert links == {
        "10.4103/joacp.JOACP_170_19": "https://doi.org/10.4103/joacp.JOACP_170_19",
        "33840922": "https://pubmed.ncbi.nlm.nih.gov/33840922/",
        "PMC8022067": "https://pmc.ncbi.nlm.nih.gov/articles/PMC8022067/",
    }
    text = ahuja.get_text()
    for identifier in links:
        assert text.count(identifier) == 1


def test_identifiers_the_style_does_not_print_are_linked_after_it(
    client, article, settings
):
    from health_articles.models import HealthArticleSettings

    site_settings = HealthArticleSettings.for_site(article.get_site())
    site_settings.citation_style = "apa"  # prints the DOI, not the PMID
    site_settings.save()
    entry = parse(get_page(client, article.url)).find(id="ref-abbott2013")
    links = {a.get_text(): a["href"] for a in entry.find_all("a")}
    assert links["https://doi.org/10.1016/j.joca.2012.12.014"].endswith(
        "10.1016/j.joca.2012.12.014"
    )
    assert links["PubMed"] == "https://pubmed.ncbi.nlm.nih.gov/23313532/"
    assert "DOI" not in links


def test_page_titles_do_not_repeat_the_site_name(client, demo_content):
    assert parse(get_page(client, "/")).title.get_text() == "Health articles"
    hip = parse(get_page(client, "/massage-therapy-for-hip-pain/"))
    assert hip.title.get_text() == "Massage Therapy for Hip Pain | Health articles"


def test_grade_is_a_labelled_badge_with_its_meaning(hip_html):
    soup = parse(hip_html)
    badges = soup.select("p.certainty .grade-badge")
    assert badges, "the seed grades its treatments"
    for badge in badges:
        meaning = badge.find_next_sibling("span", class_="certainty-meaning")
        assert meaning.get_text().startswith("The true effect")
    assert soup.find("link", rel="stylesheet")["href"].endswith("reader.css")


def test_rss_descriptions_are_text_not_markup(client, article):
    article.summary = "Less pain <b>fast</b> & <script>x</script>"
    article.save_revision().publish()
    feed = client.get("/feed/").content.decode()
    description = feed.split("<description>")[2].split("</description>")[0]
    # Escaped twice: a feed reader, taking it as HTML, shows the text as written.
    assert "&amp;lt;b&amp;gt;fast&amp;lt;/b&amp;gt;" in description
    assert "<b>" not in description and "&lt;b&gt;" not in description


def test_article_page_shows_its_tags(hip_html):
    soup = parse(hip_html)
    tags = [li.get_text() for li in soup.select("nav.tags li")]
    assert tags == ["benefits of massage therapy", "hip pain", "joint pain"]


def test_index_lists_published_articles(client, demo_content):
    soup = parse(get_page(client, "/"))
    assert_accessible_structure(soup)
    titles = [a.get_text() for a in soup.select(".article-list h2 a")]
    # Its own articles: not the French translations (under the French
    # index) nor the second clinic's (another site).
    assert set(titles) == set(
        HealthArticlePage.objects.live()
        .child_of(demo_content)
        .values_list("title", flat=True)
    )
    assert len(titles) == 3


def test_text_from_editors_is_escaped(client, article):
    article.title = "<script>alert('x')</script> Hip"
    reference = article.references.first()
    reference.title = "<script>alert('ref')</script> Trial"
    reference.save()
    article.save_revision().publish()
    markup = get_page(client, article.url)
    assert "<script>alert" not in markup
    text = BeautifulSoup(markup, "html.parser").get_text()
    assert "<script>alert('x')</script> Hip" in text  # shown as text
    # Formatted as citeproc-js would: the quote after a letter typographic.
    assert "<script>alert('ref\u2019)</script> Trial" in text


@pytest.mark.parametrize("url", ["/tags/", "/tags/joint-pain/"])
def test_tag_pages_are_valid_accessible_html(client, demo_content, url):
    assert_accessible_structure(parse(get_page(client, url)))
