"""The project layer: configuration, storage and the services shared by the CLI and the web app.

:mod:`sysreview.project.storage` keeps a review's evidence trail in a database (SQLite by
default, PostgreSQL on request) whose schema is managed by Alembic migrations.
"""
