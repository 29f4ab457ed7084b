"""The language people read: 简体中文 or English, from gettext catalogues.

Every message an official or analyst reads (reports, the CLI's tables and
messages, record errors) is written in English in the code, marked with
:func:`gettext` (imported as ``_``), and translated to Chinese in the catalogue
``locales/zh_CN/LC_MESSAGES/grievance_rules.po``, compiled to ``.mo`` with Babel
(``pybabel compile``; ``tests/test_i18n.py`` checks the compiled catalogue is
current and that every message used has a Chinese translation).

The language is chosen, in order, by :func:`use_language` (the CLI's ``--lang``),
the environment variable ``GRIEVANCE_RULES_LANG`` and the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``, ``LANGUAGE``): ``zh`` when it starts with ``zh``,
otherwise ``en``.

Example:
    >>> from grievance_rules.i18n import gettext as _, language
    >>> with language("zh"):
    ...     _("unit")
    '单位'
    >>> with language("en"):
    ...     _("unit")
    'unit'
"""

from __future__ import annotations

import gettext as _gettext_module
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Literal, cast

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Language",
    "current_language",
    "gettext",
    "has_chinese",
    "join_list",
    "join_truncated",
    "language",
    "language_from_environment",
    "language_of",
    "ngettext",
    "pgettext",
    "use_language",
]

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DOMAIN = "grievance_rules"
LOCALE_DIR = Path(__file__).parent / "locales"
ENVIRONMENT_VARIABLE = "GRIEVANCE_RULES_LANG"

_CATALOGUE_LOCALE: dict[Language, str] = {"zh": "zh_CN", "en": "en"}
_chosen: ContextVar[Language | None] = ContextVar("grievance_rules_language", default=None)


def _normalise(value: str) -> Language | None:
    text = value.strip().lower().replace("-", "_")
    if not text or text in {"c", "posix"}:
        return None
    if text.startswith("zh"):
        return "zh"
    if text.startswith("en"):
        return "en"
    return None


def language_of(tag: str) -> Language | None:
    """The language a locale or language tag names, if one of ours.

    Example:
        >>> [language_of(t) for t in ("zh-CN", "zh_Hans", "en-US", "EN", "fr", "")]
        ['zh', 'zh', 'en', 'en', None, None]
    """
    return _normalise(tag)


def language_from_environment(environ: dict[str, str] | None = None) -> Language:
    """The language the environment asks for: ``GRIEVANCE_RULES_LANG``, then the locale.

    Example:
        >>> language_from_environment({"LANG": "zh_CN.UTF-8"})
        'zh'
        >>> language_from_environment({"GRIEVANCE_RULES_LANG": "en", "LANG": "zh_CN.UTF-8"})
        'en'
        >>> language_from_environment({})
        'en'
    """
    env = os.environ if environ is None else environ
    for name in (ENVIRONMENT_VARIABLE, "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        raw = env.get(name)
        if raw:
            found = _normalise(raw.split(":")[0])
            if found is not None:
                return found
    return "en"


def _check(lang: str) -> Language:
    """``lang`` as one of :data:`LANGUAGES`.

    Raises:
        ValueError: a language that is neither, said in the current one. A plain
            ``ValueError``: this module is the lowest layer, below
            :mod:`grievance_rules.errors`, whose messages it translates.
    """
    found = _normalise(lang)
    if found is None or found not in LANGUAGES:
        raise ValueError(
            gettext("unknown language {value}: use one of {languages}").format(
                value=repr(lang), languages=join_list(LANGUAGES)
            )
        )
    return found


def current_language() -> Language:
    """The language messages are translated to now."""
    chosen = _chosen.get()
    return chosen if chosen is not None else language_from_environment()


def use_language(lang: str | None) -> None:
    """Choose the language for the rest of this context (``None``: from the environment)."""
    _chosen.set(None if lang is None else _check(lang))


@contextmanager
def language(lang: str) -> Iterator[Language]:
    """Translate to ``lang`` inside the ``with`` block, then restore the previous choice."""
    token = _chosen.set(_check(lang))
    try:
        yield cast(Language, _chosen.get())
    finally:
        _chosen.reset(token)


@cache
def _translations(lang: Language) -> _gettext_module.NullTranslations:
    if lang == "en":
        return _gettext_module.NullTranslations()
    return _gettext_module.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[_CATALOGUE_LOCALE[lang]]
    )


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction without translating it here (it is, where used)."""
    return message


_HAN = re.compile(r"[\u3400-\u9fff]")


def has_chinese(text: str) -> bool:
    """Whether ``text`` has a Chinese character in it (what a ``_zh`` text must have).

    Example:
        >>> has_chinese("回复时限"), has_chinese("reply in time")
        (True, False)
    """
    return _HAN.search(text) is not None


def join_list(items: Iterable[object]) -> str:
    """Items as a list in a message, in the current language: ``a, b`` or ``a、b``.

    Chinese joins a list with the enumeration comma 、 (code identifiers too:
    「允许的键：id、kind、when」), English with a comma and a space.

    Example:
        >>> with language("zh"):
        ...     join_list(["id", "kind", "when"])
        'id、kind、when'
        >>> with language("en"):
        ...     join_list(["id", "kind", "when"])
        'id, kind, when'
    """
    return ("、" if current_language() == "zh" else ", ").join(map(str, items))


def join_truncated(items: Sequence[object], limit: int) -> str:
    """The first ``limit`` items as :func:`join_list` lists them, marked when there are more.

    A list cut short ends with `` ...`` in English and with the Chinese ellipsis ……
    (no space before it) in Chinese.

    Example:
        >>> with language("zh"):
        ...     join_truncated([2, 3, 4, 5], 3), join_truncated([2, 3], 3)
        ('2、3、4……', '2、3')
        >>> with language("en"):
        ...     join_truncated([2, 3, 4, 5], 3), join_truncated([2, 3], 3)
        ('2, 3, 4 ...', '2, 3')
    """
    shown = join_list(items[:limit])
    if len(items) <= limit:
        return shown
    return shown + ("……" if current_language() == "zh" else " ...")


def gettext(message: str) -> str:
    """``message`` in the current language (import it as ``_``)."""
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return _translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, disambiguated by ``context``."""
    return _translations(current_language()).pgettext(context, message)
