"""The project layer: one open review project and its use cases, for the CLI and the web app.

:func:`~sysreview.project.opening.open_project` opens a project (its validated protocol;
its database on first use) as a :class:`~sysreview.project.opening.Project`, whose
services are the use cases by area::

    with open_project("my-review") as project:
        project.screening.conflicts("ta")

- ``project.records``: imports, searches, updates; ``project.duplicates``;
- ``project.screening`` (:mod:`~sysreview.project.selection`): decisions, queues, sheets,
  prioritising, stopping, studies and their reports;
- ``project.appraisal``, ``project.extraction``, ``project.grading``,
  ``project.analysis``, ``project.report``, ``project.accounts`` and ``project.audit``,
  each in its package (``appraising``, ``extracting``, ``grading``, ``analysing``,
  ``reporting``, ``accounts``, ``audit``).

:mod:`sysreview.project.storage` keeps a review's evidence trail in a database (SQLite by
default, PostgreSQL on request) whose schema is managed by Alembic migrations; it knows
no use case. :mod:`sysreview.project.sheets` reads and writes the reviewers' sheets.
"""
