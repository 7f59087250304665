// Example frontend for the health_articles API (Wagtail API v2).
// One page, its views chosen by the path (serve.py answers index.html for
// every path):
//   /                            home: latest articles and the most used tags
//   /tags/                       every tag with its count
//   /tags/<slug>/                the articles with that tag
//   /<page path>/                an article, at its path on the site (found
//                                with the API's pages/find/, which follows
//                                the site's redirects)
//   /<language>/…                the same views in another language of the
//                                site (/fr-ca/, /fr-ca/tags/hip-pain/), as
//                                the site serves its translations
//   ?content_type=…&token=…      a draft, as wagtail-headless-preview links it
// ?api=<url> overrides window.HEALTH_ARTICLES_API (config.js) and is kept in
// every link. Every view is in one language: <html lang>, the frontend's own
// words, the listings (the API's locale filter) and the links are in it; an
// article links to its translations. Only CMS rich text and formatted
// references are inserted as HTML (after cleaning); everything else goes in
// as text.

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

// ------------------------------------------------------------- languages

// The frontend's own words (headings, labels, messages) in each language it
// has them in, by primary language subtag; a page in another language gets
// the English ones. The articles' own text comes from the API.
const STRINGS = {
  en: {
    siteName: "Health articles",
    skipLink: "Skip to main content",
    mainNav: "Main",
    navArticles: "Articles",
    navTags: "Tags",
    footerNotice: "Health information here does not replace advice from a qualified professional.",
    footerSourceBefore: "Content from the",
    footerSourceAfter: "API (Wagtail API v2).",
    loading: "Loading…",
    lead: "Evidence-based articles on common conditions and their treatments, each with its references.",
    latestArticles: "Latest articles",
    noArticles: "No articles have been published yet.",
    mostUsedTags: "Most used tags",
    allTags: "All tags",
    noTags: "No tags yet.",
    tags: "Tags",
    tagsLabel: "Tags: ",
    showingTags: (shown, total) => `Showing ${shown} of ${total} tags.`,
    showingArticles: (shown, total) => `Showing the newest ${shown} of ${total} articles.`,
    articleCount: (n) => `${n} ${n === 1 ? "article" : "articles"}`,
    articlesFailed: "The articles could not be loaded.",
    tagsFailed: "The tags could not be loaded.",
    backHome: "Back to all articles",
    tagTitle: (name) => `Tag “${name}”`,
    taggedTitle: (name) => `Articles tagged “${name}”`,
    noTagged: "No published article has this tag.",
    noSuchTag: "No such tag",
    noSuchTagText: (slug) => `There is no tag “${slug}”, or none of its articles is published.`,
    tagFailed: "The tag could not be loaded",
    notFound: "Article not found",
    notFoundText: "There is no published article with this address. It may have been moved or unpublished.",
    articleFailed: "The article could not be loaded",
    notAnArticle: "Not an article",
    notAnArticleText: "This page of the site is not a health article.",
    previewUnavailable: "Preview not available",
    previewUnavailableText: "This preview has expired or is not valid.",
    previewFailed: "The preview could not be loaded",
    previewTitle: (title) => `Preview: ${title}`,
    previewBanner: "Preview – not published.",
    previewBannerText: " This is a draft as editors see it; readers cannot see it yet.",
    untitled: "Untitled",
    somethingWrong: "Something went wrong",
    notShown: (message) => `The page could not be shown (${message}).`,
    languages: "Languages",
    certainty: { high: "High", moderate: "Moderate", low: "Low", very_low: "Very low" },
    reviewStatus: {
      not_reviewed: "Not yet medically reviewed",
      current: "Up to date",
      due_soon: "Review due soon",
      overdue: "Review overdue",
    },
    source: "Source: ",
    sources: "Sources: ",
    alsoCalled: "Also called: ",
    howCommon: "How common it is: ",
    symptoms: "Symptoms",
    whatEvidenceSays: "What the evidence says",
    certaintyOfEvidence: "Certainty of evidence (GRADE): ",
    basedOn: "Based on: ",
    writtenBy: "Written by",
    reviewedBy: "Medically reviewed by",
    published: "Published",
    lastReviewed: "Last reviewed",
    nextReviewDue: "Next review due",
    reviewStatusLabel: "Review status",
    readingTime: "Reading time",
    minutes: (n) => `${n} min`,
    words: (n) => ` (${n} words)`,
    overdueNotice: "This article is overdue for its medical review; some of it may be out of date.",
    notReviewedNotice: "This article has not been medically reviewed yet.",
    onThisPage: "On this page",
    disclaimer: "Medical disclaimer",
    references: "References",
    link: "Link",
    referenceLink: (label, number) => `${label}, reference ${number}`,
    notCited: " (not cited in the text)",
    aboutPeople: "About the authors and reviewers",
    profileOf: (name) => `Profile of ${name}`,
    related: "Related articles",
  },
  fr: {
    siteName: "Articles santé",
    skipLink: "Aller au contenu principal",
    mainNav: "Menu principal",
    navArticles: "Articles",
    navTags: "Mots-clés",
    footerNotice: "Les renseignements sur la santé présentés ici ne remplacent pas l’avis d’un professionnel qualifié.",
    footerSourceBefore: "Contenu tiré de l’API",
    footerSourceAfter: "(Wagtail API v2).",
    loading: "Chargement…",
    lead: "Des articles fondés sur des données probantes sur des problèmes de santé courants et leurs traitements, chacun avec ses références.",
    latestArticles: "Articles récents",
    noArticles: "Aucun article n’a encore été publié.",
    mostUsedTags: "Mots-clés les plus utilisés",
    allTags: "Tous les mots-clés",
    noTags: "Aucun mot-clé pour l’instant.",
    tags: "Mots-clés",
    tagsLabel: "Mots-clés\u00a0: ",
    showingTags: (shown, total) => `${shown} mots-clés affichés sur ${total}.`,
    showingArticles: (shown, total) => `Les ${shown} articles les plus récents sur ${total}.`,
    articleCount: (n) => `${n} ${n > 1 ? "articles" : "article"}`,
    articlesFailed: "Les articles n’ont pas pu être chargés.",
    tagsFailed: "Les mots-clés n’ont pas pu être chargés.",
    backHome: "Retour à tous les articles",
    tagTitle: (name) => `Mot-clé «\u00a0${name}\u00a0»`,
    taggedTitle: (name) => `Articles avec le mot-clé «\u00a0${name}\u00a0»`,
    noTagged: "Aucun article publié n’a ce mot-clé.",
    noSuchTag: "Mot-clé introuvable",
    noSuchTagText: (slug) => `Il n’y a pas de mot-clé «\u00a0${slug}\u00a0», ou aucun de ses articles n’est publié.`,
    tagFailed: "Le mot-clé n’a pas pu être chargé",
    notFound: "Article introuvable",
    notFoundText: "Aucun article publié n’a cette adresse. Il a peut-être été déplacé ou retiré.",
    articleFailed: "L’article n’a pas pu être chargé",
    notAnArticle: "Ce n’est pas un article",
    notAnArticleText: "Cette page du site n’est pas un article santé.",
    previewUnavailable: "Aperçu non disponible",
    previewUnavailableText: "Cet aperçu a expiré ou n’est pas valide.",
    previewFailed: "L’aperçu n’a pas pu être chargé",
    previewTitle: (title) => `Aperçu\u00a0: ${title}`,
    previewBanner: "Aperçu – non publié.",
    previewBannerText: " Voici la version de travail telle que la voient les rédacteurs; les lecteurs ne la voient pas encore.",
    untitled: "Sans titre",
    somethingWrong: "Une erreur s’est produite",
    notShown: (message) => `La page n’a pas pu être affichée (${message}).`,
    languages: "Langues",
    certainty: { high: "Élevé", moderate: "Modéré", low: "Faible", very_low: "Très faible" },
    reviewStatus: {
      not_reviewed: "Pas encore révisé par un professionnel de la santé",
      current: "À jour",
      due_soon: "Révision bientôt prévue",
      overdue: "Révision en retard",
    },
    source: "Source\u00a0: ",
    sources: "Sources\u00a0: ",
    alsoCalled: "Aussi appelé\u00a0: ",
    howCommon: "Fréquence\u00a0: ",
    symptoms: "Symptômes",
    whatEvidenceSays: "Ce que disent les données probantes",
    certaintyOfEvidence: "Niveau de certitude des données probantes (GRADE)\u00a0: ",
    basedOn: "Selon\u00a0: ",
    writtenBy: "Rédigé par",
    reviewedBy: "Révision médicale par",
    published: "Publication",
    lastReviewed: "Dernière révision",
    nextReviewDue: "Prochaine révision prévue",
    reviewStatusLabel: "État de la révision",
    readingTime: "Temps de lecture",
    minutes: (n) => `${n}\u00a0min`,
    words: (n) => ` (${n}\u00a0mots)`,
    overdueNotice: "La révision médicale de cet article est en retard; certains renseignements pourraient ne plus être à jour.",
    notReviewedNotice: "Cet article n’a pas encore fait l’objet d’une révision médicale.",
    onThisPage: "Sur cette page",
    disclaimer: "Avertissement médical",
    references: "Références",
    link: "Lien",
    referenceLink: (label, number) => `${label}, référence ${number}`,
    notCited: " (non cité dans le texte)",
    aboutPeople: "À propos des auteurs et des réviseurs",
    profileOf: (name) => `Profil de ${name}`,
    related: "Articles connexes",
  },
};

