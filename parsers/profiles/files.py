"""Profiles on disk: where they are found, reading them (checked), writing them (TOML).

Profiles are read from the package's `parsers/profiles/builtin/` (synthetic examples only) and from the
user's folder: `$GIGDATA_PROFILES`, else `$XDG_CONFIG_HOME/gigdata/profiles`, else
`~/.config/gigdata/profiles`. Each `*.toml` file holds one profile; two profiles may not share a name.

Example:
    >>> [p.name for p in available_profiles() if p.origin.startswith("builtin:")]
    ['example-courier']
    >>> load_profile(BUILTIN_DIR / "example-courier.toml").example
    True
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from parsers.profiles.model import FileEntry, Ignore, Profile, ProfileError
from parsers.profiles.module import ProfileModule
from parsers.profiles.validate import check_profile_fields, profile_from_dict

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
MAX_PROFILE_BYTES = 1 << 20
MAX_PROFILE_FILES = 500
_HEADER = ("# gigdata mapping profile: how one export layout maps into the gigdata tables.\n"
           "# Format: docs/profiles.md. Check it with: gigdata profile check THIS.toml EXPORT.zip\n\n")


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """Read and check one profile file; `ProfileError` names every bad key.

    Example:
        >>> load_profile(BUILTIN_DIR / "example-courier.toml").files[0].table
        'jobs'
    """
    source = Path(path)
    origin = _origin(source)
    data = _read_bounded(source, origin)
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ProfileError(origin, [("toml", f"not valid TOML: {exc}")]) from exc
    profile = profile_from_dict(parsed, origin)
    profile.sha256 = hashlib.sha256(data).hexdigest()
    return profile


def load_profile_text(text: str, origin: str = "draft") -> Profile:
    """A profile from TOML text (the app's edited drafts).

    Example:
        >>> load_profile_text(dump_profile(load_profile(BUILTIN_DIR / "example-courier.toml"))).name
        'example-courier'
    """
    try:
        parsed = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ProfileError(origin, [("toml", f"not valid TOML: {exc}")]) from exc
    profile = profile_from_dict(parsed, origin)
    profile.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return profile


def dump_profile(profile: Profile) -> str:
    """The profile as TOML text (what `load_profile` reads back to an equal profile).

    Example:
        >>> print(dump_profile(Profile("x", "x", "synthetic", [])).splitlines()[3:7])
        ['[profile]', 'name = "x"', 'platform = "x"', 'source = "synthetic"']
    """
    head: dict[str, Any] = {"name": profile.name, "platform": profile.platform, "source": profile.source}
    for key in ("description", "author", "timezone"):
        if getattr(profile, key):
            head[key] = getattr(profile, key)
    head["version"] = profile.version
    if profile.example:
        head["example"] = True
    sections = [tomli_w.dumps({"profile": head})]
    sections += [_array_table("files", _entry_dict(e)) for e in profile.files]
    sections += [_array_table("ignore", _ignore_dict(i)) for i in profile.ignore]
    return _HEADER + "\n".join(sections)


def save_profile(profile: Profile, folder: Path | None = None, overwrite: bool = False) -> Path:
    """Write a checked profile as `<folder>/<name>.toml` (default: the user folder), atomically.

    Example:
        >>> folder = Path(tempfile.mkdtemp())
        >>> save_profile(load_profile(BUILTIN_DIR / "example-courier.toml"), folder).name
        'example-courier.toml'
    """
    problems = check_profile_fields(profile)
    if problems:
        raise ProfileError(profile.name or "profile", problems)
    target_dir = folder or user_profile_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{profile.name}.toml"
    if target.exists() and not overwrite:
        raise FileExistsError(f"a profile named {profile.name} already exists in the profile folder")
    handle, temporary = tempfile.mkstemp(dir=target_dir, prefix=".profile-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(dump_profile(profile))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)
    return target


def profile_dirs() -> list[Path]:
    """Where profiles are looked for: the package's examples, then the user's folder.

    Example:
        >>> profile_dirs()[0].name
        'builtin'
    """
    return [BUILTIN_DIR, user_profile_dir()]


def user_profile_dir() -> Path:
    """The user's profile folder (it may not exist yet).

    Example:
        >>> user_profile_dir() == Path(os.environ.get("GIGDATA_PROFILES") or user_profile_dir())
        True
    """
    given = os.environ.get("GIGDATA_PROFILES")
    if given:
        return Path(given).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "gigdata" / "profiles"


def scan_profiles(dirs: list[Path] | None = None) -> tuple[list[Profile], dict[str, str]]:
    """Every readable profile of the folders, and the problem of each file that is not (by file name).

    Example:
        >>> profiles, problems = scan_profiles([BUILTIN_DIR])
        >>> [p.name for p in profiles], problems
        (['example-courier'], {})
    """
    profiles: list[Profile] = []
    problems: dict[str, str] = {}
    for folder in dirs if dirs is not None else profile_dirs():
        paths = _toml_files(folder)
        if len(paths) > MAX_PROFILE_FILES:
            problems[f"{folder.name}/"] = (f"the folder holds {len(paths)} profiles; only the first "
                                           f"{MAX_PROFILE_FILES} by name were read")
            paths = paths[:MAX_PROFILE_FILES]
        for path in paths:
            try:
                profile = load_profile(path)
            except ProfileError as exc:
                problems[_origin(path)] = str(exc)
                continue
            except OSError as exc:
                problems[_origin(path)] = f"cannot be read ({type(exc).__name__})"
                continue
            taken = next((p for p in profiles if p.name == profile.name), None)
            if taken is not None:
                problems[_origin(path)] = f"the name {profile.name} is already used by {taken.origin}"
                continue
            profiles.append(profile)
    return profiles, problems


def available_profiles() -> list[Profile]:
    """Every readable profile of `profile_dirs()` (examples included).

    Example:
        >>> any(p.example for p in available_profiles())
        True
    """
    return scan_profiles()[0]


def profile_modules(include_examples: bool = False) -> list[ProfileModule]:
    """The available profiles as platform modules, for the registry; the synthetic examples only when
    asked (they describe no real export, so they never recognise one on their own).

    Example:
        >>> [m.LAYOUT for m in profile_modules(include_examples=True) if m.profile.example]
        ['profile:example-courier']
    """
    return [ProfileModule(p) for p in available_profiles() if include_examples or not p.example]


def profile_module(profile: Profile) -> ProfileModule:
    """The platform module that runs `profile`.

    Example:
        >>> profile_module(load_profile(BUILTIN_DIR / "example-courier.toml")).PLATFORMS
        ('example-courier',)
    """
    return ProfileModule(profile)


# ---------------------------------------------------------------------------------------------- private


def _origin(path: Path) -> str:
    """Where a profile was read, without the folder's full path (a home folder names its owner)."""
    folder = os.path.realpath(path.parent)  # never raises, even on a link loop
    if folder == os.path.realpath(BUILTIN_DIR):
        return f"builtin:{path.name}"
    if folder == os.path.realpath(user_profile_dir()):
        return f"user:{path.name}"
    return path.name


def _toml_files(folder: Path) -> list[Path]:
    """The `*.toml` entries of a profile folder, by name (none when it is not a readable folder)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(folder / e.name for e in entries if e.name.endswith(".toml"))
    except OSError:
        return []


def _read_bounded(source: Path, origin: str) -> bytes:
    """A profile file's bytes, read only when it is a regular file of at most `MAX_PROFILE_BYTES`.

    Profile folders are shared between a union's members, so an entry may be a pipe that never ends, a
    link to a device (`/dev/zero`) or a loop of links: it is opened without blocking, checked with fstat,
    and read no further than the limit."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise ProfileError(origin, [("file", f"cannot be opened ({why})")]) from exc
    with os.fdopen(fd, "rb") as handle:
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            raise ProfileError(origin, [("file", "not a regular file (a folder, pipe or device); a "
                                                 "profile is a .toml text file")])
        data = handle.read(MAX_PROFILE_BYTES + 1)
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(origin, [("file", f"a profile is a few KiB; this one is over {MAX_PROFILE_BYTES} "
                                             "bytes")])
    return data


def _entry_dict(entry: FileEntry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("name", "description", "path", "path_regex", "format", "table", "header", "required",
                "delimiter", "decimal", "thousands", "sheet", "records", "timezone", "timezone_column",
                "timestamp_format", "columns", "constants", "units", "formats", "values"):
        value = getattr(entry, key)
        if key == "decimal" and value == ".":
            continue
        if value or (key == "format"):
            out[key] = value
    return out


def _array_table(name: str, table: dict[str, Any]) -> str:
    """One `[[name]]` table, written as such (tomli_w would write a short one inline, before [profile])."""
    plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
    nested = {k: v for k, v in table.items() if isinstance(v, dict)}
    lines = "".join(tomli_w.dumps({k: v}) for k, v in plain.items())
    return f"[[{name}]]\n{lines}" + ("\n" + tomli_w.dumps({name: nested}) if nested else "")


def _ignore_dict(ignored: Ignore) -> dict[str, Any]:
    out = {"path": ignored.path} if ignored.path else {"path_regex": ignored.path_regex}
    out["reason"] = ignored.reason
    return out
