"""Certainty of the evidence (GRADE) in the project.

Ratings from sheets and forms, and the assessment of every main outcome.
"""
