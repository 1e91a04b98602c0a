"""Ningbo: "Five Haves, Five Goods" township and street chambers, and the district rewards they earn.

The standard lives in ``standards/ningbo/`` (in the wheel, inside this package);
the chamber evidence keys it reads, in ``vocabulary.toml`` beside this file.
"""

from fivegood_core import PackagePlugin

#: Registered under the ``fivegood`` entry-point group, like any third party's plugin.
plugin = PackagePlugin(__name__)
