"""The as-of date: which version of a standard is in force, and when a deadline has passed."""

from __future__ import annotations

import datetime as dt


def as_of_or_today(as_of: dt.date | None) -> dt.date:
    """``as_of``, or today's date when none is given (the documented default of every command and call)."""
    return as_of if as_of is not None else dt.date.today()
