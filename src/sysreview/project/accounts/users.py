"""Web accounts: creating them, checking passwords, changing roles and passwords.

Passwords are hashed with argon2id (``argon2-cffi``'s :class:`~argon2.PasswordHasher`,
the RFC 9106 second recommended parameter set) and never stored, logged or audited in
clear. :func:`authenticate` spends the same hashing work whether or not the name exists,
so response times do not tell which names have accounts.

Hashing runs under a small concurrency limit (:data:`HASHING_SLOTS`): each argon2id
computation takes 64 MiB, so forty logins at once would take 2.5 GB; with the limit,
the others wait their turn.

Sessions are revocable: every account has a session generation, which a web login
records in its cookie; :func:`end_sessions` (logging out) and a new password, role or
active flag (:func:`update_account`) move it on, and the web app then refuses every
cookie issued before.

The functions taking a ``store`` are the building blocks (the web app keeps one store
open); those taking a project directory open the project first, like
:mod:`sysreview.project.opening`.

References
----------
Biryukov A, Dinu D, Khovratovich D, Josefsson S. Argon2 Memory-Hard Function for
Password Hashing and Proof-of-Work Applications. RFC 9106, 2021, section 4.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.opening import PathLike, opened
from sysreview.project.storage import Store
from sysreview.project.storage.accounts import ACCOUNT_ROLES, Account

MIN_PASSWORD_LENGTH = 8
"""Shortest password accepted (NIST SP 800-63B, section 5.1.1.2: at least 8 characters)."""
MAX_PASSWORD_LENGTH = 1024
"""Longest password accepted: hashing a megabyte of input is a cheap denial of service."""
HASHING_SLOTS = 2
"""Password hashes computed at the same time in this process (64 MiB of memory each)."""
_HASHING = threading.BoundedSemaphore(HASHING_SLOTS)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def _hash(password: str) -> str:
    with _HASHING:
        return _hasher().hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hash("not a password of anyone")


def _verify(stored: str, password: str) -> bool:
    """Whether ``password`` matches the hash ``stored`` (a waiting turn, then argon2)."""
    with _HASHING:
        try:
            return bool(_hasher().verify(stored, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class AccountInfo:
    """An account as the web app sees it (never the password hash)."""

    id: int
    name: str
    role: str
    active: bool
    generation: int = 0
    """The account's session generation: a session issued under another one is void."""

    def allows(self, role: str) -> bool:
        """Whether this account's role is ``role`` or above (reviewer < adjudicator < admin).

        Examples
        --------
        >>> AccountInfo(1, "R3", "adjudicator", True).allows("reviewer")
        True
        >>> AccountInfo(1, "R1", "reviewer", True).allows("admin")
        False
        """
        return ACCOUNT_ROLES.index(self.role) >= ACCOUNT_ROLES.index(_checked_role(role))


def _info(row: Account) -> AccountInfo:
    return AccountInfo(row.id, row.name, row.role, row.active, row.session_generation)


