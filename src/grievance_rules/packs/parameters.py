"""A pack's dated parameters resolved per date segment: what a ``{param: name}`` is on a day.

:class:`ParameterTable` is built once from a pack (its dated values, its overrides
fixed on every date) and answers by bisection; the engine's plan holds one, and
anything else that reads a parameter on a date (a pack diff, a scorecard's
weights, the watch list) builds or borrows one rather than asking the pack.

Example:
    >>> import datetime as dt
    >>> from grievance_rules.packs import find_pack
    >>> from grievance_rules.packs.schema import ParamRef
    >>> table = ParameterTable.of(find_pack("chengdong"))
    >>> table.value(ParamRef(param="warning_yellow"), dt.date(2024, 6, 1))
    0.5
    >>> table.value(3, dt.date(2024, 6, 1))
    3
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grievance_rules.errors import PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.pack import Pack
from grievance_rules.packs.schema import ParamRef

__all__ = ["ParameterTable", "parameter_value"]


@dataclass(frozen=True)
class ParameterTable:
    """A pack's parameters resolved per date segment, overrides applied.

    ``starts[i]`` is the first day of segment ``i``; ``values[i]`` every parameter's
    value in force from then until the next segment (a parameter without a value yet
    is missing from it).
    """

    pack_id: str
    parameters_file: str
    starts: tuple[dt.date, ...]
    values: tuple[Mapping[str, Any], ...]
    first_dates: Mapping[str, dt.date]

    @classmethod
    def of(cls, pack: Pack) -> ParameterTable:
        """The table of a pack (its dated values, its overrides fixed on every date)."""
        starts = sorted(
            {dt.date.min} | {v.from_ for p in pack.parameters.values() for v in p.values}
        )
        values = []
        for start in starts:
            segment: dict[str, Any] = {}
            for name, parameter in pack.parameters.items():
                if name in pack.overrides:
                    segment[name] = pack.overrides[name]
                    continue
                value = parameter.value_on(start)
                if value is not None:
                    segment[name] = value
            values.append(segment)
        return cls(
            pack.id,
            pack.manifest.parameters_file,
            tuple(starts),
            tuple(values),
            {name: p.values[0].from_ for name, p in pack.parameters.items()},
        )

    def segment_of(self, on: dt.date) -> int:
        """The index of the segment in force on a date (equal indices: equal values)."""
        return bisect.bisect_right(self.starts, on) - 1

    def value(self, ref: Any, on: dt.date) -> Any:
        """A literal as it is, or a ``{param: name}`` reference's value on a date.

        Raises:
            PackError: the parameter has no value on that date.
        """
        if not isinstance(ref, ParamRef):
            return ref
        segment = self.values[bisect.bisect_right(self.starts, on) - 1]
        try:
            return segment[ref.param]
        except KeyError:
            raise PackError(
                _(
                    "pack {pack}: parameter {name} has no value on {day} (its first value "
                    "takes effect on {first})"
                ).format(
                    pack=self.pack_id,
                    name=repr(ref.param),
                    day=on,
                    first=self.first_dates.get(ref.param),
                ),
                file=self.parameters_file,
                field=ref.param,
            ) from None


def parameter_value(pack: Pack, ref: Any, on: dt.date) -> Any:
    """A literal as it is, or a parameter's value on a date (a table built for the call).

    For one look-up; code that reads many builds one :class:`ParameterTable`.

    Raises:
        PackError: the parameter has no value on that date.
    """
    return ParameterTable.of(pack).value(ref, on)
