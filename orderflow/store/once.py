"""Rows written once: activities are retried, so each write first looks for its row, and a
concurrent twin that got there first is recognised by the table's unique constraint."""

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select


def insert_once(session: Session, row: SQLModel, *key: ColumnElement[bool] | bool) -> bool:
    """Adds `row` and commits, unless a row matching `key` is there already; True when it wrote.

    Whatever else the session holds is committed with the row or dropped with it. Two first writes
    at once: the unique constraint refuses the loser's commit, which then counts as already there.
    """
    if session.exec(select(type(row)).where(*key)).first() is not None:
        session.rollback()
        return False
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
