"""Site search over public content: news, sessions, presentations, speakers.

On PostgreSQL the search uses full-text search with the Swedish dictionary,
so "avhoppare" also finds "avhopparna", ranks the hits and highlights the
matching words. It matches each model's stored search document
(`search_vector`, `portal.fulltext`) through its GIN index and ranks at most
the newest `RANKED_CANDIDATES` matches of each kind, so a search costs the
same however many rows there are. SQLite (development) has no Swedish
stemmer and no such index: there every word of the query must occur in the
text, case-insensitively (ASCII letters only, as SQLite's LIKE), reading
every published row: a fallback for development, not a search to run a site
on. Only what `published()` returns can ever be found.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from portal.fulltext import SEARCH_CONFIG
from presentations.models import Presentation, Session, Speaker
from programme.models import NewsArticle

MAX_QUERY_LENGTH = 100
# On PostgreSQL each kind's hits are ranked among its newest this many
# matches: a word found in most of 100 000 rows would otherwise rank every
# one of them (reading each stored document) for twenty hits.
RANKED_CANDIDATES = 500
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    excerpt: str
    rank: float = 0.0


def _sources():
    """(label, queryset, title field, text fields) for each searchable kind."""
    return [
        (
            _("Nyhet"),
            NewsArticle.objects.published(),
            "title",
            ["title", "lead", "body"],
        ),
        (
            _("Presentation"),
            Presentation.objects.published().select_related("session"),
            "title",
            ["title", "summary"],
        ),
        (
            _("Session"),
            Session.objects.published(),
            "title",
            ["title", "description", "venue"],
        ),
        (
            _("Talare"),
            Speaker.objects.public(),
            "name",
            ["name", "title", "organisation", "bio"],
        ),
    ]


def _highlight(text: str) -> str:
    """Escape text, then turn our private markers into <mark> elements."""
    return mark_safe(  # noqa: S308 - everything else is escaped first
        escape(text)
        .replace(HIGHLIGHT_START, "<mark>")
        .replace(HIGHLIGHT_STOP, "</mark>")
    )


def search(query: str, limit_per_kind: int = 20) -> list[Hit]:
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(query, limit_per_kind)
    return _search_fallback(query, limit_per_kind)


def _search_postgres(query, limit):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
    )

    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    hits = []
    for label, queryset, title_field, fields in _sources():
        candidates = (
            queryset.filter(search_vector=search_query)
            .order_by("-pk")
            .values("pk")[:RANKED_CANDIDATES]
        )
        rows = (
            queryset.filter(pk__in=candidates)
            .defer("search_vector")
            .annotate(
                rank=SearchRank(F("search_vector"), search_query),
                headline=SearchHeadline(
                    fields[-1],
                    search_query,
                    config=SEARCH_CONFIG,
                    start_sel=HIGHLIGHT_START,
                    stop_sel=HIGHLIGHT_STOP,
                    max_words=30,
                    min_words=12,
                ),
            )
            .order_by("-rank", "pk")[:limit]
        )
        hits.extend(
            Hit(
                kind=label,
                title=getattr(row, title_field),
                url=row.get_absolute_url(),
                excerpt=_highlight(row.headline),
                rank=row.rank,
            )
            for row in rows
        )
    return sorted(hits, key=lambda hit: hit.rank, reverse=True)


def _search_fallback(query, limit):
    words = query.split()[:10]
    hits = []
    for label, queryset, title_field, fields in _sources():
        condition = Q()
        for word in words:
            any_field = Q()
            for name in fields:
                any_field |= Q(**{f"{name}__icontains": word})
            condition &= any_field
        for row in queryset.filter(condition)[:limit]:
            text = getattr(row, fields[-1]) or getattr(row, title_field)
            hits.append(
                Hit(
                    kind=label,
                    title=getattr(row, title_field),
                    url=row.get_absolute_url(),
                    excerpt=_excerpt(text, words),
                )
            )
    return hits


def _excerpt(text, words):
    """A short excerpt around the first match, with the words marked."""
    plain = " ".join(str(text).split())
    lowered = plain.lower()
    positions = [lowered.find(word.lower()) for word in words]
    positions = [position for position in positions if position >= 0]
    start = max(min(positions) - 60, 0) if positions else 0
    snippet = Truncator(plain[start:]).words(30)
    for word in sorted(set(words), key=len, reverse=True):
        snippet = _mark_word(snippet, word)
    return _highlight(("… " if start else "") + snippet)


def _mark_word(text, word):
    result, lowered, needle, index = [], text.lower(), word.lower(), 0
    while (found := lowered.find(needle, index)) >= 0:
        result.append(text[index:found])
        result.append(HIGHLIGHT_START + text[found : found + len(word)])
        result.append(HIGHLIGHT_STOP)
        index = found + len(word)
    result.append(text[index:])
    return "".join(result)