// The language of the view: its locale as the API names it ("fr-ca"; null
// where the site has one language and the API names none), the path prefix
// of the site's pages in it ("" for the site's default language, "/fr-ca"
// for the others, as the site serves them), and the frontend's words in it.
const language = { locale: null, prefix: "", ui: STRINGS.en };
let dateFormat = null;

/** A BCP 47 tag for a locale of the API's ("fr-ca" is fr-CA), or null. */
function languageTag(locale) {
  if (typeof locale !== "string" || !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(locale)) return null;
  try {
    return Intl.getCanonicalLocales(locale)[0];
  } catch {
    return null;
  }
}

/** Set the view's language: ``<html lang>``, the words of the frontend, the
 * date format and the links of the page's frame (header, footer). */
function setLanguage(locale, prefix = "") {
  const tag = languageTag(locale);
  language.locale = tag ? locale : null;
  language.prefix = prefix;
  language.ui = (tag && STRINGS[tag.split("-")[0].toLowerCase()]) || STRINGS.en;
  document.documentElement.lang = tag ? locale : "en";
  dateFormat = new Intl.DateTimeFormat(tag || "en-GB", {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  });
  const ui = language.ui;
  for (const el of document.querySelectorAll("[data-text]")) {
    if (typeof ui[el.dataset.text] === "string") el.textContent = ui[el.dataset.text];
  }
  for (const el of document.querySelectorAll("[data-label]")) {
    if (typeof ui[el.dataset.label] === "string") el.setAttribute("aria-label", ui[el.dataset.label]);
  }
  for (const link of document.querySelectorAll("a[data-path]")) link.href = viewUrl(localPath(link.dataset.path));
}

