"""Requests that are safe to send again. A phone that lost its connection after sending a
batch cannot know whether the batch arrived; it sends it again with the same
`Idempotency-Key`, and the server answers with the response it stored the first time
instead of applying the batch twice.

A key belongs to one user; it is claimed before the request is applied, so that the same
request arriving twice at once is applied once (the second is told to wait)."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mrv import msg
from mrv.models._tables import IdempotentRequest

#: The longest key accepted (a UUID is 36 characters).
MAX_KEY = 200


class IdempotencyConflict(ValueError):
    """A key that cannot be used now: `in_progress` (the same request is being applied) or
    `reused` (the key was sent before with another request)."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)


def claim(engine: Engine, user_id: uuid.UUID, key: str, request_hash: str) -> tuple[int, dict] | None:
    """The stored (status, body) of the request sent before with `key`, or None after
    claiming the key for this request (then `remember` or `release` it)."""
    if not key or len(key) > MAX_KEY:
        raise IdempotencyConflict("invalid", msg("an Idempotency-Key has 1 to {most} characters (a UUID is best)",
                                                 most=MAX_KEY))
    with Session(engine) as session:
        try:
            session.add(IdempotentRequest(user_id=user_id, key=key, request_hash=request_hash))
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
        stored = session.execute(select(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                                 IdempotentRequest.key == key)).scalars().one()
        if stored.request_hash != request_hash:
            raise IdempotencyConflict("reused", msg("this Idempotency-Key was sent before with another request: "
                                                    "give each new batch a new key"))
        if stored.status_code is None:
            raise IdempotencyConflict("in_progress",
                                      msg("the same request is being applied: send it again in a moment"))
        return stored.status_code, stored.body


def remember(engine: Engine, user_id: uuid.UUID, key: str, status_code: int, body: dict) -> None:
    """Store the response of a claimed request, to answer it again."""
    with Session(engine) as session:
        session.execute(update(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                        IdempotentRequest.key == key)
                        .values(status_code=status_code, body=body))
        session.commit()


def release(engine: Engine, user_id: uuid.UUID, key: str) -> None:
    """Free the key of a request that failed on the server's side, so it can be sent again."""
    with Session(engine) as session:
        session.execute(delete(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                        IdempotentRequest.key == key,
                                                        IdempotentRequest.status_code.is_(None)))
        session.commit()
