"""Many rows in one INSERT, for batch runs (the daily run), without building model instances.

On PostgreSQL `INSERT … SELECT … FROM unnest(%s::type[], …)`: one array parameter per column, so the
statement text is the same whatever the number of rows and costs nothing to build or to bind. Elsewhere
(SQLite) Django's `bulk_create`. Both write the same rows: the columns given, plus every other field's
default (`auto_now`/`auto_now_add` fields: now). No `save()`, no signals: the caller owns the
transaction, the locks and the rules (as with `bulk_create`).

`INCASSO_BULK_ARRAYS = False` makes PostgreSQL take the `bulk_create` path too (the differential test
of the daily run compares the two).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import DateField, F, Field, JSONField, Lookup, Model, Q
from django.utils import timezone


def _arrays() -> bool:
    return connection.vendor == "postgresql" and bool(getattr(settings, "INCASSO_BULK_ARRAYS", True))


def _default(field: Field[Any, Any]) -> Any:
    if isinstance(field, DateField) and (field.auto_now or field.auto_now_add):
        now = timezone.now()
        return now if field.get_internal_type() == "DateTimeField" else timezone.localdate(now)
    return field.get_default()


def insert_rows(
    model: type[Model],
    columns: Mapping[str, Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert one row per position of the equally long `columns` (attribute name → values), with
    `constants` (attribute name → one value) in every row; return the `returning` attributes of each
    row, in the order given."""
    constants = constants or {}
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"columns of unequal or no length: {sorted(lengths)}")
    (count,) = lengths
    if count == 0:
        return []
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    column = {name: str(f.column) for name, f in by_attname.items()}
    unknown = (set(columns) | set(constants)) - set(by_attname)
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
    if not _arrays():
        names = list(columns)
        objs = model._default_manager.bulk_create(
            [
                model(**constants, **dict(zip(names, row, strict=True)))
                for row in zip(*columns.values(), strict=True)
            ]
        )
        return [tuple(getattr(obj, name) for name in returning) for obj in objs]
    qn = connection.ops.quote_name
    targets: list[str] = []
    selects: list[str] = []
    arrays: list[str] = []
    array_params: list[Any] = []
    scalar_params: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.attname not in columns:
            continue
        db_type = f.db_type(connection)
        targets.append(qn(column[f.attname]))
        if f.attname in columns:
            values = columns[f.attname]
            if isinstance(f, JSONField):
                values = [json.dumps(v, cls=f.encoder) for v in values]
                arrays.append("%s::text[]")
                selects.append(f"c{len(arrays)}::jsonb")
            else:
                arrays.append(f"%s::{db_type}[]")
                selects.append(f"c{len(arrays)}")
            array_params.append(list(values))
        else:
            value = constants[f.attname] if f.attname in constants else _default(f)
            selects.append(f"%s::{db_type}")
            scalar_params.append(f.get_db_prep_save(value, connection))
    aliases = ", ".join(f"c{i}" for i in range(1, len(arrays) + 1))
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(targets)}) "
        f"SELECT {', '.join(selects)} FROM unnest({', '.join(arrays)}) AS v({aliases})"
    )
    if returning:
        sql += " RETURNING " + ", ".join(qn(column[name]) for name in returning)
    # The SELECT list's scalar placeholders come before the FROM clause's arrays.
    with connection.cursor() as cursor:
        cursor.execute(sql, [*scalar_params, *array_params])
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def update_rows(model: type[Model], field_name: str, ids: Sequence[Any], values: Sequence[Any]) -> None:
    """One UPDATE setting one column of many rows (by primary key) to their own values.

    On PostgreSQL `UPDATE … FROM unnest(ids, values)`: two array parameters, so the statement text is the
    same for every batch and costs nothing to build; elsewhere Django's `bulk_update` (CASE … WHEN).
    """
    if len(ids) != len(values):
        raise ValueError("ids and values of unequal length")
    if not ids:
        return
    f = model._meta.get_field(field_name)
    pk = model._meta.pk
    assert isinstance(f, Field) and pk is not None and f.column and pk.column
    if not _arrays():
        model._default_manager.bulk_update(
            [model(**{pk.attname: i, f.attname: v}) for i, v in zip(ids, values, strict=True)], [field_name]
        )
        return
    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(model._meta.db_table)} AS t SET {qn(f.column)} = v.val "
        f"FROM unnest(%s::{pk.db_type(connection)}[], %s::{f.db_type(connection)}[]) AS v(id, val) "
        f"WHERE t.{qn(pk.column)} = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids), list(values)])


class _AnyOf(Lookup[Any]):
    """`column = ANY(%s::bigint[])`: one array parameter, used directly as a filter (not registered)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, list(self.rhs))


def id_in(field: str, ids: Sequence[int]) -> Q | _AnyOf:
    """A filter `field IN ids` for integer ids: on PostgreSQL `field = ANY(%s::bigint[])` (one array
    parameter, the same statement text for any number of ids; an index scan like an IN-list), elsewhere
    `field__in=ids`. Use it as a positional filter argument: `.filter(id_in("case_id", ids), kind=...)`."""
    if not _arrays():
        return Q(**{f"{field}__in": list(ids)})
    return _AnyOf(F(field), list(ids))
