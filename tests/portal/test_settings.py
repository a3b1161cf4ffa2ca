"""Settings come from the environment; production refuses to start unsafely."""

import contextlib
import io
import os
import runpy
import subprocess
import sys
import traceback
import types
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a
# deployment never has it, so the child processes must not inherit it.
NOT_INHERITED = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "HTTPS", "EMAIL_URL"}


def run_settings(env_overrides, expression):
    """Read the settings under an environment and print an expression.

    The settings module is executed afresh with only that environment, in
    this process when the expression reads nothing but `settings` (about a
    second faster per call: no interpreter start, no Django import), and in
    a fresh interpreter after `django.setup()` when it looks at anything
    else or when the settings would initialise a process-wide library
    (Sentry), so that the test process is never changed. The answer has the
    shape of a finished process either way: returncode, stdout, stderr.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "HTTPS"}
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    if "__import__" in expression or env.get("SENTRY_DSN"):
        return _settings_in_a_fresh_interpreter(env, expression)
    return _settings_in_this_process(env, expression)


def _settings_in_this_process(env, expression):
    stdout = io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        try:
            namespace = runpy.run_path(str(ROOT / "portal" / "settings.py"))
            with contextlib.redirect_stdout(stdout):
                eval(  # noqa: S307 - the tests' own expressions
                    f"print({expression})",
                    {"settings": types.SimpleNamespace(**namespace)},
                )
        except Exception:  # reported as a failed process would be
            return subprocess.CompletedProcess(
                args=expression,
                returncode=1,
                stdout=stdout.getvalue(),
                stderr=traceback.format_exc(),
            )
    return subprocess.CompletedProcess(
        args=expression, returncode=0, stdout=stdout.getvalue(), stderr=""
    )


def _settings_in_a_fresh_interpreter(env, expression):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; "
            f"print({expression})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_debug_off_without_secret_key_refuses_to_start():
    result = run_settings({"DEBUG": "false"}, "settings.DEBUG")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_debug_is_off_by_default():
    result = run_settings({"SECRET_KEY": "x" * 50}, "settings.DEBUG")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_settings_read_from_environment():
    result = run_settings(
        {
            "SECRET_KEY": "s3cret-from-env",
            "ALLOWED_HOSTS": "portal.example.se,www.portal.example.se",
            "DATABASE_URL": "postgres://app:pw@db.example.se:5433/portal",
            "CACHE_URL": "redis://127.0.0.1:6379/2",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.se:587",
            "MEDIA_ROOT": "/srv/portal/media",
            "STATIC_ROOT": "/srv/portal/static",
            "SITE_URL": "https://portal.example.se/",
        },
        "(settings.SECRET_KEY, settings.ALLOWED_HOSTS, "
        "settings.DATABASES['default']['HOST'], settings.DATABASES['default']['PORT'],"
        " settings.CACHES['default']['BACKEND'], "
        "settings.MAILERS['default']['OPTIONS']['host'], "
        "settings.MAILERS['default']['OPTIONS']['use_tls'], str(settings.MEDIA_ROOT),"
        " str(settings.STATIC_ROOT), settings.SITE_URL, settings.SECURE_HSTS_SECONDS)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (
            "s3cret-from-env",
            ["portal.example.se", "www.portal.example.se"],
            "db.example.se",
            5433,
            "django.core.cache.backends.redis.RedisCache",
            "smtp.example.se",
            True,
            "/srv/portal/media",
            "/srv/portal/static",
            "https://portal.example.se",
            31536000,
        )
    )


def test_settings_upload_and_pdf_limits_read_from_environment():
    result = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "IMAGE_MAX_PIXELS": "12000000",
            "IMAGE_MAX_SIDE": "6000",
            "PDF_TIMEOUT_SECONDS": "12.5",
            "PDF_MAX_INPUT_CHARS": "500000",
            "PDF_MAX_OUTPUT_MB": "10",
            "PDF_MAX_MEMORY_MB": "512",
        },
        "(settings.IMAGE_MAX_PIXELS, settings.IMAGE_MAX_SIDE, "
        "settings.PDF_TIMEOUT_SECONDS, settings.PDF_MAX_INPUT_CHARS, "
        "settings.PDF_MAX_OUTPUT_BYTES, settings.PDF_MAX_MEMORY_BYTES, "
        "__import__('PIL.Image').Image.MAX_IMAGE_PIXELS)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (12_000_000, 6000, 12.5, 500_000, 10 * 2**20, 512 * 2**20, 12_000_000)
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("IMAGE_MAX_PIXELS", "0"),
        ("PDF_TIMEOUT_SECONDS", "-1"),
        ("PDF_MAX_OUTPUT_MB", "0"),
    ],
)
def test_settings_limits_must_be_positive(name, value):
    result = run_settings({"SECRET_KEY": "x" * 50, name: value}, "1")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be a positive number." in result.stderr


def test_settings_default_database_is_sqlite_file():
    result = run_settings(
        {"SECRET_KEY": "x" * 50},
        "(settings.DATABASES['default']['ENGINE'], "
        "settings.DATABASES['default']['NAME'])",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        ("django.db.backends.sqlite3", str(ROOT / "db.sqlite3"))
    )


@pytest.mark.django_db
def test_deploy_check_passes_with_production_environment():
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        {
            "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
            "ALLOWED_HOSTS": "portal.example.se",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.se:587",
            "SITE_URL": "https://portal.example.se",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--database",
            "default",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_language_cookie_follows_https():
    on = run_settings(
        {"SECRET_KEY": "x" * 50, "HTTPS": "true"},
        "settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SAMESITE",
    )
    off = run_settings(
        {"SECRET_KEY": "x" * 50, "HTTPS": "false"}, "settings.LANGUAGE_COOKIE_SECURE"
    )

    assert on.stdout.strip() == "True Lax", on.stderr
    assert off.stdout.strip() == "False", off.stderr


@pytest.mark.django_db
def test_language_cookie_is_what_the_cookie_page_says(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    page = client.get("/kakor/").content.decode()

    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    # The page (now in English, as chosen) states both lifetimes from settings.
    assert "365 days" in page
    assert f"{settings.CSRF_COOKIE_AGE // 86400} days" in page