def _checked_role(role: str) -> str:
    if role not in ACCOUNT_ROLES:
        raise InputError(f"invalid role {role!r}; must be one of {', '.join(ACCOUNT_ROLES)}")
    return role


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")
    return password


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or any(c.isspace() for c in name):
        raise InputError(
            f"invalid account name {name!r}: 1 to 200 characters without spaces "
            "(use the reviewer's protocol id, e.g. R1)"
        )
    return name


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string) of a password that meets the length rules."""
    return _hash(_checked_password(password))


def create_account(
    store: Store, name: str, *, role: str, password: str, who: str = "sysreview"
) -> AccountInfo:
    """Add an account; raises :class:`InputError` for a taken name or a bad role/password."""
    name, role = _checked_name(name), _checked_role(role)
    hashed = hash_password(password)
    with store.session() as session:
        if session.scalar(select(Account).where(Account.name == name)) is not None:
            raise InputError(f"there is already an account {name!r}")
        row = Account(name=name, role=role, password_hash=hashed, active=True)
        session.add(row)
        session.flush()
        store.audit(who, "add account", "account", row.id, {"name": name, "role": role})
        return _info(row)


def _row(session: Session, name: str) -> Account:
    row = session.scalar(select(Account).where(Account.name == name))
    if row is None:
        raise InputError(f"no account {name!r}")
    return row


def update_account(
    store: Store,
    name: str,
    *,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
    end_sessions: bool = False,
    who: str = "sysreview",
) -> AccountInfo:
    """Change an account's role, password or active flag (each change audited, no secrets).

    Any of these changes, and ``end_sessions=True``, also ends every web session of the
    account (its session generation moves on).
    """
    hashed = None if password is None else hash_password(password)
    if role is not None:
        _checked_role(role)
    with store.session() as session:
        row = _row(session, name)
        changed: dict[str, object] = {}
        if role is not None and role != row.role:
            row.role = changed["role"] = role
        if hashed is not None:
            row.password_hash = hashed
            changed["password"] = "changed"
        if active is not None and active != row.active:
            row.active = changed["active"] = active
        if changed or end_sessions:
            row.session_generation = Account.session_generation + 1
            changed["sessions"] = "ended"
            store.audit(who, "change account", "account", row.id, changed)
            session.flush()
        return _info(row)


def end_sessions(store: Store, account_id: int, generation: int) -> bool:
    """Log out: end every web session of an account, if ``generation`` is still current.

    ``generation`` is the logging-out session's: a session ended already (a replayed
    cookie) cannot end the sessions begun since. Returns whether sessions were ended.
    """
    current = update(Account).where(Account.id == account_id)
    bump = current.where(Account.session_generation == generation).values(
        session_generation=Account.session_generation + 1
    )
    with store.session() as session:
        return session.execute(bump.returning(Account.id)).first() is not None


_BY_ID = select(Account.name, Account.role, Account.active, Account.session_generation).where(
    Account.id == bindparam("id")
)


def get_account(store: Store, account_id: int) -> AccountInfo | None:
    """The account with this id, or ``None`` (one fast read: :meth:`Store.read_row`)."""
    row = store.read_row(_BY_ID, {"id": account_id})
    if row is None:
        return None
    return AccountInfo(account_id, row[0], row[1], bool(row[2]), int(row[3]))


def list_accounts(store: Store) -> list[AccountInfo]:
    """Every account, by name."""
    with store.session(readonly=True) as session:
        return [_info(r) for r in session.scalars(select(Account).order_by(Account.name))]


def authenticate(store: Store, name: str, password: str) -> AccountInfo | None:
    """The active account when ``password`` is its password, else ``None``.

    A hash made with older parameters is replaced by a new one on success (the account's
    sessions go on: the password is the same).
    """
    if not name or len(password) > MAX_PASSWORD_LENGTH:
        return None
    with store.session(readonly=True) as session:
        row = session.scalar(select(Account).where(Account.name == name))
        stored = None if row is None else row.password_hash
    if not _verify(stored or _dummy_hash(), password) or row is None or not row.active:
        return None
    if _hasher().check_needs_rehash(row.password_hash):
        rehashed = _hash(password)
        with store.session() as session:
            session.execute(
                update(Account).where(Account.id == row.id).values(password_hash=rehashed)
            )
            store.audit(row.name, "rehash password", "account", row.id, {"password": "rehashed"})
    return _info(row)


def add_user(
    directory: PathLike, name: str, *, role: str, password: str, db_url: str | None = None
) -> AccountInfo:
    """Add a web account to the project in ``directory`` (see :func:`create_account`)."""
    with opened(directory, db_url) as (_, store):
        return create_account(store, name, role=role, password=password)


def change_user(
    directory: PathLike,
    name: str,
    *,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
    end_sessions: bool = False,
    db_url: str | None = None,
) -> AccountInfo:
    """Change a web account of the project in ``directory`` (see :func:`update_account`)."""
    with opened(directory, db_url) as (_, store):
        return update_account(
            store, name, role=role, password=password, active=active, end_sessions=end_sessions
        )


def list_users(directory: PathLike, db_url: str | None = None) -> list[AccountInfo]:
    """The web accounts of the project in ``directory``."""
    with opened(directory, db_url) as (_, store):
        return list_accounts(store)


__all__ = [
    "ACCOUNT_ROLES",
    "HASHING_SLOTS",
    "MIN_PASSWORD_LENGTH",
    "AccountInfo",
    "add_user",
    "authenticate",
    "change_user",
    "create_account",
    "end_sessions",
    "get_account",
    "hash_password",
    "list_accounts",
    "list_users",
    "update_account",
]
