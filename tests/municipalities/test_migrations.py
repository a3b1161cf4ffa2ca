"""Migrating an existing database keeps every row: the move of Invitation
from portal to municipalities renames its table and relabels its content type,
and must lose nothing on the way."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The latest migration of every project app before Invitation moved.
BEFORE_THE_MOVE = [
    ("portal", "0002_user_units_audit_invitations"),
    ("municipalities", "0009_status_sharing_choices_from_sharing_level"),
    ("programme", "0004_editors_send_newsletters"),
    ("presentations", "0003_slide_previews_and_focus_areas"),
]
PROJECT_APPS = ["portal", "programme", "municipalities", "presentations"]
MOVED = {"portal.Invitation": "municipalities.Invitation"}

AT = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)
DAY = datetime.date(2025, 3, 1)


def _executor():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _latest(executor):
    return executor.loader.graph.leaf_nodes()


def _history_of(apps, obj):
    """A simple-history row copying obj, as the history signal would have."""
    Historical = apps.get_model(
        obj._meta.app_label, f"Historical{obj._meta.object_name}"
    )
    columns = {field.attname for field in Historical._meta.concrete_fields}
    values = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname in columns
    }
    return Historical.objects.create(**values, history_date=AT, history_type="+")


def _fill(apps):
    """One row (at least) in every table of the project's apps."""
    User = apps.get_model("portal", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Municipality = apps.get_model("municipalities", "Municipality")
    Organisation = apps.get_model("municipalities", "Organisation")
    Mandate = apps.get_model("programme", "Mandate")
    Person = apps.get_model("programme", "Person")
    FocusArea = apps.get_model("programme", "FocusArea")
    Session = apps.get_model("presentations", "Session")
    get = apps.get_model

    town = Municipality.objects.create(
        name="Sundbyberg", slug="sundbyberg", kommunkod="0183"
    )
    police = Organisation.objects.create(name="Polisen", slug="polisen", kind="police")
    staff = User.objects.create(email="stab@example.se", is_staff=True)
    rep = User.objects.create(email="rep@example.se", municipality=town)
    # get_or_create: a transactional test before this one flushes what
    # municipalities 0008 made; grant again what it grants on invitations.
    lead, _ = Group.objects.get_or_create(name="Programledning")
    lead.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portal",
            codename__in=["view_invitation", "add_invitation"],
        )
    )
    assert lead.permissions.filter(content_type__model="invitation").count() == 2
    rep.groups.add(lead)
    rep.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    person = Person.objects.create(name="Ada Andersson", role_title="Samordnare")
    mandate = Mandate.objects.create(
        title="Avhopp",
        slug="avhopp",
        start_date=DAY,
        end_date=DAY.replace(year=2026),
        description="Uppdraget.",
        contact_person=person,
    )
    mandate.staff.add(person)
    focus = FocusArea.objects.create(
        title="Förebygga", slug="forebygga", summary="Kort.", mandate=mandate
    )
    get("programme", "Milestone").objects.create(
        title="Start", due_date=DAY, mandate=mandate
    )
    group = get("municipalities", "WorkingGroup").objects.create(
        mandate=mandate,
        kind="operational",
        name="Operativ",
        slug="operativ",
        purpose=".",
    )
    group.municipalities.add(town)
    group.organisations.add(police)
    get("municipalities", "Membership").objects.create(
        user=rep, group=group, municipality=town, role="chair"
    )
    get("municipalities", "Membership").objects.create(
        user=staff, group=group, organisation=police, partner_can_write=True
    )
    Invitation = get("portal", "Invitation")
    invitation = Invitation.objects.create(
        email="ny@example.se",
        group=group,
        municipality=town,
        role="secretary",
        invited_by=staff,
        sent_at=AT,
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=AT)
    get("municipalities", "CalendarToken").objects.create(group=group, user=rep)
    meeting = get("municipalities", "Meeting").objects.create(
        group=group, starts_at=AT, ends_at=AT + datetime.timedelta(hours=1)
    )
    decision = get("municipalities", "Decision").objects.create(
        group=group, text="Beslut.", meeting=meeting
    )
    action = get("municipalities", "Action").objects.create(
        group=group, what="Ringa.", owner=rep
    )
    entry = get("municipalities", "ProgressEntry").objects.create(
        group=group,
        author=rep,
        municipality=town,
        focus_area=focus,
        title="Läget",
        period_start=DAY,
        period_end=DAY,
        text="Text.",
    )
    get("municipalities", "EntryAttachment").objects.create(
        entry=entry,
        file="coordination/a.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=10,
    )
    status = get("municipalities", "FocusAreaStatus").objects.create(
        municipality=town, focus_area=focus, comment="."
    )
    report = get("municipalities", "IndicatorReport").objects.create(
        municipality=town,
        period_kind="month",
        period_start=DAY,
        inquiries=3,
        cases_opened=2,
        cases_with_intervention=1,
        prevention_activities=4,
        people_reached=50,
    )
    for obj in (meeting, decision, action, entry, status, report):
        _history_of(apps, obj)
    get("portal", "AuditEvent").objects.create(
        at=AT, actor=rep, actor_email=rep.email, action="view", object_type="x"
    )
    session = Session.objects.create(
        mandate=mandate,
        kind="seminar",
        title="Seminarium",
        slug="seminarium",
        starts_at=AT,
        ends_at=AT + datetime.timedelta(hours=2),
    )
    article = get("programme", "NewsArticle").objects.create(
        title="Nyhet", slug="nyhet", lead="Ingress."
    )
    article.focus_areas.add(focus)
    article.municipalities.add(town)
    article.related_sessions.add(session)
    subscriber = get("programme", "Subscriber").objects.create(
        email="lasare@example.se", consent_text="Ja.", consented_at=AT
    )
    subscriber.focus_areas.add(focus)
    issue = get("programme", "NewsletterIssue").objects.create(
        subject="Nummer 1", introduction="Hej."
    )
    issue.articles.add(article)
    get("programme", "Delivery").objects.create(
        issue=issue, subscriber=subscriber, email=subscriber.email
    )
    speaker = get("presentations", "Speaker").objects.create(name="Bo", slug="bo")
    presentation = get("presentations", "Presentation").objects.create(
        session=session, title="Föredrag", slug="foredrag"
    )
    presentation.focus_areas.add(focus)
    get("presentations", "PresentationSpeaker").objects.create(
        presentation=presentation, speaker=speaker
    )
    return invitation


