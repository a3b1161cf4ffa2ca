"""Demo content for municipalities: the eight participating municipalities,
the partner organisations, both working groups, (on request) one login per
role with the seats that role needs in the coordination area, and the
coordination area's record of the mandate's twelve months.

Everything here is example data, written as the work could have gone: the
stages, the counts, the meetings and the entries are illustrations, not what
any municipality reported. Like the real area, it holds no personal data
about anyone in the criminal milieu: only work done and aggregate counts.
Each concern has its own function, so more can be added beside them.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from municipalities.coordination.policies import EDITOR_GROUP, PROGRAMME_LEAD_GROUP
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
from portal.seeding import backdate, backdate_history, stockholm_time, upsert
from programme.models import add_months

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


@dataclass(frozen=True)
class DemoLogins:
    """The demo logins: `table` for the command to print (role, email, what
    they may do), `accounts` by email for the seeders that need authors."""

    table: list[tuple[str, str, str]]
    accounts: dict = field(default_factory=dict)


def seed_logins(*, groups: DemoGroups, password: str) -> DemoLogins:
    """One login per role, with the seats that role needs. Seats date from
    the mandate's start so that the former member's can have ended."""
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

    table = [
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
    accounts = [superuser, lead, editor, representative, reader, writer, former]
    return DemoLogins(table, {account.email: account for account in accounts})


# --- The coordination area's record of the mandate -------------------------

# kommunkod: (sharing level, when last updated, [(stage, comment) per focus
# area: preventing recruitment, support for defectors]). Four municipalities
# share their stage openly, three only inside the mandate or their own
# municipality, and Ekerö has not reported at all.
STATUSES = {
    "0123": (SharingLevel.OPEN, (2023, 3, 8), [
        (Stage.IMPLEMENTING, "Samverkan med skola och fritid i Jakobsberg är i gång."),
        (Stage.FOLLOW_UP, "Kommunens egen avhopparverksamhet följs upp."),
    ]),
    "0139": (SharingLevel.OPEN, (2023, 3, 2), [
        (Stage.IMPLEMENTING, "Förbereder Sluta skjut tillsammans med polisen."),
        (Stage.PLANNING, "Planerar stöd till avhoppare tillsammans med Järfälla."),
    ]),
    "0163": (SharingLevel.OPEN, (2023, 2, 21), [
        (Stage.PLANNING, "En handlingsplan för förebyggande arbete tas fram."),
        (Stage.MAPPING, "Kartlägger vilka insatser kommunen kan erbjuda."),
    ]),
    "0183": (SharingLevel.OPEN, (2023, 1, 30), [
        (Stage.MAPPING, "Kartlägger fritidsverksamheternas arbete."),
        (Stage.PLANNING, "Rutiner för skyddat boende ses över."),
    ]),
    "0184": (SharingLevel.MANDATE, (2022, 12, 14), [
        (Stage.PLANNING, "Planerar gemensam fortbildning för socialtjänsten."),
        (Stage.MAPPING, ""),
    ]),
    "0191": (SharingLevel.OWN, (2023, 2, 6), [
        (Stage.IMPLEMENTING, "Föräldrastöd erbjuds i Märsta."),
        (Stage.PLANNING, ""),
    ]),
    "0114": (SharingLevel.MANDATE, (2022, 11, 10), [
        (Stage.MAPPING, "Kartläggningen har börjat."),
        (Stage.NOT_STARTED, ""),
    ]),
}  # fmt: skip


def seed_statuses(*, focus_areas) -> None:
    """Each municipality's stage per focus area at the mandate's end."""
    by_code = {m.kommunkod: m for m in Municipality.objects.all()}
    for code, (level, updated, stages) in STATUSES.items():
        when = stockholm_time(*updated, 10, 0)
        for area, (stage, comment) in zip(focus_areas, stages, strict=True):
            status, _ = upsert(
                FocusAreaStatus,
                {"municipality": by_code[code], "focus_area": area},
                {"stage": stage, "comment": comment, "sharing_level": level},
            )
            backdate(status, updated_at=when)
            backdate_history(status, when)


# kommunkod: (first month reported, months skipped, scale). Ekerö never
# reports; Upplands Väsby starts in October; Solna misses July. Scale 2
# doubles the chance of a case; the counts stay small, as they were.
INDICATOR_PROFILES = {
    "0123": (datetime.date(2022, 4, 1), set(), 2),
    "0139": (datetime.date(2022, 4, 1), set(), 1),
    "0163": (datetime.date(2022, 4, 1), set(), 1),
    "0183": (datetime.date(2022, 4, 1), set(), 1),
    "0184": (datetime.date(2022, 4, 1), {datetime.date(2022, 7, 1)}, 1),
    "0191": (datetime.date(2022, 4, 1), set(), 1),
    "0114": (datetime.date(2022, 10, 1), set(), 1),
}


def indicator_values(code, month, scale):
    """Example counts for one municipality and month: small and steady, the
    same on every run (the generator is seeded with the pair)."""
    rng = random.Random(f"{code}-{month:%Y-%m}")  # noqa: S311 - example data
    inquiries = rng.randint(0, 2) * scale + rng.randint(0, 1)
    cases = min(inquiries, rng.randint(0, scale))
    return {
        "inquiries": inquiries,
        "cases_opened": cases,
        "cases_with_intervention": rng.randint(0, cases),
        "prevention_activities": rng.randint(2, 9),
        "people_reached": rng.randint(15, 140),
    }


def seed_indicators(*, mandate) -> None:
    """Monthly indicator reports for the mandate's months, each reported by
    the 10th of the month after."""
    by_code = {m.kommunkod: m for m in Municipality.objects.all()}
    first_month = mandate.start_date.replace(day=1)
    months = [add_months(first_month, n) for n in range(mandate.length_months)]
    for code, (first, skipped, scale) in INDICATOR_PROFILES.items():
        for month in months:
            if month < first or month in skipped:
                continue
            report, _ = upsert(
                IndicatorReport,
                {
                    "municipality": by_code[code],
                    "period_kind": IndicatorReport.PeriodKind.MONTH,
                    "period_start": month,
                },
                indicator_values(code, month, scale),
            )
            reported = _next_month(month).replace(day=8)
            when = stockholm_time(reported.year, reported.month, reported.day, 14, 0)
            backdate(report, updated_at=when)
            backdate_history(report, when)


def _next_month(day):
    return add_months(day.replace(day=1), 1)


@dataclass
class DemoMeeting:
    group: str  # "strategic" or "operational"
    day: tuple
    agenda: list[str]
    minutes: str
    decisions: list[tuple[str, str]] = field(default_factory=list)  # text, follow-up
    # what, owner (email, or "" for nobody), due date, status, report back
    actions: list[tuple] = field(default_factory=list)


OPEN, IN_PROGRESS, DONE = (
    Action.Status.OPEN,
    Action.Status.IN_PROGRESS,
    Action.Status.DONE,
)
INFO = Decision.FollowUp.INFORMATION
FURTHER = Decision.FollowUp.FURTHER_DECISION
TO_ACT = Decision.FollowUp.ACTION
CHAIR = "kommun@example.se"
COUNTY = "lansstyrelsen@example.se"

MEETINGS = [
    DemoMeeting("strategic", (2022, 5, 12), [
        "Uppdraget och arbetsgruppernas roller",
        "Hur kommunerna redovisar läget och indikatorerna",
        "Tidplan för året",
    ], "Gruppen gick igenom uppdraget och kom överens om att varje kommun "
       "redovisar sitt läge per fokusområde och sina indikatorer varje månad. "
       "Tidplanen med milstolparna fastställdes.", [
        ("Indikatorerna redovisas per månad, senast den 10:e månaden efter.", INFO),
        ("Tidplanen med fem milstolpar fastställs.", INFO),
    ], [
        ("Skicka ut mallen för månadsredovisningen till kommunerna.", CHAIR,
         (2022, 5, 31), DONE, "Mallen skickades ut den 20 maj."),
    ]),
    DemoMeeting("strategic", (2022, 9, 22), [
        "Kunskapsläget: sammanställningen presenteras",
        "Kartläggningen av kommunernas arbete och behov",
        "Regional samverkan med länsstyrelsen",
    ], "Projektledningen presenterade sammanställningen av kunskapsläget. "
       "Länsstyrelsen berättade om det regionala brottsförebyggande arbetet. "
       "Gruppen beslutade att kartläggningen ska vara klar i oktober.", [
        ("Kunskapsläget godkänns som underlag för kartläggningen.", INFO),
        ("Kartläggningen ska vara klar den 31 oktober.", TO_ACT),
    ], [
        ("Sammanställ kommunernas svar i kartläggningen.", CHAIR,
         (2022, 10, 31), DONE, "Klar den 4 november, några dagar sent."),
        ("Bjud in kommunernas brottsförebyggande samordnare till en "
         "gemensam träff.", COUNTY, (2022, 11, 30), DONE,
         "Träffen hölls den 24 november."),
    ]),
    DemoMeeting("strategic", (2022, 12, 8), [
        "Resultatet av kartläggningen",
        "Förslag om stöd till avhoppare: inriktning",
        "Gemensam fortbildning",
    ], "Kartläggningen visar att kommunerna möter få avhoppare var för sig och "
       "behöver mer kunskap. Gruppen vill pröva en kommungemensam lösning och "
       "gemensam fortbildning.", [
        ("Förslaget om stöd till avhoppare utgår från en kommungemensam "
         "avhopparverksamhet.", FURTHER),
        ("Ett förslag till gemensam fortbildning tas fram.", TO_ACT),
    ], [
        ("Ta fram ett förslag till gemensam fortbildning för socialtjänsten.",
         CHAIR, (2023, 2, 28), IN_PROGRESS,
         "Ett första utkast finns; kostnaden är inte beräknad."),
        ("Beskriv hur länsstyrelsen kan stödja en kommungemensam "
         "avhopparverksamhet.", COUNTY, (2023, 1, 31), OPEN, ""),
    ]),
    DemoMeeting("strategic", (2023, 3, 9), [
        "Slutrapporten",
        "Hur arbetet fortsätter efter uppdraget",
    ], "Gruppen gick igenom slutrapporten inför att den lämnas till "
       "styrgruppen. Förslagen om en särskild enhet, gemensam fortbildning och "
       "en kommungemensam avhopparverksamhet lyfts till socialcheferna.", [
        ("Slutrapporten lämnas till styrgruppen den 10 mars.", INFO),
        ("Förslagen lyfts till socialcheferna för beslut.", FURTHER),
    ], [
        ("Planera en överlämning av uppdragets material till kommunerna.", "",
         (2023, 3, 31), OPEN, ""),
    ]),
    DemoMeeting("operational", (2022, 5, 19), [
        "Presentation av deltagarna och deras verksamheter",
        "Vad behöver socialsekreterarna av uppdraget?",
    ], "Deltagarna presenterade sina verksamheter. Behov som lyftes: kunskap "
       "om hotbilder, vilka uppgifter som får delas med polisen och när, och "
       "snabba vägar till skyddat boende."),
    DemoMeeting("operational", (2022, 6, 16), [
        "Informationsdelning mellan socialtjänst och polis",
        "Erfarenheter från Fryshuset",
    ], "Polisen och socialtjänsten gick igenom vad sekretessen tillåter. "
       "Fryshuset berättade om hur de arbetar med motivation och relation.", [
        ("En gemensam sammanställning om informationsdelning tas fram.", TO_ACT),
    ], [
        ("Sammanställ frågor och svar om informationsdelning.", CHAIR,
         (2022, 9, 1), DONE, "Sammanställningen delades i gruppen i augusti."),
    ]),
    DemoMeeting("operational", (2022, 9, 15), [
        "Läget i kommunerna efter sommaren",
        "Kartläggningen: frågor till verksamheterna",
    ], "Kommunerna berättade om läget efter sommaren. Gruppen gick igenom "
       "frågorna i kartläggningen."),
    DemoMeeting("operational", (2022, 10, 20), [
        "Sluta skjut: erfarenheter från Malmö",
        "Skyddat boende: hur går det till i praktiken?",
    ], "Gruppen diskuterade hur Sluta skjut (Group Violence Intervention) "
       "arbetar och vad det skulle kräva här. Flera kommuner vill ha en "
       "gemensam lista över boenden.", [
        ("Gruppen tar fram en gemensam översikt över skyddade boenden.", TO_ACT),
    ], [
        ("Samla kommunernas kontaktvägar till skyddade boenden i en översikt.",
         CHAIR, (2022, 12, 15), IN_PROGRESS, "Fem av åtta kommuner har svarat."),
    ]),
    DemoMeeting("operational", (2022, 11, 17), [
        "Stöd till avhoppare: vad finns i dag?",
        "Upphandlat stöd: erfarenheter",
    ], "Järfälla berättade om sin upphandling av avhopparstöd och sin egen "
       "avhopparverksamhet. Andra kommuner vill kunna använda samma avtal."),
    DemoMeeting("operational", (2023, 1, 19), [
        "Förslaget om stöd till avhoppare",
        "Fortbildning: vad behövs?",
    ], "Gruppen lämnade synpunkter på förslaget om stöd till avhoppare och "
       "listade ämnen för en gemensam fortbildning.", [], [
        ("Lämna gruppens synpunkter på förslaget till projektledningen.", CHAIR,
         (2023, 1, 31), DONE, "Synpunkterna lämnades den 27 januari."),
    ]),
    DemoMeeting("operational", (2023, 3, 16), [
        "Uppdraget avslutas: vad tar vi med oss?",
    ], "Sista mötet inom uppdraget. Gruppen vill fortsätta träffas och "
       "föreslår att nätverket blir kvar efter uppdraget."),
]  # fmt: skip


def seed_meetings(*, groups: DemoGroups, people=None) -> None:
    """The working groups' meetings with agendas and minutes, their
    decisions and the actions that followed; some actions are still open
    after their date. `people` (the demo logins by email) own the actions
    when the demo has logins."""
    people = people or {}
    by_kind = {"strategic": groups.strategic, "operational": groups.operational}
    for item in MEETINGS:
        group = by_kind[item.group]
        starts = stockholm_time(*item.day, 13, 0)
        created = starts - datetime.timedelta(days=14)
        agenda = "\n".join(f"{n}. {point}" for n, point in enumerate(item.agenda, 1))
        meeting, _ = upsert(
            Meeting,
            {"group": group, "starts_at": starts},
            {
                "ends_at": starts + datetime.timedelta(hours=2),
                "place": "FoU Nordväst, Jakobsbergs sjukhus",
                "agenda": agenda,
                # The strategic group's chair plans its meetings; the
                # operational group's chair has no demo login.
                "created_by": people.get(CHAIR) if item.group == "strategic" else None,
            },
        )
        backdate(
            meeting, created_at=created, updated_at=starts + datetime.timedelta(days=3)
        )
        backdate_history(meeting, created)
        # The minutes, adopted by the group a few days after the meeting
        # (version 1; the lifecycle is utkast → fastställd → låst).
        adopted = starts + datetime.timedelta(days=3)
        upsert(
            Minutes,
            {"meeting": meeting, "version": 1},
            {
                "text": item.minutes,
                "state": RecordState.ADOPTED,
                "adopted_at": adopted,
                "adopted_by": meeting.created_by,
                "created_by": meeting.created_by,
            },
        )
        decision = None
        for text, follow_up in item.decisions:
            decision, _ = upsert(
                Decision,
                {"group": group, "text": text},
                {
                    "meeting": meeting,
                    "decided_on": starts.date(),
                    "follow_up": follow_up,
                    "created_by": meeting.created_by,
                },
            )
            backdate(decision, created_at=starts)
            backdate_history(decision, starts)
        for what, owner, due, status, report_back in item.actions:
            action, _ = upsert(
                Action,
                {"group": group, "what": what},
                {
                    "decision": decision,
                    "owner": people.get(owner),
                    "due_date": datetime.date(*due),
                    "status": status,
                    "report_back": report_back,
                },
            )
            backdate(action, created_at=starts, updated_at=starts)
            backdate_history(action, starts)


@dataclass
class DemoEntry:
    author: str  # a demo login's email
    group: str
    area: int  # 0 preventing recruitment, 1 support for defectors
    month: tuple  # (year, month) the entry covers
    level: str
    title: str
    text: str


ENTRIES = [
    DemoEntry(CHAIR, "operational", 1, (2022, 5), SharingLevel.OPEN,
              "Utbildningsdag om avhopparverksamhet",
              "Ett trettiotal medarbetare i socialtjänsten deltog i en "
              "utbildningsdag om kommunens avhopparverksamhet och om samverkan "
              "med polisen."),
    DemoEntry(CHAIR, "operational", 0, (2022, 6), SharingLevel.MANDATE,
              "Samverkansmöten med skolorna i Jakobsberg",
              "Socialtjänsten höll fyra samverkansmöten med skolor och "
              "fritidsgårdar om tidiga signaler och vart personalen vänder sig."),
    DemoEntry(CHAIR, "strategic", 1, (2022, 8), SharingLevel.GROUP,
              "Upphandlat avhopparstöd utvärderat",
              "Kommunen har gått igenom erfarenheterna av det upphandlade "
              "stödet till avhoppare. Avtalen fungerar; uppföljningen av "
              "leverantörerna behöver bli tydligare."),
    DemoEntry(CHAIR, "operational", 0, (2022, 9), SharingLevel.OWN,
              "Rutinen för orosanmälningar ses över",
              "En intern genomgång av hur orosanmälningar om unga i riskmiljö "
              "tas emot och bedöms. Ändringarna beslutas i nämnden."),
    DemoEntry(CHAIR, "operational", 1, (2022, 11), SharingLevel.MANDATE,
              "Erfarenheter av egen avhopparverksamhet",
              "Tre socialsekreterare arbetar nu med avhoppare. Gruppen fick en "
              "genomgång av hur arbetet är organiserat och vilka insatser som "
              "används."),
    DemoEntry(CHAIR, "strategic", 0, (2023, 2), SharingLevel.OPEN,
              "Förberedelser för Sluta skjut",
              "Järfälla och Upplands-Bro förbereder tillsammans med polisen att "
              "starta Sluta skjut under våren."),
    DemoEntry(COUNTY, "strategic", 0, (2022, 9), SharingLevel.GROUP,
              "Regional lägesbild om brottsförebyggande arbete",
              "Länsstyrelsen sammanfattade läget i länets kommuner och vilka "
              "stöd som finns för brottsförebyggande samordnare."),
    DemoEntry(COUNTY, "strategic", 0, (2022, 11), SharingLevel.MANDATE,
              "Nätverksträff för brottsförebyggande samordnare",
              "Samordnare från sex av kommunerna deltog i en träff om hur det "
              "förebyggande arbetet kan följas upp."),
    DemoEntry("tidigare@example.se", "operational", 0, (2022, 9),
              SharingLevel.MANDATE, "Kartläggning av fritidsverksamheter",
              "Sollentuna har kartlagt vilka fritidsverksamheter som når unga i "
              "de områden där oron är störst."),
    DemoEntry("tidigare@example.se", "operational", 1, (2022, 10),
              SharingLevel.OWN, "Rutinen för skyddat boende ses över",
              "Kommunen går igenom hur snabbt ett skyddat boende kan ordnas och "
              "vem som beslutar."),
]  # fmt: skip


def seed_entries(*, groups: DemoGroups, focus_areas, people) -> None:
    """Progress entries at every sharing level, written by the demo logins
    (an entry needs an author, so there are none without logins)."""
    by_kind = {"strategic": groups.strategic, "operational": groups.operational}
    for item in ENTRIES:
        author = people[item.author]
        start = datetime.date(*item.month, 1)
        end = _next_month(start) - datetime.timedelta(days=1)
        written = stockholm_time(end.year, end.month, end.day, 16, 0) + (
            datetime.timedelta(days=5)
        )
        entry, _ = upsert(
            ProgressEntry,
            {"group": by_kind[item.group], "title": item.title},
            {
                "municipality": author.municipality,
                "organisation": author.organisation,
                "focus_area": focus_areas[item.area],
                "period_start": start,
                "period_end": end,
                "text": item.text,
                "sharing_level": item.level,
                "release_at": written,
                "author": author,
            },
        )
        backdate(entry, created_at=written, updated_at=written)
        backdate_history(entry, written)
