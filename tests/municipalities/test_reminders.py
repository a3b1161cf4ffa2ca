"""Reminder mail to a group's reporters, sent by the real task worker: once
per user and period, only to reporting seats of units that have not
reported, never to those who opted out on /konto/, left the group or were
deactivated; the next period sends again."""

import datetime
import io
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from municipalities.models import Membership, ReminderSent
from portal.models import AuditEvent
from tests import factories
from tests.programme.test_newsletter import FlakySMTP

D = datetime.date
JUNE_6 = datetime.datetime(2022, 6, 6, 7, tzinfo=datetime.UTC)
JULY_6 = datetime.datetime(2022, 7, 6, 7, tzinfo=datetime.UTC)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def send_reminders():
    call_command("send_reminders", stdout=io.StringIO())
    run_worker()


@pytest.fixture
def rhythm_world(db):
    """A group reporting monthly by the 10th, with one person of each kind."""
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate)
    group = factories.WorkingGroupFactory(mandate=mandate, name="Operativa gruppen")
    other = factories.WorkingGroupFactory(mandate=mandate, name="Utan schema")
    factories.ReportingScheduleFactory(group=group, due_day=10)
    police = factories.OrganisationFactory(name="Polisen")
    people = {}

    def person(key, *, town=None, organisation=None, role="member", **seat):
        unit = {"municipality": town} if organisation is None else {}
        user = factories.UserFactory(
            email=f"{key}@example.se", organisation=organisation, **unit
        )
        factories.MembershipFactory(
            user=user,
            group=seat.pop("group", group),
            municipality=town if organisation is None else None,
            organisation=organisation,
            role=role,
            start_date=D(2022, 4, 1),
            **seat,
        )
        people[key] = user
        return user

    towns = {
        name: factories.MunicipalityFactory(name=f"Kommun {name}") for name in "ABCDEFG"
    }
    person("rep_a", town=towns["A"])
    person("secretary_a", town=towns["A"], role=Membership.Role.SECRETARY)
    person("rep_b", town=towns["B"])  # reports May in time
    person("chair_c", town=towns["C"], role=Membership.Role.CHAIR)
    person("opted_out_d", town=towns["D"])
    person("left_e", town=towns["E"], end_date=D(2022, 5, 31))
    person("deactivated_f", town=towns["F"])
    people["deactivated_f"].is_active = False
    people["deactivated_f"].save()
    person("other_group_g", town=towns["G"], group=other)
    person("police_writer", organisation=police, partner_can_write=True)
    person("police_reader", organisation=police)
    return {"group": group, "area": area, "people": people, "towns": towns}


def report(world, key, month):
    user = world["people"][key]
    factories.ProgressEntryFactory(
        group=world["group"],
        author=user,
        focus_area=world["area"],
        period_start=D(2022, month, 1),
        period_end=D(2022, month, 28),
    )


def recipients(outbox):
    return sorted(message.to[0].split("@")[0] for message in outbox)


@pytest.mark.django_db(transaction=True)
def test_reminders_go_once_per_period_to_those_who_have_not_reported(
    rhythm_world, mailoutbox
):
    report(rhythm_world, "rep_b", 5)
    with time_machine.travel(JUNE_6, tick=False):
        # The opt-out is the user's own choice on the account page.
        client = Client()
        client.force_login(rhythm_world["people"]["opted_out_d"])
        assert client.post("/konto/", {"reminders_opt_out": "on"}).status_code == 302

        send_reminders()
        first = recipients(mailoutbox)
        send_reminders()  # the next night, or a second run: nobody twice
        call_command("maintenance", stdout=io.StringIO())
        run_worker()

    assert first == ["chair_c", "police_writer", "rep_a"]
    assert recipients(mailoutbox) == first
    message = next(m for m in mailoutbox if m.to == ["rep_a@example.se"])
    assert (
        message.subject == "Påminnelse: rapporten för maj 2022 till Operativa gruppen"
    )
    assert "Rapporten från Kommun A för maj 2022" in message.body
    assert "senast 10 juni 2022" in message.body
    assert "http://127.0.0.1:8000/samordning/lagesrapporter/ny/" in message.body
    assert "http://127.0.0.1:8000/konto/" in message.body
    assert set(ReminderSent.objects.values_list("period", flat=True)) == {"2022-05"}

    report(rhythm_world, "rep_a", 6)
    with time_machine.travel(JULY_6, tick=False):
        send_reminders()

    june_round = recipients(mailoutbox[len(first) :])
    assert june_round == ["chair_c", "police_writer", "rep_b"]
    assert ReminderSent.objects.filter(period="2022-06").count() == 3
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, actor=rhythm_world["people"]["opted_out_d"]
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_skips_a_unit_that_reported_after_the_queueing(
    rhythm_world, mailoutbox
):
    with time_machine.travel(JUNE_6, tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        report(rhythm_world, "chair_c", 5)
        report(rhythm_world, "police_writer", 5)
        run_worker()

    assert recipients(mailoutbox) == ["opted_out_d", "rep_a", "rep_b"]


@pytest.mark.django_db(transaction=True)
def test_no_reminder_outside_the_window_or_after_the_mandate(rhythm_world, mailoutbox):
    for moment in (
        datetime.datetime(2022, 6, 4, 7, tzinfo=datetime.UTC),  # April's turn
        datetime.datetime(2023, 5, 6, 7, tzinfo=datetime.UTC),  # mandate over
    ):
        with time_machine.travel(moment, tick=False):
            send_reminders()
        if moment.month == 6:
            # April was never reported either: its reminders are still due.
            assert {
                m.subject.split(" för ")[1].split(" till")[0] for m in mailoutbox
            } == {"april 2022"}
            mailoutbox.clear()

    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_fails_for_now_gets_the_reminder_later(
    rhythm_world, mailoutbox, settings
):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.programme.test_newsletter.FlakySMTP"}
    }
    FlakySMTP.failures = {
        "police_writer@example.se": smtplib.SMTPResponseException(451, b"Try later")
    }
    try:
        with time_machine.travel(JUNE_6, tick=False):
            send_reminders()
        sent_first = recipients(mail.outbox)
        assert not ReminderSent.objects.filter(
            user=rhythm_world["people"]["police_writer"]
        ).exists()
        FlakySMTP.failures = {}
        with time_machine.travel(JUNE_6 + datetime.timedelta(minutes=5), tick=False):
            run_worker()
    finally:
        FlakySMTP.failures = {}

    assert sent_first == ["chair_c", "opted_out_d", "rep_a", "rep_b"]
    assert recipients(mail.outbox) == [
        "chair_c",
        "opted_out_d",
        "police_writer",
        "rep_a",
        "rep_b",
    ]
    assert ReminderSent.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_no_reminder_once_the_mandate_is_closed(rhythm_world, mailoutbox):
    """The same day that reminds while the mandate is open reminds nobody
    once it is closed: no report can be filed any more."""
    from municipalities.coordination import services

    with time_machine.travel(JUNE_6, tick=False):
        services.mandate_close(
            actor=factories.UserFactory(is_superuser=True),
            mandate=rhythm_world["group"].mandate,
        )
        send_reminders()

    assert mailoutbox == []
    assert not ReminderSent.objects.exists()
