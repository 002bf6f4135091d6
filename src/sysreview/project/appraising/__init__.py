"""Risk of bias in the project: sheets, forms, entries as events, attrition suggestions,
agreement and consensus.
"""
