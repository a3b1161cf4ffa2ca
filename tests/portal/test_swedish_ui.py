"""Swedish pages say nothing in English: every page type and form, with and
without errors, rendered in Swedish and searched for English UI words.

Django 6.1 added strings its own Swedish catalogue does not translate yet
(the blank choice "- Select an option -"); `locale/sv` holds our own
translations for them.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.demo import load_demo
from tests.municipalities.conftest import PAST, make_entry

# Words of Django's and our English UI that never occur in Swedish text.
ENGLISH = {
    "select",
    "option",
    "choose",
    "enter",
    "required",
    "field",
    "please",
    "currently",
    "clear",
    "upload",
    "submit",
    "save",
    "delete",
    "cancel",
    "previous",
    "next",
    "page",
    "the",
    "this",
    "valid",
    "search",
    "password",
    "email",
    "news",
    "skip",
    "content",
    "sign",
}
WORD = re.compile(r"[A-Za-zÅÄÖåäö]+")


def english_words(html):
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    texts = [soup.get_text(" ")]
    # What a screen reader or a select shows is UI text too.
    for element in soup.find_all(True):
        for attribute in ("aria-label", "placeholder", "title", "alt", "value"):
            value = element.get(attribute)
            if isinstance(value, str) and element.name != "input":
                texts.append(value)
    words = {word.lower() for text in texts for word in WORD.findall(text)}
    return sorted(words & ENGLISH)


PUBLIC_PAGES = [
    "/",
    "/nyheter/",
    "/uppdraget/",
    "/uppdraget/stod-till-avhoppare/",
    "/kommuner/",
    "/kommuner/jarfalla/",
    "/arbetsgrupper/",
    "/arbetsgrupper/operativ-arbetsgrupp/",
    "/presentationer/",
    "/presentationer/kick-off-2022/",
    "/presentationer/kick-off-2022/vagen-ut-ur-natverken/",
    "/talare/juri-escobar/",
    "/sok/?q=avhoppare",
    "/sok/",
    "/tillganglighet/",
    "/kakor/",
    "/kontakt/",
    "/personuppgifter/",
    "/logga-in/",
    "/konto/aterstall/",
    "/finns-inte/",
]


@pytest.mark.django_db
def test_public_pages_and_forms_have_no_english_in_swedish():
    load_demo(with_logins=False)
    client = Client()
    found = {}
    with translation.override("sv"):
        for url in PUBLIC_PAGES:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            if words := english_words(response.content.decode()):
                found[url] = words
        for url, data in [
            ("/logga-in/", {"username": "", "password": ""}),
            ("/konto/aterstall/", {"email": "inte-en-adress"}),
        ]:
            response = client.post(url, data)
            if words := english_words(response.content.decode()):
                found[f"POST {url}"] = words
    assert found == {}


INTERNAL_FORMS = [
    "samordning:entry-create",
    "samordning:indicator-form",
    "samordning:report",
]
GROUP_FORMS = [
    "samordning:meeting-create",
    "samordning:decision-create",
    "samordning:action-create",
]


def test_coordination_pages_and_forms_have_no_english_in_swedish(world, private_media):
    entry = make_entry(world, level="group", release_at=PAST, title="Rapport")
    client = Client()
    client.force_login(world["users"]["staff"])
    slug = world["group"].slug
    pages = [
        reverse("samordning:dashboard"),
        reverse("samordning:entries"),
        reverse("samordning:entries") + "?q=rapport",
        entry.get_absolute_url(),
        reverse("samordning:entry-history", args=[entry.pk]),
        reverse("samordning:entry-edit", args=[entry.pk]),
        reverse("samordning:group", kwargs={"slug": slug}),
        reverse("samordning:status-list"),
        reverse(
            "samordning:status-edit",
            kwargs={
                "municipality": world["town_a"].slug,
                "focus_area": world["area"].slug,
            },
        ),
        reverse("samordning:indicators"),
        reverse("samordning:comparison"),
        *(reverse(name) for name in INTERNAL_FORMS),
        *(reverse(name, kwargs={"slug": slug}) for name in GROUP_FORMS),
    ]
    found = {}
    with translation.override("sv"):
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            if words := english_words(response.content.decode()):
                found[url] = words
        # The same forms with every error showing.
        for url in [reverse("samordning:entry-create")] + [
            reverse(name, kwargs={"slug": slug}) for name in GROUP_FORMS
        ]:
            response = client.post(url, {})
            assert response.status_code == 400, url
            if words := english_words(response.content.decode()):
                found[f"POST {url}"] = words
    assert found == {}


def test_english_words_are_found_where_they_are():
    """The detector itself: it would catch Django's untranslated blank label."""
    html = '<select><option value="">- Select an option -</option></select>'

    assert english_words(html) == ["option", "select"]
    assert english_words("<p>Välj ett alternativ</p>") == []


def test_second_step_pages_have_no_english_in_swedish(world, password_only_login):
    from tests.factories import TOTPDeviceFactory

    newcomer = world["users"]["rep_a"]
    enrolled = world["users"]["rep_b"]
    TOTPDeviceFactory(user=enrolled)
    found = {}
    with translation.override("sv"):
        client = password_only_login(Client(), newcomer)
        for method, data in [("get", None), ("post", {"action": "totp", "code": "x"})]:
            response = getattr(client, method)("/konto/tvastegs/", data)
            assert response.status_code in (200, 400)
            if words := english_words(response.content.decode()):
                found[f"{method} enrol"] = words
        client = password_only_login(Client(), enrolled)
        for method, data in [("get", None), ("post", {"code": "000"})]:
            response = getattr(client, method)("/logga-in/tvastegs/", data)
            assert response.status_code in (200, 400)
            if words := english_words(response.content.decode()):
                found[f"{method} second step"] = words
    assert found == {}
