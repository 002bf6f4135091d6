"""Two records' fields compared for the duplicate review: statuses in words, marks safe."""

from __future__ import annotations

import html
import re

from sysreview.web.textdiff import FIELDS, compare_records, marked_pair


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"</?mark[^>]*>", "", markup))


def test_marks_wrap_only_what_differs_and_the_text_is_kept() -> None:
    a = 'Peer <script>x()</script> groups & "trials"'
    b = "Peer support groups & trials"
    left, right = marked_pair(a, b)
    assert _plain(str(left)) == a and _plain(str(right)) == b  # nothing lost or added
    assert "<script>" not in left and "&lt;script&gt;x()&lt;/script&gt;" in left
    assert re.findall(r'<mark class="diff">(.*?)</mark>', str(right)) == ["support", "trials"]


def test_each_status_in_words() -> None:
    a = {"title": "A trial", "journal": "BMJ", "doi": "10.1/x", "pmid": None, "year": 2020}
    b = {"title": "A trial.", "journal": None, "doi": "10.1/y", "pmid": "123", "year": 2020}
    rows = {r.key: r for r in compare_records(a, b)}
    assert [r.key for r in compare_records(a, b)] == [key for key, _, _ in FIELDS]
    assert rows["title"].status_text == "Same apart from case or punctuation"
    assert rows["journal"].status_text == "Only in record A"
    assert rows["pmid"].status_text == "Only in record B"
    assert rows["year"].status_text == "Same" and "<mark" not in rows["year"].a
    assert rows["doi"].status_text == "Differs"
    assert str(rows["doi"].b) == '10.1/<mark class="diff">y</mark>'  # characters, for a code
    assert rows["abstract"].status_text == "Neither has one"


def test_every_author_is_compared() -> None:
    a = {"authors": ["A"], "all_authors": ["Smith, J", "Doe, J", "Roe, K", "Poe, E"]}
    b = {"authors": ["A"], "all_authors": ["Smith, J", "Doe, J", "Roe, K", "Moe, E"]}
    (row,) = [r for r in compare_records(a, b) if r.key == "authors"]
    assert row.status == "differs"
    assert str(row.a) == 'Smith, J; Doe, J; Roe, K; <mark class="diff">Poe,</mark> E'
