"""Mapping profiles: declarative parsers for exports whose layout is not publicly documented.

Bolt, Just Eat/Scoober, Glovo, Stuart, Lyft and Amazon Flex are known only by the categories of data
they hold (`../shared/reference/export-formats.md` §5-9, 11, 16): no file name or column of theirs has
been seen in public. A union or a worker who received such an export writes a profile once (TOML,
`docs/profiles.md`): which files, which table each fills, column renames, units, time formats and zone,
value maps, CSV delimiter and decimal separator; the toolkit then runs it exactly like a built-in parser
(`ProfileModule`: same detection, strictness, provenance and manifest). No profile ships for those
platforms: `builtin/` holds only synthetic examples, labelled as such, which never recognise an export
on their own.

- `model`: `Profile`, `FileEntry`, `Ignore`, `ProfileError`; `validate`: `profile_from_dict`,
  `check_profile_fields` (every problem, naming the bad key);
- `files`: `load_profile`, `dump_profile`, `save_profile`, `profile_dirs`, `available_profiles`,
  `scan_profiles`, `profile_module(s)`;
- `readers`: CSV / XLSX / JSON members as string frames (`jsonfile`: the JSON side, with its limits);
  `mapping`: a frame to one table's rows;
- `module`: `ProfileModule`, the platform-module face of a profile; `check`: `check_profile`;
- `propose`: `propose_mapping`, a draft from an unknown export's headers.

Example:
    >>> profile = load_profile(BUILTIN_DIR / "example-courier.toml")
    >>> profile.source
    'synthetic example, not a real platform layout'
    >>> load_profile_text(dump_profile(profile)) == profile
    True
"""

from parsers.profiles.check import FileCheck, ProfileCheck, check_profile
from parsers.profiles.files import (
    BUILTIN_DIR,
    available_profiles,
    dump_profile,
    load_profile,
    load_profile_text,
    profile_dirs,
    profile_module,
    profile_modules,
    save_profile,
    scan_profiles,
    user_profile_dir,
)
from parsers.profiles.jsonfile import guess_records
from parsers.profiles.model import FileEntry, Ignore, Profile, ProfileError
from parsers.profiles.module import LAYOUT_PREFIX, ProfileModule
from parsers.profiles.propose import guess_time_format, propose_mapping
from parsers.profiles.readers import read_frames, read_header
from parsers.profiles.validate import check_profile_fields, profile_from_dict

__all__ = [
    "BUILTIN_DIR", "LAYOUT_PREFIX", "FileCheck", "FileEntry", "Ignore", "Profile", "ProfileCheck",
    "ProfileError", "ProfileModule", "available_profiles", "check_profile", "check_profile_fields",
    "dump_profile", "guess_records", "guess_time_format", "load_profile", "load_profile_text", "profile_dirs",
    "profile_from_dict", "profile_module", "profile_modules", "propose_mapping", "read_frames", "read_header",
    "save_profile", "scan_profiles", "user_profile_dir",
]
