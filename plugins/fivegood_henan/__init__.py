"""Henan: the county federation "Five Good" demonstration-site standard and "one establishment, five guarantees".

The standards live in ``standards/henan/`` (in the wheel, inside this package);
the extra evidence keys they read, in ``vocabulary.toml`` beside this file.
"""

from fivegood_core import PackagePlugin

#: Registered under the ``fivegood`` entry-point group, like any third party's plugin.
plugin = PackagePlugin(__name__)
