"""Property-based testing of standards: hypothesis strategies, ready-made properties, example cases.

``evidence(compiled)`` draws evidence documents holding some or all of the keys
a standard reads, with numbers concentrated at every threshold; the
properties of :mod:`.properties` prove boundaries, wording, monotonicity and
agreement between the explained and the fast evaluation; :mod:`.cases` runs
the ``*.cases.toml`` files; :mod:`.pytest_plugin` turns all of it into pytest
items. Requires ``hypothesis`` (the ``testing`` extra); the engine never imports this.
"""

from fivegood_core.catalogue.wording import (
    Joining,
    Wording,
    connective_problem,
    read_joining,
    read_wording,
    unread_wordings,
    wording_problem,
)
from fivegood_core.testing.properties import Property, properties_for, standard_evidence, standard_properties
from fivegood_core.testing.strategies import (
    EXPECTED_AT_BOUNDARY,
    boundary_cases,
    dates_around,
    evidence,
    keys_of,
    nest_keys,
    thresholds,
    value,
    without,
)

__all__ = [
    "EXPECTED_AT_BOUNDARY",
    "Joining",
    "Property",
    "Wording",
    "boundary_cases",
    "connective_problem",
    "dates_around",
    "evidence",
    "keys_of",
    "nest_keys",
    "properties_for",
    "read_joining",
    "read_wording",
    "standard_evidence",
    "standard_properties",
    "thresholds",
    "unread_wordings",
    "value",
    "without",
    "wording_problem",
]
