"""A union's keys: the keypair members encrypt their bundles to, and the pool key that makes pseudonyms.

- The **keypair** is a Curve25519 key for libsodium sealed boxes (PyNaCl): a member's bundle is sealed to
  the public key, only the private key opens it, and any change to the sealed bytes makes it unopenable.
  The public key goes out as `union.pub` or as a short code a union can print on a flyer
  (`public_code`); the private key stays in the pool, encrypted with a passphrase.
- The **pool key** is 32 random bytes: pseudonym = HMAC-SHA256(pool key, platform:id), truncated to 128
  bits (security.md §3.2). It never leaves the union; destroying it makes re-linking impossible.

The two are kept apart: separate files, each encrypted on its own with a key derived from the passphrase by
Argon2id (libsodium's "moderate" limits, 256 MiB), so a copy of one tells nothing of the other.

Example:
    >>> code = public_code(bytes(range(32)))
    >>> code[:4], len(code.split("-"))
    ('GDU1', 15)
    >>> parse_public(code) == bytes(range(32))
    True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import PoolError

PUBLIC_FILE = "union.pub"
KEYS_DIR = "keys"
PRIVATE_FILE = "private.key"
POOL_KEY_FILE = "pool.key"
KEY_FORMAT = "gigdata-pool-secret/1"
CODE_PREFIX = "GDU1"
"""How a union's public key is written for people: GDU1, then the key and a 2-byte checksum in base32,
in groups of four letters."""


@dataclass(frozen=True)
class UnlockedKeys:
    """The pool's secrets once the passphrase is given (kept in memory only)."""

    private: bytes
    pool_key: bytes

    def pseudonym(self, material: str) -> str:
        """HMAC-SHA256(pool key, material), 32 hex characters (128 bits).

        Example:
            >>> keys = UnlockedKeys(b"\\0" * 32, b"\\1" * 32)
            >>> keys.pseudonym("uber:abc") == keys.pseudonym("uber:abc"), len(keys.pseudonym("x"))
            (True, 32)
        """
        return hmac.new(self.pool_key, material.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def public_code(public: bytes) -> str:
    """The public key as a code a person can copy: `GDU1-XXXX-…` (base32, with a checksum)."""
    check = hashlib.sha256(public).digest()[:2]
    text = base64.b32encode(public + check).decode("ascii").rstrip("=")
    return "-".join([CODE_PREFIX, *[text[i:i + 4] for i in range(0, len(text), 4)]])


def parse_public(text: str) -> bytes:
    """The 32-byte public key from a code or the content of `union.pub`; a clear error otherwise."""
    found = [line.strip() for line in text.splitlines() if line.strip().upper().startswith(CODE_PREFIX)]
    if not found:
        raise PoolError(f"this is not a union's public key: a key starts with {CODE_PREFIX}- "
                        "(ask the union for its union.pub file or the code it prints)")
    body = "".join(found[0].upper().split("-")[1:]).replace(" ", "")
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError as exc:
        raise PoolError(f"the union key code {found[0][:24]}… holds characters a code never has") from exc
    if len(raw) != 34 or hashlib.sha256(raw[:32]).digest()[:2] != raw[32:]:
        raise PoolError("the union key code is mistyped or cut (its checksum does not match): "
                        "copy it again from the union's flyer or file")
    return raw[:32]


def read_public(source: str | Path) -> bytes:
    """The union's public key from a `union.pub` file or from a code given as text."""
    path = Path(source)
    if str(source).upper().startswith(CODE_PREFIX):
        return parse_public(str(source))
    if not path.is_file():
        raise PoolError(f"{source}: no such file, and not a union key code ({CODE_PREFIX}-…)")
    if path.stat().st_size > 10_000:
        raise PoolError(f"{path.name}: too large to be a union's public key")
    return parse_public(path.read_text(encoding="utf-8", errors="replace"))


def create_keys(folder: Path, passphrase: str, name: str) -> str:
    """Make the keypair and the pool key in `folder` (which must not hold keys yet); the public code."""
    from nacl.public import PrivateKey

    if len(passphrase) < 8:
        raise PoolError("the passphrase must have at least 8 characters (a few words are best)")
    keys = folder / KEYS_DIR
    if (keys / PRIVATE_FILE).exists() or (keys / POOL_KEY_FILE).exists():
        raise PoolError(f"{folder} already holds a pool's keys: nothing was changed")
    keys.mkdir(parents=True, exist_ok=True)
    os.chmod(keys, 0o700)
    private = PrivateKey.generate()
    _write_secret(keys / PRIVATE_FILE, bytes(private), passphrase, "private key")
    _write_secret(keys / POOL_KEY_FILE, secrets.token_bytes(32), passphrase, "pool key")
    code = public_code(bytes(private.public_key))
    (folder / PUBLIC_FILE).write_text(
        f"# gigdata union public key: members encrypt what they share with it\n# pool: {name}\n{code}\n",
        encoding="utf-8")
    return code


def unlock(folder: Path, passphrase: str) -> UnlockedKeys:
    """Both secrets of the pool in `folder`, or a clear error (wrong passphrase, missing or damaged file)."""
    keys = folder / KEYS_DIR
    return UnlockedKeys(_read_secret(keys / PRIVATE_FILE, passphrase, "private key"),
                        _read_secret(keys / POOL_KEY_FILE, passphrase, "pool key"))


def pool_public(folder: Path) -> bytes:
    """The public key of the pool in `folder`."""
    return read_public(folder / PUBLIC_FILE)


def _kdf(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    from nacl.pwhash import argon2id
    from nacl.secret import SecretBox

    return bytes(argon2id.kdf(SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, opslimit=ops,
                              memlimit=mem))


def _write_secret(path: Path, secret: bytes, passphrase: str, what: str) -> None:
    from nacl.pwhash import argon2id
    from nacl.secret import SecretBox

    salt = secrets.token_bytes(argon2id.SALTBYTES)
    ops, mem = argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE
    box = SecretBox(_kdf(passphrase, salt, ops, mem)).encrypt(secret)
    content: dict[str, Any] = {"format": KEY_FORMAT, "what": what, "kdf": "argon2id", "opslimit": ops,
                               "memlimit": mem, "salt": base64.b64encode(salt).decode(),
                               "box": base64.b64encode(bytes(box)).decode()}
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _read_secret(path: Path, passphrase: str, what: str) -> bytes:
    from nacl.exceptions import CryptoError
    from nacl.secret import SecretBox

    if not path.is_file():
        raise PoolError(f"{path}: the pool's {what} is missing (is this a pool folder made by "
                        "`gigdata pool init`?)")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if content.get("format") != KEY_FORMAT:
            raise ValueError("unknown format")
        salt = base64.b64decode(content["salt"])
        box = base64.b64decode(content["box"])
        ops, mem = int(content["opslimit"]), int(content["memlimit"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PoolError(f"{path}: the pool's {what} file is damaged ({exc})") from exc
    try:
        return bytes(SecretBox(_kdf(passphrase, salt, ops, mem)).decrypt(box))
    except CryptoError as exc:
        raise PoolError(f"wrong passphrase for the pool's {what} ({path.name}): nothing was changed",
                        "passphrase") from exc
