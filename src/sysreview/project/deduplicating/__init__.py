"""De-duplicating a project's records and the review queue of uncertain pairs."""
