"""Demo content: the 2022 mandate of FoU Nordväst, written in our own words.

`load_demo()` is idempotent: every row is keyed on a natural key (slug,
kommunkod, email), links are set rather than added, and files are generated
only when missing, so a second run changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape

from municipalities.coordination.policies import EDITOR_GROUP, PROGRAMME_LEAD_GROUP
from municipalities.models import Membership, Municipality, Organisation, WorkingGroup
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker
from programme.models import FocusArea, Mandate, Milestone, NewsArticle, Person

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEMO_PASSWORD = "demo-losenord-2022"  # noqa: S105 - printed demo login, DEBUG only

MANDATE_DESCRIPTION = """\
FoU Nordväst har fått i uppdrag av socialcheferna i de nordvästra kommunerna \
att under tolv månader samla kunskap om hur socialtjänsten kan förebygga att \
unga rekryteras till kriminella nätverk och hur den kan stödja den som vill \
lämna ett nätverk.

Uppdraget har två fokusområden: att förebygga nyrekrytering och att ge stöd \
till avhoppare. Arbetet sker i en strategisk och en operativ arbetsgrupp där \
kommunernas socialtjänster möter polisen, länsstyrelsen och idéburna \
organisationer.

Uppdraget beskriver kunskapsläget, kartlägger hur ägarkommunerna arbetar i dag \
och vad de behöver, och stödjer det utvecklingsarbete som pågår lokalt."""

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


@dataclass
class Slide:
    title: str
    points: list[str] = field(default_factory=list)


PRESENTATIONS = [
    {
        "slug": "vagen-ut-ur-natverken",
        "title": "Vägen ut ur kriminella nätverk",
        "speaker": "juri-escobar",
        "minutes": 40,
        "summary": (
            "Juri Escobar har arbetat med avhoppare på Fryshuset sedan 2015. Enligt "
            "hans erfarenhet vill de allra flesta som hör av sig verkligen lämna "
            "sitt nätverk. Han går igenom fyra begrepp som arbetet vilar på: "
            "nätverk och gäng, våld och konflikter, skydd och trygghet samt "
            "behandling där flera professioner samverkar. Vägen ut beskrivs i fyra "
            "faser. I de här exempelbilderna illustreras faserna som inskrivning "
            "och bedömning, en intensiv fas, utslussning och eftervård; "
            "indelningen är ett exempel och inte talarens egna bilder."
        ),
        "slides": [
            Slide("Vägen ut ur kriminella nätverk", ["Juri Escobar, Fryshuset"]),
            Slide(
                "Fyra nyckelbegrepp",
                [
                    "Nätverk och gäng",
                    "Våld och konflikter",
                    "Skydd och trygghet",
                    "Behandling där flera professioner samverkar",
                ],
            ),
            Slide(
                "Fyra faser (illustration)",
                [
                    "Inskrivning och bedömning",
                    "Intensiv fas",
                    "Utslussning",
                    "Eftervård",
                ],
            ),
        ],
    },
    {
        "slug": "hotbild-och-tajming",
        "title": "Hotbild, tajming och informationsdelning",
        "speaker": "stephan-kiernan",
        "minutes": 30,
        "summary": (
            "Stephan Kiernan från polisen i Norrort beskriver hur polisen "
            "fortlöpande kartlägger möjliga konflikter för att bedöma hot mot "
            "enskilda. Att fånga upp den som vill hoppa av är en fråga om tajming: "
            "viljan att lämna kan vara kortvarig. När flera myndigheter arbetar "
            "tillsammans behöver alla veta vilken information som får delas, med "
            "vem och när."
        ),
        "slides": [
            Slide("Hotbild, tajming och informationsdelning", ["Stephan Kiernan"]),
            Slide(
                "Polisens lägesbild",
                [
                    "Kartläggning av möjliga konflikter",
                    "Bedömning av hot mot enskilda",
                ],
            ),
            Slide(
                "Samverkan",
                [
                    "Rätt tidpunkt avgör",
                    "Vilken information får delas – och när?",
                ],
            ),
        ],
    },
    {
        "slug": "uppdraget-och-vagen-framat",
        "title": "Uppdraget och vägen framåt",
        "speaker": "jorgen-larsson",
        "minutes": 25,
        "summary": (
            "Projektledaren Jörgen Larsson, tjänstledig från polisen i Järva, "
            "presenterar uppdraget: att under ett år samla kunskap om hur "
            "socialtjänsten kan förebygga nyrekrytering och stödja avhoppare i de "
            "nordvästra kommunerna. Även han lyfter tajmingen som avgörande och "
            "beskriver hur arbetsgrupperna ska arbeta under året."
        ),
        "slides": [
            Slide("Uppdraget och vägen framåt", ["Jörgen Larsson, projektledare"]),
            Slide(
                "Två fokusområden",
                ["Förebygga nyrekrytering", "Stöd till avhoppare"],
            ),
            Slide(
                "Året som kommer",
                [
                    "Kunskapsläget",
                    "Kartläggning av kommunernas arbete och behov",
                    "Lokalt utvecklingsarbete",
                    "Sammanfattning med förslag",
                ],
            ),
        ],
    },
]

SPEAKERS = [
    {
        "slug": "juri-escobar",
        "name": "Juri Escobar",
        "title": "Arbetar med stöd till avhoppare",
        "organisation": "Fryshuset",
        "bio": "Juri Escobar har arbetat med stöd till avhoppare på Fryshuset sedan "
        "2015.",
    },
    {
        "slug": "stephan-kiernan",
        "name": "Stephan Kiernan",
        "title": "Polis",
        "organisation": "Polisen, lokalpolisområde Norrort",
        "bio": "Stephan Kiernan arbetar inom polisen i Norrort med lägesbilder över "
        "konflikter mellan kriminella grupperingar.",
    },
    {
        "slug": "jorgen-larsson",
        "name": "Jörgen Larsson",
        "title": "Projektledare",
        "organisation": "FoU Nordväst",
        "bio": "Jörgen Larsson leder uppdraget och är tjänstledig från polisen i "
        "Järva, där han tidigare arbetat i samverkan mellan polis, socialtjänst "
        "och kriminalvård.",
    },
]

NEWS_BODY = """\
Den 29 april 2022 samlades inbjudna talare, medarbetare från socialtjänsten i \
nordvästkommunerna och länsstyrelsens ansvariga handläggare i FoU Nordvästs nya \
lokaler på Jakobsbergs sjukhus i Järfälla. Dagen var starten för uppdraget om \
avhoppare och om att förebygga rekrytering till kriminella nätverk.

