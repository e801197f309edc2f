"""Analysis parameters: costs, contribution rates, wage tables and thresholds, from a documented TOML file.

`toolkit/defaults.toml` holds the defaults of methods.md §8 with their sources. A user file with the same
layout is merged over it, then `overrides` (nested dicts, or dotted keys such as `"costs.profile"`). A key
that the defaults do not have is an error naming the key, except new entries in the open tables
(`wages`, `costs.profiles`, `minimum_wage.by_currency`), so a union can add a wage table or a vehicle.

Dated tables (`rates = [{from = 2026-01-01, value = 12.02, status = "V"}, ...]`) hold from their date to
the next entry's; before the first entry the value is unknown (None), never zero.

Example:
    >>> cfg = load_config(overrides={"costs.profile": "scooter"})
    >>> cfg.get("costs.profile"), cfg.rate_on("wages.fr_smic_gross_hourly", date(2026, 3, 1)).value
    ('scooter', 12.02)
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
OPEN_TABLES = ("wages", "costs.profiles", "minimum_wage.by_currency")
"""Tables where a user file may add entries the defaults do not have."""
STATUSES = ("V", "S", "?")
STATUS_WORDS = {"V": "verified", "S": "secondary source only", "?": "not verified"}


class ConfigError(ValueError):
    """A configuration file or override that does not fit the documented layout."""


@dataclass(frozen=True)
class Rate:
    """One entry of a dated table: `value` holds from `start` until the next entry."""

    start: date
    value: float
    status: str


@dataclass(frozen=True)
class Config:
    """Merged, validated parameters. Read with `get`, `rates`, `rate_on`, `rate_over`; never mutate `values`.

    Example:
        >>> load_config().get("time.reconnect_gap_s")
        120
    """

    values: Mapping[str, Any]
    origin: str = "defaults"
    _rates: dict[str, tuple[Rate, ...]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def get(self, key: str) -> Any:
        """The value at a dotted key, e.g. `"pay.distance_scope"`; KeyError naming the key if absent.

        Example:
            >>> load_config().get("costs.profile")
            'car_5cv'
        """
        node: Any = self.values
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise KeyError(f"config has no key {key!r}")
            node = node[part]
        return copy.deepcopy(node)

    def rates(self, key: str) -> list[Rate]:
        """The entries of the dated table at `key`, oldest first.

        Example:
            >>> load_config().rates("wages.uk_nlw_hourly")[-1]
            Rate(start=datetime.date(2026, 4, 1), value=12.71, status='V')
        """
        if key not in self._rates:  # read once per table: the values never change (frozen)
            self._rates[key] = tuple(Rate(r["from"], float(r["value"]), r.get("status", "?"))
                                     for r in self.get(f"{key}.rates"))
        return list(self._rates[key])

    def rate_on(self, key: str, day: date) -> Rate | None:
        """The entry of a dated table valid on `day`, or None before its first entry.

        Example:
            >>> cfg = load_config()
            >>> cfg.rate_on("wages.fr_smic_gross_hourly", date(2025, 12, 31)).value
            11.88
            >>> cfg.rate_on("wages.fr_smic_gross_hourly", date(2010, 1, 1)) is None
            True
        """
        valid = [r for r in self.rates(key) if r.start <= day]
        return valid[-1] if valid else None

    def rate_over(self, key: str, first: date, last: date) -> float | None:
        """Day-weighted mean of a dated table over `first`..`last` (inclusive); None if a day has none.

        Example:
            >>> smic = "wages.fr_smic_gross_hourly"
            >>> round(load_config().rate_over(smic, date(2025, 12, 31), date(2026, 1, 1)), 3)
            11.95
        """
        if last < first:
            raise ValueError("rate_over: last day before first day")
        rates = self.rates(key)  # read once: each entry holds until the next entry's date
        if not rates or rates[0].start > first:
            return None
        total, days = 0.0, (last - first).days + 1
        for i, rate in enumerate(rates):
            end = rates[i + 1].start if i + 1 < len(rates) else last + timedelta(days=1)
            lo, hi = max(first, rate.start), min(last + timedelta(days=1), end)
            total += rate.value * max((hi - lo).days, 0)
        return total / days

    def rates_between(self, key: str, first: date, last: date) -> list[Rate]:
        """The entries of a dated table that hold on at least one day of `first`..`last`.

        Example:
            >>> [r.value for r in load_config().rates_between("wages.fr_smic_gross_hourly",
            ...                                               date(2025, 12, 1), date(2026, 1, 31))]
            [11.88, 12.02]
        """
        rates = self.rates(key)
        return [r for i, r in enumerate(rates)
                if r.start <= last and (i + 1 == len(rates) or rates[i + 1].start > first)]

    def rates_used(self, key: str, first: date, last: date) -> str:
        """The entries of a dated table that apply between `first` and `last`, with how sure each is.

        Example:
            >>> load_config().rates_used("wages.fr_smic_gross_hourly", date(2025, 12, 1), date(2026, 1, 31))
            'rate 11.88 from 2024-11-01 (verified), 12.02 from 2026-01-01 (verified)'
        """
        used = self.rates_between(key, first, last)
        if not used:
            return "no rate for this period"
        share = all(r.value < 1 for r in used)  # contribution shares print as percentages

        def shown(rate: Rate) -> str:
            return f"{rate.value:.1%}" if share else f"{rate.value:g}"

        return "rate " + ", ".join(f"{shown(r)} from {r.start.isoformat()} "
                                   f"({STATUS_WORDS.get(r.status, r.status)})" for r in used)

    def source(self, key: str) -> str:
        """The documented source of the table at `key` (its `source` entry), or the key itself.

        Example:
            >>> "SMIC" in load_config().source("wages.fr_smic_gross_hourly")
            True
        """
        try:
            return str(self.get(f"{key}.source"))
        except KeyError:
            return key


def load_config(path: Path | None = None, overrides: Mapping[str, Any] | None = None,
                base: Mapping[str, Any] | None = None) -> Config:
    """The defaults, then `base` (the worker's country defaults, `toolkit.countries`), the TOML file at
    `path` and `overrides`, each over the previous; ConfigError on unknown keys.

    Example:
        >>> load_config(overrides={"costs": {"monthly_fixed": 50}}).get("costs.monthly_fixed")
        50
        >>> load_config(overrides={"costs.profil": "bike"})
        Traceback (most recent call last):
        ...
        toolkit.config.ConfigError: overrides: unknown key 'costs.profil'
    """
    with DEFAULTS_PATH.open("rb") as handle:
        values = tomllib.load(handle)
    origin = "defaults"
    if base:
        values = _merge(values, _nested(base), "country defaults", "")
        origin += " + country defaults"
    if path is not None:
        try:
            with Path(path).open("rb") as handle:
                user = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read ({type(exc).__name__})") from exc
        values = _merge(values, user, str(path), "")
        origin = str(path)
    if overrides:
        values = _merge(values, _nested(overrides), "overrides", "")
        origin += " + overrides"
    _check_values(values)
    return Config(values, origin)


def _nested(overrides: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        node = out
        *parents, leaf = str(key).split(".")
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(value, Mapping) and isinstance(node.get(leaf), dict):
            node[leaf].update(value)
        else:
            node[leaf] = dict(value) if isinstance(value, Mapping) else value
    return out


def _merge(base: dict[str, Any], user: Mapping[str, Any], where: str, prefix: str) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in user.items():
        path = f"{prefix}{key}"
        if key not in merged:
            if prefix.rstrip(".") not in OPEN_TABLES:
                raise ConfigError(f"{where}: unknown key {path!r}")
            merged[key] = copy.deepcopy(value)
            continue
        default = merged[key]
        if isinstance(default, dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}: {path!r} must be a table")
            merged[key] = _merge(default, value, where, f"{path}.")
        else:
            _check_type(default, value, where, path)
            merged[key] = copy.deepcopy(value)
    return merged


def _check_type(default: Any, value: Any, where: str, path: str) -> None:
    def kind(v: Any) -> str:
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, int | float):
            return "number"
        return {str: "string", list: "list", date: "date"}.get(type(v), type(v).__name__)

    if kind(default) != kind(value):
        raise ConfigError(f"{where}: {path!r} must be a {kind(default)}, got a {kind(value)}")


def _check_values(values: Mapping[str, Any]) -> None:
    _check_dated_tables(values, "")
    costs = values["costs"]
    if costs["mode"] not in ("profile", "custom", "none", "ask"):
        raise ConfigError("'costs.mode' must be profile, custom, none or ask")
    if costs["profile"] not in costs["profiles"]:
        raise ConfigError("'costs.profile' names no table of [costs.profiles]")
    for name, table in values["wages"].items():
        if not isinstance(table, Mapping) or not {"rates", "currency"} <= set(table):
            raise ConfigError(f"'wages.{name}' needs currency and rates")
    brackets = {"currency", "brackets", "multiplier", "source"}
    needs = {"fr_bareme": brackets, "annual_brackets": brackets,
             "per_km": {"currency", "rates", "unit_km", "source"}}
    for name, profile in costs["profiles"].items():
        kind = str(profile.get("kind")) if isinstance(profile, Mapping) else ""
        if kind not in needs or not needs[kind] <= set(profile):
            raise ConfigError(f"'costs.profiles.{name}' needs kind (fr_bareme, annual_brackets or "
                              f"per_km) and {sorted(needs.get(kind, set()))}")
    for currency, table in values["minimum_wage"]["by_currency"].items():
        if table and table not in values["wages"]:
            raise ConfigError(f"'minimum_wage.by_currency.{currency}' names no table of [wages]")
    if values["contributions"]["scheme"] not in (*values["contributions"], "own"):
        raise ConfigError("'contributions.scheme' names no table of [contributions]")
    if values["pay"]["distance_scope"] not in ("job_and_to_pickup", "job"):
        raise ConfigError("'pay.distance_scope' must be job_and_to_pickup or job")
    for key in ("reconnect_gap_s", "pseudo_session_gap_min", "long_segment_h", "longest_waits"):
        if values["time"][key] < 0:
            raise ConfigError(f"'time.{key}' must not be negative")


def _check_dated_tables(node: Mapping[str, Any], prefix: str) -> None:
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _check_dated_tables(value, f"{path}.")
        elif key == "rates":
            _check_rates(value, path)
        elif key == "brackets":
            _check_brackets(value, path)


def _check_rates(rates: Any, path: str) -> None:
    if not isinstance(rates, list) or not rates:
        raise ConfigError(f"{path!r} must be a non-empty list of {{from, value, status}}")
    for i, entry in enumerate(rates):
        if not isinstance(entry, Mapping) or set(entry) - {"from", "value", "status"}:
            raise ConfigError(f"{path}[{i}]: only the keys from, value, status are allowed")
        if not isinstance(entry.get("from"), date) or isinstance(entry.get("from"), datetime):
            raise ConfigError(f"{path}[{i}].from must be a TOML date (YYYY-MM-DD)")
        if isinstance(entry.get("value"), bool) or not isinstance(entry.get("value"), int | float):
            raise ConfigError(f"{path}[{i}].value must be a number")
        if entry.get("status", "?") not in STATUSES:
            raise ConfigError(f"{path}[{i}].status must be one of {STATUSES}")
    starts = [entry["from"] for entry in rates]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise ConfigError(f"{path!r}: dates must be increasing")


def _check_brackets(brackets: Any, path: str) -> None:
    if not isinstance(brackets, list) or not brackets:
        raise ConfigError(f"{path!r} must be a non-empty list of {{up_to_km, rate, fixed}}")
    for i, entry in enumerate(brackets):
        if not isinstance(entry, Mapping) or set(entry) != {"up_to_km", "rate", "fixed"}:
            raise ConfigError(f"{path}[{i}]: needs exactly the keys up_to_km, rate, fixed")
    limits = [entry["up_to_km"] for entry in brackets]
    if limits != sorted(limits):
        raise ConfigError(f"{path!r}: up_to_km must be increasing")
