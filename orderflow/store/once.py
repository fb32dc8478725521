"""Rows written once, and rows whose newest state wins: activities are retried and background writes
land in any order, so each write first looks for its row, and a concurrent twin that got there
first is recognised by the table's unique constraint."""

from sqlalchemy import ColumnElement, Update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select


def insert_once(session: Session, row: SQLModel, *key: ColumnElement[bool] | bool) -> bool:
    """Adds `row` and commits, unless a row matching `key` is there already; True when it wrote.

    Whatever else the session holds is committed with the row or dropped with it. Two first writes
    at once: the unique constraint refuses the loser's commit, which then counts as already there.
    An `IntegrityError` with no such row is raised: the row can never be written as it is.
    """
    if session.exec(select(type(row)).where(*key)).first() is not None:
        session.rollback()
        return False
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        # Only the twin's row makes it a duplicate; any other refusal (a check, a NOT NULL) is real.
        if session.exec(select(type(row)).where(*key)).first() is None:
            raise
        return False
    return True


def upsert_if_newer(session: Session, row: SQLModel, newer: Update, *key: ColumnElement[bool] | bool) -> None:
    """Inserts `row`, or runs `newer` over the stored row matching `key`, and commits.

    `newer` is an UPDATE whose WHERE admits only a stored state older than the one written: the
    database decides in one statement, so no concurrent writer slips in between a read and a write
    (PostgreSQL locks the row and checks the WHERE again after the lock; SQLite has one writer at a
    time). Two first writes at once: the unique constraint refuses the loser's INSERT, which then
    goes the UPDATE's way over the winner's row.
    """

    def stored() -> bool:
        return session.exec(select(type(row)).where(*key)).first() is not None

    if session.connection().execute(newer).rowcount or stored():
        session.commit()  # updated, or the stored state is as new or newer
        return
    session.add(row)
    try:
        session.commit()
        return
    except IntegrityError:
        session.rollback()
        if not stored():
            raise  # not a twin's row: this one can never be written as it is
    session.connection().execute(newer)
    session.commit()
