"""A plugin whose reward calculator ends the process that runs it: a worker that dies mid-batch."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from fivegood_core import RewardCalculator, hookimpl


def _die(scheme: Any, subject: Any, reader: Any) -> Decimal:
    os._exit(3)


@hookimpl
def fivegood_reward_calculators() -> list[RewardCalculator]:
    """The calculator named "die"."""
    return [RewardCalculator("die", "ends the process", _die)]