Juri Escobar från Fryshuset, som arbetat med avhoppare sedan 2015, berättade \
att de flesta som söker stöd verkligen vill lämna sitt nätverk, och beskrev \
begreppen nätverk, våld, skydd och behandling som arbetet vilar på.

Stephan Kiernan från polisen i Norrort lyfte att tajming är avgörande för att \
fånga upp den som vill hoppa av, och att samverkan kräver att alla vet vilken \
information som får delas och när.

Projektledaren Jörgen Larsson betonade också tajmingen och beskrev hur året \
ska användas. Uppdraget har redan väckt intresse både regionalt och nationellt."""


def slides_pdf(title: str, slides: list[Slide]) -> bytes:
    """Render example slides to a PDF; every page says they are examples."""
    from weasyprint import HTML

    pages = []
    for slide in slides:
        points = "".join(f"<li>{escape(point)}</li>" for point in slide.points)
        pages.append(
            f"<section><h1>{escape(slide.title)}</h1><ul>{points}</ul>"
            f'<p class="example">Exempelbilder – inte talarens egna bilder</p>'
            f"</section>"
        )
    html = f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<style>
@page {{ size: A4 landscape; margin: 2cm; }}
body {{ font-family: "DejaVu Sans", sans-serif; color: #1b1f24; }}
section {{ page-break-after: always; }}
section:last-child {{ page-break-after: auto; }}
h1 {{ color: #0b4f6c; font-size: 30pt; }}
li {{ font-size: 20pt; margin: 0.4em 0; }}
.example {{ position: absolute; bottom: 0; font-size: 12pt; color: #8a1c1c; }}
</style></head><body>{"".join(pages)}</body></html>"""
    return HTML(string=html).write_pdf()


