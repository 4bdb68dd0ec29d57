"""``.html`` / ``.htm``: paragraphs, headings, title, date and URL of a web page (BeautifulSoup)."""
import re

from .common import parse_date

HTML_DROP = ["script", "style", "nav", "noscript", "template", "footer", "form"]
# meta keys (name, property or itemprop; lowercased) holding the publication date, best first
HTML_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "publishdate", "publish-date",
                  "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "og:published_time")


def _squash(text):
    """Collapse runs of whitespace to one space and strip."""
    return re.sub(r"\s+", " ", text).strip()


def _paragraph_strings(soup):
    """The own strings of each ``<p>`` (those whose nearest ``<p>`` ancestor it is), one list per
    ``<p>`` in document order.

    One walk down the tree carrying the nearest ``<p>``, so linear in the page's size even when
    thousands of unclosed ``<p>`` nest one inside the other (asking each ``<p>`` for its strings
    and each string for its ``<p>`` was quadratic there).  Comments and other special strings
    are left out.
    """
    from bs4 import NavigableString, Tag

    paras, stack = {}, [(soup, None)]
    while stack:
        node, para = stack.pop()
        if type(node) is NavigableString:
            if para is not None:
                paras[id(para)].append(node)
        elif isinstance(node, Tag):
            if node.name == "p":
                para = node
                paras[id(node)] = []
            stack.extend((child, para) for child in reversed(node.contents))
    return list(paras.values())


def parse_html(text, path, strict):
    """HTML via BeautifulSoup(html.parser) -> article dict.

    Body: the ``<p>`` elements (each one paragraph; a ``<p>`` left unclosed and so
    nesting the next keeps only its own text), with script/style/nav/footer/form
    dropped; a page without ``<p>`` falls back to the non-empty lines of its text.
    Headings: ``h2``-``h6``.  Title: ``<h1>``, else ``og:title``, else ``<title>``
    (which often carries the site name).  Date: the first meta key of
    ``HTML_DATE_META``, else ``<time datetime>``.  URL: canonical link or ``og:url``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(HTML_DROP):
        tag.decompose()
    for br in soup("br"):
        br.replace_with("\n")
    meta = {}
    for tag in soup("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key and tag.get("content") and key not in meta:
            meta[key] = tag["content"]
    date_value = next((meta[k] for k in HTML_DATE_META if k in meta), None)
    time_tag = soup.find("time", attrs={"datetime": True})
    if date_value is None and time_tag:
        date_value = time_tag["datetime"]
    h1 = soup.find("h1")
    title = (h1 and _squash(h1.get_text(" "))) or meta.get("og:title", "") or \
        (soup.title and _squash(soup.title.get_text(" "))) or ""
    canonical = soup.find("link", rel="canonical", href=True)
    url = canonical["href"] if canonical else meta.get("og:url", "")
    headings = [_squash(h.get_text(" ")) for h in soup(["h2", "h3", "h4", "h5", "h6"])]
    paras = [_squash("".join(strings)) for strings in _paragraph_strings(soup)]
    if not any(paras):
        for tag in soup(["head", "h1", "h2", "h3", "h4", "h5", "h6"]):
            tag.decompose()
        paras = [_squash(line) for line in soup.get_text().split("\n")]
    return {"date": parse_date(date_value, path, strict), "title": title, "url": url,
            "text": "\n\n".join(p for p in paras if p), "headings": [h for h in headings if h]}
