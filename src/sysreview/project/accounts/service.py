"""Account use cases: adding and changing web accounts, logging in, ending sessions."""

from __future__ import annotations

from sysreview.project.accounts.users import (
    AccountInfo,
    authenticate,
    create_account,
    end_sessions,
    get_account,
    list_accounts,
    update_account,
)
from sysreview.project.opening import Service


class AccountsService(Service):
    """``project.accounts``: the project's web accounts."""

    def add(self, name: str, *, role: str, password: str) -> AccountInfo:
        """Add a web account (see :func:`~sysreview.project.accounts.users.create_account`)."""
        with self.project.write_lock:
            return create_account(self.store, name, role=role, password=password)

    def change(
        self, name: str, *, role: str | None = None, password: str | None = None,
        active: bool | None = None, end_sessions: bool = False,
    ) -> AccountInfo:  # fmt: skip
        """Change a web account (see :func:`~sysreview.project.accounts.users.update_account`)."""
        with self.project.write_lock:
            return update_account(
                self.store, name, role=role, password=password, active=active,
                end_sessions=end_sessions,
            )  # fmt: skip

    def list(self) -> list[AccountInfo]:
        """The project's web accounts."""
        return list_accounts(self.store)

    def get(self, account_id: int) -> AccountInfo | None:
        """The account with this id (``None`` when there is none)."""
        return get_account(self.store, account_id)

    def authenticate(self, name: str, password: str) -> AccountInfo | None:
        """The active account ``name`` if ``password`` is its password, else ``None``."""
        return authenticate(self.store, name, password)

    def end_sessions(self, account_id: int, generation: int) -> bool:
        """End the account's sessions of ``generation`` (a logout); whether it did."""
        with self.project.write_lock:
            return end_sessions(self.store, account_id, generation)


__all__ = ["AccountsService"]
