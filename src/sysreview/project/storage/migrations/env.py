"""Alembic's environment script for the store; Alembic runs it, nothing imports it.

The work is done by :func:`sysreview.project.storage.migrate.run_migrations`.
"""

from alembic import context

from sysreview.project.storage.migrate import run_migrations

if hasattr(context, "config"):  # only while Alembic runs this file (not on a plain import)
    run_migrations()
