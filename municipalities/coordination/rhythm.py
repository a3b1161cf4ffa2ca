"""The reporting rhythm: each group's periods, what is due, what is overdue,
and who is reminded.

A group's `ReportingSchedule` says how often its units report (a calendar
month or quarter) and by which day of the following month: monthly by the
10th means May's report is due on 10 June and overdue from 11 June. The
units that owe a report are those with a reporting seat in the group
(`policies.reporting_seats`); a unit has reported for a period when it has a
progress entry in the group whose period overlaps it and, when the schedule
asks for indicators, a municipality has an indicator report covering it (the
month's, or the quarter's that holds it; for a quarter, the quarter's or all
three months').

Only periods of the group's mandate count: after the mandate the last
period stays the last one due, and no reminder goes out for a period after
it. Every read here is a fixed number of queries, whatever the number of
groups, units and entries, so pages can flag what is overdue per row
without a query per row.

Whether a unit reported an entry is not for every reader (an entry shared
with its own unit only must not be given away): `for_reader` keeps what the
reader may know (`policies.sees_all_reporting`).
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db.models import Q

from municipalities.coordination import policies
from municipalities.coordination.reporting import Period
from municipalities.models import (
    IndicatorReport,
    ProgressEntry,
    ReminderSent,
    ReportingSchedule,
)
from programme.models.content import add_months

# Reminders go out from this many days before the due date.
REMINDER_LEAD_DAYS = 5


def period_of(kind, day):
    """The month or quarter that holds `day`."""
    if kind == ReportingSchedule.Frequency.QUARTERLY:
        return Period(kind, day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1))
    return Period(kind, day.replace(day=1))


def shifted(period, steps):
    months = 3 if period.is_quarter else 1
    return Period(period.kind, add_months(period.start, steps * months))


def due_date(schedule, period):
    """The schedule's day of the month after the period."""
    return (period.end + datetime.timedelta(days=1)).replace(day=schedule.due_day)


def _in_mandate(period, mandate):
    return period.end >= mandate.start_date and period.start <= mandate.end_date


def last_due_period(schedule, today):
    """The newest period of the mandate whose due date has passed, or None
    while none has. After the mandate: its last period."""
    mandate = schedule.group.mandate
    period = period_of(schedule.frequency, min(today, mandate.end_date))
    while due_date(schedule, period) >= today:
        period = shifted(period, -1)
    return period if _in_mandate(period, mandate) else None


def reminder_period(schedule, today):
    """The period reminders are for today: from REMINDER_LEAD_DAYS before
    its due date until the next period's reminders begin. None before the
    mandate's first period and once its last period's turn has passed."""
    lead = datetime.timedelta(days=REMINDER_LEAD_DAYS)
    period = period_of(schedule.frequency, today)
    while due_date(schedule, period) - lead > today:
        period = shifted(period, -1)
    return period if _in_mandate(period, schedule.group.mandate) else None


@dataclass(frozen=True)
class Due:
    """What one unit owes a group for one period, and what is still missing."""

    schedule: ReportingSchedule
    period: Period
    due_on: datetime.date
    municipality_id: int | None
    organisation_id: int | None
    unit_name: str
    missing_entry: bool
    missing_indicators: bool

    @property
    def group(self):
        return self.schedule.group

    @property
    def outstanding(self):
        return self.missing_entry or self.missing_indicators

    def is_overdue(self, today):
        return self.outstanding and today > self.due_on

    def is_own(self, user):
        if self.municipality_id:
            return self.municipality_id == user.municipality_id
        return bool(self.organisation_id) and (
            self.organisation_id == user.organisation_id
        )


def schedules(groups=None):
    """The schedules (of `groups`, a queryset or list, if given), with their
    group and mandate. One query."""
    rows = ReportingSchedule.objects.select_related("group__mandate")
    if groups is not None:
        rows = rows.filter(group__in=groups)
    return list(rows)


