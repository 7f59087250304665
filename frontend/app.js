// Example frontend for the health_articles API (Wagtail API v2).
// One page, its views chosen by the path (serve.py answers index.html for
// every path):
//   /                            home: latest articles and the most used tags
//   /tags/                       every tag with its count
//   /tags/<slug>/                the articles with that tag
//   /<page path>/                an article, at its path on the site (found
//                                with the API's pages/find/, which follows
//                                the site's redirects)
//   ?content_type=…&token=…      a draft, as wagtail-headless-preview links it
// ?api=<url> overrides window.HEALTH_ARTICLES_API (config.js) and is kept in
// every link. Only CMS rich text and formatted references are inserted as
// HTML (after cleaning); everything else goes in as text.

const SITE_NAME = "Health articles";
const ARTICLE_TYPE = "health_articles.HealthArticlePage";
const INDEX_TYPE = "health_articles.HealthArticleIndexPage";
const TIMEOUT_MS = 15000;

const params = new URLSearchParams(location.search);
// ?api= may only point at this machine: a link to this page must not be able
// to show another server's content (a fake preview, say) under its address.
const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"];
const apiParam = (() => {
  const value = params.get("api");
  try {
    return value && LOCAL_HOSTS.includes(new URL(value).hostname) ? value : null;
  } catch {
    return null;
  }
})();
const main = document.getElementById("main");
const view = document.getElementById("view");
const statusRegion = document.getElementById("status");

// ---------------------------------------------------------------- helpers

/** Create an element; strings and numbers among the children become text. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === "") continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Join nodes with a text separator: [a, ", ", b, ", ", c]. */
function joinNodes(nodes, separator = ", ") {
  return nodes.flatMap((node, i) => (i ? [separator, node] : [node]));
}

