"""Demo content for municipalities: the eight participating municipalities,
the partner organisations, both working groups, and (on request) one login per
role with the seats that role needs in the coordination area."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from municipalities.coordination.policies import EDITOR_GROUP, PROGRAMME_LEAD_GROUP
from municipalities.models import Membership, Municipality, Organisation, WorkingGroup
from portal.seeding import upsert

# kommunkod, name, official name, slug, seat (centralort), organisationsnummer
MUNICIPALITIES = [
    ("0114", "Upplands Väsby", "Upplands Väsby kommun", "upplands-vasby", "",
     "212000-0019"),
    ("0123", "Järfälla", "Järfälla kommun", "jarfalla", "Jakobsberg", ""),
    ("0125", "Ekerö", "Ekerö kommun", "ekero", "", ""),
    ("0139", "Upplands-Bro", "Upplands-Bro kommun", "upplands-bro", "Kungsängen",
     "212000-0100"),
    ("0163", "Sollentuna", "Sollentuna kommun", "sollentuna", "Tureberg",
     "212000-0134"),
    ("0183", "Sundbyberg", "Sundbybergs stad", "sundbyberg", "Hallonbergen",
     "212000-0175"),
    ("0184", "Solna", "Solna stad", "solna", "", ""),
    ("0191", "Sigtuna", "Sigtuna kommun", "sigtuna", "Märsta", ""),
]  # fmt: skip

ORGANISATIONS = [
    ("polisen-norrort", "Polisen, lokalpolisområde Norrort", Organisation.Kind.POLICE),
    (
        "lansstyrelsen-stockholm",
        "Länsstyrelsen i Stockholms län",
        Organisation.Kind.COUNTY_BOARD,
    ),
    ("fryshuset", "Fryshuset", Organisation.Kind.NGO),
    ("fou-nordvast", "FoU Nordväst", Organisation.Kind.RND_UNIT),
]


@dataclass(frozen=True)
class DemoGroups:
    """What the other seeders need from this one."""

    municipalities: list[Municipality]
    organisations: dict[str, Organisation]
    strategic: WorkingGroup
    operational: WorkingGroup


def seed_groups(*, mandate) -> DemoGroups:
    """The municipalities, the partners, and the mandate's two working groups."""
    municipalities = []
    for code, name, official, slug, seat, orgnr in MUNICIPALITIES:
        municipality, _ = upsert(
            Municipality,
            {"kommunkod": code},
            {
                "name": name,
                "official_name": official,
                "slug": slug,
                "seat": seat,
                "org_number": orgnr,
                "participates": True,
            },
        )
        municipalities.append(municipality)

    organisations = {}
    for slug, name, kind in ORGANISATIONS:
        organisations[slug], _ = upsert(
            Organisation, {"slug": slug}, {"name": name, "kind": kind}
        )

    strategic, _ = upsert(
        WorkingGroup,
        {"slug": "strategisk-arbetsgrupp"},
        {
            "mandate": mandate,
            "kind": WorkingGroup.Kind.STRATEGIC,
            "name": "Strategisk arbetsgrupp",
            "purpose": "Chefer från kommunernas socialtjänst sätter riktningen för "
            "uppdraget, prioriterar och förankrar arbetet i sina kommuner.",
            "meeting_cadence": "En till två gånger per termin",
        },
    )
    strategic.municipalities.set(municipalities)
    strategic.organisations.set(
        [organisations["lansstyrelsen-stockholm"], organisations["polisen-norrort"]]
    )
    operational, _ = upsert(
        WorkingGroup,
        {"slug": "operativ-arbetsgrupp"},
        {
            "mandate": mandate,
            "kind": WorkingGroup.Kind.OPERATIONAL,
            "name": "Operativ arbetsgrupp",
            "purpose": "Socialsekreterare och samverkansparter delar erfarenheter, "
            "utvecklar arbetssätt och följer upp det lokala arbetet.",
            "meeting_cadence": "En gång i månaden",
        },
    )
    operational.municipalities.set(municipalities)
    operational.organisations.set(
        [organisations["polisen-norrort"], organisations["fryshuset"]]
    )
    return DemoGroups(municipalities, organisations, strategic, operational)


