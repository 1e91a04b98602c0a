"""``fivegood new-plugin``: a complete, installable jurisdiction plugin that passes its own tests as generated.

The generated package::

    fivegood-NAME/
      pyproject.toml                  the fivegood entry point, the pytest plugin configured
      README.md
      src/fivegood_NAME/__init__.py   plugin = PackagePlugin(__name__)
      src/fivegood_NAME/vocabulary.toml        evidence keys of its own (optional)
      src/fivegood_NAME/standards/STANDARD-YEAR.toml
      src/fivegood_NAME/standards/STANDARD.cases.toml
      examples/sample.toml            evidence that passes
      tests/test_standard.py          property tests through the marker, and the sample
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fivegood_core.errors import FivegoodError

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _files(name: str, standard: str, year: int) -> dict[str, str]:
    package = f"fivegood_{name}"
    sid = f"{name}/{standard}"
    return {
        "pyproject.toml": f'''[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "fivegood-{name.replace("_", "-")}"
version = "0.1.0"
description = "fivegood standards for {name}"
requires-python = ">=3.10"
dependencies = ["fivegood"]

[project.optional-dependencies]
test = ["fivegood[testing]"]

# How the fivegood engine finds this plugin: no change to fivegood itself.
[project.entry-points.fivegood]
{name} = "{package}:plugin"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
# The fivegood pytest plugin runs the example cases beside the standard;
# tests/test_standard.py asks it for property tests with a marker.
fivegood_cases = ["src/{package}/standards/{standard}.cases.toml"]
''',
        "README.md": f"""# fivegood-{name.replace("_", "-")}

Standards of `{name}` for the fivegood engine.

```sh
pip install -e ".[test]"      # install the plugin (fivegood finds it through its entry point)
fivegood list                 # shows {sid}@{year}
fivegood check examples/sample.toml --standard {sid}
pytest                        # property tests of every threshold, and the example cases
```

Edit `src/{package}/standards/{standard}-{year}.toml` (the format is in
fivegood's docs/authoring.md), check it with
`fivegood validate src/{package}/standards/*.toml`, and keep
`src/{package}/standards/{standard}.cases.toml` in step.
""",
        f"src/{package}/__init__.py": f'''"""fivegood plugin: the standards of {name}."""

from fivegood_core import PackagePlugin

#: Registered under the ``fivegood`` entry-point group in pyproject.toml.
plugin = PackagePlugin(__name__)
''',
        f"src/{package}/vocabulary.toml": """# Evidence keys this plugin needs beyond fivegood's vocabulary (docs/vocabulary.md).
# A key another plugin defines must have the same type.

[keys."governance.rules"]
type = "flag"
label = { zh = "有章程和管理制度", en = "has a charter and rules" }
meaning = "The organisation has a charter and working rules in force."
""",
        f"src/{package}/standards/{standard}-{year}.toml": f'''# {sid}, version {year}. Replace the example criteria with your standard's.

[standard]
id = "{sid}"
version = "{year}"
title = {{ zh = "示例标准", en = "Example standard" }}
issuer = {{ zh = "发布单位", en = "Issuer" }}
effective_from = {year}-01-01
subject_kind = "chamber"
jurisdiction = "{name}"

[[criterion]]
id = "premises"
kind = "threshold"
key = "office.area_m2"
op = ">="
value = 30
title = {{ zh = "办公场所", en = "Premises" }}
citation = "第一条"
text = "办公场所面积不少于30平方米。"

[[criterion]]
id = "rules"
kind = "flag"
key = "governance.rules"
title = {{ zh = "有制度", en = "Has rules" }}
citation = "第二条"
text = "有章程和管理制度。"
''',
        f"src/{package}/standards/{standard}.cases.toml": f'''standard = "{sid}"

[[case]]
name = "30 m² and written rules pass"
as_of = {year}-06-01
evidence = {{ office = {{ area_m2 = 30 }}, governance = {{ rules = true }} }}
verdict = "pass"

[[case]]
name = "29 m² is short of 30 m²"
as_of = {year}-06-01
evidence = {{ office = {{ area_m2 = 29 }}, governance = {{ rules = true }} }}
verdict = "fail"
criteria = {{ premises = "fail" }}
''',
        "examples/sample.toml": f'''[subject]
id = "sample"
name = "示例商会"
kind = "chamber"
jurisdiction = "{name}"
year = {year}

[office]
area_m2 = 40

[governance]
rules = true
''',
        "tests/test_standard.py": f'''"""Tests of {sid}: generated properties (through the fivegood marker) and the sample evidence."""

import datetime as dt
from pathlib import Path

import pytest

from fivegood_core import Engine, Overall

ROOT = Path(__file__).parent.parent


@pytest.mark.fivegood("{sid}")
def test_properties(fivegood_property):
    fivegood_property.run()


def test_the_sample_passes():
    engine = Engine.from_entry_points(strict=True)
    result = engine.evaluate(str(ROOT / "examples" / "sample.toml"), "{sid}", dt.date({year}, 6, 1))
    assert result.verdict is Overall.PASS, result.failed + result.unknown
''',
    }


def _taken(name: str) -> str | None:
    """Why ``name`` cannot be used (its package or plugin exists already), or None."""
    import importlib.metadata
    import importlib.util

    if name == "core":
        return "fivegood_core is fivegood's own package"
    if importlib.util.find_spec(f"fivegood_{name}") is not None:
        return f"a package fivegood_{name} is installed already"
    if any(ep.name == name for ep in importlib.metadata.entry_points(group="fivegood")):
        return "an installed plugin has that name"
    return None


def new_plugin(name: str, directory: Path, standard: str = "example", year: int | None = None) -> Path:
    """Write the plugin package ``fivegood-NAME`` under ``directory``; returns its folder."""
    if not NAME.match(name):
        raise FivegoodError(f"plugin name {name!r}: expected lower-case letters, digits and '_', starting with a letter")
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", standard):
        raise FivegoodError(f"standard name {standard!r}: expected lower-case letters, digits, '-' and '_'")
    taken = _taken(name)
    if taken:
        raise FivegoodError(f"plugin name {name!r}: {taken}; installing the new package would replace it, so choose another name")
    root = directory / f"fivegood-{name.replace('_', '-')}"
    if root.exists():
        raise FivegoodError(f"{root}: already exists; choose another name or folder")
    for relative, text in _files(name, standard, year or dt.date.today().year).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
