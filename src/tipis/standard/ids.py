"""Record identifiers: time-ordered UUIDs (the UUID version 7 layout of RFC 9562).

New records get increasing identifiers, so database indexes grow at their end instead of
being written all over: inserts stay fast as a store grows to millions of cases.
"""

from __future__ import annotations

import secrets
import time
from uuid import UUID

_RANDOM_BITS = 74
_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0b10 << 62


def time_ordered_id(millis: int, random_bits: int) -> UUID:
    """A version-7 UUID from a 48-bit millisecond count and 74 bits of randomness."""
    rand_a = (random_bits >> 62) & 0xFFF
    rand_b = random_bits & ((1 << 62) - 1)
    return UUID(
        int=(millis & (2**48 - 1)) << 80 | _VERSION_7 | rand_a << 64 | _VARIANT_RFC | rand_b
    )


def new_id() -> UUID:
    """A fresh time-ordered identifier."""
    return time_ordered_id(time.time_ns() // 1_000_000, secrets.randbits(_RANDOM_BITS))
