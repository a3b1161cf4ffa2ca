"""The operational settings: timeouts, the database backend, error reporting."""

from tests.portal.test_settings import run_settings

PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://app:pw@db.example.se:5432/portal",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.se:587",
}


def settings_value(expression, **environment):
    result = run_settings({**PRODUCTION, **environment}, expression)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_fails_fast_and_checks_kept_connections():
    value = settings_value(
        "(settings.DATABASES['default']['ENGINE'], "
        "settings.DATABASES['default']['OPTIONS']['connect_timeout'], "
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )

    assert value == repr(("portal.postgresql", 2, True))


def test_database_connect_timeout_is_configurable():
    value = settings_value(
        "settings.DATABASES['default']['OPTIONS']['connect_timeout']",
        DB_CONNECT_TIMEOUT="4",
    )

    assert value == "4"


def test_mail_has_a_timeout_by_default_and_it_is_configurable():
    default = settings_value("settings.MAILERS['default']['OPTIONS']['timeout']")
    chosen = settings_value(
        "settings.MAILERS['default']['OPTIONS']['timeout']", EMAIL_TIMEOUT="3"
    )

    assert (default, chosen) == ("10", "3")


def test_cache_socket_timeout_is_configurable_and_the_url_wins():
    chosen = settings_value(
        "settings.CACHES['default']['OPTIONS']",
        CACHE_URL="redis://127.0.0.1:6379/1",
        CACHE_SOCKET_TIMEOUT="0.5",
    )
    from_url = settings_value(
        "settings.CACHES['default']['OPTIONS']['socket_timeout']",
        CACHE_URL="redis://127.0.0.1:6379/1?socket_timeout=3",
    )

    assert chosen == repr({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    assert from_url == "3"


def test_sentry_reports_only_with_a_dsn_and_without_personal_data():
    off = settings_value("__import__('sentry_sdk').get_client().is_active()")
    on = settings_value(
        "(lambda o: (o['send_default_pii'], o['include_local_variables'], "
        "o['max_request_body_size'], o['environment'], "
        "o['before_send'].__name__))"
        "(__import__('sentry_sdk').get_client().options)",
        SENTRY_DSN="https://public@errors.example.se/1",
        SENTRY_ENVIRONMENT="test",
    )

    assert off == "False"
    assert on == repr((False, False, "never", "test", "sentry_before_send"))


def test_readiness_task_wait_is_configurable():
    value = settings_value(
        "settings.READYZ_MAX_TASK_WAIT_SECONDS", READYZ_MAX_TASK_WAIT_SECONDS="120"
    )

    assert value == "120"
