"""The end of the mandate: programme staff close it in the admin; from then
on every coordination write answers 403 with a Swedish explanation (every
POST of the area, found in the URLconf; every coordination page of the
admin, found in its registry; every service; the invitation page), the
archive package is built by the worker and its checksums verify, and the
public site says the mandate has ended."""

import datetime
import hashlib
import inspect
import io
import json
import zipfile

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from municipalities.admin import ClosedMandateAdminMixin
from municipalities.coordination import archive, policies, services
from municipalities.coordination import urls as coordination_urls
from municipalities.coordination.invitations import (
    invitation_mail_send,
    invitation_token,
)
from municipalities.models import (
    Action,
    Decision,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    Invitation,
    MandateArchive,
    Meeting,
    Membership,
    Minutes,
    ProgressEntry,
    ReportingSchedule,
)
from portal.models import AuditEvent
from programme import closure
from programme.models import Mandate
from tests import factories
from tests.municipalities.conftest import client_for, drain, url_kwargs
from tests.tasks import run_queued_tasks

CLOSED_TEXT = "Uppdraget är avslutat sedan"
NOTICE_TEXT = "är avslutat sedan"
COORDINATION_MODELS = [
    Meeting,
    Decision,
    Action,
    ProgressEntry,
    EntryAttachment,
    FocusAreaStatus,
    IndicatorReport,
    Membership,
    Invitation,
    Minutes,
    ReportingSchedule,
]


def mandate_of(world):
    return world["group"].mandate


def close(world, *, by="staff"):
    return services.mandate_close(actor=world["users"][by], mandate=mandate_of(world))


def snapshot():
    """Every coordination row, to show that a refused write changed nothing."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values()))
        for model in COORDINATION_MODELS
    }


def refused_with_explanation(response):
    return response.status_code == 403 and CLOSED_TEXT in response.content.decode()


def area_urls(targets, role):
    """Every URL of the coordination area, found in its URLconf. Some
    targets are made on demand (a meeting with a fresh draft), so the URLs
    are resolved before a snapshot is taken."""
    return {
        pattern.name: reverse(
            f"samordning:{pattern.name}",
            kwargs=url_kwargs(pattern.name, targets, role),
        )
        for pattern in coordination_urls.urlpatterns
    }


def post_everywhere(client, targets, role, *, undo=False, urls=None):
    """POST (empty) to every URL of the coordination area; with `undo`, each
    POST's writes are rolled back before the next."""
    answers = {}
    for name, url in (urls or area_urls(targets, role)).items():
        with transaction.atomic():
            answers[name] = drain(client.post(url, {}))
            transaction.set_rollback(undo)
    return answers


# --- the lock -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "rep_a", "chair", "partner_writer"])
def test_every_post_in_the_area_answers_403_with_the_explanation_once_closed(
    world, targets, role
):
    client = client_for(world, role)
    # Before the closing: what each URL does with a POST, undone afterwards.
    before = {
        name: response.status_code
        for name, response in post_everywhere(client, targets, role, undo=True).items()
    }
    # The member could write before: their write URLs took the POST.
    writable = {
        "staff": {"meeting-create", "decision-create", "entry-create", "status-edit"},
        "rep_a": {"decision-create", "entry-create", "entry-edit", "status-edit"},
        "chair": {"meeting-create", "meeting-edit", "decision-create"},
        "partner_writer": {"decision-create", "action-create", "entry-create"},
    }[role]
    # (An empty form is invalid: 400, not a refusal.)
    assert {name: before[name] for name in writable} == dict.fromkeys(writable, 400)
    close(world)
    urls = area_urls(targets, role)
    rows = snapshot()

    after = post_everywhere(client, targets, role, urls=urls)

    wrong = {
        name: response.status_code
        for name, response in after.items()
        if not (
            # Only a URL that never took a POST may still refuse it as such.
            (before[name] == 405 and response.status_code == 405)
            or refused_with_explanation(response)
        )
    }
    assert wrong == {}
    assert sum(refused_with_explanation(r) for r in after.values()) >= 25
    assert snapshot() == rows


