"""The platform-parser contract: every platform module under parsers/ satisfies it, is registered, has a
sample folder and a sample generator; clutter is ruled on in one place; profiles do not import the
registry."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import parsers
from parsers import registry
from parsers.base import CLUTTER_RULES, PlatformModule, PlatformParser
from parsers.profiles import profile_modules

ROOT = Path(__file__).resolve().parents[2]
GENERATORS = {  # platform -> the function of toolkit/samples that writes its sample exports
    "uber": "toolkit.samples:write_sample",
    "ubereats": "toolkit.samples:write_sample",
    "wolt": "toolkit.samples.wolt:write_wolt_sample",
    "deliveroo": "toolkit.samples.deliveroo:write_deliveroo_sample",
}


def platform_modules() -> list[ModuleType]:
    """Every module or package right under parsers/ that declares a platform (`PLATFORM` and `RULES`)."""
    found = []
    for info in pkgutil.iter_modules(parsers.__path__):
        module = importlib.import_module(f"parsers.{info.name}")
        if hasattr(module, "PLATFORM") or hasattr(module, "RULES"):
            found.append(module)
    return found


def test_the_platform_modules_are_the_three_known_ones() -> None:
    assert sorted(m.__name__ for m in platform_modules()) == ["parsers.deliveroo", "parsers.uber",
                                                              "parsers.wolt"]


@pytest.mark.parametrize("module", platform_modules(), ids=lambda m: m.__name__)
def test_every_platform_module_fulfils_the_contract_and_is_registered(module: ModuleType) -> None:
    assert isinstance(module, PlatformModule)
    assert module in registry.PLATFORM_MODULES
    assert module.PLATFORM in module.PLATFORMS
    assert module.WORK_DATA.startswith("Ask ")
    for rule in module.RULES:
        assert rule.reason and rule.side in ("work", "customer", "account")
        assert rule.tables or rule.handler is None
    for signature in module.SIGNATURES:  # each signature names a file that the module's rules read or ignore
        assert any(rule.matches(signature.name) for rule in module.RULES), signature


@pytest.mark.parametrize("module", platform_modules(), ids=lambda m: m.__name__)
def test_every_platform_has_a_sample_folder_and_a_generator(module: ModuleType) -> None:
    folders = {p.name for p in (ROOT / "sample_exports").iterdir() if p.is_dir()}
    for platform in module.PLATFORMS:
        assert any(name.startswith(f"{platform}-") for name in folders), platform
        where, name = GENERATORS[platform].split(":")
        assert callable(getattr(importlib.import_module(where), name)), platform


def test_mapping_profiles_fulfil_the_parser_contract() -> None:
    for profile in profile_modules(include_examples=True):
        assert isinstance(profile, PlatformParser)


def test_clutter_is_ruled_in_one_place_for_every_platform() -> None:
    assert registry.COMMON_RULES is CLUTTER_RULES
    clutter = {rule.pattern for rule in CLUTTER_RULES}
    for module in registry.PLATFORM_MODULES:  # the ingest checks CLUTTER_RULES first; no module repeats them
        assert not any(rule.pattern in clutter or "MACOSX" in rule.pattern for rule in module.RULES), module
    assert registry.is_clutter("__MACOSX/a/._b.csv") and registry.is_clutter("x/Thumbs.db")


def test_profiles_do_not_import_the_registry() -> None:
    code = "import sys, parsers.profiles.module; print('parsers.registry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert "parsers.registry" not in (ROOT / "parsers" / "profiles" / "module.py").read_text()
