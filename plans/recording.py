"""Recording history by version.

simple-history writes one historical row per saved object. Plansign groups every row written by
one save under one plan version: the version writer below saves rows in bulk and writes their
historical rows itself, each stamped with the version number (`plan_version`). Saves made outside
the writer (a shell, a data migration) are still recorded by simple-history, unversioned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_writing: ContextVar[bool] = ContextVar("plansign_version_writer", default=False)


class VersionedHistory(models.Model):
    """Base of every historical content model: which plan version wrote the row."""

    plan_version = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


class VersionedHistoricalRecords(HistoricalRecords):
    def post_save(self, instance: Any, created: bool, using: str | None = None, **kw: Any) -> None:
        if not _writing.get():
            super().post_save(instance, created, using=using, **kw)

    def post_delete(self, instance: Any, using: str | None = None, **kw: Any) -> None:
        if not _writing.get():
            super().post_delete(instance, using=using, **kw)


def _copy_in(model: type[models.Model], objs: Sequence[Any]) -> None:
    """PostgreSQL's COPY for many new rows: ids drawn from the table's sequence first, so the
    objects get them as bulk_create would give them (tasks need their phase's id)."""
    meta = model._meta
    quote = connection.ops.quote_name
    # Plain values: these tables hold text, numbers, dates and ids, which COPY takes as they are.
    names = [f.attname for f in meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
        columns = ", ".join(quote(str(f.column)) for f in meta.concrete_fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([getattr(obj, name) for name in names])


def fit(text: str, length: int) -> str:
    """`text`, cut to `length` characters with an ellipsis if it is longer."""
    return text if len(text) <= length else text[: length - 1] + "…"


class VersionWriter:
    """Writes rows of one plan version and their history, a constant number of queries per model."""

    def __init__(self, *, number: int, user: User | None, summary: str, now: datetime) -> None:
        self.number = number
        self.user = user
        self.summary = summary
        # simple-history's change reason is a varchar(100); the version keeps 200 characters.
        self.reason = fit(summary, 100) or None
        self.now = now

    def _record(self, model: type[models.Model], objs: Sequence[Any], history_type: str) -> None:
        history_model = model.history.model  # type: ignore[attr-defined]
        history_model.objects.bulk_create(
            [
                history_model(
                    history_date=self.now,
                    history_user=self.user,
                    history_change_reason=self.reason,
                    history_type=history_type,
                    plan_version=self.number,
                    **{f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields},
                )
                for obj in objs
            ]
        )

    def save(self, obj: models.Model, *, created: bool = False) -> None:
        obj.save()
        self._record(type(obj), [obj], "+" if created else "~")

    def create(self, model: type[models.Model], objs: Sequence[Any]) -> None:
        if objs:
            model._default_manager.bulk_create(objs)
            self._record(model, objs, "+")

    def create_all(self, model: type[models.Model], objs: Sequence[Any], plan_id: int) -> None:
        """Create rows that are all of a new plan, recording them with one INSERT … SELECT
        instead of building a historical object per row (an import can bring thousands)."""
        if not objs:
            return
        if connection.vendor == "postgresql":
            _copy_in(model, objs)
        else:
            model._default_manager.bulk_create(objs)
        history = model.history.model  # type: ignore[attr-defined]
        columns = [f.column for f in history.tracked_fields]
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({names}, history_date, "
                "history_user_id, history_change_reason, history_type, plan_version) "
                f"SELECT {names}, %s, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
                "WHERE plan_id = %s",
                [
                    self.now,
                    getattr(self.user, "pk", None),
                    self.reason,
                    self.number,
                    plan_id,
                ],
            )

    def update(self, model: type[models.Model], objs: Sequence[Any], fields: list[str]) -> None:
        if objs:
            model._default_manager.bulk_update(objs, fields)
            self._record(model, objs, "~")

    def delete(self, model: type[models.Model], objs: Sequence[Any]) -> None:
        if objs:
            self._record(model, objs, "-")
            model._default_manager.filter(pk__in=[o.pk for o in objs]).delete()


@contextmanager
def writing_version(
    *, number: int, user: User | None, summary: str, now: datetime
) -> Iterator[VersionWriter]:
    token = _writing.set(True)
    try:
        yield VersionWriter(number=number, user=user, summary=summary, now=now)
    finally:
        _writing.reset(token)
