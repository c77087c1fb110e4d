"""Small helpers for store.py: rows to records, input validation, portable insert-or-ignore."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotseat.store.errors import StoreError
from hotseat.store.models import BlobRow, SessionRow, TraineeRow, TurnRow, VersionRow
from hotseat.store.records import (
    VERSION_KINDS,
    NewTurn,
    SessionRecord,
    TraineeRecord,
    TurnRecord,
    VersionRecord,
)


def insert_ignore(
    s: Session, model: type, values: dict[str, Any], *, portable: bool = False
) -> None:
    """Insert a row unless a unique key already has it.

    Two writers may race to create the same trainee or version; ON CONFLICT DO NOTHING lets
    the loser carry on. Backends without it (or portable=True, for tests) use a savepoint.
    """
    table = model.__table__  # type: ignore[attr-defined]
    dialect = s.get_bind().dialect.name
    if not portable and dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        s.execute(insert(table).values(**values).on_conflict_do_nothing())
        return
    try:
        with s.begin_nested():
            s.execute(table.insert().values(**values))
    except IntegrityError:
        pass  # the row is already there, which is all we wanted


def check_kind(kind: str) -> None:
    if kind not in VERSION_KINDS:
        raise StoreError(
            f"Unknown version kind {kind!r}.", hint=f"Use one of: {', '.join(VERSION_KINDS)}."
        )


def validated(kind: Any, value: Any, what: str) -> Any:
    """Validate value against a type (pydantic), raising StoreError that names the field."""
    try:
        return TypeAdapter(kind).validate_python(value)
    except ValidationError as exc:
        raise StoreError(f"Invalid {what}: {explain(exc)}") from None


def explain(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}" for err in exc.errors()
    )


def versions_query() -> Select[Any]:
    return select(VersionRow, BlobRow.content).join(
        BlobRow, BlobRow.hash == VersionRow.content_hash
    )


def trainee_record(row: TraineeRow) -> TraineeRecord:
    return TraineeRecord(id=row.id, name=row.name, created_at=row.created_at)


def version_record(row: VersionRow, content: str) -> VersionRecord:
    return VersionRecord(
        kind=row.kind,  # type: ignore[arg-type]
        key=row.key,
        content_hash=row.content_hash,
        content=content,
        created_at=row.created_at,
    )


def session_record(row: SessionRow, trainee_name: str) -> SessionRecord:
    fields = {c: getattr(row, c) for c in SessionRecord.model_fields if c != "trainee_name"}
    return SessionRecord(trainee_name=trainee_name, **fields)


def turn_record(row: TurnRow) -> TurnRecord:
    fields = {c: getattr(row, c) for c in NewTurn.model_fields}
    fields["problems"] = fields["problems"] or []  # NULL on turns stored before migration 2
    return TurnRecord(
        id=row.id,
        session_id=row.session_id,
        index=row.turn_index,
        created_at=row.created_at,
        **fields,
    )
