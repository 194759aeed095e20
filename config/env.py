"""Reading Tandem's settings from the environment.

Small helpers so that a bad value stops the process with a clear ``ImproperlyConfigured`` that names the
variable, instead of surfacing later as a strange error; and ``load_env_file`` for a developer's ``.env``.
config/settings.py is their one caller.
"""

from __future__ import annotations

import os
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_fraction(name: str, default: float) -> float:
    """A number from 0 to 1 (a sample rate)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number from 0 to 1; got {raw!r}.") from None
    if not 0 <= value <= 1:
        raise ImproperlyConfigured(f"{name} must be a number from 0 to 1; got {raw!r}.")
    return value


def env_addresses(name: str) -> list[tuple[str, str]]:
    """Comma-separated email addresses, each bare or with a name: "Ana Admin <ana@example.org>, ops@example.org"
    gives [("Ana Admin", "ana@example.org"), ("", "ops@example.org")] (the shape of Django's ADMINS)."""
    # Imported here: django.core.validators reads no settings, but this module is read before they exist.
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    addresses = []
    for entry in env_list(name):
        display, address = parseaddr(entry)
        try:
            validate_email(address)
            # parseaddr forgives a missing ">" or words after it; a typo should stop start-up instead.
            if "<" in entry and not entry.endswith(">"):
                raise ValidationError("unclosed")
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must be email addresses separated by commas, each bare (ops@example.org) or with a name "
                f"(Ana Admin <ana@example.org>); {entry!r} is not one."
            ) from None
        addresses.append((display, address))
    return addresses


def env_url(name: str, *, schemes: set[str]) -> str:
    raw = env_str(name)
    if not raw:
        return ""
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.hostname or parsed.path):
        allowed = ", ".join(sorted(f"{s}://" for s in schemes))
        raise ImproperlyConfigured(f"{name} must be a URL starting with {allowed}; got {raw!r}.")
    return raw


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from a git-ignored file on a developer's machine; the real environment wins.

    `make` writes `.env` (DEBUG=1 and a random SECRET_KEY) on first use, so that `python manage.py ...`
    works on a laptop without exporting anything. Production sets real environment variables instead.
    """
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE, got {line!r}.")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


# Bucket names as S3 and its look-alikes (MinIO, Ceph) accept them: 3-63 lower-case letters, digits, dots, hyphens.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def env_s3_storage() -> dict[str, Any] | None:
    """The ``STORAGES["default"]`` entry for uploads in an S3-compatible object store, or None for the local folder.

    On when ``TANDEM_S3_BUCKET`` is set. The bucket stays private: objects get no ACL of their own (the bucket's
    private default applies) and Tandem hands out no bucket URL; a download is streamed through Tandem's access
    check. Credentials: ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY``, or whatever else boto3 finds (an
    instance role, ``AWS_PROFILE``, a web identity token).
    """
    bucket = env_str("TANDEM_S3_BUCKET")
    endpoint = env_url("TANDEM_S3_ENDPOINT_URL", schemes={"http", "https"})
    region = env_str("TANDEM_S3_REGION")
    prefix = env_str("TANDEM_S3_PREFIX").strip("/")
    if not bucket:
        stray = [n for n in ("TANDEM_S3_ENDPOINT_URL", "TANDEM_S3_REGION", "TANDEM_S3_PREFIX") if env_str(n)]
        if stray:
            # Without the bucket, uploads would silently stay on this machine's disk.
            raise ImproperlyConfigured(f"{', '.join(stray)} is set but TANDEM_S3_BUCKET is not; set the bucket too.")
        return None
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ImproperlyConfigured(
            f"TANDEM_S3_BUCKET must be a bucket name (3-63 lower-case letters, digits, dots, hyphens); got {bucket!r}."
        )
    if prefix and (".." in prefix.split("/") or "//" in prefix):
        raise ImproperlyConfigured(
            f"TANDEM_S3_PREFIX must be a plain folder path such as tandem/evidence; got {prefix!r}."
        )
    if bool(env_str("AWS_ACCESS_KEY_ID")) != bool(env_str("AWS_SECRET_ACCESS_KEY")):
        raise ImproperlyConfigured("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both or neither.")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix,
        # Two people's "first-aid.pdf" in the same month are two objects: a name already taken gets a suffix, as on
        # disk (django-storages would overwrite by default).
        "file_overwrite": False,
        "default_acl": None,
        # Nothing is public: should anything ask the storage for a URL, it is signed and lasts a minute.
        "querystring_auth": True,
        "querystring_expire": 60,
        # Reading an object for a download keeps up to 1 MiB in memory; a larger one spills to a temporary file.
        "max_memory_size": 1024 * 1024,
    }
    if endpoint:
        options["endpoint_url"] = endpoint
        # MinIO, Ceph and moto answer on one host name, with the bucket in the path.
        options["addressing_style"] = "path"
    if region:
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
