"""Logging in: passwords kept only as Argon2id hashes, and the bearer tokens and browser
sessions a login gives, kept only as SHA-256 hashes (a copy of the database lets nobody
log in). A token ends when it expires or is revoked; a login always makes a new one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from mrv import msg
from mrv.models._scope import Scope, scope_of
from mrv.models._tables import AccessToken, AuditEntry, User, _now
from mrv.models._users import ABSENT_HASH, PASSWORDS, UserError, find_user, hash_password, person_key

#: How long a token lives: a bearer token for an API client, a browser session.
LIFETIMES = {"bearer": timedelta(hours=8), "session": timedelta(hours=12)}


def set_password(engine: Engine, name: str, password: str, *, by: Scope) -> None:
    """Give a registered user a new password (`by` an admin, or the command line); every
    token and session they had ends."""
    by.require_role("users")
    _new_password(engine, name, password, by.user, "password set")


def change_own_password(engine: Engine, scope: Scope, current: str, new: str) -> None:
    """A logged-in user's new password, given their current one; their sessions and tokens end."""
    if scope.user is None or authenticate(engine, scope.user, current) is None:
        raise UserError(msg("the current password is wrong"))
    _new_password(engine, scope.user, new, scope.user, "password changed")


def _new_password(engine: Engine, name: str, password: str, actor: str | None, action: str) -> None:
    """Store a user's new password hash, end their tokens and sessions, and audit it."""
    with Session(engine) as session:
        user = find_user(session, name)
        user.password_hash = hash_password(password, user.name)
        _revoke(session, user.id)
        session.add(AuditEntry(actor=actor, action=action, after={"user": user.name}))
        session.commit()


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user whose name and password these are, or None (the same time either way)."""
    with Session(engine) as session:
        user = session.execute(select(User).where(User.name_key == person_key(name or ""))).scalars().first()
        stored = user.password_hash if user is not None and user.password_hash else ABSENT_HASH
        try:
            PASSWORDS.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if stored is ABSENT_HASH:
            return None
        if PASSWORDS.check_needs_rehash(stored):
            user.password_hash = PASSWORDS.hash(password)
            session.commit()
            session.refresh(user)
        session.expunge(user)
        return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(engine: Engine, user: User, kind: str) -> tuple[str, str | None, int]:
    """A new token of `kind` (bearer or session) for `user`: (token, CSRF token of a
    session, seconds it lives). Only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "session" else None
    lifetime = LIFETIMES[kind]
    with Session(engine) as session:
        session.add(AccessToken(token_hash=_digest(token), user_id=user.id, kind=kind, csrf_token=csrf,
                                expires_at=_now() + lifetime))
        session.commit()
    return token, csrf, int(lifetime.total_seconds())


def token_scope(engine: Engine, token: str, kind: str) -> tuple[Scope, str | None] | None:
    """The scope of the user of a live token of `kind`, and a session's CSRF token; None
    otherwise."""
    if not token:
        return None
    with Session(engine) as session:
        row = session.execute(select(AccessToken, User).join(User, User.id == AccessToken.user_id)
                              .where(AccessToken.token_hash == _digest(token), AccessToken.kind == kind,
                                     AccessToken.revoked_at.is_(None),
                                     AccessToken.expires_at > _now())).first()
        if row is None:
            return None
        access, user = row
        return scope_of(session, user), access.csrf_token


def revoke_token(engine: Engine, token: str) -> bool:
    """End one token or session; whether it was live."""
    with Session(engine) as session:
        ended = session.execute(update(AccessToken).where(AccessToken.token_hash == _digest(token),
                                                          AccessToken.revoked_at.is_(None))
                                .values(revoked_at=_now())).rowcount
        session.commit()
        return bool(ended)


def _revoke(session: Session, user_id) -> int:
    return session.execute(update(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
                           .values(revoked_at=_now())).rowcount


def revoke_user(engine: Engine, name: str, *, by: Scope) -> int:
    """End every token and session of a user (a lost phone, a person who left), `by` an
    admin or the command line; how many ended."""
    by.require_role("users")
    with Session(engine) as session:
        user = find_user(session, name)
        ended = _revoke(session, user.id)
        session.add(AuditEntry(actor=by.user, action="tokens revoked", after={"user": user.name, "ended": ended}))
        session.commit()
        return ended
