"""Fixtures shared by the whole suite."""

import multiprocessing

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

import portal.pdf
from tests import factories
from tests.municipalities.conftest import private_media, world  # noqa: F401


def pytest_configure(config):
    """Hash test passwords with a fast hasher: Argon2 costs ~50 ms per user,
    and a test that signs in never needs the production cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client builds a fresh middleware chain per client, and
    # WhiteNoise then rescans the ~300 collected static files each time
    # (~60 ms, a sixth of the suite). In autorefresh mode it looks a file
    # up when asked instead; the responses and headers are the same.
    settings.WHITENOISE_AUTOREFRESH = True


_password_only_login = Client.force_login


def _force_login_with_second_step(self, user, backend=None):
    """`client.force_login(user)` signs in fully: password and second step,
    as every real sign-in ends. Tests of the second step itself use
    `password_only_login`."""
    _password_only_login(self, user, backend)
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="test-second-step", defaults={"confirmed": True}
    )
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


Client.force_login = _force_login_with_second_step


@pytest.fixture
def password_only_login():
    """Sign a test client in with the password step only."""

    def _login(client, user):
        _password_only_login(client, user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts live in the cache: each test starts from none."""
    cache.clear()


@pytest.fixture
def without_page_cache(settings):
    """Every page rendered afresh, for tests that count a page's own queries:
    the page cache (portal/public_cache.py) answers a repeated anonymous
    request without any, and the first page it stores for a content version
    adds the queries that find the next scheduled change."""
    settings.PUBLIC_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _swedish_to_begin_with():
    """Every test starts in the site's language. A request with the English
    cookie activates English in the thread and nothing resets it until the
    next request, so without this a message's language would depend on
    which test ran before on the same worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """Test on an SQLite file, not in memory. Django's threaded live server
    hands an in-memory database's one connection to every request thread,
    and SQLite connections are not safe to share: concurrent requests then
    fail with "cannot start a transaction within a transaction". With a file
    each thread opens its own connection, as in development and production."""
    for db in settings.DATABASES.values():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db.setdefault("TEST", {})["NAME"] = str(
                tmp_path_factory.mktemp("db") / "test.sqlite3"
            )


@pytest.fixture
def without_pango(tmp_path):
    """A folder holding a `weasyprint` that fails to import as it does
    without Pango."""
    package = tmp_path / "broken" / "weasyprint"
    package.mkdir(parents=True)
    message = (
        "cannot load library 'libpango-1.0-0': "
        "libpango-1.0-0: cannot open shared object file: No such file or directory"
    )
    (package / "__init__.py").write_text(f"raise OSError({message!r})\n")
    return package.parent


@pytest.fixture
def pdf_child_without_pango(monkeypatch, without_pango):
    """Render PDFs in freshly started children that see the broken package.

    The test process's fork server is already running with the real
    WeasyPrint loaded, so children are spawned instead; they import
    portal.pdf_render afresh, with this process's import path."""
    monkeypatch.setattr(portal.pdf, "_context", multiprocessing.get_context("spawn"))
    monkeypatch.syspath_prepend(str(without_pango))
