"""Every URL of the coordination area and every coordination admin page,
discovered from the URLconf and the admin registry, against every role.

The expected answers are written out here from the rules in the README's
role table, not computed by the policy module under test. A URL or admin
page without a row here fails `test_every_coordination_url_has_a_rule`, so
nobody can add a door without saying who may pass it.
"""

from django.contrib import admin
from django.urls import reverse

from municipalities.admin import CoordinationAdminMixin
from municipalities.coordination import urls as coordination_urls
from municipalities.models import (
    Action,
    CalendarToken,
    Decision,
    FocusAreaStatus,
    IndicatorReport,
    Meeting,
    Membership,
    Minutes,
    ProgressEntry,
    ReportingSchedule,
)
from portal.models import AuditEvent
from tests.municipalities.conftest import client_for, drain, url_kwargs

ROLES = [
    "anonymous",
    "deactivated",
    "editor",
    "former",
    "rep_a",
    "rep_b",
    "partner",
    "partner_writer",
    "chair",
    "staff",
    "superuser",
]
LOGIN = {"anonymous": 302, "deactivated": 302, "editor": 403, "former": 403}
ALL_IN = {"rep_a", "rep_b", "partner", "partner_writer", "chair", "staff", "superuser"}


def answers(default=200, **overrides):
    """200 (or `default`) for everyone inside, with the shut-out roles fixed
    and per-role exceptions."""
    table = dict(LOGIN)
    for role in ALL_IN:
        table[role] = overrides.get(role, default)
    return table


# In group "operativ": rep_a (member, municipality A, author of the entry),
# partner (read-only), partner_writer, chair (municipality C). rep_b sits
# only in another group. staff = Programledning.
GROUP_READ = answers(rep_b=404)
GROUP_WRITE = answers(rep_b=404, partner=403)
CHAIR_ONLY = answers(rep_b=404, partner=403, partner_writer=403, rep_a=403)
ENTRY_READ = answers(rep_b=404)
ENTRY_WRITE = answers(rep_b=404, partner=403, partner_writer=403, chair=403)
REPRESENTATIVES = answers(partner=403, partner_writer=403)
# Adopting a record: the group's chair and programme staff.
ADOPT = answers(302, rep_b=404, partner=403, partner_writer=403, rep_a=403)

RULES = {
    "dashboard": ("get", answers()),
    "group": ("get", GROUP_READ),
    "meeting-create": ("get", CHAIR_ONLY),
    "meeting-edit": ("get", CHAIR_ONLY),
    "meeting-delete": ("get", CHAIR_ONLY),
    "decision-create": ("get", GROUP_WRITE),
    "decision-edit": ("get", GROUP_WRITE),
    "action-create": ("get", GROUP_WRITE),
    "action-edit": ("get", GROUP_WRITE),
    # Minutes: written by the chair (and secretary) and staff, read by all.
    "minutes": ("get", GROUP_READ),
    "minutes-edit": ("get", CHAIR_ONLY),
    "minutes-adopt": ("post", ADOPT),
    "minutes-correct": ("get", CHAIR_ONLY),
    "reporting-schedule": ("get", CHAIR_ONLY),
    "calendar-link": ("post", answers(302, rep_b=404)),
    # The token stands in for a login: each role fetches with its own link.
    "group-ics": (
        "get",
        answers(rep_b=404) | dict.fromkeys(LOGIN, 404),  # a dead link is a 404
    ),
    "entries": ("get", answers()),
    "entry-create": ("get", answers(partner=403)),
    "entry-feed": ("get", answers()),
    "entry-detail": ("get", ENTRY_READ),
    "entry-edit": ("get", ENTRY_WRITE),
    "entry-delete": ("get", ENTRY_WRITE),
    "entry-history": ("get", ENTRY_READ),
    "entry-adopt": ("post", ADOPT),
    # A correction of rep_a's adopted entry: its own municipality and staff.
    "entry-correct": ("get", ENTRY_WRITE),
    "attachment": ("get", ENTRY_READ),
    "status-list": ("get", REPRESENTATIVES),
    "status-edit": ("get", answers(403, rep_a=200, staff=200, superuser=200)),
    "indicators": ("get", answers()),
    "indicator-form": ("get", REPRESENTATIVES),
    "comparison": ("get", answers(403, staff=200, superuser=200)),
    "report": ("get", answers()),
    "export-entries": ("get", answers()),
    "export-statuses": ("get", answers()),
    "export-indicators": ("get", answers()),
}


