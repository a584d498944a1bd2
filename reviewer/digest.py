"""Short stable digests (finding ids, cache keys) without loading OpenSSL.

``hashlib`` imports ``_hashlib``, which loads libcrypto on every cold start. BLAKE2 is
built into CPython as ``_blake2``; ``hashlib`` is the fallback where it is not.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - every CPython build we support has it
    from hashlib import blake2b as _blake2b


def short_hash(data: bytes, size: int) -> str:
    """Hex BLAKE2b digest of ``data`` with ``size`` bytes (``2 * size`` hex digits)."""
    return _blake2b(data, digest_size=size).hexdigest()
