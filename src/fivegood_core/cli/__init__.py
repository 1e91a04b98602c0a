"""The ``fivegood`` command line: a thin layer over the library (:mod:`.main`), and the plugin scaffold (:mod:`.scaffold`)."""

from fivegood_core.cli.main import main

__all__ = ["main"]
