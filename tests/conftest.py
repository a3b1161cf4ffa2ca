"""Fixtures shared by the whole suite."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from tests import factories
from tests.samordning.conftest import private_media, world  # noqa: F401


def pytest_configure(config):
    """Hash test passwords with a fast hasher: Argon2 costs ~50 ms per user,
    and a test that signs in never needs the production cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(db):
    user = factories.UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
