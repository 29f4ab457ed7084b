"""DuplicateIds.reasons: a batch at once, the same as DuplicateIds.reason on each in turn."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.engine.duplicates import DuplicateIds, Duplicates
from grievance_rules.i18n import language
from tests.engine.test_duplicates import _ids as _one_at_a_time_ids

Record = tuple[str, int, str]


def one_by_one(seen: DuplicateIds, records: list[Record]) -> list[str | None]:
    return [seen.reason(order_id, position, where) for order_id, position, where in records]


def in_batches(seen: DuplicateIds, records: list[Record], sizes: list[int]) -> list[str | None]:
    """``reasons`` over ``records`` cut into batches of ``sizes`` (cycled; 0 an empty batch)."""
    found: list[str | None] = []
    start = 0
    for n in range(len(records) + len(sizes)):
        if start >= len(records):
            break
        size = sizes[n % len(sizes)] if sizes else len(records)
        batch = records[start : start + size]
        found += seen.reasons([r[0] for r in batch], [r[1] for r in batch], [r[2] for r in batch])
        start += size
    if start < len(records):  # sizes all 0: the rest at once
        rest = records[start:]
        found += seen.reasons([r[0] for r in rest], [r[1] for r in rest], [r[2] for r in rest])
    return found


def state(seen: DuplicateIds) -> dict[str, Any]:
    """What is kept, slot order aside: the entries' words, prefixes, whole labels, sizes."""
    entries = [
        seen._chunks[e >> seen._shift].reshape(-1, 3)[e & seen._low].tolist()
        for e in range(len(seen))
    ]
    return {
        "count": len(seen),
        "entries": entries,
        "prefixes": list(seen._prefixes),
        "codes": dict(seen._codes),
        "whole": list(seen._whole.items()),  # in the order kept
        "slots": seen._mask + 1,
        "limit": seen._limit,
        "room": seen._room,
        "chunks": [chunk.size for chunk in seen._chunks],
        "table": sorted(int(e) for e in seen._table if e >= 0),
    }


def assert_alike(batched: DuplicateIds, each: DuplicateIds, ids: list[str]) -> None:
    assert state(batched) == state(each)
    for order_id in [*ids, "never-seen", "\udfff"]:
        assert batched.first_at(order_id) == each.first_at(order_id)
        assert (order_id in batched) == (order_id in each)
    # a pickled copy goes on as the original does, a record at a time and in a batch
    later = [(order_id, 10**6 + n, f"later:{n}") for n, order_id in enumerate(ids[:40])]
    later += [(f"new-{n}", 2 * 10**6 + n, f"new:{n}") for n in range(40)]
    copy = pickle.loads(pickle.dumps(batched))
    assert one_by_one(copy, later) == one_by_one(pickle.loads(pickle.dumps(each)), later)
    assert in_batches(pickle.loads(pickle.dumps(batched)), later, [7]) == one_by_one(
        pickle.loads(pickle.dumps(each)), later
    )


def check(
    records: list[Record],
    duplicates: Duplicates,
    sizes: list[int],
    capacity: int = 16,
    chunk: int = 1 << 16,
    last: dict[str, int] | None = None,
) -> list[str | None]:
    if last is None:
        last = {order_id: position for order_id, position, _ in records}
    each = DuplicateIds(duplicates, last, capacity=capacity, chunk=chunk)
    batched = DuplicateIds(duplicates, last, capacity=capacity, chunk=chunk)
    expected = one_by_one(each, records)
    assert in_batches(batched, records, sizes) == expected
    assert_alike(batched, each, [r[0] for r in records])
    return expected


# --- examples worked out by hand ------------------------------------------------------


def test_a_batch_names_the_first_record_within_it_and_before_it() -> None:
    seen = DuplicateIds("reject")
    assert seen.reasons(["A", "B"], [0, 1], ["#0", "#1"]) == [None, None]
    assert seen.reasons(
        ["C", "A", "C", "C", "D"], [2, 3, 4, 5, 6], ["#2", "#3", "#4", "#5", "#6"]
    ) == [
        None,
        "id: duplicate order id 'A' (first at #0)",
        "id: duplicate order id 'C' (first at #2)",
        "id: duplicate order id 'C' (first at #2)",
        None,
    ]
    assert len(seen) == 4
    assert [seen.first_at(i) for i in "ABCDE"] == ["#0", "#1", "#2", "#6", None]
    assert seen.reasons([], [], []) == []
    assert seen.reason("D", 7, "#7") == "id: duplicate order id 'D' (first at #6)"