def test_read_pages_stay_open_and_write_buttons_go(world, targets):
    close(world)
    client = client_for(world, "rep_a")

    for name in [
        "dashboard",
        "group",
        "entries",
        "entry-detail",
        "entry-history",
        "indicators",
        "status-list",
        "export-entries",
    ]:
        url = reverse(f"samordning:{name}", kwargs=url_kwargs(name, targets, "rep_a"))
        assert drain(client.get(url)).status_code == 200, name
    group_page = client.get(reverse("samordning:group", args=["operativ"]))
    assert "Nytt beslut" not in group_page.content.decode()
    # A form page says why it is closed, instead of a bare refusal.
    assert refused_with_explanation(client.get(reverse("samordning:entry-create")))


def test_a_write_that_sees_the_mandate_closed_in_the_database_is_refused(world):
    """The services read the database, not the cache: a stale cache (another
    server's, say) lets no write through."""
    close(world)
    closure.cache.set(closure.CACHE_KEY, closure.OPEN)
    decisions = Decision.objects.count()

    with pytest.raises(policies.MandateClosed):
        services.decision_save(
            actor=world["users"]["rep_a"],
            group=world["group"],
            decision=Decision(text="Efter avslutet"),
        )

    assert Decision.objects.count() == decisions


def test_every_write_service_refuses_once_closed(world):
    close(world)
    functions = {
        name: function
        for name, function in vars(services).items()
        if inspect.isfunction(function)
        and function.__module__ == services.__name__
        and not name.startswith("_")
    }
    own = {"mandate_close", "archive_order", "archive_may_be_ordered"}
    writes = {name: function for name, function in functions.items() if name not in own}
    assert len(writes) >= 12
    assert [
        name
        for name, function in writes.items()
        if not getattr(function, "is_coordination_write", False)
    ] == []
    for function in writes.values():
        arguments = dict.fromkeys(inspect.signature(function).parameters)
        with pytest.raises(policies.MandateClosed):
            function(**arguments)


def coordination_admin_pages(targets, world):
    objects = {
        Meeting: targets["meeting"],
        Decision: targets["decision"],
        Action: targets["action"],
        ProgressEntry: targets["entry"],
        FocusAreaStatus: targets["status"],
        IndicatorReport: targets["report"],
        Membership: targets["membership"],
        Invitation: factories.InvitationFactory(group=world["group"]),
        Minutes: targets["minutes"],
        ReportingSchedule: targets["schedule"],
    }
    admins = [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ClosedMandateAdminMixin)
    ]
    assert set(admins) == set(objects)
    for model in admins:
        info = model._meta.app_label, model._meta.model_name
        obj = objects[model]
        yield f"admin:{info[0]}_{info[1]}_add", []
        yield f"admin:{info[0]}_{info[1]}_change", [obj.pk]
        yield f"admin:{info[0]}_{info[1]}_delete", [obj.pk]
        yield f"admin:{info[0]}_{info[1]}_changelist", []


def test_the_admin_refuses_every_coordination_write_once_closed(world, targets):
    pages = list(coordination_admin_pages(targets, world))
    close(world)
    rows = snapshot()
    client = client_for(world, "superuser")

    answers = {
        (name, *args): client.post(
            reverse(name, args=args),
            {"action": "delete_selected", "_selected_action": ["1"], "post": "yes"},
        )
        for name, args in pages
    }

    assert {
        key: response.status_code
        for key, response in answers.items()
        if not refused_with_explanation(response)
    } == {}
    assert snapshot() == rows
    # Reading stays: the change page shows the row without a save button.
    page = client.get(
        reverse("admin:municipalities_meeting_change", args=[targets["meeting"].pk])
    )
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_the_invitation_link_answers_403_with_the_explanation_once_closed(
    world, client
):
    invitation = factories.InvitationFactory(
        group=world["group"], municipality=world["town_a"]
    )
    url = reverse("invitation-accept", args=[invitation_token(invitation)])
    assert client.get(url).status_code == 200
    close(world)

    assert refused_with_explanation(client.get(url))
    assert refused_with_explanation(
        client.post(
            url,
            {
                "first_name": "Ny",
                "last_name": "Person",
                "new_password1": "ett-langt-losenord-42",
                "new_password2": "ett-langt-losenord-42",
            },
        )
    )
    assert not Invitation.objects.get().accepted_at
    assert invitation_mail_send.call(invitation.pk) == "closed"