function readApiBase() {
  const raw = apiParam || window.HEALTH_ARTICLES_API || "http://127.0.0.1:8000";
  let url;
  try {
    url = new URL(raw, location.href);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return (url.origin + url.pathname).replace(/\/+$/, "");
}

const API = readApiBase();

/** A link to a view of this frontend, keeping ?api= when it was given. */
function viewUrl(path = "/", hash = "") {
  const search = apiParam ? `?${new URLSearchParams({ api: apiParam })}` : "";
  return path + search + (hash ? `#${hash}` : "");
}

/** The frontend's path of a tag's view. */
function tagPath(slug) {
  return `/tags/${encodeURIComponent(slug)}/`;
}

/** The frontend's path of a page: its path on the site (html_url's). */
function pagePath(item) {
  try {
    return new URL(item.meta.html_url).pathname;
  } catch {
    return "/";
  }
}

/** An absolute http(s)/mailto URL, or null: no javascript: or data: links. */
function safeUrl(value, base = API + "/") {
  if (typeof value !== "string" || !value.trim()) return null;
  try {
    const url = new URL(value.trim(), base);
    return ["http:", "https:", "mailto:", "tel:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

// Paths of the CMS that are files or services, not pages of this frontend.
const CMS_ONLY = ["/media/", "/documents/", "/api/", "/admin/", "/static/", "/feed/"];

/** A link to one of the CMS's pages as a link to the same view here; any
 * other URL as it is. */
function frontendLink(url) {
  if (!url) return url;
  const target = new URL(url);
  if (target.origin !== new URL(API).origin) return url;
  if (CMS_ONLY.some((prefix) => target.pathname.startsWith(prefix))) return url;
  return viewUrl(target.pathname, target.hash.slice(1));
}

// Rich text from the CMS is inserted as HTML, cleaned first: unknown
// elements are unwrapped, dangerous ones dropped, attributes allow-listed,
// site-relative links pointed at the CMS (they are its pages and media).
const DROP_TAGS = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
  "form", "input", "button", "textarea", "select", "option", "link", "meta",
  "base", "noscript", "template", "svg", "math", "audio", "video", "source",
]);
const KEEP_TAGS = new Set([
  "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
  "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
  "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
  "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
  "th", "thead", "tr", "u", "ul",
]);
const KEEP_ATTRS = new Set([
  "href", "src", "alt", "title", "class", "width", "height", "lang", "dir",
  "colspan", "rowspan", "scope", "start", "reversed", "value", "datetime",
  "data-reference-key", "data-reference-number", "aria-label",
]);

function cleanTree(parent) {
  for (const node of [...parent.childNodes]) {
    if (node.nodeType === Node.COMMENT_NODE) {
      node.remove();
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.localName;
      if (DROP_TAGS.has(tag)) {
        node.remove();
        continue;
      }
      cleanTree(node);
      if (!KEEP_TAGS.has(tag)) {
        node.replaceWith(...node.childNodes);
        continue;
      }
      for (const attr of [...node.attributes]) {
        const name = attr.name.toLowerCase();
        if (!KEEP_ATTRS.has(name)) {
          node.removeAttribute(attr.name);
        } else if (name === "href" || name === "src") {
          const value = attr.value.trim();
          if (name === "href" && value.startsWith("#")) continue; // in-page, e.g. #ref-key
          const url = name === "href" ? frontendLink(safeUrl(value)) : safeUrl(value);
          if (url) node.setAttribute(name, url);
          else node.removeAttribute(attr.name);
        }
      }
      // Wagtail always writes alt; an image without one is taken as decorative.
      if (tag === "img" && !node.hasAttribute("alt")) node.setAttribute("alt", "");
    }
  }
}

/** CMS HTML (rich text, formatted references) as a cleaned fragment. */
function richText(html) {
  const template = document.createElement("template");
  template.innerHTML = typeof html === "string" ? html : "";
  cleanTree(template.content);
  return template.content;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
});

/** <time> for an ISO date or date-time, or null. */
function timeEl(iso) {
  if (!iso) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return h("span", null, iso);
  return h("time", { datetime: iso.slice(0, 10) }, dateFormat.format(date));
}

/** A srcset of the API's with only http(s) URLs, or null. */
function safeSrcset(srcset) {
  if (typeof srcset !== "string") return null;
  const entries = srcset.split(", ").map((entry) => {
    const [url, width] = entry.split(" ");
    const safe = safeUrl(url);
    return safe && /^\d+w$/.test(width) ? `${safe} ${width}` : null;
  });
  return entries.length && entries.every(Boolean) ? entries.join(", ") : null;
}

/** <picture> of one of an API picture's renditions (AVIF and WebP sources,
 * a srcset of widths, width and height against layout shift), or null. */
function pictureEl(picture, name, sizes, className) {
  const rendition = picture && picture.renditions && picture.renditions[name];
  const src = rendition && safeUrl(rendition.url);
  if (!src) return null;
  const sources = (rendition.sources || [])
    .map((source) => ({ type: source.type, srcset: safeSrcset(source.srcset) }))
    .filter((source) => /^image\/[a-z]+$/.test(source.type) && source.srcset)
    .map((source) => h("source", { type: source.type, srcset: source.srcset, sizes }));
  const img = h("img", {
    class: className,
    src,
    srcset: safeSrcset(rendition.srcset),
    sizes,
    alt: typeof picture.alt === "string" ? picture.alt : "",
    width: rendition.width,
    height: rendition.height,
  });
  return h("picture", null, sources, img);
}

// -------------------------------------------------------------- fetching

class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.status = status;
  }
}

async function getJSON(path, query) {
  const url = new URL(API + path);
  for (const [name, value] of Object.entries(query || {})) url.searchParams.set(name, value);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "omit",
      signal: controller.signal,
    });
  } catch (error) {
    const why = error.name === "AbortError" ? "did not answer in time" : "could not be reached";
    throw new ApiError(
      `The API at ${API} ${why}. Check that the site is running and that it allows ` +
        `this page's origin (${location.origin}) in its CORS settings.`,
    );
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (an HTML error page, or empty).
  }
  if (!response.ok) {
    const message = body && typeof body.message === "string" ? body.message : response.statusText;
    throw new ApiError(`The API answered ${response.status}${message ? `: ${message}` : "."}`, response.status);
  }
  if (body === null) throw new ApiError(`The API at ${API} did not answer with JSON.`);
  return body;
}

// ---------------------------------------------------------------- layout

function setTitle(title) {
  document.title = title ? `${title} – ${SITE_NAME}` : SITE_NAME;
}

