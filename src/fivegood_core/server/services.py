"""What every request is answered from: one engine, one register, the users, the settings, the counters."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from fivegood_core.engine import Engine
from fivegood_core.register.errors import RegisterError, UnavailableError
from fivegood_core.server.settings import Settings

if TYPE_CHECKING:
    from fivegood_core.register.store import Register
    from fivegood_core.register.users import Users


class Services:
    """Built once when the application is made; shared by every request (the engine and the register are thread-safe)."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or Engine.from_entry_points(only=settings.plugins)
        self._register: Register | None = None
        self._users: Users | None = None
        self._lock = threading.Lock()
        #: Why the register could not be opened, if it could not (the API answers 503 with it).
        self.register_error: RegisterError | None = None

    @property
    def register(self) -> "Register":
        """The register, opened (and created or upgraded, when the settings say so) on first use."""
        with self._lock:
            if self._register is None:
                from fivegood_core.register.store import Register

                try:
                    if self.settings.init_register:
                        self._register = Register.init(self.settings.db, engine=self.engine)
                    else:
                        self._register = Register(self.settings.db, engine=self.engine)
                except RegisterError as e:
                    self.register_error = e
                    raise UnavailableError(e.message) from None
                self.register_error = None
            return self._register

    @property
    def users(self) -> "Users":
        """The register's users and tokens."""
        if self._users is None:
            from fivegood_core.register.users import Users

            self._users = Users(self.register)
        return self._users

    def close(self) -> None:
        """Release the register's connections."""
        if self._register is not None:
            self._register.close()
