"""The packaged datasets: they load, have metafor's columns, and the demo's copies are the
files under ``examples/`` (not drifting apart)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from sysreview import datasets

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("name", "shape", "columns"),
    [
        ("bcg", (13, 9), {"tpos", "tneg", "cpos", "cneg", "ablat", "alloc"}),
        ("normand1999", (9, 8), {"m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"}),
        ("molloy2014", (16, 10), {"ri", "ni", "meanage", "controls"}),
        ("pritz1997", (14, 4), {"xi", "ni"}),
        ("hart1999", (6, 12), {"x1i", "t1i", "x2i", "t2i"}),
        ("peer_support_recovery", (24, 10), {"mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"}),
        ("metapsy_peer_support", (66, 56), {"study", "mean_arm1", "n_arm2"}),
    ],
)
def test_dataset(name: str, shape: tuple[int, int], columns: set[str]) -> None:
    frame = getattr(datasets, name)()
    assert frame.shape[0] == shape[0]
    assert columns <= set(frame.columns)
    assert getattr(datasets, name).__doc__ and "Source" in getattr(datasets, name).__doc__


@pytest.mark.parametrize(
    ("packaged", "example"),
    [
        ("peer_support_recovery.csv", "examples/peer-support-recovery.csv"),
        ("metapsy_peer_support.csv", "examples/group-peer-support/data/metapsy-peer-support.csv"),
    ],
)
def test_demo_copies_are_the_examples(packaged: str, example: str) -> None:
    data = resources.files("sysreview.datasets").joinpath("data", packaged).read_bytes()
    assert data == (ROOT / example).read_bytes()


def test_the_demo_pools_from_the_package() -> None:
    from sysreview import escalc, meta_analysis

    dat = datasets.peer_support_recovery()
    recovery = dat[dat["outcome"] == "recovery"]
    es = escalc("SMD", recovery, m1i="mean_e", sd1i="sd_e", n1i="n_e", m2i="mean_c",
                sd2i="sd_c", n2i="n_c", slab="study", convention="revman")  # fmt: skip
    assert meta_analysis(es).k == len(recovery)
