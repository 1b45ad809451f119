"""Registered people and their roles. Every `--by` names one of them, so that who
recorded, verified and locked a commune-year are real, distinct people.

Names are compared by a key that ignores case, Unicode form (a name typed with combining
accents on one keyboard and precomposed on another is one name) and spacing: "An" and
"an" are one person. Separation of duties compares more loosely still, without
diacritics, so "Ha" cannot verify what "Hà" recorded."""

from __future__ import annotations

import unicodedata

from sqlalchemy import Engine, select
from sqlmodel import Session

from mrv import text_key
from mrv.models._tables import Commune, User

#: role → what it may do (Vietnamese first).
ROLES = {
    "recorder": "cán bộ xã: nhập liệu và gửi số liệu của xã mình (recorder)",
    "verifier": "người thẩm định: thẩm định số liệu (verifier)",
    "province_officer": "cán bộ tỉnh: khoá, mở lại, lượt tính chính thức, báo cáo (province officer)",
    "inventory": "cán bộ kiểm kê: đọc lượt tính chính thức và xuất kiểm kê (inventory compiler)",
    "admin": "quản trị: quản lý người dùng (admin)",
}


class UserError(ValueError):
    """A person or role that cannot be used; the message says why and what to do."""


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
        raise UserError("say who takes the step: --by NAME, a user of `mrv user list`")
    user = session.execute(select(User).where(User.name_key == key)).scalars().first()
    if user is not None:
        return user
    alike = [u.name for u in session.execute(select(User)).scalars() if same_person(u.name, name)]
    hint = f" (did you mean {', '.join(alike)}?)" if alike else ""
    raise UserError(f"{name!r} is not a registered user{hint}. Fix: use a name of `mrv user list`, or ask an admin "
                    f"to add it (mrv user add NAME --role …)")


def add_user(engine: Engine, name: str, role: str, commune: str | None = None) -> User:
    """Register a person with a role (and, for a commune officer, their commune)."""
    shown = meaningful(name)
    if not shown:
        raise UserError("a user needs a name with letters: write the person's full name")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if role == "recorder" and commune is None:
        raise UserError("a commune officer (recorder) belongs to a commune: add --commune CODE")
    with Session(engine) as session:
        commune_id = None
        if commune is not None:
            commune_id = session.execute(select(Commune.id).where(Commune.code == commune)).scalars().first()
            if commune_id is None:
                raise UserError(f"{commune!r} is not a commune code of the province: use the official code, e.g. 24133")
        taken = session.execute(select(User.name).where(User.name_key == person_key(shown))).scalars().first()
        if taken is not None:
            raise UserError(f"{shown!r} is already registered as {taken!r}: one name, one person")
        user = User(name=shown, name_key=person_key(shown), role=role, commune_id=commune_id)
        session.add(user)
        session.commit()
        session.refresh(user)
        session.expunge(user)
        return user


def list_users(engine: Engine) -> list[tuple[str, str, str | None]]:
    """(name, role, commune code) of every registered user, by name."""
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(
            select(User.name, User.role, Commune.code).join(Commune, Commune.id == User.commune_id, isouter=True)
            .order_by(User.name))]


def commune_of(session: Session, user: User) -> str | None:
    return None if user.commune_id is None else session.get(Commune, user.commune_id).code
