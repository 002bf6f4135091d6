"""Data extraction in the project.

Templates, sheets and forms, values stored as events, the current state, retractions, and
outside data files loaded as extracted data.
"""
