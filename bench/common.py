"""What every benchmark does first: a fresh PostgreSQL database whose name says "bench"."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_bench_database(*, sqlite: bool = False) -> None:
    """Set Django up on DATABASE_URL, drop and recreate that database, migrate it. With
    `sqlite` and no DATABASE_URL, a new SQLite file in a temporary folder instead (the
    embedded default, never the project's own plansign.sqlite3)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if sqlite and not os.environ.get("DATABASE_URL"):
        _fresh_sqlite_database()
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")
    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    dsn = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # no query logging in the timings
    call_command("migrate", verbosity=0)


def _fresh_sqlite_database() -> None:
    import tempfile

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    folder = tempfile.mkdtemp(prefix="plansign-bench-")
    # Before the first query, so the connection is made to this file.
    settings.DATABASES["default"]["NAME"] = os.path.join(folder, "bench.sqlite3")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False  # no query logging in the timings
    call_command("migrate", verbosity=0)
