"""Grow the demo content to a realistic or a large size (`manage.py grow_demo`).

The demo (`seed_demo`) is one mandate with a kick-off; a portal in use for
years holds far more, and a page must cost the same then. `grow` fills each
table to a target number of rows with generated example content, in
batches (`bulk_create`), so 100 000 rows per table take minutes, not hours.

Everything generated says so: titles and texts begin with `MARK`, slugs
with `exempel-`, and the generated authors have addresses at
`GENERATED_DOMAIN` and no usable password (nobody signs in as them). The
text describes work done in general terms, never a person.

Growing is additive and idempotent: each table is filled up to the target,
counting what is already there, so a second run with the same target adds
nothing and a larger target adds the difference. `remove` deletes every
generated row again (and nothing else).

What each table gets, and the two that cannot reach any target:

* news (a few drafts and scheduled ones among them), sessions,
  presentations (spread over the generated sessions), speakers (each through a
  presentation), progress entries (every group, unit, focus area, sharing
  level and month since 2010, some not yet released), meetings, decisions
  and actions: `rows` each.
* indicator reports: one per participating municipality and month (or
  quarter: every other municipality reports quarterly), going back from the
  current month until `rows` or the earliest date the portal takes (1900);
  eight municipalities (half monthly, half quarterly) give about 8 000.
* statuses: one row per municipality and focus area (that is all the
  table can hold); their history grows to `rows` changes.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from municipalities.models import (
    Action,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    Minutes,
    Municipality,
    Organisation,
    ProgressEntry,
    RecordState,
    SharingLevel,
    Stage,
    WorkingGroup,
)
from portal.fields import DATE_MIN
from portal.richtext import render_markup
from portal.seeding import STOCKHOLM
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker
from programme.models import FocusArea, Mandate, NewsArticle

MARK = "[Exempeldata]"
GENERATED_DOMAIN = "exempeldata.invalid"
SLUG_PREFIX = "exempel-"
SIZES = {"realistic": 1_000, "large": 100_000}
MAX_ROWS = 1_000_000
BATCH_SIZE = 1_000
EARLIEST = datetime.datetime(2010, 1, 1, tzinfo=datetime.UTC)

TOPICS = [
    "samverkan med skolan",
    "stöd till avhoppare",
    "förebyggande arbete på fritidsgårdarna",
    "kartläggningen av kommunens behov",
    "utbildning för socialsekreterare",
    "informationsdelning med polisen",
    "föräldrastöd",
    "uppsökande arbete kvällstid",
    "samordning med Kriminalvården",
    "tillfälliga boenden för avhoppare",
    "rutiner för skyddade personuppgifter",
    "insatser för unga i riskzonen",
    "metodstöd från länsstyrelsen",
    "samarbetet med idéburna organisationer",
    "uppföljningen av beslutade insatser",
]
SENTENCES = [
    "Under perioden har arbetet med {topic} fortsatt enligt plan.",
    "Socialtjänsten och samverkansparterna har träffats för att följa upp {topic}.",
    "En arbetsgrupp har tagit fram ett underlag om {topic}.",
    "Erfarenheterna av {topic} ska delas med de andra kommunerna.",
    "Avhopparverksamheten har gått igenom rutinerna för {topic}.",
    "Det förebyggande arbetet har prioriterat {topic}.",
    "Nästa steg är att sprida arbetssättet för {topic} till fler enheter.",
]
SESSION_KINDS = [kind.value for kind in Session.Kind]
LEVEL_WEIGHTS = {
    SharingLevel.OPEN: 20,
    SharingLevel.MANDATE: 40,
    SharingLevel.GROUP: 30,
    SharingLevel.OWN: 10,
}


class GrowthError(Exception):
    """Growing cannot start; the message is Swedish, for the operator."""


def _text(rng, sentences=3):
    return " ".join(
        rng.choice(SENTENCES).format(topic=rng.choice(TOPICS)) for _ in range(sentences)
    )


def _moment(rng, start, end):
    """A random moment between two aware datetimes, on the whole minute."""
    seconds = int((end - start).total_seconds())
    moment = start + datetime.timedelta(seconds=rng.randrange(max(seconds, 1)))
    return moment.replace(second=0, microsecond=0)


def _next_index(model, prefix):
    """The number after the highest generated slug `prefix` + digits."""
    last = (
        model.objects.filter(slug__startswith=prefix)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    if last is None:
        return 1
    digits = last.removeprefix(prefix)
    return int(digits) + 1 if digits.isdigit() else 1


def _slug(prefix, index):
    return f"{prefix}{index:07d}"


def _month_start(day):
    return day.replace(day=1)


def _previous_month(day):
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@dataclass
class Unit:
    """A municipality or organisation that writes, with its generated author
    and the groups it sits in."""

    municipality: Municipality | None
    organisation: Organisation | None
    author: object
    groups: list


@dataclass
class World:
    """What the seeded demo already holds, read once."""

    mandate: Mandate
    focus_areas: list
    municipalities: list
    groups: list
    units: list
    now: datetime.datetime


def _generated_author(unit_slug, unit_name, **unit):
    User = get_user_model()
    email = f"{SLUG_PREFIX}{unit_slug}@{GENERATED_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            first_name="Exempelperson",
            last_name=f"({unit_name}, genererad)",
            **unit,
        )
        user.set_unusable_password()
        user.save()
    return user


def _world(now):
    mandate = Mandate.objects.order_by("start_date").first()
    focus_areas = list(FocusArea.objects.order_by("pk"))
    municipalities = list(Municipality.objects.participating().order_by("pk"))
    groups = list(
        WorkingGroup.objects.order_by("pk").prefetch_related(
            "municipalities", "organisations"
        )
    )
    if mandate is None or not focus_areas or not municipalities or not groups:
        raise GrowthError(
            "Demoinnehållet saknas: kör manage.py seed_demo först (det behövs "
            "ett uppdrag, fokusområden, kommuner och arbetsgrupper)."
        )
    units = []
    for municipality in municipalities:
        in_groups = [g for g in groups if municipality in g.municipalities.all()]
        author = _generated_author(
            municipality.slug, municipality.name, municipality=municipality
        )
        units.append(Unit(municipality, None, author, in_groups))
    for organisation in Organisation.objects.order_by("pk"):
        in_groups = [g for g in groups if organisation in g.organisations.all()]
        if not in_groups:
            continue
        author = _generated_author(
            organisation.slug, organisation.name, organisation=organisation
        )
        units.append(Unit(None, organisation, author, in_groups))
    for unit in units:
        for group in unit.groups:
            Membership.objects.get_or_create(
                user=unit.author,
                group=group,
                defaults={
                    "municipality": unit.municipality,
                    "organisation": unit.organisation,
                    "start_date": mandate.start_date,
                },
            )
    return World(mandate, focus_areas, municipalities, groups, units, now)


# --- public content ----------------------------------------------------------


def _grow_news(world, missing, rng):
    start = _next_index(NewsArticle, f"{SLUG_PREFIX}nyhet-")
    articles = []
    for offset in range(missing):
        index = start + offset
        topic = rng.choice(TOPICS)
        body = "\n\n".join(_text(rng, 3) for _ in range(3))
        roll = rng.random()
        if roll < 0.01:
            status, publish_at = NewsArticle.Status.DRAFT, world.now
        elif roll < 0.015:
            status = NewsArticle.Status.PUBLISHED
            publish_at = world.now + datetime.timedelta(days=rng.randint(1, 60))
        else:
            status = NewsArticle.Status.PUBLISHED
            publish_at = _moment(rng, EARLIEST, world.now)
        articles.append(
            NewsArticle(
                title=f"{MARK} Nyhet {index} om {topic}",
                slug=_slug(f"{SLUG_PREFIX}nyhet-", index),
                lead=f"{MARK} {_text(rng, 1)}",
                body=body,
                body_html=render_markup(body),
                status=status,
                publish_at=publish_at,
            )
        )
    created = NewsArticle.objects.bulk_create(articles, batch_size=BATCH_SIZE)
    session_ids = list(
        Session.objects.filter(slug__startswith=SLUG_PREFIX).values_list(
            "pk", flat=True
        )
    )
    Areas = NewsArticle.focus_areas.through
    Towns = NewsArticle.municipalities.through
    Sessions = NewsArticle.related_sessions.through
    areas, towns, sessions = [], [], []
    for article in created:
        areas.append(
            Areas(
                newsarticle_id=article.pk, focusarea_id=rng.choice(world.focus_areas).pk
            )
        )
        towns.append(
            Towns(
                newsarticle_id=article.pk,
                municipality_id=rng.choice(world.municipalities).pk,
            )
        )
        if session_ids and rng.random() < 0.1:
            sessions.append(
                Sessions(newsarticle_id=article.pk, session_id=rng.choice(session_ids))
            )
    for through, rows in ((Areas, areas), (Towns, towns), (Sessions, sessions)):
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _grow_sessions(world, missing, rng):
    start = _next_index(Session, f"{SLUG_PREFIX}session-")
    until = world.now + datetime.timedelta(days=365)
    sessions = []
    for offset in range(missing):
        index = start + offset
        kind = rng.choice(SESSION_KINDS)
        label = Session.Kind(kind).label
        starts_at = _moment(rng, EARLIEST, until)
        description = _text(rng, 4)
        sessions.append(
            Session(
                mandate=world.mandate,
                kind=kind,
                title=f"{MARK} {label} {index} om {rng.choice(TOPICS)}",
                slug=_slug(f"{SLUG_PREFIX}session-", index),
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=rng.choice([2, 3, 6])),
                venue="Exempellokalen",
                description=description,
                description_html=render_markup(description),
                published=rng.random() < 0.95,
            )
        )
    Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)


def _grow_presentations(world, missing, rng):
    session_ids = list(
        Session.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not session_ids:
        session_ids = list(Session.objects.order_by("pk").values_list("pk", flat=True))
    if not session_ids:
        raise GrowthError("Det finns inga sessioner att lägga presentationerna i.")
    start = _next_index(Presentation, f"{SLUG_PREFIX}presentation-")
    presentations = []
    for offset in range(missing):
        index = start + offset
        presentations.append(
            Presentation(
                session_id=session_ids[index % len(session_ids)],
                title=f"{MARK} Presentation {index} om {rng.choice(TOPICS)}",
                slug=_slug(f"{SLUG_PREFIX}presentation-", index),
                summary=_text(rng, 4),
                duration_minutes=rng.choice([20, 30, 45]),
                order=index % 5,
                published=rng.random() < 0.95,
            )
        )
    created = Presentation.objects.bulk_create(presentations, batch_size=BATCH_SIZE)
    Areas = Presentation.focus_areas.through
    Areas.objects.bulk_create(
        [
            Areas(presentation_id=p.pk, focusarea_id=rng.choice(world.focus_areas).pk)
            for p in created
        ],
        batch_size=BATCH_SIZE,
    )


def _grow_speakers(world, missing, rng):
    """Each new speaker speaks in one generated presentation (so is public
    when it is), taken in turn."""
    presentation_ids = list(
        Presentation.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not presentation_ids:
        raise GrowthError("Det finns inga genererade presentationer för talarna.")
    start = _next_index(Speaker, f"{SLUG_PREFIX}talare-")
    speakers = [
        Speaker(
            name=f"Exempeltalare {start + offset}",
            slug=_slug(f"{SLUG_PREFIX}talare-", start + offset),
            title=rng.choice(["Socialsekreterare", "Polis", "Forskare", "Samordnare"]),
            organisation="Exempelorganisationen",
            bio=f"{MARK} {_text(rng, 2)}",
        )
        for offset in range(missing)
    ]
    created = Speaker.objects.bulk_create(speakers, batch_size=BATCH_SIZE)
    PresentationSpeaker.objects.bulk_create(
        [
            PresentationSpeaker(
                presentation_id=presentation_ids[
                    (start + offset) % len(presentation_ids)
                ],
                speaker_id=speaker.pk,
                order=1,
            )
            for offset, speaker in enumerate(created)
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )


# --- the coordination area ---------------------------------------------------


def _random_month(rng, now):
    months = (now.year - EARLIEST.year) * 12 + now.month - 1
    month = rng.randrange(months + 1)
    return datetime.date(EARLIEST.year + month // 12, month % 12 + 1, 1)


def _grow_entries(world, missing, rng):
    start = ProgressEntry.objects.filter(title__startswith=MARK).count() + 1
    levels, weights = zip(*LEVEL_WEIGHTS.items(), strict=True)
    entries = []
    for offset in range(missing):
        unit = rng.choice(world.units)
        month = _random_month(rng, world.now)
        end = _month_end(month)
        release_at = datetime.datetime.combine(
            end + datetime.timedelta(days=5), datetime.time(9), tzinfo=STOCKHOLM
        )
        entries.append(
            ProgressEntry(
                group=rng.choice(unit.groups),
                municipality=unit.municipality,
                organisation=unit.organisation,
                focus_area=rng.choice(world.focus_areas),
                title=f"{MARK} Lägesrapport {start + offset}: {rng.choice(TOPICS)}",
                period_start=month,
                period_end=end,
                text=_text(rng, 5),
                sharing_level=rng.choices(levels, weights)[0],
                release_at=release_at,
                author=unit.author,
            )
        )
    bulk_create_with_history(entries, ProgressEntry, batch_size=BATCH_SIZE)


def _grow_meetings(world, missing, rng):
    until = world.now + datetime.timedelta(days=90)
    meetings = []
    for _ in range(missing):
        unit = rng.choice(world.units)
        starts_at = _moment(rng, EARLIEST, until)
        meetings.append(
            Meeting(
                group=rng.choice(unit.groups),
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                place="Exempellokalen",
                agenda=f"{MARK} {_text(rng, 2)}",
                created_by=unit.author,
            )
        )
    meetings = bulk_create_with_history(meetings, Meeting, batch_size=BATCH_SIZE)
    # A past meeting's minutes, adopted three days after it (version 1).
    minutes = [
        Minutes(
            meeting=meeting,
            text=f"{MARK} {_text(rng, 3)}",
            state=RecordState.ADOPTED,
            adopted_at=meeting.starts_at + datetime.timedelta(days=3),
            created_by=meeting.created_by,
        )
        for meeting in meetings
        if meeting.starts_at < world.now
    ]
    bulk_create_with_history(minutes, Minutes, batch_size=BATCH_SIZE)


def _grow_decisions(world, missing, rng):
    by_group = {}
    for pk, group_id, starts_at in (
        Meeting.objects.filter(agenda__startswith=MARK)
        .order_by()
        .values_list("pk", "group_id", "starts_at")
    ):
        by_group.setdefault(group_id, []).append((pk, starts_at))
    decisions = []
    for _ in range(missing):
        unit = rng.choice(world.units)
        group = rng.choice(unit.groups)
        meetings = by_group.get(group.pk)
        meeting_id, when = rng.choice(meetings) if meetings else (None, world.now)
        decisions.append(
            Decision(
                group=group,
                meeting_id=meeting_id,
                decided_on=timezone.localtime(when).date(),
                text=f"{MARK} {_text(rng, 1)}",
                follow_up=rng.choice(list(Decision.FollowUp)),
                created_by=unit.author,
            )
        )
    bulk_create_with_history(decisions, Decision, batch_size=BATCH_SIZE)


def _grow_actions(world, missing, rng):
    by_group = {}
    for pk, group_id, decided_on in (
        Decision.objects.filter(text__startswith=MARK)
        .order_by()
        .values_list("pk", "group_id", "decided_on")
    ):
        by_group.setdefault(group_id, []).append((pk, decided_on))
    today = timezone.localdate()
    actions = []
    for _ in range(missing):
        unit = rng.choice(world.units)
        group = rng.choice(unit.groups)
        decisions = by_group.get(group.pk)
        decision_id, decided_on = rng.choice(decisions) if decisions else (None, today)
        due = decided_on + datetime.timedelta(days=rng.randint(14, 120))
        if due < today:
            status = rng.choices(list(Action.Status), [1, 2, 7])[0]
        else:
            status = rng.choice([Action.Status.OPEN, Action.Status.IN_PROGRESS])
        actions.append(
            Action(
                group=group,
                decision_id=decision_id if rng.random() < 0.7 else None,
                what=f"{MARK} {_text(rng, 1)}",
                owner=unit.author,
                due_date=due,
                status=status,
                report_back=_text(rng, 1) if status == Action.Status.DONE else "",
            )
        )
    bulk_create_with_history(actions, Action, batch_size=BATCH_SIZE)


def _quarter_start(day):
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def _grow_indicators(world, missing, rng):
    """Back from the current quarter, one report per municipality and month
    (or quarter), skipping every quarter a municipality has reported already
    (a quarter is reported monthly or quarterly, never both)."""
    reported = {
        (municipality_id, _quarter_start(start))
        for municipality_id, start in IndicatorReport.objects.values_list(
            "municipality_id", "period_start"
        )
    }
    authors = {
        unit.municipality.pk: unit.author for unit in world.units if unit.municipality
    }
    today = timezone.localdate()
    quarter = _quarter_start(today)
    reports = []
    while len(reports) < missing and quarter >= DATE_MIN:
        for position, municipality in enumerate(world.municipalities):
            if (municipality.pk, quarter) in reported:
                continue
            if position % 2:
                periods = [(IndicatorReport.PeriodKind.QUARTER, quarter)]
                quarter_end = _month_end(quarter.replace(month=quarter.month + 2))
                if quarter_end >= today:
                    continue
            else:
                periods = [
                    (IndicatorReport.PeriodKind.MONTH, quarter.replace(month=month))
                    for month in range(quarter.month, quarter.month + 3)
                    if _month_end(quarter.replace(month=month)) < today
                ]
            for kind, start in periods:
                opened = rng.randint(0, 8)
                reports.append(
                    IndicatorReport(
                        municipality=municipality,
                        period_kind=kind,
                        period_start=start,
                        inquiries=opened + rng.randint(0, 6),
                        cases_opened=opened,
                        cases_with_intervention=rng.randint(0, opened),
                        prevention_activities=rng.randint(0, 20),
                        people_reached=rng.randint(0, 400),
                        updated_by=authors.get(municipality.pk),
                    )
                )
        quarter = _quarter_start(_previous_month(quarter))
    bulk_create_with_history(reports[:missing], IndicatorReport, batch_size=BATCH_SIZE)


def _grow_status_history(world, missing, rng):
    """Every municipality and focus area gets a status (the table holds no
    more), then its history grows by `missing` earlier changes."""
    existing = set(
        FocusAreaStatus.objects.values_list("municipality_id", "focus_area_id")
    )
    authors = {
        unit.municipality.pk: unit.author for unit in world.units if unit.municipality
    }
    new = [
        FocusAreaStatus(
            municipality=municipality,
            focus_area=area,
            stage=rng.choice(list(Stage)),
            comment=f"{MARK} {rng.choice(TOPICS).capitalize()}.",
            sharing_level=rng.choice(
                [
                    SharingLevel.OPEN,
                    SharingLevel.OPEN,
                    SharingLevel.MANDATE,
                    SharingLevel.OWN,
                ]
            ),
            updated_by=authors.get(municipality.pk),
        )
        for municipality in world.municipalities
        for area in world.focus_areas
        if (municipality.pk, area.pk) not in existing
    ]
    bulk_create_with_history(new, FocusAreaStatus, batch_size=BATCH_SIZE)
    History = FocusAreaStatus.history.model
    statuses = list(
        FocusAreaStatus.objects.filter(
            municipality__in=world.municipalities, focus_area__in=world.focus_areas
        )
    )
    missing -= len(new)
    rows = []
    for _ in range(max(missing, 0)):
        status = rng.choice(statuses)
        rows.append(
            History(
                id=status.pk,
                municipality_id=status.municipality_id,
                focus_area_id=status.focus_area_id,
                stage=rng.choice(list(Stage)),
                comment=f"{MARK} {rng.choice(TOPICS).capitalize()}.",
                sharing_level=status.sharing_level,
                updated_at=_moment(rng, EARLIEST, world.now),
                updated_by=authors.get(status.municipality_id),
                history_date=_moment(rng, EARLIEST, world.now),
                history_type="~",
                history_user=authors.get(status.municipality_id),
            )
        )
    History.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _status_history_count():
    return FocusAreaStatus.history.model.objects.count()


# (label, model or counter, grower); the order matters: presentations need
# sessions, speakers presentations, decisions meetings, actions decisions.
TABLES = [
    ("sessioner", Session, _grow_sessions),
    ("nyheter", NewsArticle, _grow_news),
    ("presentationer", Presentation, _grow_presentations),
    ("talare", Speaker, _grow_speakers),
    ("lägesrapporter", ProgressEntry, _grow_entries),
    ("möten", Meeting, _grow_meetings),
    ("beslut", Decision, _grow_decisions),
    ("åtgärder", Action, _grow_actions),
    ("indikatorrapporter", IndicatorReport, _grow_indicators),
    ("lägeshistorik", None, _grow_status_history),
]


def _count(model):
    return _status_history_count() if model is None else model.objects.count()


def grow(rows, *, report=lambda line: None, now=None):
    """Fill each table up to `rows` rows; returns {label: (before, after)}."""
    if not 1 <= rows <= MAX_ROWS:
        raise GrowthError(
            f"Ange ett antal rader från 1 till {MAX_ROWS:,}.".replace(",", " ")
        )
    world = _world(now or timezone.now())
    result = {}
    for label, model, grower in TABLES:
        before = _count(model)
        began = time.monotonic()
        if before < rows:
            rng = random.Random(f"{label}-{before}")  # noqa: S311 - example data
            with transaction.atomic():
                grower(world, rows - before, rng)
        after = _count(model)
        result[label] = (before, after)
        report(f"{label}: {before} → {after} rader ({time.monotonic() - began:.1f} s)")
    # Fresh statistics for the query planner, which PostgreSQL's autovacuum
    # would gather by itself in time and SQLite only when asked: without
    # them SQLite walks 100 000 news to find one focus area's.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result


def remove(*, report=lambda line: None):
    """Delete every generated row and the generated authors."""
    User = get_user_model()
    authors = User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}")
    marked = [
        (Action, Q(what__startswith=MARK)),
        (Decision, Q(text__startswith=MARK)),
        (Meeting, Q(agenda__startswith=MARK)),
        (ProgressEntry, Q(title__startswith=MARK)),
        (IndicatorReport, Q(updated_by__in=authors)),
        (FocusAreaStatus, Q(comment__startswith=MARK)),
        (Speaker, Q(slug__startswith=SLUG_PREFIX)),
        (Presentation, Q(slug__startswith=SLUG_PREFIX)),
        (NewsArticle, Q(slug__startswith=SLUG_PREFIX)),
        (Session, Q(slug__startswith=SLUG_PREFIX)),
    ]
    with transaction.atomic():
        PresentationSpeaker.objects.filter(
            Q(speaker__slug__startswith=SLUG_PREFIX)
            | Q(presentation__slug__startswith=SLUG_PREFIX)
        ).delete()
        for model, condition in marked:
            count, _ = model.objects.filter(condition).delete()
            history = getattr(model, "history", None)
            if history is not None:
                # The historical rows carry the same fields, marks included.
                history.model.objects.filter(condition).delete()
            report(f"{model._meta.verbose_name_plural}: {count} borttagna")
        Membership.objects.filter(user__in=authors).delete()
        count, _ = authors.delete()
        report(f"genererade författare: {count} borttagna")
