"""Demo content for the programme: the 2022 mandate of FoU Nordväst, written
in our own words, its focus areas, milestones and people, and the news of its
kick-off."""

import datetime
from dataclasses import dataclass

from portal.seeding import stockholm_time, upsert
from programme.models import FocusArea, Mandate, Milestone, NewsArticle, Person

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


@dataclass(frozen=True)
class DemoProgramme:
    """What the other seeders need from this one."""

    mandate: Mandate
    leader: Person
    focus_areas: list[FocusArea]


def seed_mandate() -> DemoProgramme:
    """The mandate with its staff, focus areas and milestones."""
    leader, _ = upsert(
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
    rnd_lead, _ = upsert(
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
    mandate, _ = upsert(
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

    prevent, _ = upsert(
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
    support, _ = upsert(
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
        upsert(
            Milestone,
            {"mandate": mandate, "title": title},
            {
                "focus_area": focus_area,
                "due_date": datetime.date(*due),
                "done_date": datetime.date(*done),
            },
        )

    return DemoProgramme(mandate, leader, [prevent, support])


EXAMPLE_NOTE = "Det här är en exempelnyhet i portalens demoinnehåll."

# slug: title, lead, body, published (Stockholm time), focus areas (indexes),
# related session slugs, municipality codes (None: all). All but the last
# are examples of what the programme could have told; the final report's
# title, parts and proposals are the real report's.
NEWS = [
    {
        "slug": "arbetsgrupperna-har-borjat",
        "title": "Arbetsgrupperna har haft sina första möten",
        "lead": "Den strategiska och den operativa arbetsgruppen har träffats "
        "för första gången och kommit överens om hur arbetet ska följas upp.",
        "body": "I maj träffades båda arbetsgrupperna. Den strategiska gruppen, "
        "med chefer från kommunernas socialtjänst, fastställde tidplanen och "
        "bestämde att varje kommun redovisar sitt läge och sina indikatorer "
        "varje månad.\n\nDen operativa gruppen samlade socialsekreterare, "
        "polisen och Fryshuset. De behov som lyftes var kunskap om hotbilder, "
        "vilka uppgifter som får delas och när, och snabba vägar till skyddat "
        "boende.\n\n" + EXAMPLE_NOTE,
        "published": (2022, 5, 24, 10, 0),
        "areas": [0, 1],
        "sessions": [],
        "municipalities": None,
    },
    {
        "slug": "kunskapslaget-sammanstallt",
        "title": "Kunskapsläget är sammanställt",
        "lead": "Uppdragets första milstolpe är nådd: en sammanställning av vad "
        "forskning och erfarenhet säger om att förebygga rekrytering och stödja "
        "avhoppare.",
        "body": "Sammanställningen beskriver hur unga dras in i kriminella "
        "nätverk, vad som kan förebygga det och vad den som vill lämna behöver: "
        "skydd, boende, behandling och en väg till arbete eller studier.\n\n"
        "Den blir underlag för kartläggningen av hur ägarkommunerna arbetar i "
        "dag.\n\n" + EXAMPLE_NOTE,
        "published": (2022, 9, 16, 9, 0),
        "areas": [0, 1],
        "sessions": [],
        "municipalities": None,
    },
    {
        "slug": "seminarium-om-sluta-skjut",
        "title": "Seminarium om Sluta skjut",
        "lead": "Hur fungerar Sluta skjut, och vad skulle det kräva i "
        "nordvästkommunerna? Det var frågan på höstens seminarium.",
        "body": "Sluta skjut (Group Violence Intervention) är en strategi där "
        "polis, kommun, kriminalvård och civilsamhälle tillsammans ger de mest "
        "våldsamma grupperna ett budskap: våld får följder för hela gruppen, och "
        "den som vill lämna får hjälp.\n\nPå seminariet diskuterade "
        "socialtjänsten och polisen vad ett sådant arbete skulle kräva här.\n\n"
        + EXAMPLE_NOTE,
        "published": (2022, 10, 14, 9, 0),
        "areas": [0],
        "sessions": ["seminarium-sluta-skjut"],
        "municipalities": ["0123", "0139"],
    },
    {
        "slug": "kartlaggningen-klar",
        "title": "Kartläggningen av kommunernas arbete är klar",
        "lead": "Kommunerna möter få avhoppare var för sig och behöver mer "
        "kunskap. Det visar kartläggningen av ägarkommunernas arbete och behov.",
        "body": "Kartläggningen beskriver hur varje kommun arbetar i dag med att "
        "förebygga rekrytering och stödja avhoppare, och vad de behöver. "
        "Många vill samarbeta mer, till exempel om upphandlat stöd och om "
        "fortbildning.\n\n" + EXAMPLE_NOTE,
        "published": (2022, 11, 4, 14, 0),
        "areas": [0],
        "sessions": [],
        "municipalities": None,
    },
    {
        "slug": "forslag-om-stod-till-avhoppare",
        "title": "Förslag om stöd till avhoppare",
        "lead": "Arbetsgrupperna har tagit fram ett förslag om hur kommunerna "
        "tillsammans kan stödja den som vill lämna ett kriminellt nätverk.",
        "body": "Förslaget utgår från en kommungemensam avhopparverksamhet, där "
        "kommunerna delar på kunskap och på upphandlat stöd, och från gemensam "
        "fortbildning för socialtjänsten.\n\n" + EXAMPLE_NOTE,
        "published": (2023, 2, 10, 11, 0),
        "areas": [1],
        "sessions": [],
        "municipalities": None,
    },
    {
        "slug": "slutrapporten-ar-klar",
        "title": "Slutrapporten är klar",
        "lead": "Uppdragets slutrapport om att förebygga rekrytering till "
        "kriminella nätverk och att stödja avhoppare har lämnats till "
        "styrgruppen.",
        "body": "Rapporten heter Att förebygga rekrytering till kriminella "
        "nätverk och att utarbeta stöd till avhoppare – en projektsammanfattning "
        "för kunskaps- och verksamhetsutveckling. Den har fyra delar: "
        "kunskapsläget, en kartläggning av hur ägarkommunerna arbetar i dag och "
        "vad de behöver, det utvecklingsarbete som pågår lokalt, och en "
        "sammanfattning med förslag.\n\nRapporten föreslår en särskild enhet, "
        "gemensam fortbildning och en kommungemensam avhopparverksamhet. "
        "Kunskapen om vad som fungerar i ett svenskt sammanhang är ännu liten.",
        "published": (2023, 3, 10, 9, 0),
        "areas": [0, 1],
        "sessions": ["slutseminarium-2023"],
        "municipalities": None,
    },
]


def seed_news(*, programme: DemoProgramme, sessions, municipalities) -> None:
    """The kick-off article and the news of the mandate's months, linked to
    the sessions and municipalities they are about; those come from their
    own apps' seeders."""
    sessions_by_slug = {session.slug: session for session in sessions}
    article, _ = upsert(
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
            "publish_at": stockholm_time(2022, 4, 29, 15, 0),
            "contact_person": programme.leader,
        },
    )
    article.focus_areas.set(programme.focus_areas)
    article.related_sessions.set([sessions_by_slug["kick-off-2022"]])
    article.municipalities.set(municipalities)

    by_code = {m.kommunkod: m for m in municipalities}
    for item in NEWS:
        article, _ = upsert(
            NewsArticle,
            {"slug": item["slug"]},
            {
                "title": item["title"],
                "lead": item["lead"],
                "body": item["body"],
                "status": NewsArticle.Status.PUBLISHED,
                "publish_at": stockholm_time(*item["published"]),
                "contact_person": programme.leader,
            },
        )
        article.focus_areas.set([programme.focus_areas[i] for i in item["areas"]])
        article.related_sessions.set(
            [sessions_by_slug[slug] for slug in item["sessions"]]
        )
        codes = item["municipalities"]
        article.municipalities.set(
            municipalities if codes is None else [by_code[code] for code in codes]
        )
