"""Repository-wide pytest set-up.

durable-rules is an optional backend (the ``[durable]`` extra, Python 3.11-3.12):
where it is not installed, the doctests of its adapter module are not collected,
and the tests that need it skip (``tests/engine/conftest.py``), unless
``GRIEVANCE_RULES_REQUIRE_DURABLE`` is set, as CI sets it on Python 3.11.
"""

import importlib.util
import os

collect_ignore: list[str] = []
if importlib.util.find_spec("durable") is None and not os.environ.get(
    "GRIEVANCE_RULES_REQUIRE_DURABLE"
):
    collect_ignore.append("src/grievance_rules/engine/_durable.py")

# Tests read English: a developer whose locale is zh_CN still passes. The tests of
# the Chinese output choose it themselves (--lang zh, or i18n.language("zh")).
os.environ["GRIEVANCE_RULES_LANG"] = "en"


def pytest_runtest_teardown(item: object) -> None:
    """Forget a language a test chose with ``use_language`` (the CLI's ``--lang``)."""
    from grievance_rules.i18n import use_language

    use_language(None)
