"""Analysing a project.

The data the analysis reads, the protocol's analysis plan run, and the whole pipeline run
(import, data, de-duplication, screening status, analysis, report).
"""