/** A path of this frontend's own views (/, /tags/…) in the view's language. */
function localPath(path) {
  return language.prefix + path;
}

/** The prefix of the site's paths of a page in ``locale`` at ``path``:
 * "/fr-ca" for /fr-ca/…, "" for a page of the default language. */
function prefixOf(path, locale) {
  const tag = languageTag(locale);
  if (!tag) return "";
  const first = path.split("/")[1] || "";
  return first.toLowerCase() === locale.toLowerCase() ? `/${first}` : "";
}

/** A language's name in that language ("Français (Canada)"), else its code. */
function languageName(locale) {
  const tag = languageTag(locale);
  if (!tag) return String(locale);
  try {
    const name = new Intl.DisplayNames([tag], { type: "language", languageDisplay: "standard" }).of(tag);
    return name ? name.charAt(0).toLocaleUpperCase(tag) + name.slice(1) : tag;
  } catch {
    return tag;
  }
}

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
  const site = language.ui.siteName;
  document.title = title ? `${title} – ${site}` : site;
}

function setLoading(loading) {
  main.setAttribute("aria-busy", loading ? "true" : "false");
  statusRegion.textContent = loading ? language.ui.loading : "";
  statusRegion.hidden = !loading;
}

function show(...nodes) {
  view.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
}