def test_every_coordination_url_has_a_rule():
    names = {pattern.name for pattern in coordination_urls.urlpatterns}

    assert names == set(RULES)
    assert all(set(table) == set(ROLES) for _method, table in RULES.values())


def test_every_coordination_url_answers_each_role_as_the_rules_say(world, targets):
    wrong = []
    denials_expected = 0
    for role in ROLES:
        client = client_for(world, role)
        for name, (method, table) in RULES.items():
            url = reverse(f"samordning:{name}", kwargs=url_kwargs(name, targets, role))
            response = drain(getattr(client, method)(url))
            expected = table[role]
            if response.status_code != expected:
                wrong.append((role, name, response.status_code, expected))
            if expected == 302 and method == "get":
                assert response.url.startswith("/logga-in/"), (role, name)
            if expected in (403, 404):
                denials_expected += 1
    assert wrong == []
    # Every refusal the policy decided is in the audit log, without a token.
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED)
    assert denied.count() == denials_expected
    tokens = set(targets["tokens"].values()) | set(
        CalendarToken.objects.values_list("token", flat=True)
    )
    for event in AuditEvent.objects.all():
        assert not any(token in event.path + event.object_id for token in tokens)


COORDINATION_ADMIN_MODELS = {
    Membership,
    FocusAreaStatus,
    ProgressEntry,
    Meeting,
    Decision,
    Action,
    IndicatorReport,
    Minutes,
    ReportingSchedule,
}
ADMIN_PAGES = ["changelist", "add", "change", "history", "delete"]
NOT_STAFF = {"anonymous", "deactivated", "former", "rep_a", "rep_b", "partner"}
NOT_STAFF |= {"partner_writer", "chair"}


def admin_expected(role, page, model=None):
    if role in NOT_STAFF:
        return 302  # to the admin's login page
    if role == "editor":
        return 403
    if role == "staff":  # Programledning: read-only
        return 200 if page in ("changelist", "change", "history") else 403
    if model is Minutes and page == "add":
        return 403  # minutes are numbered and written in the area
    return 200


def test_coordination_admin_is_discovered_and_covered():
    covered = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, CoordinationAdminMixin)
    }
    coordination_apps_models = {
        model
        for model in admin.site._registry
        if model._meta.app_label == "municipalities"
        # Invitations follow Django's permissions: Programledning may add them.
        and model._meta.model_name
        not in {"municipality", "organisation", "workinggroup", "invitation"}
    }

    assert covered == COORDINATION_ADMIN_MODELS
    assert coordination_apps_models == COORDINATION_ADMIN_MODELS


def test_every_coordination_admin_page_answers_each_role(world, targets):
    objects = {
        Membership: targets["membership"],
        FocusAreaStatus: targets["status"],
        ProgressEntry: targets["entry"],
        Meeting: targets["meeting"],
        Decision: targets["decision"],
        Action: targets["action"],
        IndicatorReport: targets["report"],
        Minutes: targets["minutes"],
        ReportingSchedule: targets["schedule"],
    }
    wrong = []
    for role in ROLES:
        client = client_for(world, role)
        for model, obj in objects.items():
            info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            for page in ADMIN_PAGES:
                args = [] if page in ("changelist", "add") else [obj.pk]
                response = client.get(reverse(f"{info}_{page}", args=args))
                if response.status_code != admin_expected(role, page, model):
                    wrong.append((role, model.__name__, page, response.status_code))
    assert wrong == []


def test_admin_reads_of_coordination_data_are_audited(world, targets):
    client = client_for(world, "staff")
    entry = targets["entry"]

    client.get(reverse("admin:municipalities_progressentry_changelist"))
    client.get(reverse("admin:municipalities_progressentry_change", args=[entry.pk]))

    views = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="municipalities.ProgressEntry"
    )
    assert sorted(views.values_list("object_id", flat=True)) == sorted(
        ["admin-list", str(entry.pk)]
    )
    assert set(views.values_list("actor", flat=True)) == {world["users"]["staff"].pk}


def test_admin_write_by_superuser_is_audited(world, targets):
    client = client_for(world, "superuser")
    decision = targets["decision"]

    response = client.post(
        reverse("admin:municipalities_decision_delete", args=[decision.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE,
        object_type="municipalities.Decision",
        object_id=str(decision.pk),
    ).exists()


def test_editor_changing_a_working_group_never_sees_its_members(world):
    client = client_for(world, "editor")
    url = reverse("admin:municipalities_workinggroup_change", args=[world["group"].pk])

    page = client.get(url)

    assert page.status_code == 200
    assert world["users"]["rep_a"].email not in page.content.decode()
    assert "membership" not in page.content.decode()
