"""factory_boy factories for every model the tests need."""

import datetime

import factory
from django.utils import timezone

from municipalities.models import Membership, Municipality, Organisation, WorkingGroup
from portal.models import User
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker
from programme.models import FocusArea, Mandate, Milestone, NewsArticle, Person

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
