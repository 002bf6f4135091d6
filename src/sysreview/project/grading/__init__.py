"""Certainty of the evidence (GRADE) in the project: ratings from sheets and forms, and
the assessment of every main outcome.
"""
