"""The toolkit: everything standards are read and compiled with, as one frozen value."""

from __future__ import annotations

from typing import Mapping

import attrs

from fivegood_core.kinds.contract import CheckKind, Metric
from fivegood_core.kinds.rewards import RewardCalculator
from fivegood_core.model.vocabulary import Vocabulary


@attrs.frozen
class Toolkit:
    """The check kinds, metrics, reward calculators and evidence vocabulary the plugins provide.

    The loader checks a standard file against it, and the compiler builds the
    standard's checks with it; it is fixed once the plugins are collected.
    """

    kinds: Mapping[str, CheckKind]
    metrics: Mapping[str, Metric]
    calculators: Mapping[str, RewardCalculator]
    vocabulary: Vocabulary
