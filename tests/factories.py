"""factory_boy factories for every model of the project (a test checks that
none is missing)."""

import datetime
import time

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities.models import (
    Action,
    CalendarToken,
    Decision,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    Invitation,
    MandateArchive,
    Meeting,
    Membership,
    Minutes,
    Municipality,
    Organisation,
    ProgressEntry,
    ReminderSent,
    ReportingSchedule,
    SharingLevel,
    WorkingGroup,
)
from portal.models import AuditEvent, PurgeRecord, User
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker
from programme.models import FocusArea, Mandate, Milestone, NewsArticle, Person
from programme.models.newsletter import Delivery, NewsletterIssue, Subscriber

TEST_PASSWORD = "ett-testlosenord-som-ar-langt"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.se")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Testsson{n}")
    password = factory.django.Password(TEST_PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    role_title = "Projektledare"
    extent = Person.Extent.FULL_TIME


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate
        django_get_or_create = ("slug",)

    title = "Avhopp från kriminella nätverk och förebygga nyrekrytering"
    slug = "avhopp-och-nyrekrytering"
    start_date = datetime.date(2022, 4, 1)
    length_months = 12
    description = "Uppdraget handlar om att förebygga nyrekrytering."


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    mandate = factory.SubFactory(MandateFactory)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    slug = factory.Sequence(lambda n: f"fokusomrade-{n}")
    summary = "Sammanfattning av fokusområdet."
    order = factory.Sequence(lambda n: n)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    mandate = factory.SubFactory(MandateFactory)
    title = factory.Sequence(lambda n: f"Milstolpe {n}")
    due_date = datetime.date(2022, 10, 1)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Kommun {n}")
    slug = factory.Sequence(lambda n: f"kommun-{n}")
    kommunkod = factory.Sequence(lambda n: f"{1 + n // 100 % 25:02d}{n % 100:02d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.POLICE


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    mandate = factory.SubFactory(MandateFactory)
    kind = WorkingGroup.Kind.OPERATIONAL
    name = factory.Sequence(lambda n: f"Arbetsgrupp {n}")
    slug = factory.Sequence(lambda n: f"arbetsgrupp-{n}")
    purpose = "Samordna arbetet mellan kommunerna."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(WorkingGroupFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Membership.Role.MEMBER
    start_date = datetime.date(2022, 4, 1)


class NewsArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsArticle

    title = factory.Sequence(lambda n: f"Nyhet {n}")
    slug = factory.Sequence(lambda n: f"nyhet-{n}")
    lead = "En kort ingress."
    body = "Första stycket.\n\nAndra stycket."
    status = NewsArticle.Status.PUBLISHED
    publish_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    mandate = factory.SubFactory(MandateFactory)
    kind = Session.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Session {n}")
    slug = factory.Sequence(lambda n: f"session-{n}")
    starts_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(
        lambda obj: obj.starts_at + datetime.timedelta(hours=3)
    )
    venue = "Jakobsbergs sjukhus"
    published = True


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Talare {n}")
    slug = factory.Sequence(lambda n: f"talare-{n}")
    organisation = "Fryshuset"


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presentation

    session = factory.SubFactory(SessionFactory)
    title = factory.Sequence(lambda n: f"Presentation {n}")
    slug = factory.Sequence(lambda n: f"presentation-{n}")
    summary = "Sammanfattningen återger bildernas innehåll."
    order = factory.Sequence(lambda n: n)
    published = True


class PresentationSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresentationSpeaker

    presentation = factory.SubFactory(PresentationFactory)
    speaker = factory.SubFactory(SpeakerFactory)


def participant(**user_fields):
    """A representative with a current seat in a working group: the least a
    user needs to enter the coordination area."""
    municipality = user_fields.pop("municipality", None) or MunicipalityFactory()
    user = UserFactory(municipality=municipality, **user_fields)
    MembershipFactory(
        user=user, municipality=municipality, start_date=datetime.date(2022, 1, 1)
    )
    return user


MEETING_START = datetime.datetime(2022, 5, 10, 9, tzinfo=datetime.UTC)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(WorkingGroupFactory)
    starts_at = MEETING_START
    ends_at = factory.LazyAttribute(
        lambda meeting: meeting.starts_at + datetime.timedelta(hours=2)
    )
    place = "Jakobsbergs sjukhus"
    created_by = factory.SubFactory(UserFactory)
    agenda = "1. Läget i kommunerna\n2. Nästa steg"


class MinutesFactory(factory.django.DjangoModelFactory):
    """Version 1 of a meeting's minutes, a draft."""

    class Meta:
        model = Minutes

    meeting = factory.SubFactory(MeetingFactory)
    text = "Gruppen gick igenom läget i kommunerna och bokade en utbildning."
    created_by = factory.SubFactory(UserFactory)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    group = factory.SubFactory(WorkingGroupFactory)
    decided_on = datetime.date(2022, 5, 10)
    text = factory.Sequence(lambda n: f"Beslut {n}: gruppen tar fram en plan.")
    created_by = factory.SubFactory(UserFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    group = factory.SubFactory(WorkingGroupFactory)
    what = factory.Sequence(lambda n: f"Åtgärd {n}")
    due_date = datetime.date(2022, 6, 30)


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    """An entry by a representative of its municipality (set `author`)."""

    class Meta:
        model = ProgressEntry

    group = factory.SubFactory(WorkingGroupFactory)
    author = factory.SubFactory(
        UserFactory, municipality=factory.SubFactory(MunicipalityFactory)
    )
    municipality = factory.LazyAttribute(lambda entry: entry.author.municipality)
    organisation = factory.LazyAttribute(lambda entry: entry.author.organisation)
    focus_area = factory.SubFactory(FocusAreaFactory)
    title = factory.Sequence(lambda n: f"Lägesrapport {n}")
    period_start = datetime.date(2022, 5, 1)
    period_end = datetime.date(2022, 5, 31)
    text = "Vi har genomfört två utbildningar för socialsekreterare."
    sharing_level = SharingLevel.GROUP
    release_at = datetime.datetime(2022, 6, 1, 8, tzinfo=datetime.UTC)


class EntryAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryAttachment

    entry = factory.SubFactory(ProgressEntryFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.7", name="a.bin"))
    original_name = "bilaga.pdf"
    content_type = "application/pdf"
    size = 8
    uploaded_by = factory.LazyAttribute(lambda attachment: attachment.entry.author)


class CalendarTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarToken

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(WorkingGroupFactory)


class FocusAreaStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusAreaStatus

    municipality = factory.SubFactory(MunicipalityFactory)
    focus_area = factory.SubFactory(FocusAreaFactory)


class IndicatorReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorReport

    municipality = factory.SubFactory(MunicipalityFactory)
    period_kind = IndicatorReport.PeriodKind.MONTH
    period_start = datetime.date(2022, 5, 1)
    inquiries = 6
    cases_opened = 5
    cases_with_intervention = 5
    prevention_activities = 8
    people_reached = 120


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    actor_email = factory.LazyAttribute(lambda event: event.actor.email)
    action = AuditEvent.Action.VIEW
    object_type = "municipalities.ProgressEntry"
    object_id = "1"
    ip_address = "127.0.0.1"


class MandateArchiveFactory(factory.django.DjangoModelFactory):
    """A finished archive package, its zip in the private storage."""

    class Meta:
        model = MandateArchive

    mandate = factory.SubFactory(MandateFactory)
    status = MandateArchive.Status.DONE
    progress = 100
    file = factory.LazyFunction(
        lambda: ContentFile(b"PK\x05\x06" + bytes(18), name="a.zip")
    )
    size = 22
    sha256 = factory.LazyAttribute(lambda archive: "0" * 64)


class PurgeRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurgeRecord

    counts = factory.LazyFunction(
        lambda: {"uppdragets bilagor": 2, "ändringshistorik": 5}
    )


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"inbjuden{n}@example.se")
    group = factory.SubFactory(WorkingGroupFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    invited_by = factory.SubFactory(UserFactory, is_staff=True)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"prenumerant{n}@example.se")
    consent_text = "Jag vill få nyhetsbrevet."
    consented_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    subject = factory.Sequence(lambda n: f"Nyhetsbrev {n}")
    introduction = "Det här har hänt i uppdraget."
    created_by = factory.SubFactory(UserFactory, is_staff=True)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    issue = factory.SubFactory(NewsletterIssueFactory)
    subscriber = factory.SubFactory(SubscriberFactory)
    email = factory.LazyAttribute(lambda delivery: delivery.subscriber.email)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app; `totp_code(device)` is its current code."""

    user = factory.SubFactory(UserFactory)
    name = "app"
    confirmed = True

    class Meta:
        model = TOTPDevice


def totp_code(device, *, offset=0):
    """The code the user's app shows now (`offset` time steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user, *, password=TEST_PASSWORD, ip="10.9.9.9", next_url=""):
    """Both steps through the real forms: the password, then a code from a
    new authenticator app (a new one, so that no code is ever reused)."""
    device = TOTPDeviceFactory(user=user)
    data = {"username": user.email, "password": password}
    login = "/logga-in/" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    first = client.post(login, data, REMOTE_ADDR=ip)
    assert first.status_code == 302, first.status_code
    return client.post(first.url, {"code": totp_code(device)}, REMOTE_ADDR=ip)


class ReportingScheduleFactory(factory.django.DjangoModelFactory):
    """Monthly by the 10th."""

    class Meta:
        model = ReportingSchedule

    group = factory.SubFactory(WorkingGroupFactory)


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderSent

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(WorkingGroupFactory)
    period = "2022-05"
