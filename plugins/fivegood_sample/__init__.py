"""A sample jurisdiction: the smallest plugin there is, and the engine's demonstration standard."""

from fivegood_core import PackagePlugin

#: Registered under the ``fivegood`` entry-point group, like any third party's plugin.
plugin = PackagePlugin(__name__)
