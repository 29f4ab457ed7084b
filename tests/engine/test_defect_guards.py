"""The engine's guards against a rule the pack checks should have refused at load.

A loaded pack never reaches them (an operator or a condition the grammar does not have
is refused with its file, rule and field); a program that builds schema objects by hand
can. They raise the library's :class:`~grievance_rules.errors.RuleDefinitionError`,
said in the language in use, not a bare ``ValueError`` or ``TypeError``.
"""

from __future__ import annotations

import pytest

from grievance_rules.engine.compiler import _where
from grievance_rules.engine.condition_tree import compile_condition
from grievance_rules.engine.matching import where_test
from grievance_rules.errors import RuleDefinitionError
from grievance_rules.i18n import language


@pytest.mark.parametrize(
    ("make", "english", "chinese"),
    [
        (lambda: where_test({"near": 3}), "unknown operator 'near'", "未知的运算符 'near'"),
        (
            lambda: _where("round", {"near": 3}),
            "unknown operator 'near' for 'round'",
            "'round' 的未知运算符 'near'",
        ),
        (lambda: compile_condition(3), "not a condition: int", "不是条件：int"),  # type: ignore[arg-type]
    ],
)
def test_a_rule_the_grammar_does_not_have_is_refused_in_either_language(
    make: object, english: str, chinese: str
) -> None:
    for lang, said in (("en", english), ("zh", chinese)):
        with language(lang), pytest.raises(RuleDefinitionError) as caught:
            make()  # type: ignore[operator]
        assert str(caught.value) == said
