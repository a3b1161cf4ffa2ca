"""Progress entries (lägesrapporter): list and search, form, history, files."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from municipalities.coordination import policies, services
from municipalities.coordination.forms import (
    ProgressEntryForm,
)
from municipalities.coordination.navigation import breadcrumbs
from municipalities.coordination.views.access import (
    area_access,
    entry_for,
    visible_entries,
)
from municipalities.models import (
    EntryAttachment,
    ProgressEntry,
)
from portal.audit import AuditOrigin, audit_record
from portal.models import AuditEvent
from portal.pagination import paginate, query_without_page

ENTRIES_PER_PAGE = 20


@area_access
def entry_list(request):
    entries = visible_entries(request.user)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        condition = Q()
        for word in query.split()[:10]:
            condition &= Q(title__icontains=word) | Q(text__icontains=word)
        entries = entries.filter(condition)
    group_slug = request.GET.get("grupp", "")
    if group_slug:
        entries = entries.filter(group__slug=group_slug)
    page = paginate(request, entries, ENTRIES_PER_PAGE)
    audit_record(
        request,
        AuditEvent.Action.VIEW,
        object_type=ProgressEntry._meta.label,
        object_id="search" if query or group_slug else "list",
    )
    return render(
        request,
        "samordning/entry_list.html",
        {
            "page": page,
            "query": query,
            "can_create_entry": policies.can_create_entry(request.user),
            "filter_query": query_without_page(request),
            "breadcrumbs": breadcrumbs(_("Lägesrapporter")),
        },
    )


ENTRY_FIELDS = [
    "group",
    "focus_area",
    "title",
    "period_start",
    "period_end",
    "text",
    "sharing_level",
    "release_at",
]


def _entry_fields(form, user):
    """The form's values for the entry services; programme staff also choose
    the unit (everyone else writes for their own)."""
    fields = {name: form.cleaned_data[name] for name in ENTRY_FIELDS}
    if policies.is_coordinator(user):
        fields["municipality"] = form.cleaned_data.get("municipality")
        fields["organisation"] = form.cleaned_data.get("organisation")
    return fields


@area_access
def entry_create(request):
    user = request.user
    if not policies.can_create_entry(user):
        raise PermissionDenied
    form = ProgressEntryForm(
        request.POST or None, request.FILES or None, user=user, request=request
    )
    if request.method == "POST" and form.is_valid():
        entry = services.entry_create(
            actor=user,
            attachments=form.cleaned_data["checked_attachments"],
            origin=AuditOrigin.of(request),
            **_entry_fields(form, user),
        )
        return redirect(entry)
    return render(
        request,
        "samordning/entry_form.html",
        {
            "form": form,
            "breadcrumbs": breadcrumbs(_("Ny lägesrapport")),
        },
        status=400 if request.method == "POST" else 200,
    )


@area_access
def entry_edit(request, pk):
    entry = entry_for(request, pk, "edit")
    form = ProgressEntryForm(
        request.POST or None,
        instance=entry,
        user=request.user,
        request=request,
        version_of=entry.supersedes,
    )
    if request.method == "POST" and form.is_valid():
        services.entry_update(
            actor=request.user,
            entry=entry,
            origin=AuditOrigin.of(request),
            **_entry_fields(form, request.user),
        )
        return redirect(entry)
    return render(
        request,
        "samordning/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "breadcrumbs": breadcrumbs(
                (entry.title, entry.get_absolute_url()), _("Ändra")
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def _newer_version(user, entry):
    """The correction of `entry`, if the reader may see it (always, since a
    correction is shared as its original is; the door decides anyway)."""
    return (
        ProgressEntry.objects.visible_to(user)
        .filter(supersedes=entry)
        .only("pk", "version", "state")
        .first()
    )


@area_access
def entry_detail(request, pk):
    entry = entry_for(request, pk, "view")
    user = request.user
    audit_record(request, AuditEvent.Action.VIEW, entry)
    return render(
        request,
        "samordning/entry_detail.html",
        {
            "entry": entry,
            "attachments": entry.attachments.all(),
            "can_edit": policies.can_edit_entry(user, entry),
            "can_adopt": policies.can_adopt_entry(user, entry),
            "can_correct": policies.can_correct_entry(user, entry),
            "newer_version": _newer_version(user, entry),
            "released": entry.release_at <= timezone.now(),
            "breadcrumbs": breadcrumbs(
                (_("Lägesrapporter"), reverse("samordning:entries")), entry.title
            ),
        },
    )


@area_access
def entry_delete(request, pk):
    entry = entry_for(request, pk, "delete")
    if request.method == "POST":
        services.entry_delete(
            actor=request.user, entry=entry, origin=AuditOrigin.of(request)
        )
        return redirect("samordning:entries")
    return render(
        request,
        "samordning/confirm_delete.html",
        {
            "object": entry,
            "cancel_url": entry.get_absolute_url(),
            "breadcrumbs": breadcrumbs(
                (entry.title, entry.get_absolute_url()), _("Ta bort")
            ),
        },
    )


FIELD_LABELS = {
    field.name: field.verbose_name
    for field in ProgressEntry._meta.get_fields()
    if hasattr(field, "verbose_name")
}


def _versions(user, entry):
    """Every version of `entry` the reader may see, oldest first: the ones
    it corrects and the ones that correct it (a chain, one link each)."""
    visible = ProgressEntry.objects.visible_to(user).select_related("adopted_by")
    older, newer = [], []
    current = entry
    while current.supersedes_id is not None:
        current = visible.filter(pk=current.supersedes_id).first()
        if current is None:
            break
        older.append(current)
    current = entry
    while (current := visible.filter(supersedes=current).first()) is not None:
        newer.append(current)
    return [*reversed(older), entry, *newer]


def _changes(records):
    """Each history row with the names of the fields it changed, newest
    first."""
    changes = []
    for previous, record in zip([None, *records], records, strict=False):
        if previous is None:
            changed = [_("Skapad")]
        else:
            delta = record.diff_against(previous)
            changed = [str(FIELD_LABELS.get(c.field, c.field)) for c in delta.changes]
        changes.append({"record": record, "changed": changed})
    return list(reversed(changes))


@area_access
def entry_history(request, pk):
    entry = entry_for(request, pk, "view_history")
    audit_record(request, AuditEvent.Action.VIEW, entry)
    versions = _versions(request.user, entry)
    records = {}
    for record in (
        ProgressEntry.history.filter(id__in=[version.pk for version in versions])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        records.setdefault(record.id, []).append(record)
    return render(
        request,
        "samordning/entry_history.html",
        {
            "entry": entry,
            "versions": [
                {"entry": version, "changes": _changes(records.get(version.pk, []))}
                for version in reversed(versions)
            ],
            "breadcrumbs": breadcrumbs(
                (entry.title, entry.get_absolute_url()), _("Historik")
            ),
        },
    )


@area_access
@csp_override({"default-src": ["'none'"], "sandbox": True})
def attachment_download(request, pk):
    attachment = get_object_or_404(
        EntryAttachment.objects.visible_to(request.user).select_related(
            "entry", "entry__group"
        ),
        pk=pk,
    )
    if not policies.can_download_attachment(request.user, attachment.entry):
        raise Http404
    audit_record(request, AuditEvent.Action.DOWNLOAD, attachment)
    # Streamed from the private storage (a folder, or a bucket of its own):
    # never a redirect to a URL that could be passed on.
    stored = attachment.file.open("rb")
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # An object storage stream has a length FileResponse cannot find.
    response.setdefault("Content-Length", str(stored.file.size))
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@area_access
@require_POST
def entry_adopt(request, pk):
    """Adopt a draft entry (the group's chair or programme staff)."""
    entry = entry_for(request, pk, "adopt")
    services.record_adopt(
        actor=request.user, record=entry, origin=AuditOrigin.of(request)
    )
    return redirect(entry)


@area_access
def entry_correct(request, pk):
    """Correct an adopted entry: a new draft version, shared as the original."""
    entry = entry_for(request, pk, "correct")
    user = request.user
    form = ProgressEntryForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        request=request,
        version_of=entry,
    )
    if request.method == "POST" and form.is_valid():
        correction = services.entry_correct(
            actor=user,
            entry=entry,
            attachments=form.cleaned_data["checked_attachments"],
            origin=AuditOrigin.of(request),
            **{name: form.cleaned_data[name] for name in CORRECTION_FIELDS},
        )
        return redirect(correction)
    return render(
        request,
        "samordning/entry_form.html",
        {
            "form": form,
            "correction_of": entry,
            "breadcrumbs": breadcrumbs(
                (entry.title, entry.get_absolute_url()), _("Rättelse")
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


# What a correction may change; the rest is the original's (services).
CORRECTION_FIELDS = ["focus_area", "title", "period_start", "period_end", "text"]