def seed_logins(*, groups: DemoGroups, password: str) -> list[tuple[str, str, str]]:
    """One login per role, with the seats that role needs; returns (role,
    email, what they may do) for the command to print. Seats date from the
    mandate's start so that the former member's can have ended."""
    strategic, operational = groups.strategic, groups.operational
    organisations = groups.organisations
    User = get_user_model()
    jarfalla = Municipality.objects.get(kommunkod="0123")
    sollentuna = Municipality.objects.get(kommunkod="0163")
    police = organisations["polisen-norrort"]
    county_board = organisations["lansstyrelsen-stockholm"]
    mandate_start = datetime.date(2022, 4, 1)

    def user(
        email,
        first,
        last,
        *,
        is_staff=False,
        is_superuser=False,
        group=None,
        municipality=None,
        org=None,
    ):
        account, _ = upsert(
            User,
            {"email": email},
            {
                "first_name": first,
                "last_name": last,
                "is_active": True,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "municipality": municipality,
                "organisation": org,
            },
        )
        groups = [Group.objects.get_or_create(name=group)[0]] if group else []
        account.groups.set(groups)
        if not account.check_password(password):
            account.set_password(password)
            account.save(update_fields=["password"])
        return account

    def seat(
        account,
        group,
        *,
        role=Membership.Role.MEMBER,
        end_date=None,
        partner_can_write=False,
    ):
        upsert(
            Membership,
            {"user": account, "group": group},
            {
                "municipality": account.municipality,
                "organisation": account.organisation,
                "role": role,
                "start_date": mandate_start,
                "end_date": end_date,
                "partner_can_write": partner_can_write,
            },
        )

    superuser = user(
        "admin@example.se", "Admin", "Demo", is_staff=True, is_superuser=True
    )
    # The group comes from migration 0008 with its permissions; get_or_create
    # only covers a database flushed by a transactional test.
    lead = user(
        "programledning@example.se",
        "Programledning",
        "Demo",
        is_staff=True,
        group=PROGRAMME_LEAD_GROUP,
    )
    editor = user(
        "redaktor@example.se", "Redaktör", "Demo", is_staff=True, group=EDITOR_GROUP
    )

    representative = user(
        "kommun@example.se", "Kommunrepresentant", "Demo", municipality=jarfalla
    )
    seat(representative, operational)
    seat(representative, strategic, role=Membership.Role.CHAIR)

    reader = user("partner@example.se", "Samverkanspart", "Demo", org=police)
    seat(reader, operational)

    writer = user(
        "lansstyrelsen@example.se", "Samverkanspart", "Demo", org=county_board
    )
    seat(writer, strategic, partner_can_write=True)

    former = user("tidigare@example.se", "Tidigare", "Demo", municipality=sollentuna)
    seat(former, operational, end_date=datetime.date(2022, 12, 31))

    return [
        ("Superanvändare", superuser.email,
         "allt; den enda som ändrar samordningsdata i admin"),
        ("Programledning", lead.email,
         "ser och hanterar allt i samordningen; läser den i admin"),
        ("Redaktör", editor.email,
         "publikt innehåll i admin; nekas samordningen"),
        ("Kommunrepresentant (Järfälla)", representative.email,
         "skriver i båda grupperna; ordförande i den strategiska"),
        ("Samverkanspart (Polisen Norrort)", reader.email,
         "läser i operativa gruppen"),
        ("Samverkanspart (Länsstyrelsen)", writer.email,
         "skriver i strategiska gruppen"),
        ("Tidigare medlem (Sollentuna)", former.email,
         "medlemskapet har upphört; nekas samordningen"),
    ]  # fmt: skip
