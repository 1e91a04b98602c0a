"""fivegood plugin: the standards of xinzheng."""

from fivegood_core import PackagePlugin

#: Registered under the ``fivegood`` entry-point group in pyproject.toml.
plugin = PackagePlugin(__name__)