# --- who closes, and only once --------------------------------------------------


@pytest.fixture
def coordinator_without_permission(world):
    user = factories.UserFactory(email="samordnare@example.se", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="municipalities", codename="coordinate"
        )
    )
    return user


def admin_urls(world):
    mandate = mandate_of(world)
    return {
        "close": reverse("admin:programme_mandate_close", args=[mandate.pk]),
        "archive": reverse("admin:programme_mandate_archive", args=[mandate.pk]),
    }


def test_programledning_holds_the_permission_from_the_migration(db):
    lead = Group.objects.get(name=policies.PROGRAMME_LEAD_GROUP)

    assert set(
        lead.permissions.filter(
            codename__in=["close_mandate", "view_purgerecord"]
        ).values_list("codename", flat=True)
    ) == {"close_mandate", "view_purgerecord"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_staff_with_the_permission_may_close(
    world, coordinator_without_permission, method
):
    from django.test import Client

    expected = {
        "anonymous": 302,
        "rep_a": 302,  # not staff: the admin's sign-in
        "partner": 302,
        "editor": 403,  # edits the mandate's texts, may not close it
        "coordinator_without_permission": 403,
    }
    for role, status in expected.items():
        if role == "coordinator_without_permission":
            client = Client()
            client.force_login(coordinator_without_permission)
        else:
            client = client_for(world, role)
        for url in admin_urls(world).values():
            response = getattr(client, method)(url, {"confirm": "yes"})
            assert response.status_code == status, (role, url)
            if status == 302:
                assert response.url.startswith("/admin/login/")
    assert Mandate.objects.get().closed_at is None
    assert not MandateArchive.objects.exists()


def test_closing_in_the_admin_after_confirmation(
    world, settings, django_capture_on_commit_callbacks
):
    settings.MANDATE_RETENTION_DAYS_ATTACHMENTS = 30
    settings.MANDATE_RETENTION_DAYS_PERSONAL_DATA = 90
    staff = world["users"]["staff"]
    client = client_for(world, "staff")
    urls = admin_urls(world)
    change = reverse("admin:programme_mandate_change", args=[mandate_of(world).pk])
    assert urls["close"] in client.get(change).content.decode()

    page = client.get(urls["close"])
    assert page.status_code == 200
    assert "inte går att ångra" in page.content.decode()
    unconfirmed = client.post(urls["close"], {})
    assert unconfirmed.status_code == 400
    assert Mandate.objects.get().closed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls["close"], {"confirm": "yes"})

    assert response.status_code == 302
    assert response.url == urls["archive"]
    mandate = Mandate.objects.get()
    today = timezone.localdate()
    assert (
        mandate.closed_by,
        mandate.attachments_delete_on,
        mandate.personal_data_delete_on,
    ) == (
        staff,
        today + datetime.timedelta(days=30),
        today + datetime.timedelta(days=90),
    )
    assert AuditEvent.objects.filter(
        action="update", object_type="programme.Mandate", actor=staff
    ).exists()
    assert DBTaskResult.objects.filter(task_path__endswith="archive_build").count() == 1
    assert policies.area_closed() is not None


