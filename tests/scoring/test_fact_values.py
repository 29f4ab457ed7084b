"""What an order's events tell the rates, read field by field as the models give them."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.model.enums import ReplyKind, StrikeScope
from grievance_rules.model.events import Callback, Closed, FirstContact, Replied, StruckOff
from grievance_rules.scoring.rates import event_fact_values
from grievance_rules.testing.strategies import events


def _reference(kept: list[Any], handling: list[str | None]) -> tuple[Any, ...]:
    """event_fact_values as attribute reads on each event (what the fast path must give)."""
    unit = next((held for held in reversed(handling) if held is not None), None)
    contacted = completed = struck = False
    resolved = rating = None
    closures = set()
    for event, holder in zip(kept, handling, strict=False):
        if isinstance(event, FirstContact):
            # the handling unit's own contact (or one by no unit named) reached the complainant
            contacted = contacted or event.unit in (None, unit)
        elif isinstance(event, Replied):
            completed = completed or event.kind is not ReplyKind.PRELIMINARY
        elif isinstance(event, Closed):
            completed = True
            if event.outcome is not None:
                closures.add(event.outcome.value)
        elif isinstance(event, Callback):
            # a callback rating another unit (its about_unit, else the holder then) is not
            # this unit's
            if (event.about_unit or holder) not in (None, unit):
                continue
            contacted = contacted or bool(event.contacted)
            if event.resolved is not None:
                resolved = event.resolved
            rated = event.satisfaction or event.result_satisfaction or event.process_satisfaction
            if rated is not None:
                rating = rated
        elif isinstance(event, StruckOff) and event.scope is StrikeScope.DISSATISFIED_COUNT:
            struck = True
    # handed back: a unit held it once, none holds it after the last event
    handed_back = any(h is not None for h in handling) and handling[-1] is None
    return unit, contacted, completed, resolved, rating, struck, frozenset(closures), handed_back


_FACTS = st.sampled_from(["first_contact", "replied", "closed", "callback", "struck_off"])


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(events(), _FACTS.flatmap(events)), max_size=8),
    st.lists(st.sampled_from([None, "u0", "centre"]), min_size=8, max_size=8),
)
def test_event_fact_values_as_the_models_attributes_tell(
    kept: list[Any], held: list[str | None]
) -> None:
    handling = held[: len(kept)]
    assert event_fact_values(kept, handling) == _reference(kept, handling)