def test_last_replaces_and_rejects_in_a_batch() -> None:
    # inputs A B A C A D D: the last A is at 4; D was not seen by the first pass
    seen = DuplicateIds("last", {"A": 4, "B": 1, "C": 3})
    ids = ["A", "B", "A", "C", "A", "D", "D"]
    assert seen.reasons(ids, list(range(7)), [f"#{n}" for n in range(7)]) == [
        "id: order id 'A' replaced by a later input (#4)",
        None,
        "id: order id 'A' replaced by a later input (#4)",
        None,
        None,
        None,
        "id: duplicate order id 'D' (first at #5)",
    ]
    assert [seen.first_at(i) for i in "ABCD"] == ["#4", "#1", "#3", "#5"]
    assert len(seen) == 4


def test_allow_keeps_nothing_in_a_batch() -> None:
    seen = DuplicateIds("allow")
    assert seen.reasons(["A", "A", "A"], [0, 1, 2], ["#0", "#1", "#2"]) == [None] * 3
    assert len(seen) == 0
    assert seen.first_at("A") is None


def test_lengths_must_agree() -> None:
    seen = DuplicateIds("reject")
    with pytest.raises(ValueError, match="differ in length"):
        seen.reasons(["A", "B"], [0], ["#0", "#1"])
    assert len(seen) == 0


def test_labels_kept_exactly_in_a_batch() -> None:
    labels = [
        "orders.jsonl:17",
        "x:007",  # leading zeros: kept whole
        "no-digits",
        "",
        "#0",
        "0",
        "00",
        "12345",
        "part-2024/orders.jsonl:9223372036854775807",  # beyond 48 bits: whole
        "x:99999999999999999999999999",  # beyond int64: whole
        "x:999999999999999",  # 15 digits, beyond 48 bits: whole
        "x:100000000000000",  # 15 digits, within 48 bits
        "行:3",
        "line ٣",  # an Arabic-Indic digit is no decimal digit here
        "x:281474976710655",  # 2**48 - 1: the largest number kept in the word
        "x:281474976710656",  # 2**48: whole
        "7\n",
        "a\x005",  # a NUL before the digits
        "a5\x00",  # a NUL after them
        "\ud800:12",  # a lone surrogate in the prefix
        "orders.jsonl:18",
    ]
    ids = [f"O{n}" for n in range(len(labels))]
    seen = DuplicateIds("reject")
    assert seen.reasons(ids, list(range(len(ids))), labels) == [None] * len(ids)
    for order_id, where in zip(ids, labels, strict=True):
        assert seen.first_at(order_id) == where
    assert seen._prefixes == ["orders.jsonl:", "#", "", "x:", "行:", "a\x00", "\ud800:"]
    assert sorted(seen._whole) == [1, 2, 3, 6, 8, 9, 10, 13, 15, 16, 18]
    again = seen.reasons(ids, [100] * len(ids), ["#x"] * len(ids))
    assert again == [
        f"id: duplicate order id {i!r} (first at {w})" for i, w in zip(ids, labels, strict=True)
    ]
    check([(i, n, w) for n, (i, w) in enumerate(zip(ids, labels, strict=True))], "reject", [5])


def test_surrogate_and_non_ascii_ids_in_a_batch() -> None:
    ids = ["工单-1", "\ud800", "\U0001f600", "\ud83d\ude00", "工单-1", "\ud800", "\ud83d\ude00"]
    expected = check([(i, n, f"#{n}") for n, i in enumerate(ids)], "reject", [7])
    assert expected == [None] * 4 + [
        "id: duplicate order id '工单-1' (first at #0)",
        "id: duplicate order id '\\ud800' (first at #1)",
        "id: duplicate order id '\\ud83d\\ude00' (first at #3)",
    ]


def test_messages_are_translated_in_a_batch() -> None:
    seen = DuplicateIds("last", {"B": 9})
    seen.reasons(["A"], [0], ["orders.jsonl:3"])
    with language("zh"):
        each = DuplicateIds("last", {"B": 9})
        each.reason("A", 0, "orders.jsonl:3")
        expected = [each.reason("A", 1, "#1"), each.reason("B", 2, "#2")]
        assert seen.reasons(["A", "B"], [1, 2], ["#1", "#2"]) == expected
    assert expected[0] == "id：工单编号 'A' 重复（首次出现于 orders.jsonl:3）"


def test_the_table_and_chunks_grow_in_the_middle_of_a_batch() -> None:
    records = [(f"CD-{n // 3:06d}", n, f"orders.jsonl:{n + 1}") for n in range(3000)]
    for capacity, chunk, sizes in [(1, 1, [1000]), (1, 8, [5, 700]), (2, 64, [3000]), (4, 2, [1])]:
        check(records, "reject", sizes, capacity=capacity, chunk=chunk)


def test_more_than_one_full_chunk_in_batches() -> None:
    # entries found in several chunks at once (a look-up reads each chunk's digests)
    records = [(f"O{n % 9000}", n, f"#{n}") for n in range(12000)]
    check(records, "reject", [4096], chunk=1024)


