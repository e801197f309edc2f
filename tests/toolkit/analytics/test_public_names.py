"""Every analysis function the README names is importable from `toolkit.analytics`."""

from __future__ import annotations

import re
from pathlib import Path

import toolkit.analytics as analytics

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_function_the_readme_names_imports_from_the_package() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("The Python functions behind them"):]
    named = re.findall(r"`([a-z_]+)`", section[: section.index("\n\n")])
    assert {"pay_changes", "time_accounting", "subordination_signs"} <= set(named)
    for name in named:
        function = getattr(analytics, name)
        assert callable(function) and function.__name__ == name, name


def test_each_public_name_is_defined_where_the_table_says() -> None:
    for name, module in analytics.PUBLIC.items():
        assert getattr(analytics, name).__module__.startswith(f"toolkit.analytics.{module}"), name
