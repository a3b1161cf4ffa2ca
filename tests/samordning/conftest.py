"""A small coordination world: two municipalities, a partner, one group."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from municipalities.models import (
    EntryAttachment,
    Membership,
    ProgressEntry,
    SharingLevel,
)
from tests import factories

PAST = datetime.datetime(2024, 1, 1, 9, tzinfo=datetime.UTC)
FUTURE = datetime.datetime(2999, 1, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def world(db):
    mandate = factories.MandateFactory()
    area = factories.FocusAreaFactory(mandate=mandate)
    town_a = factories.MunicipalityFactory(name="Kommun A")
    town_b = factories.MunicipalityFactory(name="Kommun B")
    town_c = factories.MunicipalityFactory(name="Kommun C")
    police = factories.OrganisationFactory(name="Polisen")
    group = factories.WorkingGroupFactory(mandate=mandate, slug="operativ")
    other_group = factories.WorkingGroupFactory(mandate=mandate, slug="annan")

    def person(name, *, municipality=None, organisation=None, **extra):
        return factories.UserFactory(
            email=f"{name}@example.se",
            municipality=municipality,
            organisation=organisation,
            **extra,
        )

    users = {
        "rep_a": person("rep_a", municipality=town_a),
        "rep_b": person("rep_b", municipality=town_b),
        "partner": person("partner", organisation=police),
        "chair": person("chair", municipality=town_c),
        "staff": person("staff", is_staff=True),
        "deactivated": person("deactivated", municipality=town_a, is_active=False),
    }
    for key, role in [
        ("rep_a", Membership.Role.MEMBER),
        ("partner", Membership.Role.MEMBER),
        ("chair", Membership.Role.CHAIR),
        ("deactivated", Membership.Role.MEMBER),
    ]:
        user = users[key]
        Membership.objects.create(
            user=user,
            group=group,
            municipality=user.municipality,
            organisation=user.organisation,
            role=role,
            start_date=datetime.date(2022, 1, 1),
        )
    Membership.objects.create(
        user=users["rep_b"],
        group=other_group,
        municipality=town_b,
        start_date=datetime.date(2022, 1, 1),
    )
    return {
        "area": area,
        "group": group,
        "other_group": other_group,
        "town_a": town_a,
        "town_b": town_b,
        "police": police,
        "users": users,
    }


def make_entry(world, *, level, release_at, title, author="rep_a", text="Text."):
    author = world["users"][author]
    entry = ProgressEntry.objects.create(
        group=world["group"],
        municipality=author.municipality,
        organisation=author.organisation,
        focus_area=world["area"],
        title=title,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 1, 31),
        text=text,
        sharing_level=level,
        release_at=release_at,
        author=author,
    )
    attachment = EntryAttachment(
        entry=entry,
        original_name=f"{title}.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=author,
    )
    attachment.file.save("a.bin", ContentFile(b"%PDF-1.7"), save=False)
    attachment.save()
    return entry


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def entries(world, private_media):
    """One entry per sharing level, released and embargoed, with markers."""
    result = {}
    for level in SharingLevel:
        for released, when in (("released", PAST), ("embargoed", FUTURE)):
            marker = f"markor{level.value}{released}"
            result[(level.value, released)] = make_entry(
                world, level=level, release_at=when, title=f"Rapport {marker}"
            )
    return result


def now():
    return timezone.now()
