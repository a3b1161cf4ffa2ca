"""Pagination for every list on the site: one paginator, one partial
(`portal/partials.html#pagination`).

A list shows at most `MAX_PAGES` pages. Counting every row and skipping to
the last of 10 000 pages both cost time in proportion to the table, so a
list of 100 000 rows would be slower to open than one of 100; counting at
most `MAX_PAGES` pages' rows (`SELECT COUNT(*) FROM (… LIMIT n)`) keeps the
count and the deepest offset the same however large the table grows. A list
cut short says so and points to its search or filters (the partial), which
narrow it to rows it can show; public content is also in the sitemap.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_PAGES = 100


class BoundedPaginator(Paginator):
    """A Paginator that counts at most `max_pages` pages' worth of rows."""

    def __init__(self, object_list, per_page, *, max_pages=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.max_rows = per_page * (max_pages or MAX_PAGES)

    @cached_property
    def _rows_up_to_limit(self):
        """How many rows there are, counting no further than one past the
        limit: for a queryset a COUNT over a subquery with that LIMIT, in
        whichever order the database finds cheapest (the number of rows up
        to a limit does not depend on their order)."""
        rows = self.object_list
        if hasattr(rows, "order_by"):
            return rows.order_by()[: self.max_rows + 1].count()
        return len(rows[: self.max_rows + 1])

    @cached_property
    def count(self):
        return min(self._rows_up_to_limit, self.max_rows)

    @property
    def truncated(self):
        """True when there are more rows than the pages show."""
        return self._rows_up_to_limit > self.max_rows


def paginate(request, object_list, per_page):
    """The page `?sida=` asks for: the first for anything but a number, the
    last for a number past the end (Django's `get_page`), never an error."""
    paginator = BoundedPaginator(object_list, per_page)
    return paginator.get_page(request.GET.get("sida"))


def query_without_page(request):
    """The current query string without the page number, for page links."""
    query = request.GET.copy()
    query.pop("sida", None)
    return query.urlencode()
