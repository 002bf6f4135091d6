"""The audit trail: who did what, when, to which record, from which route or file."""
