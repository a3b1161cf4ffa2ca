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


def seed_news(*, programme: DemoProgramme, sessions, municipalities) -> None:
    """The kick-off article, linked to the sessions and municipalities it is
    about; those come from their own apps' seeders."""
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
    article.related_sessions.set(sessions)
    article.municipalities.set(municipalities)
