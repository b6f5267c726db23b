"""Record identifiers are RFC 9562 version-7 UUIDs that sort by creation time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tipis.standard.ids import new_id, time_ordered_id


def test_new_ids_are_version_7_and_increase() -> None:
    ids = [new_id() for _ in range(50)]
    assert all(i.version == 7 and i.variant == "specified in RFC 4122" for i in ids)
    assert len(set(ids)) == 50
    assert [i.int >> 80 for i in ids] == sorted(i.int >> 80 for i in ids)


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**48 - 1), st.integers(0, 2**74 - 1))
def test_the_millisecond_field_orders_ids(a: int, b: int, bits: int) -> None:
    first, second = time_ordered_id(a, bits), time_ordered_id(b, bits)
    assert (first < second) == (a < b)
    assert first.version == 7