function setLoading(loading) {
  main.setAttribute("aria-busy", loading ? "true" : "false");
  statusRegion.textContent = loading ? "Loading…" : "";
  statusRegion.hidden = !loading;
}

function show(...nodes) {
  view.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
}

function backHome() {
  return h("p", null, h("a", { href: viewUrl("/") }, "Back to all articles"));
}

function showError(title, message, { withHomeLink = true } = {}) {
  setTitle(title);
  show(h("h1", null, title), h("p", { class: "error" }, message), withHomeLink && backHome());
}

/** Move to an element of this page without touching the query string. */
function goToElement(element, { push = false } = {}) {
  if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
    element.setAttribute("tabindex", "-1");
  }
  document.querySelectorAll(".is-target").forEach((el) => el.classList.remove("is-target"));
  if (element !== main) element.classList.add("is-target");
  element.scrollIntoView({ block: "start" });
  element.focus({ preventScroll: true });
  if (push && element.id) {
    history.pushState(null, "", `${location.pathname}${location.search}#${encodeURIComponent(element.id)}`);
  }
}

function elementForHash(hash) {
  if (!hash || hash === "#") return null;
  let id = hash.slice(1);
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep it as it is
  }
  return document.getElementById(id);
}

// In-page links (#ref-…, the table of contents, the skip link): scroll and
// focus, keep the path and the query as they are.
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href^="#"]');
  if (!link) return;
  const target = elementForHash(link.getAttribute("href"));
  if (!target) return;
  event.preventDefault();
  goToElement(target, { push: target !== main });
});

window.addEventListener("popstate", () => {
  const target = elementForHash(location.hash);
  if (target) goToElement(target);
});

// ----------------------------------------------------------- list pieces

function tagLinks(tags, className = "tag-list") {
  if (!Array.isArray(tags) || !tags.length) return null;
  return h(
    "ul",
    { class: className },
    tags.map((tag) => h("li", null, h("a", { href: viewUrl(tagPath(tag.slug)), rel: "tag" }, tag.name))),
  );
}

function articleList(items, headingLevel = "h3") {
  return h(
    "ul",
    { class: "article-list" },
    items.map((item) =>
      h(
        "li",
        null,
        h(headingLevel, null, h("a", { href: viewUrl(pagePath(item)) }, item.title)),
        item.summary && h("p", null, item.summary),
        item.tags && item.tags.length > 0 && h("div", { class: "article-tags" }, h("span", { class: "label" }, "Tags: "), tagLinks(item.tags)),
      ),
    ),
  );
}

function countText(total, shown) {
  return total > shown ? `Showing the newest ${shown} of ${total} articles.` : null;
}

/** A settled listing request as nodes: an error, the empty text, or the list. */
function articleResults(result, empty, headingLevel) {
  if (result.status === "rejected") {
    return [h("p", { class: "error" }, `The articles could not be loaded. ${result.reason.message}`)];
  }
  const { items, meta } = result.value;
  if (!items.length) return [h("p", null, empty)];
  const note = countText(meta && meta.total_count, items.length);
  return [articleList(items, headingLevel), note && h("p", { class: "muted" }, note)];
}

// ------------------------------------------------------------------ home

const HOME_TAGS = 12;

/** Tags with their counts as a list of links. */
function tagCloud(tags) {
  return h(
    "ul",
    { class: "tag-cloud" },
    tags.map((tag) =>
      h(
        "li",
        null,
        h("a", { href: viewUrl(tagPath(tag.slug)), rel: "tag" }, tag.name),
        " ",
        h("span", { class: "count" }, `(${tag.count} ${tag.count === 1 ? "article" : "articles"})`),
      ),
    ),
  );
}

/** A settled tags request as nodes: an error, the empty text, or the cloud. */
function tagResults(result) {
  if (result.status === "rejected") {
    return [h("p", { class: "error" }, `The tags could not be loaded. ${result.reason.message}`)];
  }
  return result.value.items.length ? [tagCloud(result.value.items)] : [h("p", null, "No tags yet.")];
}

