"""Web accounts (sysreview.project.accounts.users): argon2id hashes, roles, changes, audit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.project.accounts import users as accounts
from sysreview.project.accounts.users import (
    AccountInfo,
    authenticate,
    create_account,
    list_accounts,
    update_account,
)
from sysreview.project.storage import AuditEntry, Store, open_store
from sysreview.project.storage.accounts import Account


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


def test_only_an_argon2id_hash_is_stored(store: Store) -> None:
    create_account(store, "R1", role="reviewer", password="correct horse")
    with store.session(readonly=True) as session:
        row = session.scalar(select(Account))
        audit = [json.dumps(a.payload) for a in session.scalars(select(AuditEntry))]
    assert row is not None and row.password_hash.startswith("$argon2id$")
    assert "correct horse" not in row.password_hash
    assert not any("correct horse" in a for a in audit)
    assert authenticate(store, "R1", "correct horse") == AccountInfo(row.id, "R1", "reviewer", True)
    assert authenticate(store, "R1", "correct horsE") is None
    assert authenticate(store, "R2", "correct horse") is None
    assert authenticate(store, "", "correct horse") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("R1", "superuser", "long enough", "invalid role 'superuser'; must be one of reviewer"),
        ("R1", "reviewer", "short", "the password needs at least 8 characters"),
        ("R 1", "reviewer", "long enough", "invalid account name 'R 1'"),
        ("", "reviewer", "long enough", "invalid account name ''"),
        ("R1", "reviewer", "x" * 1025, "at most 1024 characters"),
    ],
)
def test_bad_accounts_are_refused(
    store: Store, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        create_account(store, name, role=role, password=password)
    assert list_accounts(store) == []


def test_names_are_unique(store: Store) -> None:
    create_account(store, "R1", role="reviewer", password="long enough")
    with pytest.raises(InputError, match="there is already an account 'R1'"):
        create_account(store, "R1", role="admin", password="long enough")


def test_role_password_and_active_changes(store: Store) -> None:
    create_account(store, "R3", role="reviewer", password="first password")
    changed = update_account(store, "R3", role="adjudicator", password="second password")
    assert changed.role == "adjudicator" and changed.allows("reviewer")
    assert not changed.allows("admin")
    assert authenticate(store, "R3", "first password") is None
    assert authenticate(store, "R3", "second password") is not None
    update_account(store, "R3", active=False)
    assert authenticate(store, "R3", "second password") is None
    with store.session(readonly=True) as session:
        whats = [(a.what, a.payload) for a in session.scalars(select(AuditEntry))]
    assert whats[1:] == [
        ("change account", {"role": "adjudicator", "password": "changed", "sessions": "ended"}),
        ("change account", {"active": False, "sessions": "ended"}),
    ]
    assert changed.generation == 1 and update_account(store, "R3").generation == 2
    with pytest.raises(InputError, match="no account 'R9'"):
        update_account(store, "R9", active=True)


def test_an_outdated_hash_is_replaced_at_login(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_account(store, "R1", role="reviewer", password="long enough")  # cheapest profile
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: stronger)
    assert authenticate(store, "R1", "long enough") is not None
    with store.session(readonly=True) as session:
        row = session.scalar(select(Account))
    assert row is not None and not stronger.check_needs_rehash(row.password_hash)


def test_directory_level_use_cases(project: Path) -> None:
    names = [(a.name, a.role) for a in accounts.list_users(project)]
    assert names == [
        ("R1", "reviewer"),
        ("R2", "reviewer"),
        ("R3", "adjudicator"),
        ("boss", "admin"),
    ]
    accounts.change_user(project, "R2", role="admin")
    added = accounts.add_user(project, "R4", role="reviewer", password="long enough")
    assert added.name == "R4"
    assert {a.name: a.role for a in accounts.list_users(project)}["R2"] == "admin"
