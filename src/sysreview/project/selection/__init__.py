"""Selecting studies: the screening use cases.

Decisions, corrections, the screening state, queues, views, sheets, prioritising,
stopping, and reports linked to their studies.

The algorithms are :mod:`sysreview.screening`'s; this package applies them to a project.
"""