async function renderHome() {
  setTitle("");
  const [articles, tags] = await Promise.allSettled([
    getJSON("/api/v2/pages/", {
      type: ARTICLE_TYPE,
      fields: "summary,tags",
      order: "-first_published_at",
      limit: "20",
    }),
    getJSON("/api/v2/tags/", { limit: String(HOME_TAGS) }),
  ]);

  const articleSection = h(
    "section",
    { "aria-labelledby": "latest-heading" },
    h("h2", { id: "latest-heading" }, "Latest articles"),
    articleResults(articles, "No articles have been published yet.", "h3"),
  );
  const tagSection = h(
    "section",
    { "aria-labelledby": "tags-heading" },
    h("h2", { id: "tags-heading" }, "Most used tags"),
    tagResults(tags),
    h("p", null, h("a", { href: viewUrl("/tags/") }, "All tags")),
  );

  show(
    h("h1", null, SITE_NAME),
    h("p", { class: "lead" }, "Evidence-based articles on common conditions and their treatments, each with its references."),
    articleSection,
    tagSection,
  );
}

async function renderTags() {
  setTitle("Tags");
  const [tags] = await Promise.allSettled([getJSON("/api/v2/tags/", { order: "name", limit: "100" })]);
  const note =
    tags.status === "fulfilled" && tags.value.meta.total_count > tags.value.items.length
      ? h("p", { class: "muted" }, `Showing ${tags.value.items.length} of ${tags.value.meta.total_count} tags.`)
      : null;
  show(h("h1", null, "Tags"), tagResults(tags), note, backHome());
}

// ------------------------------------------------------------------- tag

async function renderTag(slug) {
  setTitle(`Tag “${slug}”`);
  const [tag, articles] = await Promise.allSettled([
    getJSON(`/api/v2/tags/${encodeURIComponent(slug)}/`),
    getJSON("/api/v2/pages/", {
      type: ARTICLE_TYPE,
      tag: slug,
      fields: "summary,tags",
      order: "-first_published_at",
    }),
  ]);

  if (tag.status === "rejected") {
    if (tag.reason.status === 404) {
      showError("No such tag", `There is no tag “${slug}”, or none of its articles is published.`);
    } else {
      showError("The tag could not be loaded", tag.reason.message);
    }
    return;
  }

  const name = tag.value.name;
  setTitle(`Articles tagged “${name}”`);
  show([
    h("h1", null, `Articles tagged “${name}”`),
    articleResults(articles, "No published article has this tag.", "h2"),
    backHome(),
  ]);
}

// --------------------------------------------------------------- article

/** The id of a reference list entry: the API's anchor, else ref-<key>. */
function refAnchor(ref) {
  return typeof ref.anchor === "string" && ref.anchor ? ref.anchor : `ref-${ref.key}`;
}

const CERTAINTY = { high: "High", moderate: "Moderate", low: "Low", very_low: "Very low" };
const REVIEW_STATUS = {
  not_reviewed: "Not yet medically reviewed",
  current: "Up to date",
  due_soon: "Review due soon",
  overdue: "Review overdue",
};

/** Renders the blocks of one article; holds its reference numbers and ids. */
class ArticleRenderer {
  constructor(page) {
    this.page = page;
    this.references = (Array.isArray(page.references) ? page.references : [])
      .slice()
      .sort((a, b) => a.number - b.number);
    this.byKey = new Map(this.references.map((ref) => [ref.key, ref]));
    this.usedIds = new Set(["main", "status", "view", "api-origin"]);
  }

  /** The id if no element has it yet, else null: never a duplicate id. */
  id(candidate) {
    if (!candidate || this.usedIds.has(candidate)) return null;
    this.usedIds.add(candidate);
    return candidate;
  }

  /** The "Source: [n]" line of a block: its cited keys, but for those its
   * rich text (``texts``) already cites, so that each citation shows once. */
  citations(keys, ...texts) {
    const inText = new Set(
      texts.flatMap((text) =>
        [...String(text || "").matchAll(/data-reference-key="([^"]*)"/g)].map((match) => match[1]),
      ),
    );
    const refs = [...new Set(keys || [])]
      .filter((key) => !inText.has(key))
      .map((key) => this.byKey.get(key))
      .filter(Boolean)
      .sort((a, b) => a.number - b.number);
    if (!refs.length) return null;
    return h(
      "p",
      { class: "sources" },
      refs.length === 1 ? "Source: " : "Sources: ",
      joinNodes(refs.map((ref) => h("a", { href: `#${refAnchor(ref)}`, class: "citation" }, `[${ref.number}]`)), " "),
    );
  }