function backHome() {
  return h("p", null, h("a", { href: viewUrl(localPath("/")) }, language.ui.backHome));
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
    tags.map((tag) => h("li", null, h("a", { href: viewUrl(localPath(tagPath(tag.slug))), rel: "tag" }, tag.name))),
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
        item.tags && item.tags.length > 0 && h("div", { class: "article-tags" }, h("span", { class: "label" }, language.ui.tagsLabel), tagLinks(item.tags)),
      ),
    ),
  );
}

function countText(total, shown) {
  return total > shown ? language.ui.showingArticles(shown, total) : null;
}

/** A settled listing request as nodes: an error, the empty text, or the list. */
function articleResults(result, empty, headingLevel) {
  if (result.status === "rejected") {
    return [h("p", { class: "error" }, `${language.ui.articlesFailed} ${result.reason.message}`)];
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
        h("a", { href: viewUrl(localPath(tagPath(tag.slug))), rel: "tag" }, tag.name),
        " ",
        h("span", { class: "count" }, `(${language.ui.articleCount(tag.count)})`),
      ),
    ),
  );
}

/** A settled tags request as nodes: an error, the empty text, or the cloud. */
function tagResults(result) {
  if (result.status === "rejected") {
    return [h("p", { class: "error" }, `${language.ui.tagsFailed} ${result.reason.message}`)];
  }
  return result.value.items.length ? [tagCloud(result.value.items)] : [h("p", null, language.ui.noTags)];
}

/** The API's ``locale`` filter for the view's language ({} with none). */
function inLanguage(query = {}) {
  return language.locale ? { ...query, locale: language.locale } : query;
}

/** The locale of the site's pages at ``prefix`` ("/fr-ca"; "" the default
 * language's, read from the site's root page), or null where the API names
 * none (a site of one language) or the root cannot be read. */
async function localeAt(prefix) {
  if (prefix) return prefix.slice(1);
  try {
    const root = await getJSON("/api/v2/pages/find/", { html_path: "/" });
    return (root.meta && root.meta.locale) || null;
  } catch {
    return null;
  }
}

/** Set the language of a view of this frontend's own (home, tags) at
 * ``prefix``. */
async function enterLanguage(prefix) {
  setLanguage(await localeAt(prefix), prefix);
}

async function renderHome() {
  const ui = language.ui;
  setTitle("");
  const [articles, tags] = await Promise.allSettled([
    getJSON("/api/v2/pages/", inLanguage({
      type: ARTICLE_TYPE,
      fields: "summary,tags",
      order: "-first_published_at",
      limit: "20",
    })),
    getJSON("/api/v2/tags/", inLanguage({ limit: String(HOME_TAGS) })),
  ]);

  const articleSection = h(
    "section",
    { "aria-labelledby": "latest-heading" },
    h("h2", { id: "latest-heading" }, ui.latestArticles),
    articleResults(articles, ui.noArticles, "h3"),
  );
  const tagSection = h(
    "section",
    { "aria-labelledby": "tags-heading" },
    h("h2", { id: "tags-heading" }, ui.mostUsedTags),
    tagResults(tags),
    h("p", null, h("a", { href: viewUrl(localPath("/tags/")) }, ui.allTags)),
  );

  show(
    h("h1", null, ui.siteName),
    h("p", { class: "lead" }, ui.lead),
    articleSection,
    tagSection,
  );
}

