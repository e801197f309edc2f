"""Unions: members share minimised, encrypted data; the union pools it under keyed pseudonyms and turns
it into collective figures that single no one out.

Modules: `keys` (the union's keypair and pool key, the public code), `minimise` (what leaves a worker's
computer), `bundle` (sealing and opening a member's bundle, the receipt), `folder` (`Pool`: init, add,
members, withdraw, the register and log), `figures` (collective figures with disclosure control).

Example:
    >>> from toolkit.pool import ALLOWED
    >>> "extra" in ALLOWED["jobs"]
    False
"""

from toolkit.pool.folder import Added, Pool
from toolkit.pool.minimise import ALLOWED, minimise

__all__ = ["ALLOWED", "Added", "Pool", "minimise"]
