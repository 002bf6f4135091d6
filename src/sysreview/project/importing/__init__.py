"""A project's records: search strategies, imported search results, living updates."""