def test_closing_twice_is_refused_clearly(world):
    close(world)
    closed_at = Mandate.objects.get().closed_at
    client = client_for(world, "superuser")

    response = client.post(admin_urls(world)["close"], {"confirm": "yes"})

    assert response.status_code == 409
    assert "redan avslutat" in response.content.decode()
    assert Mandate.objects.get().closed_at == closed_at
    assert MandateArchive.objects.count() == 1


def test_a_period_of_zero_sets_no_deletion_date(world, settings):
    settings.MANDATE_RETENTION_DAYS_ATTACHMENTS = 0
    settings.MANDATE_RETENTION_DAYS_PERSONAL_DATA = 0

    close(world)

    mandate = Mandate.objects.get()
    assert (mandate.attachments_delete_on, mandate.personal_data_delete_on) == (
        None,
        None,
    )


# --- the archive package --------------------------------------------------------


@pytest.fixture
def record(world, targets):
    """What the package must carry: minutes, a decision, an action, a small
    count that must not appear exactly."""
    meeting = targets["meeting"]
    meeting.agenda = "Punkt 1: läget."
    meeting.save()
    Minutes.objects.filter(pk=targets["minutes"].pk).update(
        text="Gruppen enades om en gemensam rutin."
    )
    Decision.objects.filter(pk=targets["decision"].pk).update(
        meeting=meeting, text="Rutinen gäller från juni."
    )
    IndicatorReport.objects.filter(pk=targets["report"].pk).update(
        inquiries=3, period_start=datetime.date(2024, 5, 1)
    )
    factories.IndicatorReportFactory(
        municipality=world["town_b"], period_start=datetime.date(2024, 5, 1)
    )
    mandate = mandate_of(world)
    mandate.start_date = datetime.date(2024, 1, 1)
    mandate.save()
    return targets


def build_archive(world):
    close(world)
    assert run_queued_tasks() == 0  # queued only when the closing commits
    archive.archive_build.call(MandateArchive.objects.get().pk)
    return MandateArchive.objects.get()


def download(client, world, package):
    url = reverse(
        "admin:programme_mandate_archive_download",
        args=[mandate_of(world).pk, package.pk],
    )
    return drain(client.get(url))


def test_the_package_is_built_by_the_worker_and_its_checksums_verify(
    world, record, django_capture_on_commit_callbacks
):
    client = client_for(world, "staff")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(admin_urls(world)["close"], {"confirm": "yes"})
    assert run_queued_tasks() == 1
    package = MandateArchive.objects.get()
    assert (package.status, package.progress) == ("done", 100)

    url = reverse(
        "admin:programme_mandate_archive_download",
        args=[mandate_of(world).pk, package.pk],
    )
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == package.sha256
    assert len(data) == package.size
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        listed = {entry["name"]: entry for entry in manifest["files"]}
        assert set(zipped.namelist()) == {"manifest.json", *listed}
        for name, entry in listed.items():
            content = zipped.read(name)
            assert hashlib.sha256(content).hexdigest() == entry["sha256"], name
            assert len(content) == entry["size"], name
        files = {name: zipped.read(name) for name in listed}
    assert {
        "slutrapport.pdf",
        "beslut.csv",
        "atgarder.csv",
        "lage.csv",
        "indikatorer.csv",
        "LASMIG.txt",
    } <= set(files)
    assert manifest["indicator_counts"] == "suppressed"
    assert AuditEvent.objects.filter(
        action="download", object_type="municipalities.MandateArchive"
    ).exists()
    assert archive.verify(data) == []


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_builds_the_package(world, private_media):
    """As in production: the closing commits, `manage.py db_worker` picks
    the task up and writes the package."""
    close(world, by="superuser")

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    package = MandateArchive.objects.get()
    assert package.status == "done", package.error
    with package.file.open("rb") as stored:
        assert archive.verify(stored.read()) == []


