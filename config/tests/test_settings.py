"""Settings come from the environment; a bad value stops start-up with a message that names the variable."""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parents[1] / "settings.py"
# What production must set when DEBUG is off; given here, so that no case leans on the developer's .env.
BASE = {"SECRET_KEY": "x" * 50, "TANDEM_NOTE_KEYS": "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg="}
# Set for the test run by pytest.ini; each case here starts from a clean production-like environment.
CLEARED = (
    "DEBUG",
    "DATABASE_URL",
    "DATABASE_JIT",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "TIME_ZONE",
    "ALLOWED_HOSTS",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "CELERY_TASK_ALWAYS_EAGER",
    "TANDEM_ADMINS",
    "SENTRY_DSN",
    "TANDEM_S3_BUCKET",
    "TANDEM_S3_ENDPOINT_URL",
    "TANDEM_S3_REGION",
    "TANDEM_S3_PREFIX",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def load(monkeypatch, tmp_path, **env: str) -> dict:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    # The developer's own .env must not colour these cases.
    env = {"TANDEM_ENV_FILE": str(tmp_path / "no.env"), **env}
    for name, value in {**BASE, "TANDEM_VAR_DIR": str(tmp_path), **env}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "mongodb://db/tandem"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://127.0.0.1:5432/"}, "DATABASE_URL must name a database"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL must be a URL starting with redis://"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE 'Mars/Olympus' is not a known time zone"),
        ({"EMAIL_BACKEND": "pigeon"}, "EMAIL_BACKEND must be one of"),
        ({"EMAIL_BACKEND": "smtp"}, "EMAIL_BACKEND=smtp needs EMAIL_HOST"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
        ({"CSRF_TRUSTED_ORIGINS": "tandem.example.org"}, "CSRF_TRUSTED_ORIGINS entries must start with http"),
        ({"CELERY_TASK_TIME_LIMIT": "10", "CELERY_TASK_SOFT_TIME_LIMIT": "20"}, "CELERY_TASK_TIME_LIMIT must be above"),
        ({"TANDEM_MIN_GROUP_SIZE": "2"}, "TANDEM_MIN_GROUP_SIZE must be at least 5"),
        ({"TANDEM_NOTE_KEYS": ""}, "TANDEM_NOTE_KEYS must be set when DEBUG is off"),
        ({"TANDEM_NOTE_KEYS": "not-a-key"}, "TANDEM_NOTE_KEYS entries must be Fernet keys"),
        # Single sign-on (issue 16)
        ({"TANDEM_OIDC_ISSUER": "login.example.org"}, "TANDEM_OIDC_ISSUER must be a URL"),
        (
            {"TANDEM_OIDC_ISSUER": "https://login.example.org"},
            "needs TANDEM_OIDC_CLIENT_ID and TANDEM_OIDC_CLIENT_SECRET",
        ),
        ({"TANDEM_PASSWORD_LOGIN": "nobody"}, "TANDEM_PASSWORD_LOGIN must be all or admins-only"),
        ({"TANDEM_PASSWORD_LOGIN": "admins-only"}, "TANDEM_PASSWORD_LOGIN=admins-only needs single sign-on"),
        ({"TANDEM_OIDC_SCOPES": "email profile"}, "TANDEM_OIDC_SCOPES must include openid"),
        # Errors reach someone (issue 21)
        ({"TANDEM_ADMINS": "Ana Admin <ana@example.org>, ops"}, "TANDEM_ADMINS must be email addresses"),
        ({"TANDEM_ADMINS": "Ana Admin <ana@example.org"}, "'Ana Admin <ana@example.org' is not one"),
        ({"SENTRY_DSN": "sentry.example.org/1"}, "SENTRY_DSN must be a URL starting with http"),
        ({"SENTRY_TRACES_SAMPLE_RATE": "10"}, "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1"),
        # Object storage (issue 21): a half-made setting must not leave uploads on one machine's disk unnoticed.
        ({"TANDEM_S3_ENDPOINT_URL": "http://minio:9000"}, "TANDEM_S3_ENDPOINT_URL is set but TANDEM_S3_BUCKET is not"),
        ({"TANDEM_S3_BUCKET": "Evidence_Files"}, "TANDEM_S3_BUCKET must be a bucket name"),
        ({"TANDEM_S3_BUCKET": "evidence", "TANDEM_S3_ENDPOINT_URL": "minio:9000"}, "TANDEM_S3_ENDPOINT_URL must be"),
        ({"TANDEM_S3_BUCKET": "evidence", "TANDEM_S3_PREFIX": "a/../b"}, "TANDEM_S3_PREFIX must be a plain folder"),
        ({"TANDEM_S3_BUCKET": "evidence", "AWS_ACCESS_KEY_ID": "AKIA1"}, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_a_bad_value_names_the_variable(monkeypatch, tmp_path, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load(monkeypatch, tmp_path, **env)


def test_default_is_sqlite_in_wal_mode_with_immediate_transactions(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path)
    db = settings["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(db["NAME"]) == tmp_path / "tandem.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["timeout"] >= 5


def test_database_url_selects_postgresql(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/tandem")
    db = settings["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "tandem"
    assert db["OPTIONS"]["options"] == "-c jit=off"  # a web page's queries never wait for the JIT compiler


def test_database_jit_can_be_turned_back_on(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/tandem", DATABASE_JIT="1")
    assert "jit" not in settings["DATABASES"]["default"].get("OPTIONS", {}).get("options", "")


def test_without_redis_celery_uses_the_filesystem_broker_under_var(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path)
    assert settings["CELERY_BROKER_URL"] == "filesystem://"
    options = settings["CELERY_BROKER_TRANSPORT_OPTIONS"]
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert os.path.isabs(options[key]) and options[key].startswith(str(tmp_path))
        assert os.path.isdir(options[key])


def test_with_redis_the_visibility_timeout_is_well_above_the_hard_time_limit(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert settings["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"
    assert settings["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] >= 2 * settings["CELERY_TASK_TIME_LIMIT"]
    assert settings["CELERY_TASK_ACKS_LATE"] is True


def test_email_defaults_to_a_file_backend_and_smtp_when_a_host_is_given(monkeypatch, tmp_path):
    assert load(monkeypatch, tmp_path)["TANDEM_EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert load(monkeypatch, tmp_path, DEBUG="1")["TANDEM_EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = load(monkeypatch, tmp_path, EMAIL_HOST="mail.example.org")
    assert smtp["TANDEM_EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert smtp["EMAIL_BACKEND"] == "core.mail_backend.CeleryEmailBackend"


def test_debug_is_off_unless_set_and_production_is_secure_by_default(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path)
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"] and settings["SECURE_SSL_REDIRECT"]
    assert settings["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert settings["USE_TZ"] is True


def test_a_dot_env_file_fills_in_what_the_environment_does_not_set(monkeypatch, tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text("# written by make\nDEBUG=1\nTIME_ZONE='Europe/Helsinki'\n")
    settings = load(monkeypatch, tmp_path, TANDEM_ENV_FILE=str(env_file), TIME_ZONE="Europe/Paris")
    assert settings["DEBUG"] is True  # from the file
    assert settings["TIME_ZONE"] == "Europe/Paris"  # the real environment wins


def test_a_garbled_dot_env_line_is_reported_with_its_line_number(monkeypatch, tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text("DEBUG=1\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match="line 2: expected KEY=VALUE"):
        load(monkeypatch, tmp_path, TANDEM_ENV_FILE=str(env_file))


def test_production_settings_read_no_test_switch(monkeypatch, tmp_path):
    """The old test switch, set by mistake on a server, changes nothing: the test suite's own changes live in
    config/settings_test.py, which no production process loads."""
    for env in ({}, {"TANDEM_TESTING": "1"}):
        settings = load(monkeypatch, tmp_path, **env)
        assert "PASSWORD_HASHERS" not in settings  # Django's default, slow on purpose
        assert settings["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
        assert (
            settings["STORAGES"]["staticfiles"]["BACKEND"] == "core.static_storage.ForgivingManifestStaticFilesStorage"
        )
        assert "WHITENOISE_USE_FINDERS" not in settings
    with pytest.raises(ImproperlyConfigured, match="TANDEM_NOTE_KEYS must be set"):
        load(monkeypatch, tmp_path, TANDEM_NOTE_KEYS="", TANDEM_TESTING="1")


def test_the_suite_runs_on_production_settings_plus_the_test_switches():
    from django.conf import settings

    from config import settings as production
    from config import settings_test

    assert settings.SETTINGS_MODULE == "config.settings_test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.InMemoryStorage"
    changed = {"PASSWORD_HASHERS", "STORAGES", "WHITENOISE_USE_FINDERS", "WHITENOISE_AUTOREFRESH"}
    names = {name for name in dir(settings_test) if name.isupper()}
    # Only the test switches are new; every other setting is production's own value.
    assert names - {name for name in dir(production) if name.isupper()} == changed - {"STORAGES"}
    for name in names - changed:
        assert getattr(settings_test, name) == getattr(production, name), name
    assert settings_test.STORAGES["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")


def test_the_beat_schedule_is_one_literal_with_the_reminder_sweep_in_seconds(monkeypatch, tmp_path):
    schedule = load(monkeypatch, tmp_path, TANDEM_REMINDER_SWEEP_SECONDS="7")["CELERY_BEAT_SCHEDULE"]
    assert schedule["send-due-checkin-reminders"]["schedule"] == 7
    monkeypatch.delenv("TANDEM_REMINDER_SWEEP_SECONDS")
    assert load(monkeypatch, tmp_path)["CELERY_BEAT_SCHEDULE"]["send-due-checkin-reminders"]["schedule"] == 15 * 60
    for entry in schedule.values():
        assert entry["task"].split(".")[0] in {"core", "programmes", "mentoring", "evaluation"}
    assert len(re.findall(r"\bCELERY_BEAT_SCHEDULE\b", SETTINGS.read_text())) == 1  # set once, never added to


def test_admins_come_as_names_and_addresses(monkeypatch, tmp_path):
    settings = load(monkeypatch, tmp_path, TANDEM_ADMINS="Ana Admin <ana@example.org>, ops@example.org")
    assert settings["ADMINS"] == [("Ana Admin", "ana@example.org"), ("", "ops@example.org")]
    assert load(monkeypatch, tmp_path, TANDEM_ADMINS="")["ADMINS"] == []


def test_uploads_stay_on_disk_unless_a_bucket_is_set_and_then_go_to_it_privately(monkeypatch, tmp_path):
    on_disk = load(monkeypatch, tmp_path)
    assert on_disk["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert on_disk["MEDIA_ROOT"] == tmp_path / "media"
    in_bucket = load(
        monkeypatch,
        tmp_path,
        TANDEM_S3_BUCKET="tandem-evidence",
        TANDEM_S3_ENDPOINT_URL="https://s3.internal.example.org",
        TANDEM_S3_PREFIX="/production/",
    )
    storage = in_bucket["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["location"], options["endpoint_url"]) == (
        "tandem-evidence",
        "production",
        "https://s3.internal.example.org",
    )
    # Private: no ACL of its own, names never overwritten, any URL signed and short-lived.
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 60


def test_the_cache_is_shared_through_redis_when_there_is_one(monkeypatch, tmp_path):
    assert load(monkeypatch, tmp_path)["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    cache = load(monkeypatch, tmp_path, REDIS_URL="redis://cache.internal:6379/3")["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/3"
