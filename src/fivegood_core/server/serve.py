"""``fivegood serve``: the application on uvicorn, with request logs on standard error."""

from __future__ import annotations

import logging
import sys

import uvicorn

from fivegood_core.server.app import create_app
from fivegood_core.server.settings import Settings
from fivegood_core.words.catalogue import say


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, lang: str = "en") -> int:
    """Run the service until interrupted; the register is created (or upgraded) first so that its errors come before the first request."""
    from fivegood_core.register.db import safe_url

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its migration notes are not the service's news
    app = create_app(settings)
    services = app.state.services
    for error in services.engine.error_messages:
        print(f"fivegood: {error.render(lang)}", file=sys.stderr)
    register = services.register
    if not settings.secret_given:
        print(f"fivegood: {say('server.ephemeral_key').render(lang)}", file=sys.stderr)
    if not services.users.list():
        print(f"fivegood: {say('server.no_users').render(lang)}", file=sys.stderr)
    print(say("server.serving", host=host, port=port, db=safe_url(register.url)).render(lang), file=sys.stderr, flush=True)
    # uvicorn's own access log would print query strings; the service logs each request itself (observe.py).
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
    return 0