def test_a_changed_file_fails_verification(world, record, private_media):
    package = build_archive(world)
    with package.file.open("rb") as stored:
        data = stored.read()
    changed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(changed, "w") as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "beslut.csv":
                content += b"Ett beslut till;\r\n"
            target.writestr(item, content)

    assert archive.verify(data) == []
    assert archive.verify(changed.getvalue()) == ["beslut.csv"]


def test_the_package_holds_the_record_with_small_counts_suppressed(
    world, record, private_media
):
    package = build_archive(world)
    with package.file.open("rb") as stored, zipfile.ZipFile(stored) as zipped:
        files = {name: zipped.read(name) for name in zipped.namelist()}

    meeting = record["meeting"]
    minutes = [
        name
        for name in files
        if name.startswith("protokoll/operativ/")
        and name.endswith(f"-{meeting.pk}.txt")
    ]
    assert len(minutes) == 1
    # Every meeting of the group has its file (the other holds adopted minutes).
    assert len([name for name in files if name.startswith("protokoll/operativ/")]) == 2
    text = files[minutes[0]].decode()
    assert "Gruppen enades om en gemensam rutin." in text
    assert "Rutinen gäller från juni." in text
    assert "Rutinen gäller från juni." in files["beslut.csv"].decode("utf-8-sig")
    indicators = files["indikatorer.csv"].decode("utf-8-sig").splitlines()
    town_a = next(line for line in indicators if ";Kommun A;" in line)
    assert town_a.split(";")[3] == "färre än 5"
    reader = PdfReader(io.BytesIO(files["slutrapport.pdf"]))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert (
        'pdfaid:part="3"'
        in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    )
    assert reader.metadata.title == f"Slutrapport: {mandate_of(world).title}"


def test_only_staff_with_the_permission_may_download(
    world, record, private_media, coordinator_without_permission
):
    from django.test import Client

    package = build_archive(world)
    other = Client()
    other.force_login(coordinator_without_permission)

    assert download(client_for(world, "anonymous"), world, package).status_code == 302
    assert download(client_for(world, "rep_a"), world, package).status_code == 302
    assert download(client_for(world, "editor"), world, package).status_code == 403
    assert download(other, world, package).status_code == 403
    assert download(client_for(world, "superuser"), world, package).status_code == 200


def test_a_failed_package_can_be_ordered_again(world, private_media):
    close(world, by="staff")
    lead = Group.objects.get(name=policies.PROGRAMME_LEAD_GROUP)
    world["users"]["staff"].groups.remove(lead)
    archive.archive_build.call(MandateArchive.objects.get().pk)
    failed = MandateArchive.objects.get()
    assert failed.status == "failed"
    assert "behörighet" in failed.error
    client = client_for(world, "superuser")
    page = client.get(admin_urls(world)["archive"])
    assert "Skapa ett nytt arkivpaket" in page.content.decode()

    client.post(admin_urls(world)["archive"])
    archive.archive_build.call(MandateArchive.objects.first().pk)

    assert list(MandateArchive.objects.values_list("status", flat=True)) == [
        "done",
        "failed",
    ]
    # A done package is not ordered again.
    assert client.post(admin_urls(world)["archive"]).status_code == 302
    assert MandateArchive.objects.count() == 2


# --- the public notice ----------------------------------------------------------


def test_the_public_site_says_the_mandate_has_ended(world, client):
    for url in ["/", "/nyheter/", "/kommuner/"]:
        assert NOTICE_TEXT not in client.get(url).content.decode(), url
    close(world)

    for url in ["/", "/nyheter/", "/kommuner/", "/uppdraget/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTICE_TEXT in response.content.decode(), url


def test_the_notice_costs_no_query(world, client):
    def queries(url):
        client.get(url)  # the cache is filled on the first page at the latest
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    open_count = queries("/kommuner/")
    close(world)

    assert queries("/kommuner/") == open_count
    with CaptureQueriesContext(connection) as captured:
        assert NOTICE_TEXT in client.get("/kommuner/").content.decode()
    assert len(captured) == open_count
