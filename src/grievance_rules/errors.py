"""The one error hierarchy of grievance-rules.

Every exception the library raises on purpose derives from
:class:`GrievanceRulesError`, so a caller can catch the library's errors with one
``except`` clause and let programming errors through.

Example:
    >>> from grievance_rules.errors import CalendarRangeError, GrievanceRulesError
    >>> issubclass(CalendarRangeError, GrievanceRulesError)
    True
"""

from __future__ import annotations

from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext, pgettext

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "CalendarDataError",
    "CalendarError",
    "CalendarRangeError",
    "ColumnMappingError",
    "DurationError",
    "EngineArgumentError",
    "EngineError",
    "FactValidationError",
    "GrievanceRulesError",
    "HistoryError",
    "InputFormatError",
    "NaiveDatetimeError",
    "NotYetReceivedError",
    "PackError",
    "PackNotFoundError",
    "ProvisionalCalendarError",
    "ProvisionalCalendarWarning",
    "ReadError",
    "RuleActionError",
    "RuleDefinitionError",
    "WorkOrderError",
    "WorkerProcessError",
]


class GrievanceRulesError(Exception):
    """Base class of every error grievance-rules raises on purpose."""


class ArgumentError(GrievanceRulesError, ValueError):
    """An argument a function cannot take: not a value it takes, or not with the others given.

    The message names the parameter, the value given and what it takes, in the chosen
    language. A ``ValueError`` too, as these mistakes were before this class: ``score``'s
    ``period`` or ``path``, ``merge_scorecards`` given parts of different packs,
    ``watch``'s negative ``within``, ``write_parquet``'s ``partition_size``, a
    ``use_language`` that is neither ``zh`` nor ``en``, the testing toolkit's
    ``assert_no_finding(kinds=...)`` or an instant that is not one.

    Attributes:
        parameter: the parameter given the argument (``period``, ``path`` ...).
        value: the argument given.

    Example:
        >>> from grievance_rules.i18n import language
        >>> from grievance_rules.scoring import score
        >>> with language("en"):
        ...     score([], "daye", period="monthly")
        Traceback (most recent call last):
        ...
        grievance_rules.errors.ArgumentError: period: unknown kind of period 'monthly'; one of \
day, week, month, two_months, quarter, half_year, year
    """

    def __init__(self, message: str, *, parameter: str, value: object) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.value = value


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of a kind the function cannot take (a ``TypeError`` too, as before).

    ``duplicates="last"`` with the inputs as an iterator (they are read twice), a data
    frame of orders with several columns and none named ``order``, a Dask bag given
    to ``evaluate_dataset``.
    """


class CalendarError(GrievanceRulesError, ValueError):
    """A calendar question that cannot be answered as asked."""


class CalendarRangeError(CalendarError):
    """A date outside the range the calendar holds data or projections for."""


class CalendarDataError(CalendarError):
    """A calendar data file is malformed; the message names the file and entry."""


class ProvisionalCalendarError(CalendarError):
    """A result touched a provisional day and the calendar was asked to refuse that."""


class NaiveDatetimeError(CalendarError):
    """A datetime without a timezone where an instant is required."""


class DurationError(CalendarError):
    """A duration that cannot be parsed or cannot be used with a counting convention."""


class WorkOrderError(GrievanceRulesError, ValueError):
    """A work order that is not valid as given."""


class HistoryError(WorkOrderError):
    """A work order whose history contradicts itself.

    Attributes:
        order_id: the order's id.
        issues: every issue found (``HistoryIssue`` objects), not only the first.
    """

    def __init__(self, order_id: str, issues: tuple[object, ...]) -> None:
        self.order_id = order_id
        self.issues = issues
        lines = pgettext("list", "; ").join(str(issue) for issue in issues)
        super().__init__(
            ngettext(
                "order {order_id}: {count} history issue: {issues}",
                "order {order_id}: {count} history issues: {issues}",
                len(issues),
            ).format(order_id=order_id, count=len(issues), issues=lines)
        )


class NotYetReceivedError(WorkOrderError):
    """An order asked to be assessed at an instant before it was received.

    ``as_of`` earlier than its ``received_at``: the order did not exist then, so it is
    neither assessed nor counted as assessed (a batch rejects it, naming both
    instants).

    Attributes:
        order_id: the order's id.
        received_at: its receipt, in Shanghai time.
        as_of: the assessment instant asked for, in Shanghai time.
    """

    def __init__(self, order_id: str, received_at: object, as_of: object) -> None:
        self.order_id = order_id
        self.received_at = received_at
        self.as_of = as_of
        super().__init__(
            _(
                "order {order_id}: received_at {received} is after the assessment instant "
                "(as_of) {as_of}: the order was not yet received then"
            ).format(order_id=order_id, received=received_at, as_of=as_of)
        )


class ReadError(GrievanceRulesError, ValueError):
    """A file that cannot be read at all (as opposed to a record in it that is rejected)."""


class InputFormatError(ReadError):
    """An input format that is unknown, or cannot be told from the file name."""


class ColumnMappingError(ReadError):
    """A column mapping that names an unknown field, or a table missing a required column."""


class PackError(GrievanceRulesError, ValueError):
    """A policy pack that is refused; says which file, line, rule and field.

    Attributes:
        file: the pack file, relative to the pack directory.
        line: the line in that file, where it can be found.
        rule_id: the rule concerned, if any.
        field: the field path concerned, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        rule_id: str | None = None,
        field: str | None = None,
    ) -> None:
        where = ""
        if line is not None:
            said = (f"line {line}", _("line {line}").format(line=line))
            if not any(mention in message for mention in said):
                where = _(" (line {line})").format(line=line)
        super().__init__(message + where)
        self.file = file
        self.line = line
        self.rule_id = rule_id
        self.field = field

    def restated(self, message: str, *, rule_id: str | None = None) -> PackError:
        """The same error (file, line, field; rule unless given) told with more context.

        Example:
            >>> error = PackError("bad", file="rules/r.yaml", line=3, rule_id="R-1", field="cap")
            >>> again = error.restated(f"pack demo: {error}")
            >>> str(again), again.line, again.rule_id, again.field
            ('pack demo: bad (line 3)', 3, 'R-1', 'cap')
        """
        return PackError(
            message,
            file=self.file,
            line=self.line,
            rule_id=rule_id or self.rule_id,
            field=self.field,
        )


