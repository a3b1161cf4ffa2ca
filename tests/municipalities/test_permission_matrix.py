"""Roles × sharing levels × release × actions, through the real URLs.

The expected answers are written out here from the sharing rules, not
computed by the policy module under test.
"""

from django.test import Client

from tests import factories
from tests.municipalities.conftest import (
    EDIT,
    PAST,
    ROLES,
    SHUT_OUT,
    VIEW,
    client_for,
    drain,
    make_entry,
)

ACTIONS = {
    "view": lambda entry: entry.get_absolute_url(),
    "edit": lambda entry: entry.get_absolute_url() + "andra/",
    "delete": lambda entry: entry.get_absolute_url() + "ta-bort/",
    "download": lambda entry: entry.attachments.get().get_absolute_url(),
    "history": lambda entry: entry.get_absolute_url() + "historik/",
}


def expected_status(role, action, key):
    if role in ("anonymous", "deactivated"):
        return 302  # to the login page
    if role in SHUT_OUT:
        return 403
    may_view = key in VIEW[role]
    if action in ("edit", "delete"):
        if key in EDIT.get(role, set()):
            return 200
        return 403 if may_view else 404
    return 200 if may_view else 404


def test_permission_matrix_has_no_wrong_answer(world, entries):
    wrong = []
    checked = 0
    for role in ROLES:
        client = client_for(world, role)
        for key, entry in entries.items():
            for action, url_of in ACTIONS.items():
                response = drain(client.get(url_of(entry)))
                expected = expected_status(role, action, key)
                checked += 1
                if response.status_code != expected:
                    wrong.append((role, key, action, response.status_code, expected))
                if expected == 302:
                    assert response.url.startswith("/logga-in/")
    assert checked == len(ROLES) * 8 * len(ACTIONS)
    assert wrong == []


def test_author_can_delete_and_others_cannot(world, entries):
    entry = entries[("mandate", "released")]
    url = entry.get_absolute_url() + "ta-bort/"

    assert client_for(world, "rep_b").post(url).status_code == 403
    assert client_for(world, "partner").post(url).status_code == 403
    response = client_for(world, "rep_a").post(url)

    assert response.status_code == 302
    assert not type(entry).objects.filter(pk=entry.pk).exists()


def test_anonymous_cannot_reach_any_internal_page(world, entries):
    client = Client()
    for url in [
        "/samordning/",
        "/samordning/grupper/operativ/",
        "/samordning/lagesrapporter/",
        "/samordning/lagesrapporter/ny/",
        "/samordning/lagesrapporter/flode/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/logga-in/")


def test_group_page_is_for_members_and_staff_only(world):
    url = "/samordning/grupper/operativ/"

    assert client_for(world, "partner").get(url).status_code == 200
    assert client_for(world, "chair").get(url).status_code == 200
    assert client_for(world, "staff").get(url).status_code == 200
    assert client_for(world, "rep_b").get(url).status_code == 404
    assert client_for(world, "editor").get(url).status_code == 403
    assert client_for(world, "former").get(url).status_code == 403


def test_only_chair_and_staff_manage_meetings(world):
    url = "/samordning/grupper/operativ/moten/nytt/"
    data = {"starts_at": "2024-05-02T09:00", "ends_at": "2024-05-02T10:00"}

    assert client_for(world, "rep_a").get(url).status_code == 403
    assert client_for(world, "partner").post(url, data).status_code == 403
    assert client_for(world, "partner_writer").post(url, data).status_code == 403
    assert client_for(world, "rep_b").get(url).status_code == 404
    assert client_for(world, "editor").post(url, data).status_code == 403
    assert client_for(world, "chair").post(url, data).status_code == 302
    assert client_for(world, "staff").post(url, data).status_code == 302
    assert world["group"].meetings.count() == 2


DECISION = {
    "decided_on": "2024-05-02",
    "text": "Vi startar en utbildning.",
    "follow_up": "action",
}


