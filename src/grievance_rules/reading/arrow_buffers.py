"""Arrow arrays read as numpy from their buffers, and whole numbers made an Arrow array.

The Parquet reader (:mod:`.parquet`, :mod:`.parquet_cells`) and its history screen
(:mod:`.history_screen`) read validity bitmaps and fixed-width cells straight from an
array's buffers: Arrow's ``to_numpy`` and ``is_valid`` would import pandas or
``pyarrow.compute``. :func:`int64_array` goes the other way, a numpy array's buffer
made an Arrow array (``pa.array`` would ask pandas). The arrays come from pyarrow, so
pyarrow is imported here only where a type is asked about or an array made.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "bit_values",
    "buffer_values",
    "int64_array",
    "int64_values",
    "validity",
    "whole_numbers",
]


def validity(column: Any) -> Any:
    """Whether each cell of an array holds a value (numpy ``bool``), from its validity bitmap."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_dictionary(kind):
        return validity(column.indices)  # (a cell is null where its index is)
    if isinstance(kind, pa.ExtensionType):
        return bit_values(column.is_valid())  # (not the plain layout)
    bitmap = column.buffers()[0]
    if bitmap is None:
        if column.null_count == 0:
            return np.ones(len(column), dtype=bool)
        return bit_values(column.is_valid())  # (the null type, unions: not the plain layout)
    return _unpacked(bitmap, column.offset, len(column))


def bit_values(column: Any) -> Any:
    """The values of a boolean array without nulls (numpy ``bool``), from its bitmap."""
    return _unpacked(column.buffers()[1], column.offset, len(column))


def _unpacked(bitmap: Any, offset: int, count: int) -> Any:
    if count == 0:
        return np.zeros(0, dtype=bool)
    bits = np.unpackbits(
        np.frombuffer(bitmap, dtype=np.uint8), count=offset + count, bitorder="little"
    )
    return bits[offset:].view(bool)


def whole_numbers(array: Any) -> Any:
    """The cells of an Arrow array of whole numbers (or instants) as numpy, from its data buffer.

    Read-only; what is under a null cell is not a value. (Arrow's ``to_numpy``
    imports pandas.)
    """
    import pyarrow as pa

    kind = array.type
    sign = "u" if pa.types.is_unsigned_integer(kind) else "i"
    return buffer_values(array, np.dtype(f"{sign}{kind.bit_width // 8}"))


def buffer_values(array: Any, dtype: Any) -> Any:
    """A fixed-width Arrow array's data buffer as numpy ``dtype``, its cells only (read-only)."""
    if len(array) == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=array.offset + len(array))[
        array.offset :
    ]


def int64_array(values: Any) -> Any:
    """Whole numbers (a numpy array) as an Arrow ``int64`` array, made from their buffer.

    ``pa.array`` asks pandas whether its argument is a pandas object, importing it
    (a third of a second, once a process) in a reader that never needs pandas;
    :func:`int64_values` does the reverse without an Arrow scalar, for the same reason.
    """
    import pyarrow as pa

    numbers = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(numbers), [None, pa.py_buffer(numbers)])


def int64_values(array: Any, null: int) -> Any:
    """An Arrow array of whole numbers as numpy ``int64``, ``null`` where a cell is null."""
    values = whole_numbers(array).astype(np.int64)  # (a copy)
    if array.null_count:
        values[~validity(array)] = null
    return values
