"""A profile as a platform parser: the same `detect`, `prepare` and `RULES` as a built-in module.

`ProfileModule(profile)` is what the registry lists beside `parsers.uber` or `parsers.wolt`, so the ingest
runs a profile exactly as it runs a built-in parser: the same archive checks, `ParseContext` (strict mode,
issues, time-zone decisions), `finish`/`conform`, store and manifest. Its layout is `profile:<name>`, so
the manifest says a profile read the export, and which one (the detection evidence gives its version,
the sha256 of its file and the source its author gave).

- `detect(paths)`: every `required` entry has a file whose path matches, and at least one entry does;
- `prepare(export, ctx)`: reads only the header of each file an entry's path matches and assigns the file
  to the first such entry whose header signature it holds. A file that fits none fails alone, with the
  columns it lacks; an export in which no file fits (or a required entry finds no file) is refused as
  `unknown_platform`;
- `RULES`: one rule per entry (its handler reads the file as the entry it was assigned to), then the
  profile's `ignore` rules with their reasons. Other files are reported as not recognised.

Example:
    >>> from parsers.profiles.model import FileEntry, Profile
    >>> entry = FileEntry(table="jobs", path="rides.csv", columns={"Ride": "job_id"},
    ...                   constants={"kind": "ride", "status": "completed"}, required=True)
    >>> module = ProfileModule(Profile("demo", "demo", "synthetic", [entry]))
    >>> module.detect(["x/rides.csv"]).layout, module.detect(["x/trips.csv"])
    ('profile:demo', None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from parsers.base import Batch, Detection, Member, ParseContext, Rule, is_clutter, path_matches
from parsers.profiles.mapping import map_frame
from parsers.profiles.model import Profile, normalise
from parsers.profiles.readers import read_frames, read_header
from toolkit.errors import IngestError

LAYOUT_PREFIX = "profile:"


class Export(Protocol):
    """What `prepare` needs of an opened export (`toolkit.archive.Export`)."""

    members: Sequence[Member]


class ProfileModule:
    """A profile wearing the interface of a platform module (`PLATFORM`, `PLATFORMS`, `LAYOUT`, `detect`,
    `prepare`, `RULES`)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.PLATFORM = profile.platform
        self.PLATFORMS = (profile.platform,)
        self.LAYOUT = LAYOUT_PREFIX + profile.name
        self.RULES: list[Rule] = [
            Rule(entry.pattern, self._handler(i), _reason(profile, i), (entry.table,))
            for i, entry in enumerate(profile.files)
        ] + [Rule(ignored.pattern, None, ignored.reason) for ignored in profile.ignore]

    def __repr__(self) -> str:
        return f"ProfileModule({self.profile.name!r})"

    def detect(self, paths: list[str]) -> Detection | None:
        """This profile's detection when the export holds the files its entries name."""
        hits = [[p for p in paths if _matches(entry.pattern, p)] for entry in self.profile.files]
        required = [h for h, e in zip(hits, self.profile.files, strict=True) if e.required]
        if not any(hits) or not all(required):
            return None
        return Detection(self.PLATFORM, self.LAYOUT, evidence(self.profile))

    def prepare(self, export: Export, ctx: ParseContext) -> None:
        """Assign each file to the entry whose header it fits; refuse the export when none fits."""
        if ctx.layout != self.LAYOUT:
            raise IngestError("unknown_platform", ctx.layout,
                              f"the export was recognised by {ctx.layout} but mapping profile "
                              f"{self.profile.name} of the same platform was asked to read it; give each "
                              "profile of one platform its own platform name, or remove one")
        members = [m for m in export.members if not is_clutter(m.path)]
        assigned, failures = assign_files(self.profile, members)
        ctx.facts[self._key] = (assigned, failures)
        found = set(assigned.values())
        missing = [e.label for i, e in enumerate(self.profile.files) if e.required and i not in found]
        if not assigned or missing:
            lacking = "; ".join(f"{path}: {why}" for path, why in list(failures.items())[:5])
            what = f"the required file(s) {', '.join(missing)} were not found" if missing else \
                "no file has the header the profile expects"
            raise IngestError("unknown_platform", self.profile.name, f"mapping profile {self.profile.name}: "
                              f"{what}" + (f" ({lacking})" if lacking else ""))

    @property
    def _key(self) -> str:
        return f"profile:{self.profile.name}:files"

    def _handler(self, index: int) -> Callable[[Member, ParseContext], Iterator[Batch]]:
        def handle(member: Member, ctx: ParseContext) -> Iterator[Batch]:
            if self._key not in ctx.facts:  # read outside an ingest: assign this file alone
                ctx.facts[self._key] = assign_files(self.profile, [member])
            assigned, failures = ctx.facts[self._key]
            chosen = assigned.get(member.path)
            if chosen is None:
                raise IngestError("schema_mismatch", member.path,
                                  failures.get(member.path, "the header fits no entry of the profile"))
            entry = self.profile.files[chosen]
            for frame in read_frames(member, entry, ctx):
                yield Batch(entry.table, map_frame(frame, entry, self.profile, ctx, member.path))

        handle.__name__ = handle.__qualname__ = f"profile_{self.profile.name}_files_{index}"
        return handle


def assign_files(profile: Profile, members: Sequence[Member]) -> tuple[dict[str, int], dict[str, str]]:
    """Which entry reads each file (by path pattern, then header signature), and why the others fit none.

    Example:
        >>> import io
        >>> from parsers.profiles.model import FileEntry
        >>> class M:
        ...     path, size = "rides.csv", 9
        ...     def open(self): return io.BytesIO(b"Ride,Fee\\n")
        >>> e = FileEntry(table="jobs", path="*.csv", columns={"Ride": "job_id", "Price": "fare"},
        ...               constants={"kind": "ride", "status": "completed"})
        >>> assign_files(Profile("p", "p", "s", [e]), [M()])
        ({}, {'rides.csv': 'for files[0] (*.csv) the header lacks the column(s) Price'})
    """
    assigned: dict[str, int] = {}
    failures: dict[str, str] = {}
    for member in members:
        reasons = []
        for index, entry in enumerate(profile.files):
            if not _matches(entry.pattern, member.path):
                continue
            try:
                header = {normalise(name) for name in read_header(member, entry)}
            except IngestError as exc:
                reasons.append(f"for files[{index}] ({entry.label}) {exc.detail}")
                continue
            lacking = [name for name in entry.signature if normalise(name) not in header]
            if not lacking:
                assigned[member.path] = index
                break
            reasons.append(f"for files[{index}] ({entry.label}) the header lacks the column(s) "
                           f"{', '.join(lacking[:8])}")
        if member.path not in assigned and reasons:
            failures[member.path] = "; ".join(reasons)
    return assigned, failures


def evidence(profile: Profile) -> tuple[str, ...]:
    """What the manifest records about the profile that read an export.

    Example:
        >>> evidence(Profile("demo", "demo", "synthetic", []))[0]
        'mapping profile demo version 1'
    """
    said = [f"mapping profile {profile.name} version {profile.version}"]
    if profile.origin:
        digest = f" (sha256 {profile.sha256[:16]})" if profile.sha256 else ""
        said.append(f"read from {profile.origin}{digest}")
    said.append(f"layout source: {profile.source}")
    return tuple(said)


def _reason(profile: Profile, index: int) -> str:
    entry = profile.files[index]
    what = entry.description or f"{entry.label} into {entry.table}"
    return f"{what} (mapping profile {profile.name})"


def _matches(pattern: str, path: str) -> bool:
    return path_matches(pattern, path)
