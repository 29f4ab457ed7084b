"""Enumerations whose members carry the Chinese term they stand for.

Every enumeration of the work-order model is a :class:`TermEnum`: an
:class:`enum.StrEnum` with an English snake_case value (what JSON and the engine
see) and the Chinese term the source documents use (``zh``), plus any other
spellings met in the documents (``aliases``). Reading accepts the value, the
Chinese term or an alias; writing always gives the English value.

Example:
    >>> from grievance_rules.model.enums import Category
    >>> Category("投诉"), Category.COMPLAINT.zh
    (<Category.COMPLAINT: 'complaint'>, '投诉')
"""

from __future__ import annotations

import enum
import unicodedata
from typing import Any, Self

__all__ = ["TermEnum"]


class TermEnum(enum.StrEnum):
    """A string enumeration whose members know their Chinese term.

    Members are declared as ``NAME = "value", "中文", ("alias", ...)``.

    Attributes:
        zh: the Chinese term in the source documents.
        aliases: other spellings accepted on input.
    """

    zh: str
    aliases: tuple[str, ...]

    def __new__(cls, value: str, zh: str = "", aliases: tuple[str, ...] = ()) -> Self:
        """Make a member from its value, Chinese term and aliases."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        member.aliases = aliases
        return member

    @classmethod
    def _missing_(cls, value: Any) -> Self | None:
        # full-width letters and digits (１２３４５, ＡＰＰ, typed in a Chinese input method's
        # full-width mode) and spaces (U+3000) read as their half-width forms
        # (compared as NFKC gives them on both sides: 办公室（中心） keeps its parentheses);
        # the spellings as written are tried first, and cost what they did
        if isinstance(value, str):
            text = value.strip()
            for member in cls:
                if text == member.value or text == member.zh or text in member.aliases:
                    return member
            folded = _folded(text)
            if folded != text:
                for member in cls:
                    spellings = (member.value, member.zh, *member.aliases)
                    if any(folded == _folded(spelling) for spelling in spellings):
                        return member
        return None

    @classmethod
    def terms(cls) -> dict[str, str]:
        """The Chinese term of each member, by value, in declaration order.

        Example:
            >>> from grievance_rules.model.enums import Satisfaction
            >>> Satisfaction.terms()
            {'satisfied': '满意', 'basically_satisfied': '基本满意', 'dissatisfied': '不满意'}
        """
        return {member.value: member.zh for member in cls}


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()
