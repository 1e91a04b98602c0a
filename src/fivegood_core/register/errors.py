"""What the register raises: bad input (exit 2), a refusal by a rule (exit 4), an unusable database (exit 2).

Every error leaves the register as it was: operations are single transactions
and an error rolls the whole transaction back.
"""

from __future__ import annotations

import math
from typing import Any

from fivegood_core import FivegoodError
from fivegood_core.words.catalogue import Message, say


class RegisterError(FivegoodError):
    """Bad input to the register (an unknown subject, a malformed date, a missing file): nothing was changed."""


class RefusedError(RegisterError):
    """A rule of the programme or of the register refuses the operation; nothing was changed.

    ``rule`` names the rule (``nomination.quota``, ``register.certify-once`` …),
    ``subject`` the subject, and ``citation`` the sentence of the document the
    rule comes from (None for the register's own rules).
    """

    def __init__(self, message: Message, *, subject: str | None, rule: str, citation: str | None = None) -> None:
        self.subject = subject
        self.rule = rule
        self.citation = citation
        self.detail = message
        if citation:
            super().__init__(say("register.refused.cited", rule=rule, detail=message, citation=citation))
        else:
            super().__init__(say("register.refused", rule=rule, detail=message))

    def __reduce__(self) -> tuple[Any, ...]:
        return _refused, (type(self), self.detail, self.subject, self.rule, self.citation)


def _refused(cls: type[RefusedError], message: Message, subject: str | None, rule: str, citation: str | None) -> RefusedError:
    return cls(message, subject=subject, rule=rule, citation=citation)


class UnavailableError(RegisterError):
    """The database cannot be used: unreachable, locked by another process, not a register, or a newer schema."""


class LoginRefused(RegisterError):
    """A login failed: the name is unknown, the password wrong, or the user disabled; the one message does not say which."""

    def __init__(self, message: Message | None = None) -> None:
        super().__init__(message if message is not None else say("register.login.refused"))


class LoginThrottled(RegisterError):
    """Too many failed logins for this name lately: no password is checked for ``retry_after`` more seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = float(retry_after)
        super().__init__(say("register.login.throttled", seconds=max(1, math.ceil(self.retry_after))))

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.retry_after,)
