"""Every admin page answers for editors and is closed to everyone else."""

import pytest
from django.contrib import admin
from django.urls import reverse

from programme.models import NewsArticle
from tests import factories

EDITOR_ADDABLE = {
    "programme.focusarea",
    "programme.milestone",
    "programme.person",
    "programme.newsarticle",
    "programme.newsletterissue",
    "presentations.session",
    "presentations.speaker",
    "presentations.presentation",
    "municipalities.municipality",
    "municipalities.organisation",
    "municipalities.workinggroup",
}
EDITOR_VIEW_ONLY = {"programme.mandate", "programme.subscriber"}


def admin_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def admin_url(model, page):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_admin_pages_answer_editor_by_permission(editor_client, page):
    answers = {
        model._meta.label_lower: editor_client.get(admin_url(model, page)).status_code
        for model in admin_models()
    }

    open_pages = {label for label, status in answers.items() if status == 200}
    expected = (
        EDITOR_ADDABLE | EDITOR_VIEW_ONLY if page == "changelist" else EDITOR_ADDABLE
    )
    assert open_pages == expected
    assert set(answers.values()) == {200, 403}


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_admin_pages_answer_superuser(admin_client, page):
    # Task results, audit events, login records and minutes are written by the
    # application; nobody adds them by hand.
    read_only = (
        {
            "django_tasks_database.dbtaskresult",
            "portal.auditevent",
            "portal.purgerecord",
            "axes.accessattempt",
            "axes.accessfailurelog",
            "axes.accesslog",
            # Minutes are written and numbered in the coordination area.
            "municipalities.minutes",
        }
        if page == "add"
        else set()
    )
    # Second-factor devices hold secrets: closed even to superusers.
    secrets = {"otp_totp.totpdevice", "otp_static.staticdevice"}
    for model in admin_models():
        response = admin_client.get(admin_url(model, page))

        closed = read_only | secrets
        expected = 403 if model._meta.label_lower in closed else 200
        assert response.status_code == expected, model._meta.label


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["changelist", "add"])
def test_admin_pages_redirect_anonymous_to_login(client, page):
    for model in admin_models():
        url = admin_url(model, page)

        response = client.get(url)

        assert response.status_code == 302
        assert response.url == f"/admin/login/?next={url}"


@pytest.mark.django_db
def test_admin_news_changelist_query_count_does_not_grow(
    editor_client, django_assert_num_queries
):
    url = admin_url(NewsArticle, "changelist")
    factories.NewsArticleFactory.create_batch(2)
    with django_assert_num_queries(15):
        assert editor_client.get(url).status_code == 200
    factories.NewsArticleFactory.create_batch(30)
    with django_assert_num_queries(15):
        assert editor_client.get(url).status_code == 200
