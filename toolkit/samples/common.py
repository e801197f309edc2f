"""What every sample layout shares: CSV encoding, value formats, reading cells back, expected rows.

A layout writer turns a simulated `World` into the text of each file (a frame of strings, None for
null) and, from those very strings, the rows the ingest must produce under docs/uber-mapping.md. Deriving
the expected rows from the written text (not from the simulated floats) makes rounding and the contract's
lossy rules (local times, miles, minutes) identical on both sides.

Example:
    >>> csv_bytes(["a", "b"], [["1", None]], CsvSpec(";", "\\r\\n", ""))
    b'a;b\\r\\n1;\\r\\n'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.schema import TABLES, body_columns
from toolkit.simulate import World

ISO_Z = "%Y-%m-%dT%H:%M:%S.000Z"  # Uber 2021 SAR and Title-Case portal (also on local columns)
PLAIN = "%Y-%m-%d %H:%M:%S"  # Geneva SAR, payments, Uber Eats, 2025 portal
MILE_M = 1609.344


@dataclass(frozen=True)
class CsvSpec:
    """How a file is encoded: delimiter, line ending, null marker (UTF-8, no BOM, minimal quoting)."""

    delimiter: str
    newline: str
    null: str


SAR_FR = CsvSpec(";", "\r\n", "")
SAR_GENEVA = CsvSpec(",", "\r\n", "\\N")
PORTAL = CsvSpec(",", "\n", "")
EATS = CsvSpec(",", "\n", "")


@dataclass
class Export:
    """The files of one synthetic export and the rows the ingest must produce from them.

    Example:
        >>> def rated(path, rows):
        ...     return expected_frame("ratings", path, rows, {"rating": rnum(rows, "stars"), "scale": 5.0,
        ...                                                   "rater": "customer"})
        >>> ex = Export()
        >>> _ = ex.add("r.csv", ["stars"], pd.DataFrame({"stars": ["5", "4"]}), EATS, "ratings", rated)
        >>> ex.files["r.csv"].splitlines(), ex.tables()["ratings"]["source_row"].tolist()
        ([b'stars', b'5', b'4'], [2, 3])
    """

    files: dict[str, bytes] = field(default_factory=dict)
    expected: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    needs_tz: bool = False

    def add(self, path: str, header: list[str], rows: pd.DataFrame, spec: CsvSpec, table: str | None = None,
            expect: Callable[[str, pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
        """Write `rows` (strings; None or NaN for null) as the file at `path`, with the columns of
        `header`; when `table` is given, add `expect(path, written)` to its expected rows. Returns the
        rows as written (object columns, None for null), for the caller to derive more from."""
        written = rows[header].astype(object)
        written = written.where(written.notna(), None)
        self.files[path] = csv_bytes(header, written.itertuples(index=False, name=None), spec)
        if table is not None and expect is not None:
            self.expect(table, expect(path, written))
        return written

    def expect(self, table: str, frame: pd.DataFrame) -> None:
        """Add expected rows of `table` (from `expected_frame`)."""
        self.expected.setdefault(table, []).append(frame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Expected rows per table, files in path order, rows in file order."""
        out = {}
        for table, frames in self.expected.items():
            joined = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            joined = joined.sort_values(["source_file", "source_row"], kind="stable")
            out[table] = joined.reset_index(drop=True)
        return out


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str | None]], spec: CsvSpec) -> bytes:
    """The UTF-8 bytes of a CSV file: header line, then rows, None written as the null marker.

    Example:
        >>> csv_bytes(["x"], [[None], ["a,b"]], CsvSpec(",", "\\n", "\\\\N"))
        b'x\\n\\\\N\\n"a,b"\\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=spec.delimiter, lineterminator=spec.newline)
    writer.writerow(header)
    writer.writerows([spec.null if v is None or v is pd.NA or v != v else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


# ---- writing values -------------------------------------------------------------------------------

def fnum(values: Any) -> list[Any]:
    """Floats in Python's shortest round-trip form (`48.78113555908203`, `12.0`), null -> None.

    Example:
        >>> fnum([1.5, float("nan"), 2])
        ['1.5', None, '2.0']
    """
    return [None if v is None or pd.isna(v) else repr(float(v)) for v in _list(values)]


def fint(values: Any) -> list[Any]:
    """Whole numbers as integers (`139`), null -> None.

    Example:
        >>> fint([139.0, None])
        ['139', None]
    """
    return [None if v is None or pd.isna(v) else str(int(round(float(v)))) for v in _list(values)]


def f32(values: Any) -> list[Any]:
    """Coordinates with float32 noise, as Uber writes them (`48.78113555908203`).

    Example:
        >>> f32([48.781135])
        ['48.78113555908203']
    """
    return fnum([None if v is None or pd.isna(v) else float(np.float32(v)) for v in _list(values)])


def fbool(values: Any) -> list[Any]:
    """Booleans as `true`/`false`.

    Example:
        >>> fbool([True, False])
        ['true', 'false']
    """
    return ["true" if bool(v) else "false" for v in _list(values)]


def fts(stamps: pd.Series, fmt: str, zone: str | None = None) -> list[Any]:
    """UTC timestamps written with `fmt`, as wall-clock time of `zone` when given; NaT -> None.

    Example:
        >>> fts(pd.Series(pd.to_datetime(["2021-02-28 23:16:48"], utc=True)), ISO_Z, "Europe/Paris")
        ['2021-03-01T00:16:48.000Z']
    """
    local = stamps.dt.tz_convert(zone) if zone else stamps
    text = local.dt.strftime(fmt)
    return [None if pd.isna(s) else str(s) for s in text]


def unpadded(stamps: pd.Series, zone: str) -> list[Any]:
    """Local times with the hour not zero-padded (`2015-12-02 7:10:55`, Trip details 2015).

    Example:
        >>> unpadded(pd.Series(pd.to_datetime(["2015-12-02 06:10:55"], utc=True)), "Europe/Zurich")
        ['2015-12-02 7:10:55']
    """
    local = stamps.dt.tz_convert(zone)
    return [None if pd.isna(t) else f"{t:%Y-%m-%d} {t.hour}:{t:%M:%S}" for t in local]


# ---- reading values back (the contract's rules) ----------------------------------------------------

def rnum(rows: pd.DataFrame, column: str) -> pd.Series:
    """A written column read back as float64 (None -> NaN).

    Example:
        >>> rnum(pd.DataFrame({"a": ["1.5", None]}), "a").tolist()
        [1.5, nan]
    """
    return pd.Series([np.nan if v is None else float(v) for v in rows[column]], dtype="float64")


def rutc(rows: pd.DataFrame, column: str) -> pd.Series:
    """A written UTC column read back (a trailing `Z` and `.000` accepted).

    Example:
        >>> str(rutc(pd.DataFrame({"t": ["2021-02-28T23:16:48.000Z"]}), "t")[0])
        '2021-02-28 23:16:48+00:00'
    """
    return _naive(rows[column]).dt.tz_localize("UTC").dt.as_unit("us")


def rlocal(rows: pd.DataFrame, column: str, zone: str) -> pd.Series:
    """A written local wall-clock column placed in `zone`: a time repeated by a DST change is read as
    the first occurrence, one skipped is moved forward (docs/uber-mapping.md, Time).

    Example:
        >>> str(rlocal(pd.DataFrame({"t": ["2021-10-31 02:30:00"]}), "t", "Europe/Zurich")[0])
        '2021-10-31 00:30:00+00:00'
    """
    naive = _naive(rows[column])
    first = np.ones(len(naive), dtype=bool)
    placed = naive.dt.tz_localize(zone, ambiguous=first, nonexistent="shift_forward")
    return placed.dt.tz_convert("UTC").dt.as_unit("us")


def _naive(values: pd.Series) -> pd.Series:
    """Naive timestamps from written text: trailing `Z` dropped, a one-digit hour (2015) padded."""
    text = pd.Series([None if v is None else re.sub(r" (\d):", r" 0\1:", str(v).removesuffix("Z"))
                      for v in values], dtype="object")
    return pd.to_datetime(text, format="ISO8601").dt.as_unit("us") if text.notna().any() else \
        pd.Series(pd.NaT, index=range(len(text)), dtype="datetime64[us]")


def expected_frame(table: str, path: str, rows: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    """The expected rows of `table` from the written `rows` of the file at `path`: `source_file`,
    `source_row` (the row's line, header = 1) and every body column (`data`, others null), typed like
    the store. `rows` keeps the index of the written file (0 = first data line).

    Example:
        >>> rows = pd.DataFrame({"x": ["4"]})
        >>> f = expected_frame("ratings", "r.csv", rows, {"rating": rnum(rows, "x"), "scale": 5.0,
        ...                                               "rater": "customer"})
        >>> f[["source_row", "rating", "rater"]].values.tolist()
        [[2, 4.0, 'customer']]
    """
    n = len(rows)
    out = pd.DataFrame({"source_file": pd.Series([path] * n, dtype="str"),
                        "source_row": pd.Series(np.asarray(rows.index, dtype="int64") + 2, dtype="int64")})
    types = {f.name: f.type for f in TABLES[table]}
    for column in body_columns(table):
        out[column] = _typed(data.get(column), types[column], n)
    return out


def _typed(value: Any, kind: pa.DataType, n: int) -> pd.Series:
    if value is None:
        value = [None] * n
    elif np.isscalar(value):
        value = [value] * n
    values = value.reset_index(drop=True) if isinstance(value, pd.Series) else pd.Series(list(value))
    if pa.types.is_timestamp(kind):
        if values.isna().all():
            return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
        return values.dt.tz_convert("UTC").dt.as_unit("us")
    if pa.types.is_floating(kind):
        return pd.to_numeric(values, errors="raise").astype("float64")
    if pa.types.is_integer(kind):  # with a null, as the store reads a nullable integer back: floats
        return values.astype("float64") if values.isna().any() else values.astype("int64")
    if pa.types.is_boolean(kind):  # object True/False/None, as the store reads a nullable bool back
        return pd.Series([None if v is None or v is pd.NA else bool(v) for v in values], dtype="object")
    return pd.Series([None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                      for v in values], dtype="str")


def _list(values: Any) -> list[Any]:
    return list(values.tolist() if isinstance(values, pd.Series | np.ndarray) else values)


# ---- shared vocabularies ---------------------------------------------------------------------------

def model_category(category: str | None, classification: str) -> str:
    """The model's earnings category from Uber's category, or from the classification when the category
    is empty (docs/uber-mapping.md, earnings).

    Example:
        >>> model_category("", "delivery.courier.tax.vat"), model_category("tip", "x")
        ('tax', 'tip')
    """
    c, cl = (category or "").lower(), classification.lower()
    if c:
        known = {"driver_payment_fares": "fare", "driver_payment_charges": "fare", "tip": "tip", "tax": "tax",
                 "commission": "commission", "driver_payment_tolls": "toll", "eats_fee": "fee",
                 "courier_fraud_holdback": "holdback"}
        if c in known:
            return known[c]
        return "incentive" if _incentive(c) else "adjustment" if "adjust" in c else "other"
    fare = cl.startswith(("transport.fare.", "delivery.fare.")) or cl.endswith(".courier_adjust")
    rules = [(fare, "fare"), (cl.endswith(".tip"), "tip"), (".tax." in cl, "tax"),
             (cl == "intermediary.commission", "commission"), (cl == "transport.toll", "toll"),
             (cl.startswith("eats.mp.charges."), "fee"), ("fraud" in cl, "holdback"),
             (_incentive(cl), "incentive")]
    return next((name for hit, name in rules if hit), "other")


def _incentive(text: str) -> bool:
    return any(word in text for word in ("incentive", "promotion", "quest", "boost"))


RAW_TRIP_STATUS = {"completed": "completed", "cancelled_by_customer": "rider_canceled",
                   "cancelled_by_worker": "driver_canceled", "failed": "failed"}
"""The simulated job status -> Uber's trip `status` value."""
TRIP_STATUS = {"completed": "completed", "fare_split": "completed", "rider_canceled": "cancelled_by_customer",
               "driver_canceled": "cancelled_by_worker", "failed": "failed"}
"""Uber's trip status -> the model's (anything else: `other`)."""


def job_status(raw: pd.Series) -> pd.Series:
    """Uber trip statuses mapped to the model's vocabulary.

    Example:
        >>> job_status(pd.Series(["fare_split", "unfulfilled"])).tolist()
        ['completed', 'other']
    """
    return pd.Series([TRIP_STATUS.get(v, "other") for v in raw], dtype="str")


def usd(amounts: pd.Series, currency: str) -> pd.Series:
    """A synthetic conversion to US dollars (fixed rates), rounded to cents.

    Example:
        >>> usd(pd.Series([10.0]), "EUR").tolist()
        [12.1]
    """
    rate = {"EUR": 1.21, "CHF": 1.09, "USD": 1.0, "GBP": 1.37}.get(currency, 1.0)
    return (amounts * rate).round(2)


def pay_of(world: World, classification_prefix: str) -> pd.Series:
    """Per job id, the sum of its pay lines whose classification starts with the prefix.

    Example:
        >>> from toolkit.simulate import SimParams, simulate_worker
        >>> w = simulate_worker(SimParams(days=2, gps_every_s=0))
        >>> float(pay_of(w, "intermediary.commission").sum()) <= 0
        True
    """
    pay = world.pay
    pay = pay[pay["classification"].str.startswith(classification_prefix) & pay["job_id"].notna()]
    return pay.groupby("job_id")["amount"].sum().round(2)
