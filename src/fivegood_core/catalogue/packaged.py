"""Ready-made plugins: a packaged jurisdiction, and a folder of standard files."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from fivegood_core.hookspecs import hookimpl


def files(package: str) -> Any:
    """The folder of ``package``, as :func:`importlib.resources.files` gives it.

    A regular package on disk (a wheel installed, or a checkout) is its
    folder as a :class:`~pathlib.Path`, which is what ``files`` returns for it
    too; only for anything else (a zip, a namespace package) is
    ``importlib.resources`` imported, so the command line starts sooner.
    """
    module = importlib.import_module(package)
    origin = getattr(module, "__file__", None)
    if origin and Path(origin).name == "__init__.py" and Path(origin).is_file():
        return Path(origin).parent
    from importlib.resources import files as resource_files

    return resource_files(package)


class PackagePlugin:
    """A jurisdiction packaged the usual way: ``standards/`` (and optionally ``vocabulary.toml``) inside a package.

    A jurisdiction's package needs no code beyond::

        plugin = PackagePlugin(__name__)

    and an entry point ``name = "package:plugin"`` in the ``fivegood`` group.
    Package resources are found from an installed wheel as from a checkout.
    """

    def __init__(self, package: str) -> None:
        self.package = package

    def __repr__(self) -> str:
        return f"PackagePlugin({self.package!r})"

    @hookimpl
    def fivegood_standard_sources(self) -> list[Any]:
        """The package's ``standards`` folder."""
        return [files(self.package) / "standards"]

    @hookimpl
    def fivegood_vocabulary(self) -> list[Any]:
        """The package's ``vocabulary.toml``, if it has one."""
        vocabulary = files(self.package) / "vocabulary.toml"
        return [vocabulary] if vocabulary.is_file() else []

    @hookimpl
    def fivegood_programme_sources(self) -> list[Any]:
        """The package's ``programmes`` folder (certification programmes for the register), if it has one."""
        programmes = files(self.package) / "programmes"
        return [programmes] if programmes.is_dir() else []


class FolderPlugin:
    """A plugin providing the standard files of one folder: for embedding programs and tests, without packaging."""

    def __init__(self, folder: Any, name: str | None = None) -> None:
        self.folder = folder
        self.__name__ = name or f"folder:{folder}"

    def __repr__(self) -> str:
        return f"FolderPlugin({str(self.folder)!r})"

    @hookimpl
    def fivegood_standard_sources(self) -> list[Any]:
        """The folder itself."""
        return [self.folder]
