"""The Parquet store: atomic, idempotent writes of exports and the readers over them.

Layout (DESIGN.md, "Store"): `<store>/<table>/platform=<p>/worker_id=<w>/<export_id>.parquet`, zstd, with
exactly the schema `toolkit.schema.TABLES[table]`; one manifest per export at
`<store>/_exports/<export_id>.json`. Parquet files are not transactional (security.md D1), so a file is
staged as a hidden `.<export_id>.<uuid>.parquet.tmp` in its final directory, fsynced, renamed over its
deterministic final name and the directory fsynced; the manifest is written last. A crash leaves at worst
temp files and files no manifest lists yet; `verify` reports them and re-ingesting the export converges.

Two exports of one worker overlap (Jan-Jun, then Jan-Dec): each (natural key, occurrence number) is kept
once per platform and worker, so two equal payment lines of one export stay two lines.

Modules: `paths` (the store's location and lock, safe names, partition directories, atomic JSON, fsync),
`writer` (`ExportWriter`: staging, deduplication, publication), `readers` (`connect`, `load_table`,
`table_counts`, `workers`), `integrity` (manifests, `verify`, `delete_worker`).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> store = Path(tempfile.mkdtemp())
    >>> with store_lock(store), ExportWriter(store, "0123456789abcdef", "uber", "w1") as writer:
    ...     writer.commit({"source": "example"})
    {}
    >>> [m["export_id"] for m in list_manifests(store)]
    ['0123456789abcdef']
"""

from toolkit.store.integrity import delete_worker, list_manifests, load_manifest, verify
from toolkit.store.paths import EXPORTS_DIR, SPILL_DIR, default_store, is_valid_name, store_lock
from toolkit.store.readers import SORT_ORDER, connect, load_table, table_counts, workers
from toolkit.store.writer import BUFFER_ROWS, DEDUPE_MEMORY, FREE_TEXT, ExportWriter

__all__ = [
    "is_valid_name",
    "BUFFER_ROWS", "DEDUPE_MEMORY", "EXPORTS_DIR", "FREE_TEXT", "SORT_ORDER", "SPILL_DIR", "ExportWriter",
    "connect", "default_store", "delete_worker", "list_manifests", "load_manifest", "load_table",
    "store_lock", "table_counts", "verify", "workers",
]