def test_prefixes_beyond_the_prefix_numbers_are_kept_whole_in_a_batch() -> None:
    count = 0xFFFF + 10  # more distinct prefixes than the 16-bit prefix numbers
    records = [(f"O{n}", n, f"file{n % (count - 3)}.jsonl:1") for n in range(count)]
    records += [(f"O{n}", count + n, "#y") for n in range(0, count, 997)]
    check(records, "reject", [30_000, 4096, 40_000], capacity=1 << 18)


# --- property: the same as one at a time ----------------------------------------------

_labels = st.one_of(
    st.integers(0, 10**6).map(lambda n: f"#{n}"),
    st.integers(0, 10**6).map(lambda n: f"orders.jsonl:{n}"),
    st.tuples(
        st.sampled_from(["", "a:", "x:0", "行", "\ud800", "a\x00"]), st.integers(0, 2**70)
    ).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.integers(0, 40), st.integers(0, 99)).map(lambda t: f"p{t[0]}:{t[1]:03d}"),
    st.text(max_size=8),
    st.text(alphabet="0123456789", max_size=20),
)
_ids = st.one_of(_one_at_a_time_ids, st.just("\ud83d\ude00"))  # (and a surrogate pair)


@settings(max_examples=200, deadline=None)
@given(
    records=st.lists(st.tuples(_ids, _labels), max_size=300),
    duplicates=st.sampled_from(["reject", "last", "allow"]),
    sizes=st.lists(st.integers(0, 120), max_size=6),
    capacity=st.sampled_from([1, 2, 4, 16]),
    chunk=st.sampled_from([1, 2, 8, 1 << 16]),
    repeat_positions=st.booleans(),
)
def test_batches_give_what_each_record_in_turn_gives(
    records: list[tuple[str, str]],
    duplicates: Duplicates,
    sizes: list[int],
    capacity: int,
    chunk: int,
    repeat_positions: bool,
) -> None:
    # positions as the batch paths give them, or repeated (two records at one position)
    rows = [
        (order_id, position // 2 if repeat_positions else position, where)
        for position, (order_id, where) in enumerate(records)
    ]
    check(rows, duplicates, sizes, capacity=capacity, chunk=chunk)


@settings(max_examples=50, deadline=None)
@given(
    first=st.lists(st.tuples(_ids, _labels), max_size=100),
    records=st.lists(st.tuples(_ids, _labels), max_size=200),
    sizes=st.lists(st.integers(1, 80), min_size=1, max_size=4),
    duplicates=st.sampled_from(["reject", "last"]),
)
def test_batches_after_records_one_at_a_time(
    first: list[tuple[str, str]],
    records: list[tuple[str, str]],
    sizes: list[int],
    duplicates: Duplicates,
) -> None:
    # reason and reasons mixed on one memory: the batch sees the ids kept one at a time
    rows = [(i, n, w) for n, (i, w) in enumerate(first + records)]
    last = {i: n for i, n, _ in rows}
    each = DuplicateIds(duplicates, last, capacity=2, chunk=4)
    batched = DuplicateIds(duplicates, last, capacity=2, chunk=4)
    assert one_by_one(batched, rows[: len(first)]) == one_by_one(each, rows[: len(first)])
    assert in_batches(batched, rows[len(first) :], sizes) == one_by_one(each, rows[len(first) :])
    assert_alike(batched, each, [r[0] for r in rows])


@settings(max_examples=100, deadline=None)
@given(
    records=st.lists(
        st.tuples(
            st.integers(0, 300).map(lambda n: f"CD-{n}"),
            st.tuples(
                st.sampled_from(["ab:", "cd:", "ab;", "a\ud800:", "a\x00:"]),
                st.integers(0, 10**16),
            ).map(lambda t: f"{t[0]}{t[1]}"),
        ),
        max_size=200,
    ),
    sizes=st.lists(st.integers(1, 120), min_size=1, max_size=4),
)
def test_batches_of_prefixes_of_one_length(
    records: list[tuple[str, str]], sizes: list[int]
) -> None:
    # every prefix of a batch has one length: they are compared all at once
    check([(i, n, w) for n, (i, w) in enumerate(records)], "reject", sizes)


def test_the_digest_is_blake2b_of_the_id() -> None:
    # the digest the module's description names, from a copy of one of nothing
    from hashlib import blake2b

    from grievance_rules.engine.duplicates import _digest

    for data in [
        b"",
        b"A",
        "工单-1".encode(),
        "\ud800".encode("utf-8", "surrogatepass"),
        b"x" * 300,
    ]:
        assert _digest(data) == blake2b(data, digest_size=16).digest()
    assert _digest(b"A") == blake2b(b"A", digest_size=16).digest()  # the one copied stays empty
