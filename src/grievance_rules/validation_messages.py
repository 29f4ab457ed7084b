"""Pydantic's validation messages in the chosen language, for every part that validates.

Reading a record (:mod:`grievance_rules.reading.problems`), loading a pack
(:mod:`grievance_rules.packs.yaml_lines`) and the HTTP service's query checks all
say pydantic's common errors the same way: in English, pydantic's own words; in
Chinese, the catalogue's.
"""

from __future__ import annotations

from typing import Any

from grievance_rules.i18n import N_, current_language
from grievance_rules.i18n import gettext as _

__all__ = ["PYDANTIC_MESSAGES", "pydantic_message"]


PYDANTIC_MESSAGES = {
    "missing": N_("field required"),
    "string_type": N_("should be text"),
    "int_type": N_("should be a whole number"),
    "int_parsing": N_("should be a whole number"),
    "int_from_float": N_("should be a whole number"),
    "float_type": N_("should be a number"),
    "float_parsing": N_("should be a number"),
    "bool_type": N_("should be true or false"),
    "bool_parsing": N_("should be true or false"),
    "datetime_type": N_("should be a date and time"),
    "datetime_parsing": N_("should be a date and time"),
    "datetime_from_date_parsing": N_("should be a date and time"),
    "date_type": N_("should be a date"),
    "date_parsing": N_("should be a date"),
    "date_from_datetime_parsing": N_("should be a date"),
    "greater_than": N_("should be greater than {gt}"),
    "greater_than_equal": N_("should be at least {ge}"),
    "less_than": N_("should be less than {lt}"),
    "less_than_equal": N_("should be at most {le}"),
    "string_too_short": N_("should have at least {min_length} characters"),
    "string_too_long": N_("should have at most {max_length} characters"),
    "too_short": N_("should have at least {min_length} items"),
    "too_long": N_("should have at most {max_length} items"),
    "list_type": N_("should be a list"),
    "tuple_type": N_("should be a list"),
    "dict_type": N_("should be an object (key: value)"),
    "model_type": N_("should be an object (key: value)"),
    "model_attributes_type": N_("should be an object (key: value)"),
    "literal_error": N_("should be {expected}"),
    "string_pattern_mismatch": N_("should match the pattern {pattern}"),
    "string_unicode": N_("should be text (Unicode), not a broken character"),
    "finite_number": N_("should be a finite number"),
    "json_invalid": N_("is not valid JSON: the record is cut short or malformed ({error})"),
    # the model's own instant checks (grievance_rules.model.base)
    "instant_range": N_("{value} is outside the years 1900-2199"),
    "instant_number": N_(
        "{value} is not an instant; give an ISO 8601 date-time such as "
        "2024-05-06T09:30:00+08:00 (numbers are not read as instants)"
    ),
    "instant_date": N_(
        "{value} is a date, not an instant; give the time of day too "
        "(e.g. 2024-05-14T17:30:00+08:00)"
    ),
}
"""Pydantic's common error types, said in the chosen language (English keeps pydantic's own)."""


def pydantic_message(error: Any) -> str:
    """Pydantic's message for ``error``; in Chinese, the catalogue's where it has one.

    Example:
        >>> from grievance_rules.i18n import language
        >>> error = {"type": "greater_than_equal", "msg": "Input should be greater than or "
        ...          "equal to 0", "ctx": {"ge": 0}}
        >>> with language("zh"):
        ...     pydantic_message(error)
        '应不小于 0'
        >>> with language("en"):
        ...     pydantic_message(error)
        'Input should be greater than or equal to 0'
    """
    template = PYDANTIC_MESSAGES.get(error["type"])
    if template is None or current_language() != "zh":
        return str(error["msg"])
    try:
        return _(template).format(**error.get("ctx", {}))
    except (KeyError, IndexError, ValueError):  # a context pydantic did not give: its own words
        return str(error["msg"])
