"""The engine internals the register uses that are not (yet) exported from ``fivegood_core``'s root.

Kept in this one module so that a restructure of the engine's modules needs
one edit here, not one per register module.
"""

from __future__ import annotations

from fivegood_core.catalogue.manager import collect, make_manager
from fivegood_core.evidence.document import parse_json_evidence, parse_toml_evidence
from fivegood_core.reading.tomlfile import TomlDocument, TomlSyntaxError, parse_toml

__all__ = ["TomlDocument", "TomlSyntaxError", "collect", "make_manager", "parse_json_evidence", "parse_toml", "parse_toml_evidence"]
