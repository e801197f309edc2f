"""The Map page's privacy mask: the home anchor is found where a worker spends nights and starts days,
and everything within the radius of it is hidden; the maps fetch nothing from the network."""

from __future__ import annotations

import json
import math
import urllib.parse

import numpy as np
import pandas as pd

from pages.geo import OFFLINE_MAP_STYLE
from toolkit.geo import away_from, home_anchor

HOME = (48.8400, 2.3900)
WORK = (48.8700, 2.3300)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111_195
    dx = (a[1] - b[1]) * 111_195 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def _fixes(rng: np.random.Generator) -> pd.DataFrame:
    nights = pd.date_range("2026-01-05 01:00", periods=20, freq="D", tz="Europe/Paris")
    days = pd.date_range("2026-01-05 14:00", periods=200, freq="37min", tz="Europe/Paris")
    lat = np.r_[HOME[0] + rng.normal(0, 0.0004, 20), WORK[0] + rng.normal(0, 0.01, 200)]
    lon = np.r_[HOME[1] + rng.normal(0, 0.0004, 20), WORK[1] + rng.normal(0, 0.01, 200)]
    return pd.DataFrame({"ts": nights.append(days).tz_convert("UTC"), "lat": lat, "lon": lon})


def test_home_is_where_the_nights_are() -> None:
    anchor = home_anchor(_fixes(np.random.default_rng(7)), pd.DataFrame(), "Europe/Paris")
    assert anchor is not None
    assert _metres(anchor, HOME) < 150


def test_days_that_start_and_end_at_home_locate_it_without_gps() -> None:
    starts = pd.date_range("2026-01-05 08:00", periods=10, freq="D", tz="UTC")
    segments = pd.DataFrame(
        {
            "start_at": starts,
            "end_at": starts + pd.Timedelta(hours=9),
            "start_lat": HOME[0],
            "start_lon": HOME[1],
            "end_lat": HOME[0] + 0.0002,
            "end_lon": HOME[1],
        }
    )
    anchor = home_anchor(pd.DataFrame(columns=["ts", "lat", "lon"]), segments, "Europe/Paris")
    assert anchor is not None and _metres(anchor, HOME) < 50


def test_no_position_means_no_home() -> None:
    assert home_anchor(pd.DataFrame(columns=["ts", "lat", "lon"]), pd.DataFrame(), "UTC") is None


def test_everything_within_the_radius_is_hidden() -> None:
    fixes = _fixes(np.random.default_rng(3))
    keep = away_from(fixes["lat"], fixes["lon"], HOME, 500)
    distances = [_metres((a, b), HOME) for a, b in zip(fixes["lat"], fixes["lon"], strict=True)]
    assert all(d > 500 for d, k in zip(distances, keep, strict=True) if k)
    assert all(d <= 501 for d, k in zip(distances, keep, strict=True) if not k)
    assert (~keep).sum() >= 20  # the nights at home are all hidden


def test_the_map_style_needs_no_download() -> None:
    style = json.loads(urllib.parse.unquote(OFFLINE_MAP_STYLE.removeprefix("data:application/json,")))
    assert style["sources"] == {}
    assert "http" not in json.dumps(style)
