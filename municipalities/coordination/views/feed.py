"""The signed-in reader's entries as an Atom feed."""

from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from municipalities.coordination import policies
from municipalities.coordination.views.access import (
    visible_entries,
)
from municipalities.models import (
    ProgressEntry,
)
from portal.audit import audit_record
from portal.models import AuditEvent


class EntryFeed(Feed):
    """The entries the signed-in user may see, for a feed reader in the browser.

    Route it with `EntryFeed.as_view()`, never an instance: an instance in a
    URL pattern serves every request of the process at once. The reader
    travels as the feed object (`get_object` → `items`), never as an
    attribute, so even a shared instance holds nothing of one request.
    """

    feed_type = Atom1Feed
    title = gettext_lazy("Lägesrapporter – FoU Nordväst")

    @classmethod
    def as_view(cls):
        """A view function that builds a fresh feed for every request. It
        only reads: anything but GET and HEAD answers 405."""

        @require_safe
        def view(request, *args, **kwargs):
            return cls()(request, *args, **kwargs)

        view.feed_class = cls
        return view

    def __call__(self, request, *args, **kwargs):
        if not policies.is_active_user(request.user):
            return redirect(f"{reverse('login')}?next={request.path}")
        if not policies.can_enter_area(request.user):
            raise PermissionDenied
        audit_record(
            request,
            AuditEvent.Action.EXPORT,
            object_type=ProgressEntry._meta.label,
            object_id="feed",
        )
        return super().__call__(request, *args, **kwargs)

    def link(self):
        return reverse("samordning:entries")

    def get_object(self, request, *args, **kwargs):
        return request.user

    def items(self, user):
        return visible_entries(user)[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.text[:500]

    def item_pubdate(self, item):
        return item.release_at