async function renderTags() {
  const ui = language.ui;
  setTitle(ui.tags);
  const [tags] = await Promise.allSettled([getJSON("/api/v2/tags/", inLanguage({ order: "name", limit: "100" }))]);
  const note =
    tags.status === "fulfilled" && tags.value.meta.total_count > tags.value.items.length
      ? h("p", { class: "muted" }, ui.showingTags(tags.value.items.length, tags.value.meta.total_count))
      : null;
  show(h("h1", null, ui.tags), tagResults(tags), note, backHome());
}

// ------------------------------------------------------------------- tag

async function renderTag(slug) {
  const ui = language.ui;
  setTitle(ui.tagTitle(slug));
  const [tag, articles] = await Promise.allSettled([
    getJSON(`/api/v2/tags/${encodeURIComponent(slug)}/`, inLanguage()),
    getJSON("/api/v2/pages/", inLanguage({
      type: ARTICLE_TYPE,
      tag: slug,
      fields: "summary,tags",
      order: "-first_published_at",
    })),
  ]);

  if (tag.status === "rejected") {
    if (tag.reason.status === 404) {
      showError(ui.noSuchTag, ui.noSuchTagText(slug));
    } else {
      showError(ui.tagFailed, tag.reason.message);
    }
    return;
  }

  const name = tag.value.name;
  setTitle(ui.taggedTitle(name));
  show([
    h("h1", null, ui.taggedTitle(name)),
    articleResults(articles, ui.noTagged, "h2"),
    backHome(),
  ]);
}

// --------------------------------------------------------------- article

/** The id of a reference list entry: the API's anchor, else ref-<key>. */
function refAnchor(ref) {
  return typeof ref.anchor === "string" && ref.anchor ? ref.anchor : `ref-${ref.key}`;
}

