"""Editor-written markup becomes safe HTML once, at save time.

Editors may write plain paragraphs or a small set of HTML tags. The result is
sanitised with nh3 (an allow-list, not a deny-list) and stored, so pages never
parse or sanitise on read. Only text produced here is ever marked safe.
nh3 is imported when markup is saved, never by a worker that only reads.
"""

from django.utils.html import linebreaks

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "abbr", "q", "cite",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"https", "http", "mailto"}


def render_markup(source: str) -> str:
    """Turn editor input into sanitised HTML."""
    import nh3

    source = (source or "").strip()
    if not source:
        return ""
    if not nh3.is_html(source):
        source = linebreaks(source)
    return nh3.clean(
        source,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