  block(block) {
    const value = block.value;
    switch (block.type) {
      case "heading": {
        const level = ["h2", "h3", "h4"].includes(value && value.level) ? value.level : "h2";
        return h(level, null, value && value.text);
      }
      case "rich_text":
        return h("div", { class: "rich-text" }, richText(value));
      case "condition_section":
        return this.condition(value);
      case "figure":
        return this.figure(block.value);
      case "treatment":
        return this.treatment(value, false);
      default:
        return null; // a block type this frontend does not know yet
    }
  }

  condition(value) {
    // The section's id on the article page, which the table of contents links to.
    const anchor = this.id(typeof value.anchor === "string" ? value.anchor : null);
    const headingId = anchor ? this.id(`${anchor}-heading`) : null;
    const alternate = (value.alternate_names || []).filter(Boolean);
    return h(
      "section",
      { class: "condition", id: anchor, "aria-labelledby": headingId },
      h("h2", { id: headingId }, value.name),
      alternate.length > 0 && h("p", { class: "alternate-names" }, h("strong", null, "Also called: "), alternate.join(", ")),
      value.description && h("div", { class: "rich-text" }, richText(value.description)),
      value.epidemiology && h("p", { class: "epidemiology" }, h("strong", null, "How common it is: "), value.epidemiology),
      value.symptoms && [h("h3", null, "Symptoms"), h("div", { class: "rich-text" }, richText(value.symptoms))],
      this.citations(value.references, value.description, value.symptoms),
      (value.treatments || []).length > 0 &&
        h("div", { class: "treatments" }, value.treatments.map((treatment) => this.treatment(treatment, true))),
    );
  }

  treatment(value, nested) {
    const certainty = CERTAINTY[value.certainty];
    const studyTypes = (value.study_types || []).filter(Boolean);
    const hasEvidence = Boolean(value.evidence || certainty || studyTypes.length > 0);
    return h(
      "section",
      { class: "treatment" },
      h(nested ? "h3" : "h2", null, value.name),
      value.description && h("div", { class: "rich-text" }, richText(value.description)),
      hasEvidence &&
        h(
          "div",
          { class: "evidence" },
          h(nested ? "h4" : "h3", null, "What the evidence says"),
          certainty &&
            h("p", { class: `certainty certainty-${value.certainty}` }, "Certainty of evidence (GRADE): ", h("strong", null, certainty)),
          studyTypes.length > 0 && h("p", { class: "study-types" }, "Based on: ", studyTypes.join(", ")),
          value.evidence && h("div", { class: "rich-text" }, richText(value.evidence)),
        ),
      this.citations(value.references, value.description, value.evidence),
    );
  }

  people() {
    const seen = new Map();
    for (const person of [...(this.page.authors || []), ...(this.page.reviewers || [])]) {
      if (person && !seen.has(person.id)) seen.set(person.id, person);
    }
    return [...seen.values()];
  }

  personName(person) {
    return [person.name, person.credentials].filter(Boolean).join(", ");
  }

  personLink(person) {
    return h("a", { href: `#person-${person.id}` }, this.personName(person));
  }

  facts() {
    const page = this.page;
    const rows = [];
    const add = (term, ...details) => rows.push(h("dt", null, term), h("dd", null, ...details));
    if ((page.authors || []).length) add("Written by", joinNodes(page.authors.map((p) => this.personLink(p))));
    if ((page.reviewers || []).length) add("Medically reviewed by", joinNodes(page.reviewers.map((p) => this.personLink(p))));
    const published = page.meta && page.meta.first_published_at;
    if (published) add("Published", timeEl(published));
    const review = page.review || {};
    if (review.last_reviewed) add("Last reviewed", timeEl(review.last_reviewed));
    if (review.next_review_due) add("Next review due", timeEl(review.next_review_due));
    if (review.status && REVIEW_STATUS[review.status]) add("Review status", REVIEW_STATUS[review.status]);
    if (page.reading_time) {
      add("Reading time", `${page.reading_time} min`, page.word_count ? ` (${page.word_count} words)` : "");
    }
    return rows.length ? h("dl", { class: "article-facts" }, rows) : null;
  }

