"""Hooks are called through pluggy, one plugin at a time; ordering and wrapper options are refused."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from fivegood_core import Engine, PluginError, hookimpl
from fivegood_core.catalogue.manager import collect, make_manager


class Ordered:
    __name__ = "ordered"

    @hookimpl(tryfirst=True)
    def fivegood_metrics(self) -> list[Any]:
        return []


class Wrapping:
    __name__ = "wrapping"

    @hookimpl(wrapper=True)
    def fivegood_check_kinds(self) -> Any:
        return (yield)


@pytest.mark.parametrize("plugin, option", [(Ordered(), "tryfirst"), (Wrapping(), "wrapper")])
def test_ordering_and_wrapping_options_are_refused_by_name(plugin: Any, option: str) -> None:
    with pytest.raises(PluginError, match=f"plugin '{plugin.__name__}': hook fivegood_\\w+ is marked {option}"):
        Engine.from_plugins([plugin])
    lenient = Engine.from_plugins([plugin], strict=False)
    assert any(plugin.__name__ in e and option in e for e in lenient.errors)
    assert "threshold" in lenient.kinds  # the built-ins still load


def test_hook_calls_go_through_pluggy_so_monitoring_sees_them() -> None:
    pm, errors, _ = make_manager(entry_points=False)
    seen: list[tuple[str, list[str]]] = []

    def before(name: str, impls: list[pluggy.HookImpl], kwargs: dict[str, Any]) -> None:
        seen.append((name, [i.plugin_name for i in impls]))

    pm.add_hookcall_monitoring(before, lambda *a: None)
    kinds = collect(pm, "fivegood_check_kinds", errors)
    assert errors == [] and {k.name for _, k in kinds} >= {"threshold", "any", "requires"}
    assert seen == [("fivegood_check_kinds", ["fivegood_core"])]


def test_a_raising_hook_is_named_and_the_others_still_count() -> None:
    class Broken:
        __name__ = "broken"

        @hookimpl
        def fivegood_metrics(self) -> list[Any]:
            raise RuntimeError("boom")

    engine = Engine.from_plugins([Broken()], strict=False)
    assert any("plugin 'broken': hook fivegood_metrics raised RuntimeError: boom" in e for e in engine.errors)
    assert {"ratio", "growth"} <= set(engine.metrics)
