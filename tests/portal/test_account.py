"""Mitt konto (/konto/): the account's own settings, today the opt-out from
reporting reminders (tests/municipalities/test_reminders.py shows the worker
honouring it)."""

from portal.models import AuditEvent
from tests import factories


def test_account_page_sets_the_opt_out_and_is_for_the_signed_in(db, client):
    user = factories.participant()

    assert client.get("/konto/").url.startswith("/logga-in/")
    client.force_login(user)
    page = client.get("/konto/")
    saved = client.post("/konto/", {"reminders_opt_out": "on"})
    user.refresh_from_db()

    assert page.status_code == 200
    body = page.content.decode()
    assert "Påminnelser" in body
    assert 'name="reminders_opt_out"' in body
    assert "/konto/losenord/" in body
    assert saved.status_code == 302
    assert user.reminders_opt_out is True
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, actor=user, object_type="portal.User"
    ).exists()
    client.post("/konto/", {})  # the box unticked sends nothing
    user.refresh_from_db()
    assert user.reminders_opt_out is False