def _indicator_coverage(periods):
    """{(municipality id, period token)} of the periods covered by indicator
    reports. One query for all the periods."""
    condition = Q(pk__in=[])
    for period in periods:
        quarter = period_of(ReportingSchedule.Frequency.QUARTERLY, period.start)
        condition |= Q(period_start__gte=quarter.start, period_start__lte=period.end)
    reports = set(
        IndicatorReport.objects.filter(condition).values_list(
            "municipality_id", "period_kind", "period_start"
        )
    )
    covered = set()
    for period in periods:
        quarter = period_of(ReportingSchedule.Frequency.QUARTERLY, period.start)
        months = [period.start]
        if period.is_quarter:
            months = [add_months(period.start, offset) for offset in range(3)]
        for municipality_id in {row[0] for row in reports}:
            by_quarter = (municipality_id, "quarter", quarter.start) in reports
            by_months = all((municipality_id, "month", m) in reports for m in months)
            if by_quarter or by_months:
                covered.add((municipality_id, period.token))
    return covered


def statuses(rows, today, *, which=last_due_period):
    """One `Due` per unit with a reporting seat per schedule in `rows`, for
    the period `which(schedule, today)` picks (schedules without one are
    left out). Three queries at most, whatever the data."""
    periods = {}
    for schedule in rows:
        period = which(schedule, today)
        if period is not None:
            periods[schedule.group_id] = (schedule, period)
    if not periods:
        return []
    seats = (
        policies.reporting_seats(today)
        .filter(group_id__in=periods)
        .values_list(
            "group_id",
            "municipality_id",
            "municipality__name",
            "organisation_id",
            "organisation__name",
        )
        .distinct()
    )
    condition = Q(pk__in=[])
    for group_id, (_schedule, period) in periods.items():
        condition |= Q(
            group_id=group_id,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
    reported = set(
        ProgressEntry.objects.filter(condition).values_list(
            "group_id", "municipality_id", "organisation_id"
        )
    )
    asked = [period for schedule, period in periods.values() if schedule.indicators]
    covered = _indicator_coverage(asked) if asked else set()
    dues = []
    for (
        group_id,
        municipality_id,
        municipality,
        organisation_id,
        organisation,
    ) in sorted(set(seats), key=lambda seat: (seat[0], seat[2] or seat[4] or "")):
        schedule, period = periods[group_id]
        dues.append(
            Due(
                schedule=schedule,
                period=period,
                due_on=due_date(schedule, period),
                municipality_id=municipality_id,
                organisation_id=organisation_id,
                unit_name=municipality or organisation,
                missing_entry=(group_id, municipality_id, organisation_id)
                not in reported,
                missing_indicators=bool(
                    schedule.indicators
                    and municipality_id
                    and (municipality_id, period.token) not in covered
                ),
            )
        )
    return dues


def for_reader(user, dues):
    """What `user` may know of `dues`: staff everything; others their own
    unit's, and of other municipalities only whether indicators are in."""
    if policies.sees_all_reporting(user):
        return list(dues)
    known = []
    for due in dues:
        if due.is_own(user):
            known.append(due)
        elif due.schedule.indicators and due.municipality_id:
            known.append(dataclasses.replace(due, missing_entry=False))
    return known


def overdue_by_municipality(user, today):
    """{municipality id: [Due, ...]} of what is overdue for the last due
    period, as `user` may know it: the comparison view's flags."""
    flagged = {}
    for due in for_reader(user, statuses(schedules(), today)):
        if due.municipality_id and due.is_overdue(today):
            flagged.setdefault(due.municipality_id, []).append(due)
    return flagged


def reminder_recipients(schedule, today):
    """(period, [(user, Due), ...]): who is reminded for `schedule`'s group
    today. Every reporting seat whose unit has something outstanding for the
    reminder period, unless its user opted out or already got this period's
    reminder. Former members and deactivated users are never among them."""
    dues = statuses([schedule], today, which=reminder_period)
    if not dues:
        return None, []
    period = dues[0].period
    by_unit = {
        (due.municipality_id, due.organisation_id): due
        for due in dues
        if due.outstanding
    }
    if not by_unit:
        return period, []
    reminded = ReminderSent.objects.filter(
        group_id=schedule.group_id, period=period.token
    ).values("user_id")
    seats = (
        policies.reporting_seats(today)
        .filter(group_id=schedule.group_id, user__reminders_opt_out=False)
        .exclude(user_id__in=reminded)
        .select_related("user")
        .order_by("user_id")
    )
    recipients = []
    for seat in seats:
        due = by_unit.get((seat.municipality_id, seat.organisation_id))
        if due is not None:
            recipients.append((seat.user, due))
    return period, recipients
