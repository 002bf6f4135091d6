"""Different records that share a DOI are not merged (issue 4).

The two Ovid Embase exports hold two conference abstracts published in one proceedings
supplement under a single DOI (10.1186/s12919-018-0099-8); they are different papers.
"""

from __future__ import annotations

import pytest

from sysreview.dedup import find_duplicates
from sysreview.records import read_file
from tests.conftest import shared_path


@pytest.mark.parametrize(
    "name", ["Embase_endnote_r3001-3002.cgi.txt", "Embase_citavi_r3001-3002.ovd.txt"]
)
def test_conference_abstracts_sharing_a_doi_stay_apart(name: str) -> None:
    citations = read_file(shared_path("fixtures", "exports", name)).citations
    assert len(citations) == 2 and citations[0].doi == citations[1].doi
    result = find_duplicates(citations)
    assert result.links == () and result.n_unique == 2