  reviewWarning() {
    const review = this.page.review || {};
    if (review.overdue || review.status === "overdue") {
      return h("p", { class: "notice notice-warning" }, "This article is overdue for its medical review; some of it may be out of date.");
    }
    if (review.status === "not_reviewed") {
      return h("p", { class: "notice" }, "This article has not been medically reviewed yet.");
    }
    return null;
  }

  heroImage() {
    return pictureEl(this.page.hero_picture, "hero", "(min-width: 48rem) 48rem, 100vw", "hero-image");
  }

  figure(value) {
    const picture = pictureEl(value && value.picture, "figure", "(min-width: 48rem) 48rem, 100vw");
    if (!picture) return null;
    return h("figure", { class: "figure" }, picture, value.caption && h("figcaption", null, value.caption));
  }

  tableOfContents() {
    const entries = (this.page.table_of_contents || []).filter((entry) => entry.anchor && entry.title);
    if (!entries.length) return null;
    return h(
      "nav",
      { class: "table-of-contents", "aria-labelledby": "toc-heading" },
      h("h2", { id: this.id("toc-heading") }, "On this page"),
      h("ol", null, entries.map((entry) => h("li", null, h("a", { href: `#${entry.anchor}` }, entry.title)))),
    );
  }

  disclaimer() {
    if (!this.page.disclaimer) return null;
    return h(
      "section",
      { class: "disclaimer", "aria-labelledby": "disclaimer-heading" },
      h("h2", { id: this.id("disclaimer-heading") }, "Medical disclaimer"),
      richText(this.page.disclaimer),
    );
  }

  tags() {
    const list = tagLinks(this.page.tags);
    if (!list) return null;
    return h(
      "nav",
      { class: "article-tags-nav", "aria-labelledby": "tags-heading" },
      h("h2", { id: this.id("tags-heading") }, "Tags"),
      list,
    );
  }

  referenceList() {
    if (!this.references.length) return null;
    const LABELS = [["doi", "DOI"], ["pubmed", "PubMed"], ["pmc", "PMC"], ["url", "Link"]];
    return h(
      "section",
      { class: "references", "aria-labelledby": "references-heading" },
      h("h2", { id: this.id("references-heading") }, "References"),
      h(
        "ol",
        null,
        this.references.map((ref) => {
          const links = ref.links || {};
          const anchors = LABELS.filter(([name]) => name !== "url" || links.url !== links.doi)
            .map(([name, label]) => [safeUrl(links[name]), label])
            .filter(([href]) => href)
            .map(([href, label]) => h("a", { href, "aria-label": `${label}, reference ${ref.number}` }, label));
          return h(
            "li",
            { id: this.id(refAnchor(ref)), value: ref.number, class: ref.cited === false ? "uncited" : null },
            ref.formatted_html ? richText(ref.formatted_html) : ref.formatted || ref.raw_text,
            anchors.length > 0 && [" ", h("span", { class: "reference-links" }, joinNodes(anchors, " "))],
            ref.cited === false && h("span", { class: "muted" }, " (not cited in the text)"),
          );
        }),
      ),
    );
  }

