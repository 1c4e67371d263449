"""COPY without waiting for it: PostgreSQL writes the rows (indexes, foreign-key checks) while Python
goes on computing, and the result is collected just before the connection is used again.

Inside `copy_behind()` (one connection, one transaction), `core.bulk.copy_rows(..., wait=False)`
sends its rows and the end of the COPY and returns at once. Before anything else reaches the
connection, the outstanding COPY's result is read (`drain`), so a statement never overtakes a write:
Django's queries through an execute wrapper, `copy_rows` itself, and the end of the block. A COPY
that failed raises there (as Django's `IntegrityError` etc.), and the caller's `atomic()` rolls back
as for any failed statement. Outside the block, or on another database, `wait=False` is ignored.

Measured on the import of 100,000 bank entries (bench/RESULTS.md): PostgreSQL's work for a chunk's
writes overlaps the Python that builds the next rows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import connection
from psycopg import errors, generators
from psycopg.copy import LibpqWriter
from psycopg.pq import ExecStatus
from psycopg.waiting import Wait


class _Blocks(threading.local):
    """The open block of this thread: Django's connection is per thread, and so is what it owes."""

    def __init__(self) -> None:
        self.open: list[_Behind] = []


_blocks = _Blocks()


class _Behind:
    def __init__(self) -> None:
        self.pending = False

    def drain(self) -> None:
        """Read the outstanding COPY's result; raise its error as Django's database errors."""
        if not self.pending:
            return
        self.pending = False
        conn = connection.connection
        results = conn.wait(generators.fetch_many(conn.pgconn))
        for result in results:
            if result.status != ExecStatus.COMMAND_OK:
                with connection.wrap_database_errors:
                    raise errors.error_from_result(result, encoding=conn.pgconn._encoding)


class _SendOnly(LibpqWriter):
    """Ends the COPY without reading its result; `_Behind.drain` reads it later."""

    def __init__(self, cursor: Any, behind: _Behind) -> None:
        super().__init__(cursor)
        self.behind = behind

    def finish(self, exc: BaseException | None = None) -> None:
        if exc is not None:
            super().finish(exc)
            return
        self.connection.wait(_end(self._pgconn))
        self.behind.pending = True


def _end(pgconn: Any) -> Any:
    """`psycopg.generators.copy_end` up to the flush: the end message sent, the result left unread."""
    while pgconn.put_copy_end(None) == 0:
        while not (yield Wait.W):
            continue
    while True:
        while not (yield Wait.W):
            continue
        if pgconn.flush() == 0:
            break


@contextmanager
def copy_behind() -> Iterator[None]:
    """Let `copy_rows(..., wait=False)` return before PostgreSQL has written the rows (see above)."""
    if connection.vendor != "postgresql" or _blocks.open:
        yield
        return
    behind = _Behind()

    def drain_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        behind.drain()
        return execute(sql, params, many, context)

    _blocks.open.append(behind)
    try:
        with connection.execute_wrapper(drain_first):
            yield
            behind.drain()
    except BaseException:
        # leave the connection usable for the rollback; the error already raised is the one reported
        with suppress(Exception):
            behind.drain()
        raise
    finally:
        _blocks.open.remove(behind)


def writer_for(cursor: Any) -> LibpqWriter | None:
    """The writer `copy_rows(wait=False)` gives psycopg's `cursor.copy`: send-only inside `copy_behind()`
    (after reading what is still outstanding), else None (psycopg's own, which waits)."""
    if not _blocks.open:
        return None
    behind = _blocks.open[-1]
    behind.drain()
    return _SendOnly(cursor, behind)


def drain() -> None:
    """Read what is outstanding now (before a COPY that must wait, or a raw connection call)."""
    if _blocks.open:
        _blocks.open[-1].drain()
