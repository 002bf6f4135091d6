"""The store's curated public API."""

from __future__ import annotations

import sysreview.project.storage as store_api


def test_all_names_resolve() -> None:
    assert store_api.__all__
    missing = [name for name in store_api.__all__ if not hasattr(store_api, name)]
    assert missing == []
