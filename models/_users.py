"""Registered people and their roles. Every `--by` names one of them, so that who
recorded, verified and locked a commune-year are real, distinct people.

Names are compared by a key that ignores case, Unicode form (a name typed with combining
accents on one keyboard and precomposed on another is one name) and spacing: "An" and
"an" are one person. Separation of duties compares more loosely still, without
diacritics, so "Ha" cannot verify what "Hà" recorded."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence

from argon2 import PasswordHasher

from sqlalchemy import Engine, select
from sqlmodel import Session

from mrv import msg, text_key
from mrv.models._roles import ROLES
from mrv.models._scope import Scope
from mrv.models._tables import Assignment, AuditEntry, Commune, User



#: Argon2id with the library's defaults (RFC 9106's second recommended option: 64 MiB, 3 passes).
PASSWORDS = PasswordHasher()
#: A hash to check a password against when the name is unknown, so that an unknown name
#: takes as long to refuse as a wrong password.
ABSENT_HASH = PASSWORDS.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 10


class UserError(ValueError):
    """A person or role that cannot be used; the message says why and what to do."""


def hash_password(password: str, name: str) -> str:
    """The Argon2id hash of a new password of `name`; `UserError` if it is too weak."""
    if len(password) < MIN_PASSWORD:
        raise UserError(msg("a password needs at least {count} characters", count=MIN_PASSWORD))
    if text_key(meaningful(name)) == text_key(password):
        raise UserError(msg("a password may not be the user's name"))
    return PASSWORDS.hash(password)


def meaningful(text: str | None) -> str:
    """`text` without invisible characters (zero-width spaces, joiners, BOM) and outer
    spaces: empty when nothing readable is left."""
    if not text:
        return ""
    visible = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


def person_key(name: str) -> str:
    """The key a name is compared by: Unicode NFC, case folded, spaces collapsed."""
    return meaningful(name).casefold()


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two names may be one person: equal once case, accents and spacing are ignored."""
    return bool(a and b) and text_key(meaningful(a)) == text_key(meaningful(b))


def find_user(session: Session, name: str | None) -> User:
    """The registered user of `name`; `UserError` naming the closest ones otherwise."""
    key = person_key(name or "")
    if not key:
        raise UserError(msg("say who takes the step: --by NAME, a user of `mrv user list`"))
    user = session.execute(select(User).where(User.name_key == key)).scalars().first()
    if user is not None:
        return user
    alike = [u.name for u in session.execute(select(User)).scalars() if same_person(u.name, name)]
    if alike:
        raise UserError(msg("{name} is not a registered user (did you mean {alike}?). Fix: use a name of `mrv user "
                            "list`, or ask an admin to add it (mrv user add NAME --role …)", name=repr(name),
                            alike=", ".join(alike)))
    raise UserError(msg("{name} is not a registered user. Fix: use a name of `mrv user list`, or ask an admin to add "
                        "it (mrv user add NAME --role …)", name=repr(name)))


def _communes(session: Session, role: str, communes: Sequence[str]) -> list:
    """The ids of the communes a recorder (exactly one) or a verifier (one or more) works on."""
    if role == "recorder" and len(communes) != 1:
        raise UserError(msg("a commune officer (recorder) belongs to one commune: add --commune CODE"))
    if role == "verifier" and not communes:
        raise UserError(msg("a verifier verifies the communes assigned to them: add --commune CODE (once per commune)"))
    if role not in ("recorder", "verifier") and communes:
        raise UserError(msg("a {role} works on every commune of the province: leave out --commune", role=role))
    ids = []
    for code in communes:
        found = session.execute(select(Commune.id).where(Commune.code == code)).scalars().first()
        if found is None:
            raise UserError(msg("{code} is not a commune code of the province: use the official code, e.g. 24133",
                                    code=repr(code)))
        ids.append(found)
    return ids


def add_user(engine: Engine, name: str, role: str, commune: str | Sequence[str] | None = None,
             password: str | None = None, *, by: Scope) -> User:
    """Register a person with a role: a commune officer with their commune, a verifier with
    the communes assigned to them; with a password, they can log in to the server. Only an
    admin (or the command line) adds users: `by` is their scope."""
    by.require_role("users")
    shown = meaningful(name)
    if not shown:
        raise UserError(msg("a user needs a name with letters: write the person's full name"))
    if role not in ROLES:
        raise UserError(msg("unknown role {role}: use one of {roles}", role=repr(role), roles=", ".join(ROLES)))
    communes = [commune] if isinstance(commune, str) else list(commune or ())
    hashed = None if password is None else hash_password(password, shown)
    with Session(engine) as session:
        ids = _communes(session, role, communes)
        taken = session.execute(select(User.name).where(User.name_key == person_key(shown))).scalars().first()
        if taken is not None:
            raise UserError(msg("{name} is already registered as {taken}: one name, one person", name=repr(shown),
                                taken=repr(taken)))
        user = User(name=shown, name_key=person_key(shown), role=role, commune_id=ids[0] if role == "recorder" else None,
                    password_hash=hashed)
        session.add(user)
        session.flush()
        if role == "verifier":
            session.add_all(Assignment(user_id=user.id, commune_id=commune_id) for commune_id in ids)
        session.add(AuditEntry(actor=by.user, action="user added", after={"user": shown, "role": role,
                                                                      "communes": communes}))
        session.commit()
        session.refresh(user)
        session.expunge(user)
        return user


def list_users(engine: Engine, *, scope: Scope) -> list[tuple[str, str, str | None]]:
    """(name, role, communes) of every registered user, by name: a recorder's commune, a
    verifier's assigned communes joined by commas, nothing for the province's roles."""
    scope.require_role("users")
    with Session(engine) as session:
        assigned: dict = {}
        for user_id, code in session.execute(select(Assignment.user_id, Commune.code)
                                             .join(Commune, Commune.id == Assignment.commune_id)
                                             .order_by(Commune.code)):
            assigned.setdefault(user_id, []).append(code)
        return [(name, role, code or (",".join(assigned[user_id]) if user_id in assigned else None))
                for user_id, name, role, code in session.execute(
                    select(User.id, User.name, User.role, Commune.code)
                    .join(Commune, Commune.id == User.commune_id, isouter=True).order_by(User.name))]
