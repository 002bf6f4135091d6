"""Shared by the Metapsy adapter tests: the bundled demo folder and small synthetic files.

The demo (``examples/group-peer-support/``) holds an unchanged copy of the Metapsy
peer-support ``data.csv``; the ``demo`` fixture (``conftest.py``) is :class:`Demo`: the
file read through ``mapping.toml`` by the adapter, and the data the project reads back
after storing it (``sysreview analyse --data``'s path, through a throw-away store).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sysreview.extraction.dataset import OutcomeEntry, ReviewData
from sysreview.io import Dataset
from sysreview.io.metapsy import MetapsyRead, read_metapsy_dataset
from sysreview.io.metapsy.mapping import MetapsyMapping, OutcomeRule
from sysreview.project.extracting.datasets import dataset_review_data
from sysreview.project.opening import validate_protocol
from sysreview.protocol import Protocol
from tests.conftest import PROJECT_ROOT

DEMO = PROJECT_ROOT / "examples" / "group-peer-support"
DATA_FILE = DEMO / "data" / "metapsy-peer-support.csv"
MAPPING_FILE = DEMO / "mapping.toml"
SEARCH_FLOW_FILE = DEMO / "data" / "search_flow.json"
GROUP_TRIALS = (
    "Boevink, 2016",
    "Castelein, 2008",
    "Cook, 2012a",
    "Cook, 2012b",
    "Griffiths, 2012",
    "Kaplan, 2011",
    "Ludman, 2007",
    "Rüsch, 2014",
    "Russinova, 2014",
    "van Gestel-Timmermans, 2012",
)


@dataclass(frozen=True)
class Demo:
    """The demo's Metapsy file as the adapter reads it, and as the project reads it back."""

    protocol: Protocol
    read: MetapsyRead
    data: ReviewData

    @property
    def dataset(self) -> Dataset:
        return self.read.dataset

    @property
    def mapping(self) -> MetapsyMapping:
        return self.read.mapping


def load(directory: Path = DEMO) -> Demo:
    """:class:`Demo` of a folder laid out as the demo is."""
    protocol = validate_protocol(directory)
    data_file, mapping = directory / "data" / DATA_FILE.name, directory / MAPPING_FILE.name
    read = read_metapsy_dataset(data_file, protocol, mapping)
    data = dataset_review_data(directory, data_file, format="metapsy", mapping=mapping)
    return Demo(protocol, read, data)


def entry(demo: Demo, study: str, measure: str, arm_type: str) -> OutcomeEntry:
    """The one outcome entry of a study's measure in the arm of ``arm_type``."""
    arms = {a.arm: a.arm_type for a in demo.data.arms_of(study)}
    (found,) = [
        o for o in demo.data.outcomes_of(study) if o.measure == measure and arms[o.arm] == arm_type
    ]
    return found


# ---- small synthetic files -----------------------------------------------------------------

HEADER = (
    '"";"study";"format";"condition_arm1";"condition_arm2";"outcome_type";"instrument";'
    '"disorder";"structure_intervention";"RoB_D1";"RoB_D2";"RoB_D3";"RoB_D4";"RoB_D5";'
    '"overall_RoB";".g";".g_se";"mean_arm1";"sd_arm1";"n_arm1";"mean_arm2";"sd_arm2";"n_arm2";'
    '"precalc_g";"precalc_g_se";"event_arm1";"event_arm2";"totaln_arm1";"totaln_arm2";"dich"'
)
ROB = '"Low risk";"Low risk";"Low risk";"Low risk";"Low risk";"Low risk"'


def synthetic_file(*rows: str) -> str:
    """A Metapsy file of :data:`HEADER` and ``rows``."""
    return "\n".join([HEADER, *rows]) + "\n"


def with_rules(demo: Demo, *rules: OutcomeRule) -> MetapsyMapping:
    """The demo's mapping with ``rules`` as its only outcome rules."""
    return dataclasses.replace(demo.mapping, outcomes=rules)