/** Renders the blocks of one article; holds its reference numbers and ids. */
class ArticleRenderer {
  constructor(page) {
    this.page = page;
    this.ui = language.ui;
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
      refs.length === 1 ? this.ui.source : this.ui.sources,
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
      alternate.length > 0 && h("p", { class: "alternate-names" }, h("strong", null, this.ui.alsoCalled), alternate.join(", ")),
      value.description && h("div", { class: "rich-text" }, richText(value.description)),
      value.epidemiology && h("p", { class: "epidemiology" }, h("strong", null, this.ui.howCommon), value.epidemiology),
      value.symptoms && [h("h3", null, this.ui.symptoms), h("div", { class: "rich-text" }, richText(value.symptoms))],
      this.citations(value.references, value.description, value.symptoms),
      (value.treatments || []).length > 0 &&
        h("div", { class: "treatments" }, value.treatments.map((treatment) => this.treatment(treatment, true))),
    );
  }

  treatment(value, nested) {
    const certainty = Object.hasOwn(this.ui.certainty, value.certainty) ? this.ui.certainty[value.certainty] : null;
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
          h(nested ? "h4" : "h3", null, this.ui.whatEvidenceSays),
          certainty &&
            h("p", { class: `certainty certainty-${value.certainty}` }, this.ui.certaintyOfEvidence, h("strong", null, certainty)),
          studyTypes.length > 0 && h("p", { class: "study-types" }, this.ui.basedOn, studyTypes.join(", ")),
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
    const ui = this.ui;
    const rows = [];
    const add = (term, ...details) => rows.push(h("dt", null, term), h("dd", null, ...details));
    if ((page.authors || []).length) add(ui.writtenBy, joinNodes(page.authors.map((p) => this.personLink(p))));
    if ((page.reviewers || []).length) add(ui.reviewedBy, joinNodes(page.reviewers.map((p) => this.personLink(p))));
    const published = page.meta && page.meta.first_published_at;
    if (published) add(ui.published, timeEl(published));
    const review = page.review || {};
    if (review.last_reviewed) add(ui.lastReviewed, timeEl(review.last_reviewed));
    if (review.next_review_due) add(ui.nextReviewDue, timeEl(review.next_review_due));
    if (Object.hasOwn(ui.reviewStatus, review.status)) add(ui.reviewStatusLabel, ui.reviewStatus[review.status]);
    if (page.reading_time) {
      add(ui.readingTime, ui.minutes(page.reading_time), page.word_count ? ui.words(page.word_count) : "");
    }
    return rows.length ? h("dl", { class: "article-facts" }, rows) : null;
  }

  reviewWarning() {
    const review = this.page.review || {};
    if (review.overdue || review.status === "overdue") {
      return h("p", { class: "notice notice-warning" }, this.ui.overdueNotice);
    }
    if (review.status === "not_reviewed") {
      return h("p", { class: "notice" }, this.ui.notReviewedNotice);
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
      h("h2", { id: this.id("toc-heading") }, this.ui.onThisPage),
      h("ol", null, entries.map((entry) => h("li", null, h("a", { href: `#${entry.anchor}` }, entry.title)))),
    );
  }

  disclaimer() {
    if (!this.page.disclaimer) return null;
    return h(
      "section",
      { class: "disclaimer", "aria-labelledby": "disclaimer-heading" },
      h("h2", { id: this.id("disclaimer-heading") }, this.ui.disclaimer),
      richText(this.page.disclaimer),
    );
  }

  tags() {
    const list = tagLinks(this.page.tags);
    if (!list) return null;
    return h(
      "nav",
      { class: "article-tags-nav", "aria-labelledby": "tags-heading" },
      h("h2", { id: this.id("tags-heading") }, this.ui.tags),
      list,
    );
  }

  referenceList() {
    if (!this.references.length) return null;
    const LABELS = [["doi", "DOI"], ["pubmed", "PubMed"], ["pmc", "PMC"], ["url", this.ui.link]];
    return h(
      "section",
      { class: "references", "aria-labelledby": "references-heading" },
      h("h2", { id: this.id("references-heading") }, this.ui.references),
      h(
        "ol",
        null,
        this.references.map((ref) => {
          const links = ref.links || {};
          const anchors = LABELS.filter(([name]) => name !== "url" || links.url !== links.doi)
            .map(([name, label]) => [safeUrl(links[name]), label])
            .filter(([href]) => href)
            .map(([href, label]) => h("a", { href, "aria-label": this.ui.referenceLink(label, ref.number) }, label));
          return h(
            "li",
            { id: this.id(refAnchor(ref)), value: ref.number, class: ref.cited === false ? "uncited" : null },
            ref.formatted_html ? richText(ref.formatted_html) : ref.formatted || ref.raw_text,
            anchors.length > 0 && [" ", h("span", { class: "reference-links" }, joinNodes(anchors, " "))],
            ref.cited === false && h("span", { class: "muted" }, this.ui.notCited),
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
      h("h2", { id: this.id("people-heading") }, this.ui.aboutPeople),
      people.map((person) => {
        const links = [];
        const profile = safeUrl(person.url);
        if (profile) links.push(h("li", null, h("a", { href: profile }, this.ui.profileOf(person.name))));
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
    // The API relates articles of the same language; one that says it is
    // in another is left out all the same.
    const locale = this.page.meta && this.page.meta.locale;
    const items = (this.page.related_articles || []).filter(
      (item) => item && item.id && !(locale && item.meta && item.meta.locale && item.meta.locale !== locale),
    );
    if (!items.length) return null;
    return h(
      "section",
      { class: "related", "aria-labelledby": "related-heading" },
      h("h2", { id: this.id("related-heading") }, this.ui.related),
      h("ul", null, items.map((item) => h("li", null, h("a", { href: viewUrl(pagePath(item)) }, item.title)))),
    );
  }

  /** Links to the article in each language it is published in (the API's
   * translations), the current one marked; none with one language. */
  languageSwitcher() {
    const locale = this.page.meta && this.page.meta.locale;
    const translations = (Array.isArray(this.page.translations) ? this.page.translations : []).filter(
      (item) => item && languageTag(item.locale) && safeUrl(item.url),
    );
    if (!translations.some((item) => item.locale !== locale)) return null;
    return h(
      "nav",
      { class: "language-switcher", "aria-label": this.ui.languages },
      h(
        "ul",
        null,
        translations.map((item) => {
          const current = item.locale === locale;
          return h(
            "li",
            null,
            h(
              "a",
              {
                href: viewUrl(pagePath({ meta: { html_url: item.url } })),
                hreflang: item.locale,
                lang: item.locale,
                rel: current ? null : "alternate",
                "aria-current": current ? "page" : null,
              },
              languageName(item.locale),
            ),
          );
        }),
      ),
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
        this.languageSwitcher(),
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

/** Set the view's language to a page's of the API: its ``meta.locale``,
 * and the prefix of its path on the site. */
function enterPageLanguage(page) {
  const meta = page.meta || {};
  // A draft may have no address yet: its parent's is in the same language.
  const url = meta.html_url || (meta.parent && meta.parent.meta && meta.parent.meta.html_url);
  const path = url ? pagePath({ meta: { html_url: url } }) : location.pathname;
  setLanguage(meta.locale, prefixOf(path, meta.locale));
}

function renderArticlePage(page, { preview = false } = {}) {
  enterPageLanguage(page);
  const ui = language.ui;
  const title = page.title || ui.untitled;
  setTitle(preview ? ui.previewTitle(title) : title);
  const banner =
    preview &&
    h(
      "p",
      { class: "preview-banner" },
      h("strong", null, ui.previewBanner),
      ui.previewBannerText,
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
    const ui = language.ui;
    if (error.status === 404) showError(ui.notFound, ui.notFoundText);
    else showError(ui.articleFailed, error.message);
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
    // An article index: the site's home page, in its language (/fr-ca/).
    enterPageLanguage(page);
    await renderHome();
  } else {
    enterPageLanguage(page);
    showError(page.title || language.ui.notAnArticle, language.ui.notAnArticleText);
  }
}

async function renderPreview(contentType, token) {
  let page;
  try {
    page = await getJSON("/api/v2/page_preview/", { content_type: contentType, token });
  } catch (error) {
    const ui = language.ui;
    if (error.status === 404) showError(ui.previewUnavailable, ui.previewUnavailableText);
    else showError(ui.previewFailed, error.message);
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
  if (path === "/" || path === "/index.html") return enterLanguage("").then(renderHome);
  // The tag views, in the default language or under a language's prefix.
  const tags = /^(\/[a-z]{2,3}(?:-[a-z0-9]{2,8})*)?\/tags\/(?:([^/]+)\/)?$/i.exec(path);
  if (tags) {
    const [, prefix = "", slug] = tags;
    return enterLanguage(prefix.toLowerCase()).then(() => (slug ? renderTag(decodeURIComponent(slug)) : renderTags()));
  }
  let decoded = path; // the page's path as Wagtail stores it: "/santé-du-dos/"
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // not percent-encoding: as it is
  }
  return renderPage(decoded.endsWith("/") ? decoded : `${decoded}/`);
}

async function start() {
  setLanguage(null);
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
    const ui = language.ui;
    showError(ui.somethingWrong, error instanceof ApiError ? error.message : ui.notShown(error.message));
  } finally {
    setLoading(false);
  }
  // A link such as /massage-therapy-for-hip-pain/#ref-abbott2013: the
  // target exists only now.
  const target = elementForHash(location.hash);
  if (target) goToElement(target);
}

start();
