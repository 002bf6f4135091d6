"""Risk of bias in the project.

Sheets, forms, entries as events, attrition suggestions, agreement and consensus.
"""