def _tables(apps):
    """Every table of the project's apps, by model label."""
    return {
        model._meta.label: model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def _rows(model):
    """Every stored value; generated columns (search documents added since)
    are the database's own, made from the others."""
    names = [f.attname for f in model._meta.concrete_fields if not f.generated]
    return list(model.objects.order_by("pk").values(*names))


# Columns that later migrations moved away on purpose: a meeting's minutes
# became version 1 of its own minutes (test_records_lifecycle checks that).
MOVED_COLUMNS = {
    "municipalities.Meeting": {"minutes"},
    "municipalities.HistoricalMeeting": {"minutes"},
}


def _as_before(label, before_rows, after_rows):
    """The rows after, reduced to the columns they had before (columns added
    since hold their defaults), less the ones moved away."""
    keys = set(before_rows[0]) - MOVED_COLUMNS.get(label, set()) if before_rows else ()
    return (
        [{key: row[key] for key in keys} for row in before_rows],
        [{key: row[key] for key in keys} for row in after_rows],
    )


@pytest.mark.django_db(transaction=True)
def test_invitation_move_keeps_every_row_and_permission():
    executor = _executor()
    try:
        executor.migrate(BEFORE_THE_MOVE)
        old_apps = _executor().loader.project_state(BEFORE_THE_MOVE).apps
        invitation = _fill(old_apps)
        before = {label: _rows(model) for label, model in _tables(old_apps).items()}
        assert [label for label, rows in before.items() if not rows] == []

        executor = _executor()
        executor.migrate(_latest(executor))
        new_apps = executor.loader.project_state(_latest(executor)).apps
        tables = _tables(new_apps)
        # Columns added by later migrations are not the move's business.
        after = {
            label: [
                {
                    column: row[column]
                    for column in (before[label] or [{}])[0]
                    if column in row
                }
                for row in _rows(tables[MOVED.get(label, label)])
            ]
            for label in before
        }
    finally:
        executor = _executor()
        executor.migrate(_latest(executor))
        ContentType.objects.clear_cache()

    assert set(after) == set(before)
    for label in before:
        was, now = _as_before(label, before[label], after[label])
        assert now == was, label
    moved = new_apps.get_model("municipalities", "Invitation").objects.get()
    assert (moved.pk, moved.email, moved.role) == (
        invitation.pk,
        "ny@example.se",
        "secretary",
    )
    assert (moved.group.slug, moved.municipality.kommunkod) == ("operativ", "0183")
    assert (moved.created_at, moved.sent_at, moved.accepted_at) == (AT, AT, None)
    assert moved._meta.db_table == "municipalities_invitation"

    content_types = ContentType.objects.filter(model="invitation")
    assert list(content_types.values_list("app_label", flat=True)) == ["municipalities"]
    lead_grants = ContentType.objects.get_for_id(
        content_types.get().pk
    ).permission_set.filter(group__name="Programledning")
    assert sorted(lead_grants.values_list("codename", flat=True)) == [
        "add_invitation",
        "view_invitation",
    ]


@pytest.mark.django_db(transaction=True)
def test_invitation_move_keeps_grants_on_a_content_type_made_in_between():
    """If something created municipalities.invitation before the move (an
    earlier run forwards and back), its grants join the relabelled row."""
    executor = _executor()
    try:
        executor.migrate(BEFORE_THE_MOVE)
        old_apps = _executor().loader.project_state(BEFORE_THE_MOVE).apps
        ContentTypeThen = old_apps.get_model("contenttypes", "ContentType")
        Permission = old_apps.get_model("auth", "Permission")
        stray = ContentTypeThen.objects.create(
            app_label="municipalities", model="invitation"
        )
        user = old_apps.get_model("portal", "User").objects.create(
            email="stab@example.se"
        )
        user.user_permissions.add(
            Permission.objects.create(
                content_type=stray, codename="view_invitation", name="Visa"
            ),
            Permission.objects.create(
                content_type=stray, codename="resend_invitation", name="Skicka"
            ),
        )

        executor = _executor()
        executor.migrate(_latest(executor))
    finally:
        executor = _executor()
        executor.migrate(_latest(executor))
        ContentType.objects.clear_cache()

    content_type = ContentType.objects.get(model="invitation")
    assert content_type.app_label == "municipalities"
    assert content_type.pk != stray.pk
    granted = content_type.permission_set.filter(user__email="stab@example.se")
    assert sorted(granted.values_list("codename", flat=True)) == [
        "resend_invitation",
        "view_invitation",
    ]


BEFORE_RECORDS = [
    ("municipalities", "0012_text_max_length"),
    ("portal", "0007_bounded_dates"),
]


@pytest.mark.django_db(transaction=True)
def test_records_migration_keeps_minutes_as_drafts_and_back():
    """Minutes written on a meeting become version 1 of its minutes, a
    draft; every existing entry becomes a draft of version 1; backwards, the
    meeting gets its newest version's text again."""
    executor = _executor()
    try:
        executor.migrate(BEFORE_RECORDS)
        old_apps = _executor().loader.project_state(BEFORE_RECORDS).apps
        get = old_apps.get_model
        town = get("municipalities", "Municipality").objects.create(
            name="Solna", slug="solna", kommunkod="0184"
        )
        rep = get("portal", "User").objects.create(
            email="r@example.se", municipality=town
        )
        mandate = get("programme", "Mandate").objects.create(
            title="Avhopp", slug="avhopp", start_date=DAY, end_date=DAY, description="."
        )
        focus = get("programme", "FocusArea").objects.create(
            title="Förebygga", slug="forebygga", summary=".", mandate=mandate
        )
        group = get("municipalities", "WorkingGroup").objects.create(
            mandate=mandate, kind="operational", name="Op", slug="op", purpose="."
        )
        Meeting = get("municipalities", "Meeting")
        with_minutes, without = (
            Meeting.objects.create(
                group=group,
                starts_at=AT,
                ends_at=AT + datetime.timedelta(hours=1),
                minutes=text,
            )
            for text in ("Anteckningar.", "")
        )
        get("municipalities", "ProgressEntry").objects.create(
            group=group,
            author=rep,
            municipality=town,
            focus_area=focus,
            title="Läget",
            period_start=DAY,
            period_end=DAY,
            text="Text.",
        )

        executor = _executor()
        executor.migrate(_latest(executor))
        new_apps = executor.loader.project_state(_latest(executor)).apps
        Minutes = new_apps.get_model("municipalities", "Minutes")
        minutes = list(Minutes.objects.values("meeting_id", "version", "state", "text"))
        entries = list(
            new_apps.get_model("municipalities", "ProgressEntry").objects.values_list(
                "state", "version", "supersedes_id", "adopted_at"
            )
        )
        Minutes.objects.filter(version=1).update(state="adopted", adopted_at=AT)
        Minutes.objects.create(
            meeting_id=with_minutes.pk,
            version=2,
            state="draft",
            text="Senare version.",
            supersedes=Minutes.objects.get(),
        )

        executor = _executor()
        executor.migrate(BEFORE_RECORDS)
        back = dict(
            _executor()
            .loader.project_state(BEFORE_RECORDS)
            .apps.get_model("municipalities", "Meeting")
            .objects.values_list("pk", "minutes")
        )
    finally:
        executor = _executor()
        executor.migrate(_latest(executor))
        ContentType.objects.clear_cache()

    assert minutes == [
        {
            "meeting_id": with_minutes.pk,
            "version": 1,
            "state": "draft",
            "text": "Anteckningar.",
        }
    ]
    assert entries == [("draft", 1, None, None)]
    assert back == {with_minutes.pk: "Senare version.", without.pk: ""}