def _upsert(model, lookup, values):
    """update_or_create that leaves an unchanged row untouched."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False


def _local(*args):
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


@transaction.atomic
def load_demo(*, with_logins: bool) -> dict:
    """Create or update the demo content; return what the caller should print."""
    leader, _ = _upsert(
        Person,
        {"email": "jorgen.larsson@example.se"},
        {
            "name": "Jörgen Larsson",
            "role_title": "Projektledare",
            "extent": Person.Extent.FULL_TIME,
            "extent_percent": 100,
            "phone": "08-000 00 00",
        },
    )
    rnd_lead, _ = _upsert(
        Person,
        {"email": "maria.exempel@example.se"},
        {
            "name": "Maria Exempel",
            "role_title": "FoU-ledare",
            "extent": Person.Extent.PART_TIME,
            "extent_percent": 50,
            "phone": "08-000 00 01",
        },
    )
    mandate, _ = _upsert(
        Mandate,
        {"slug": "avhopp-och-nyrekrytering"},
        {
            "organisation": "FoU Nordväst",
            "title": "Avhopp från kriminella nätverk och förebygga nyrekrytering",
            "start_date": datetime.date(2022, 4, 1),
            "length_months": 12,
            "description": MANDATE_DESCRIPTION,
            "contact_person": leader,
        },
    )
    mandate.staff.set([leader, rnd_lead])

    prevent, _ = _upsert(
        FocusArea,
        {"slug": "forebygga-nyrekrytering"},
        {
            "mandate": mandate,
            "title": "Förebygga nyrekrytering",
            "order": 1,
            "summary": "Hur socialtjänsten tillsammans med skola, polis och "
            "civilsamhälle kan hindra att barn och unga dras in i kriminella "
            "nätverk.",
        },
    )
    support, _ = _upsert(
        FocusArea,
        {"slug": "stod-till-avhoppare"},
        {
            "mandate": mandate,
            "title": "Stöd till avhoppare",
            "order": 2,
            "summary": "Hur kommunerna kan ge skydd, stöd och behandling till den "
            "som vill lämna ett kriminellt nätverk, i rätt tid.",
        },
    )
    for title, focus_area, due, done in [
        ("Kick-off för uppdraget", None, (2022, 4, 29), (2022, 4, 29)),
        ("Kunskapsläget sammanställt", None, (2022, 8, 31), (2022, 9, 15)),
        ("Kartläggning av ägarkommunernas arbete och behov", prevent,
         (2022, 10, 31), (2022, 11, 4)),
        ("Förslag på stöd till avhoppare", support, (2023, 1, 31), (2023, 2, 10)),
        ("Slutrapport", None, (2023, 3, 10), (2023, 3, 10)),
    ]:  # fmt: skip
        _upsert(
            Milestone,
            {"mandate": mandate, "title": title},
            {
                "focus_area": focus_area,
                "due_date": datetime.date(*due),
                "done_date": datetime.date(*done),
            },
        )

    municipalities = []
    for code, name, official, slug, seat, orgnr in MUNICIPALITIES:
        municipality, _ = _upsert(
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
        organisations[slug], _ = _upsert(
            Organisation, {"slug": slug}, {"name": name, "kind": kind}
        )

    strategic, _ = _upsert(
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
    operational, _ = _upsert(
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

    session, _ = _upsert(
        Session,
        {"slug": "kick-off-2022"},
        {
            "mandate": mandate,
            "kind": Session.Kind.KICK_OFF,
            "title": "Kick-off för uppdraget om avhoppare och att förebygga "
            "rekrytering",
            "starts_at": _local(2022, 4, 29, 9, 0),
            "ends_at": _local(2022, 4, 29, 12, 0),
            "venue": "FoU Nordväst, Jakobsbergs sjukhus",
            "address": "Järfälla",
            "description": "Uppdraget startade med presentationer från Fryshuset, "
            "polisen och projektledningen inför socialtjänstens medarbetare från "
            "nordvästkommunerna och länsstyrelsen.",
            "published": True,
        },
    )

    speakers = {}
    for data in SPEAKERS:
        values = {key: value for key, value in data.items() if key != "slug"}
        speakers[data["slug"]], _ = _upsert(Speaker, {"slug": data["slug"]}, values)

    generated = 0
    for order, data in enumerate(PRESENTATIONS, start=1):
        presentation, _ = _upsert(
            Presentation,
            {"session": session, "slug": data["slug"]},
            {
                "title": data["title"],
                "summary": data["summary"],
                "duration_minutes": data["minutes"],
                "order": order,
                "published": True,
                "slides_are_example": True,
            },
        )
        PresentationSpeaker.objects.get_or_create(
            presentation=presentation,
            speaker=speakers[data["speaker"]],
            defaults={"order": 0},
        )
        if not presentation.slides or not presentation.slides.storage.exists(
            presentation.slides.name
        ):
            pdf = slides_pdf(data["title"], data["slides"])
            presentation.slides.save("exempel.pdf", ContentFile(pdf), save=True)
            generated += 1

    article, _ = _upsert(
        NewsArticle,
        {"slug": "kick-off-for-uppdraget"},
        {
            "title": "Kick-off för uppdraget om avhoppare och att förebygga "
            "rekrytering",
            "lead": "Uppdraget om avhoppare och om att förebygga nyrekrytering till "
            "kriminella nätverk startade med en kick-off i FoU Nordvästs nya "
            "lokaler i Järfälla.",
            "body": NEWS_BODY,
            "status": NewsArticle.Status.PUBLISHED,
            "publish_at": _local(2022, 4, 29, 15, 0),
            "contact_person": leader,
        },
    )
    article.focus_areas.set([prevent, support])
    article.related_sessions.set([session])
    article.municipalities.set(municipalities)

    logins = _demo_logins(strategic, operational, organisations) if with_logins else []
    return {"slides_generated": generated, "logins": logins}


def _demo_logins(strategic, operational, organisations):
    """One login per role, with the seats that role needs; returns (role,
    email, what they may do) for the command to print. Seats date from the
    mandate's start so that the former member's can have ended."""
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
        account, _ = _upsert(
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
        if not account.check_password(DEMO_PASSWORD):
            account.set_password(DEMO_PASSWORD)
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
        _upsert(
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