def test_members_who_may_write_add_decisions_and_actions(world):
    writer = client_for(world, "partner_writer")

    decision = writer.post("/samordning/grupper/operativ/beslut/nytt/", DECISION)
    action = writer.post(
        "/samordning/grupper/operativ/atgarder/ny/",
        {
            "what": "Boka lokal",
            "owner": world["users"]["chair"].pk,
            "due_date": "2024-06-01",
            "status": "open",
        },
    )
    outsider = client_for(world, "rep_b").post(
        "/samordning/grupper/operativ/atgarder/ny/", {"what": "x", "status": "open"}
    )

    assert (decision.status_code, action.status_code) == (302, 302)
    assert outsider.status_code == 404
    assert world["group"].actions.get().owner == world["users"]["chair"]


def test_partner_is_read_only_unless_the_membership_grants_writing(world, entries):
    partner = client_for(world, "partner")
    group_page = partner.get("/samordning/grupper/operativ/")

    decision = partner.post("/samordning/grupper/operativ/beslut/nytt/", DECISION)
    action = partner.get("/samordning/grupper/operativ/atgarder/ny/")
    entry_form = partner.get("/samordning/lagesrapporter/ny/")

    assert group_page.status_code == 200
    assert (decision.status_code, action.status_code) == (403, 403)
    assert entry_form.status_code == 403
    assert not world["group"].decisions.exists()
    assert (
        client_for(world, "partner_writer")
        .get("/samordning/lagesrapporter/ny/")
        .status_code
        == 200
    )


def test_partner_sees_only_the_groups_it_belongs_to(world, entries):
    """Need-to-know: a partner does not see another group's entries even when
    they are shared with the whole mandate."""
    other = make_entry(
        world,
        level="mandate",
        release_at=PAST,
        title="Rapport markorannangrupp",
        author="rep_b",
    )
    other.group = world["other_group"]
    other.save()

    partner_list = client_for(world, "partner").get("/samordning/lagesrapporter/")
    rep_list = client_for(world, "rep_a").get("/samordning/lagesrapporter/")

    assert "markorannangrupp" not in partner_list.content.decode()
    assert "markormandatereleased" in partner_list.content.decode()
    assert "markorannangrupp" in rep_list.content.decode()
    assert client_for(world, "partner").get(other.get_absolute_url()).status_code == 404


def test_former_member_and_deactivated_user_leave_every_list_and_choice(world):
    former, deactivated = world["users"]["former"], world["users"]["deactivated"]
    staff = client_for(world, "staff")

    group_page = staff.get("/samordning/grupper/operativ/").content.decode()
    action_form = staff.get("/samordning/grupper/operativ/atgarder/ny/")
    owner_choices = set(
        action_form.context["form"]
        .fields["owner"]
        .queryset.values_list("email", flat=True)
    )

    assert world["users"]["chair"].get_full_name() in group_page
    assert former.get_full_name() not in group_page
    assert deactivated.get_full_name() not in group_page
    assert former.email not in owner_choices
    assert deactivated.email not in owner_choices
    assert world["users"]["chair"].email in owner_choices
    # The action they still own is no longer theirs to see.
    factories.ActionFactory(group=world["group"], what="markoragare", owner=former)
    dashboard = client_for(world, "former").get("/samordning/")
    assert dashboard.status_code == 403
    assert "markoragare" not in dashboard.content.decode()


def test_policy_denies_unknown_action(world, entries):
    from municipalities.coordination.policies import can

    entry = entries[("open", "released")]

    assert can(world["users"]["staff"], "publish", entry) is False
    assert can(world["users"]["staff"], "view", entry) is True
    assert entry.release_at == PAST


def test_sign_in_lands_each_role_where_it_works(world):
    """The editor and a former member are not sent to a 403 page."""
    from tests.factories import sign_in

    landings = {}
    for role in ["rep_a", "partner", "staff", "editor", "former"]:
        client = Client()
        response = sign_in(client, world["users"][role], ip="10.1.2.3")
        landings[role] = response.url
        assert client.get(response.url).status_code == 200, role
    assert landings == {
        "rep_a": "/samordning/",
        "partner": "/samordning/",
        "staff": "/samordning/",
        "editor": "/admin/",
        "former": "/",
    }


def test_new_entry_link_only_for_those_who_may_write(world):
    for role, shown in [("partner", False), ("partner_writer", True), ("rep_a", True)]:
        client = client_for(world, role)
        for url in ["/samordning/", "/samordning/lagesrapporter/"]:
            body = client.get(url).content.decode()
            assert ('href="/samordning/lagesrapporter/ny/"' in body) is shown, (
                role,
                url,
            )
