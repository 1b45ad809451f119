"""Who may do what, and on which communes: the one place of authorisation.

`scope_of` maps a user (role, commune or assigned communes) to a `Scope`; every read and
write of the data layer that a person asks for takes one, and filters or refuses by it,
so that no interface can forget a check. `PERMISSIONS` is the authorisation matrix of the
README: action → the roles that may take it. Actions marked in `COMMUNE_ACTIONS` apply to
communes, and a commune officer or verifier takes them only on their own communes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, true
from sqlmodel import Session

from mrv import InputError, msg
from mrv.models._tables import Assignment, Commune, User

#: action → the roles that may take it (`local` is the command line on the database itself).
PERMISSIONS = {
    "read": ("recorder", "verifier", "province_officer", "local"),
    "write": ("recorder", "province_officer", "local"),
    "submit": ("recorder", "province_officer"),
    "verify": ("verifier",),
    "lock": ("province_officer",),
    "reopen": ("province_officer",),
    "calculate": ("province_officer", "local"),
    "results": ("province_officer", "inventory", "local"),
    "export": ("province_officer", "inventory", "local"),
    "certify": ("province_officer", "local"),
    "factors": ("recorder", "verifier", "province_officer", "inventory", "admin", "local"),
    "users": ("admin", "local"),
}
#: Actions on a commune's data: a scope with its own communes takes them on those only.
COMMUNE_ACTIONS = frozenset({"read", "write", "submit", "verify"})

#: What each action covers, for messages.
ACTION_NAMES = {
    "read": msg("read a commune's data"),
    "write": msg("record or change data"),
    "submit": msg("submit"),
    "verify": msg("verify"),
    "lock": msg("lock"),
    "reopen": msg("reopen"),
    "calculate": msg("calculation runs"),
    "results": msg("official results and reports"),
    "export": msg("inventory export"),
    "certify": msg("issue label certificates"),
    "factors": msg("factor profiles"),
    "users": msg("manage users"),
}


class ScopeError(PermissionError):
    """An action outside what a user's role and communes allow; the message says what is
    allowed and who can do it instead."""


class OutOfScope(InputError):
    """Rows of a file or request that write outside the importer's communes: each is a
    `Problem` naming its row, and nothing is stored."""


@dataclass(frozen=True)
class Scope:
    """What one person may do: their role, and the communes they work on (`None`: every
    commune of the province)."""

    user: str | None
    role: str
    communes: frozenset[str] | None
    user_id: uuid.UUID | None = None

    def may(self, action: str, commune: str | None = None) -> bool:
        """Whether the action is allowed (on `commune`; for a commune action without one:
        on every commune of the province)."""
        if self.role not in PERMISSIONS[action]:
            return False
        if action not in COMMUNE_ACTIONS or self.communes is None:
            return True
        return commune is not None and commune in self.communes

    def require_role(self, action: str) -> None:
        """Raise `ScopeError` unless the role may take the action (on some commune)."""
        if self.role not in PERMISSIONS[action]:
            roles = ", ".join(r for r in PERMISSIONS[action] if r != "local")
            raise ScopeError(msg("{who} ({role}) may not: {action}; that is for {roles}", who=self._who(),
                                 role=self.role, action=ACTION_NAMES[action], roles=roles))

    def require(self, action: str, commune: str | None = None) -> None:
        """Raise `ScopeError` unless the action is allowed (on `commune`)."""
        if self.may(action, commune):
            return
        self.require_role(action)
        where = msg("commune {commune}", commune=commune) if commune else msg("every commune of the province")
        raise ScopeError(msg("{who} ({role}) works on commune(s) {communes}, not {where}: ask the officer of that "
                             "commune, or the province officer", who=self._who(), role=self.role,
                             communes=", ".join(sorted(self.communes)), where=where))

    def _who(self):
        return self.user or msg("the command line")

    def where(self, column):
        """The SQL condition a commune-code `column` meets within this scope."""
        return true() if self.communes is None else column.in_(sorted(self.communes))


#: The command line on the database itself: whoever can open the file can change it, so
#: it may do everything but the review steps, which name a registered person (--by).
LOCAL = Scope(user=None, role="local", communes=None)


def scope_of(session: Session, user: User) -> Scope:
    """The scope of a registered user: a commune officer's commune, a verifier's assigned
    communes, every commune for the province's roles."""
    if user.role == "recorder":
        communes = set(session.execute(select(Commune.code).where(Commune.id == user.commune_id)).scalars())
    elif user.role == "verifier":
        communes = set(session.execute(select(Commune.code).join(Assignment, Assignment.commune_id == Commune.id)
                                       .where(Assignment.user_id == user.id)).scalars())
    else:
        communes = None
    return Scope(user.name, user.role, None if communes is None else frozenset(communes), user.id)