class PackNotFoundError(GrievanceRulesError, LookupError):
    """No policy pack of that name, or no built-in packs at all."""


class EngineError(GrievanceRulesError):
    """The rule engine (durable-rules) failed, or refused what it was given.

    Errors raised inside durable-rules come back as this class (or a subclass) with the
    original exception chained as ``__cause__``.
    """


class EngineArgumentError(ArgumentError, EngineError):
    """An ``engine=`` or ``duplicates=`` the engine does not know.

    An :class:`ArgumentError` (so a ``ValueError``), and an :class:`EngineError`, as it was.
    """


class RuleDefinitionError(EngineError, ValueError):
    """A durable-rules ruleset definition the engine adapter refuses; says which rule and where."""


class FactValidationError(EngineError, ValueError):
    """A fact that is not plain JSON, or that durable-rules cannot hold; names the fact and key.

    Attributes:
        field: the order's field it is, where known (``events[4].round``), else ``""``.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class RuleActionError(EngineError):
    """An exception raised while the engine adapter recorded an activation (a durable action)."""


class WorkerProcessError(EngineError):
    """A worker process of a batch ended abruptly (killed, out of memory, crashed).

    The inputs before it were given their results; it names the first input that was
    not, and none after it is assessed.

    Attributes:
        first_unassessed: the position (from 0) of the first input left without a result.
    """

    def __init__(self, first_unassessed: int) -> None:
        self.first_unassessed = first_unassessed
        super().__init__(
            ngettext(
                "a worker process ended abruptly (killed, or out of memory) while input "
                "#{position} and the next ones were assessed: the {count} input before "
                "it has its result, it and every input after it have none; run again "
                "with fewer processes, or one",
                "a worker process ended abruptly (killed, or out of memory) while input "
                "#{position} and the next ones were assessed: the {count} inputs before "
                "it have their results, it and every input after it have none; run again "
                "with fewer processes, or one",
                first_unassessed,
            ).format(position=first_unassessed, count=first_unassessed)
        )


class ProvisionalCalendarWarning(UserWarning):
    """A result touched a day whose status is projected, not yet set by a notice."""