  aboutPeople() {
    const people = this.people();
    if (!people.length) return null;
    return h(
      "section",
      { class: "people", "aria-labelledby": "people-heading" },
      h("h2", { id: this.id("people-heading") }, "About the authors and reviewers"),
      people.map((person) => {
        const links = [];
        const profile = safeUrl(person.url);
        if (profile) links.push(h("li", null, h("a", { href: profile }, `Profile of ${person.name}`)));
        for (const url of person.same_as || []) {
          const href = safeUrl(url);
          if (href) links.push(h("li", null, h("a", { href }, href.replace(/^https?:\/\//, "").replace(/\/$/, ""))));
        }
        return h(
          "div",
          { class: "person", id: this.id(`person-${person.id}`) },
          h("h3", null, this.personName(person)),
          person.job_title && h("p", { class: "job-title" }, person.job_title),
          person.bio && h("p", null, person.bio),
          links.length > 0 && h("ul", { class: "person-links" }, links),
        );
      }),
    );
  }

  related() {
    const items = (this.page.related_articles || []).filter((item) => item && item.id);
    if (!items.length) return null;
    return h(
      "section",
      { class: "related", "aria-labelledby": "related-heading" },
      h("h2", { id: this.id("related-heading") }, "Related articles"),
      h("ul", null, items.map((item) => h("li", null, h("a", { href: viewUrl(pagePath(item)) }, item.title)))),
    );
  }

  render() {
    const page = this.page;
    return h(
      "article",
      { class: "health-article" },
      h(
        "header",
        { class: "article-header" },
        h("h1", null, page.title),
        page.summary && h("p", { class: "summary" }, page.summary),
        this.facts(),
        this.reviewWarning(),
        this.heroImage(),
      ),
      this.tableOfContents(),
      h("div", { class: "article-body" }, (page.body || []).map((block) => this.block(block))),
      this.disclaimer(),
      this.tags(),
      this.referenceList(),
      this.aboutPeople(),
      this.related(),
    );
  }
}

function renderArticlePage(page, { preview = false } = {}) {
  const title = page.title || "Untitled";
  setTitle(preview ? `Preview: ${title}` : title);
  const banner =
    preview &&
    h(
      "p",
      { class: "preview-banner" },
      h("strong", null, "Preview – not published."),
      " This is a draft as editors see it; readers cannot see it yet.",
    );
  show(banner, new ArticleRenderer(page).render());
}

/** The page at ``path`` on the site: pages/find/ answers with a redirect to
 * its detail (following the site's redirects, for a moved or renamed page). */
async function renderPage(path) {
  let page;
  try {
    page = await getJSON("/api/v2/pages/find/", { html_path: path });
  } catch (error) {
    if (error.status === 404) showError("Article not found", "There is no published article with this address. It may have been moved or unpublished.");
    else showError("The article could not be loaded", error.message);
    return;
  }
  const type = page.meta && page.meta.type;
  if (type === ARTICLE_TYPE) {
    if (page.meta.html_url && pagePath(page) !== location.pathname) {
      // Found through a redirect: show the article's own address.
      history.replaceState(null, "", viewUrl(pagePath(page), location.hash.slice(1)));
    }
    renderArticlePage(page);
  } else if (type === INDEX_TYPE) {
    await renderHome(); // the article index: the site's home page
  } else {
    showError(page.title || "Not an article", "This page of the site is not a health article.");
  }
}

async function renderPreview(contentType, token) {
  let page;
  try {
    page = await getJSON("/api/v2/page_preview/", { content_type: contentType, token });
  } catch (error) {
    if (error.status === 404) showError("Preview not available", "This preview has expired or is not valid.");
    else showError("The preview could not be loaded", error.message);
    return;
  }
  renderArticlePage(page, { preview: true });
}

// ------------------------------------------------------------------ start

function route() {
  if (params.has("token") || params.has("content_type")) {
    return renderPreview(params.get("content_type") || "", params.get("token") || "");
  }
  const path = location.pathname;
  if (path === "/" || path === "/index.html") return renderHome();
  if (path === "/tags/") return renderTags();
  const tag = /^\/tags\/([^/]+)\/$/.exec(path);
  if (tag) return renderTag(decodeURIComponent(tag[1]));
  let decoded = path; // the page's path as Wagtail stores it: "/santé-du-dos/"
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // not percent-encoding: as it is
  }
  return renderPage(decoded.endsWith("/") ? decoded : `${decoded}/`);
}

async function start() {
  for (const link of document.querySelectorAll("a[data-path]")) link.href = viewUrl(link.dataset.path);
  const origin = document.getElementById("api-origin");

  if (!API) {
    setLoading(false);
    showError("Cannot load articles", "The API address (the api parameter or config.js) is not a valid http or https URL.", { withHomeLink: false });
    return;
  }
  origin.replaceChildren(h("a", { href: API + "/api/v2/pages/" }, new URL(API).host));

  setLoading(true);
  try {
    await route();
  } catch (error) {
    showError("Something went wrong", error instanceof ApiError ? error.message : `The page could not be shown (${error.message}).`);
  } finally {
    setLoading(false);
  }
  // A link such as /massage-therapy-for-hip-pain/#ref-abbott2013: the
  // target exists only now.
  const target = elementForHash(location.hash);
  if (target) goToElement(target);
}

start();
