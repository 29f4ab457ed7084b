"""``tools/catalogue.py update``: references refreshed, obsolete entries marked, nothing lost.

A small source tree and catalogue, the catalogue after ``update`` written by hand.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from tests.catalogue_tool import catalogue

SOURCE_A = '_("kept")\n_("new message")\nN_("kept")\n'
SOURCE_B = 'x = 1\n_("brought back")\n_("kept")\npgettext("ctx", "in context")\n'

BEFORE = r"""# A catalogue for the test.
msgid ""
msgstr ""
"Language: zh_CN\n"

# a translator's comment
#: a.py:99
msgid "kept"
msgstr "保留"

#: gone.py:1
#, python-format
msgctxt "ctx"
msgid "in context"
msgstr "上下文"
msgid "gone"
msgstr ""
"已删"

#~ msgid "brought back"
#~ msgstr "恢复"
"""

AFTER = r"""# A catalogue for the test.
msgid ""
msgstr ""
"Language: zh_CN\n"

# a translator's comment
#: a.py:1 a.py:3 b.py:3
msgid "kept"
msgstr "保留"

#: b.py:4
#, python-format
msgctxt "ctx"
msgid "in context"
msgstr "上下文"

#~ msgid "gone"
#~ msgstr ""
#~ "已删"

#: b.py:2
msgid "brought back"
msgstr "恢复"

#: a.py:2
msgid "new message"
msgstr ""
"""


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.py").write_text(SOURCE_A, encoding="utf-8")
    (source / "b.py").write_text(SOURCE_B, encoding="utf-8")
    po = tmp_path / "messages.po"
    po.write_text(BEFORE, encoding="utf-8")
    return source, po


def _pairs(po: Path) -> dict[tuple[str | None, str], str]:
    with po.open("rb") as handle:
        read = read_po(handle, locale="zh_CN")
    return {
        (message.context, str(message.id)): str(message.string)
        for message in [*read, *read.obsolete.values()]
        if message.id
    }


def test_update_refreshes_references_marks_the_obsolete_and_appends_the_new(tmp_path) -> None:
    source, po = _tree(tmp_path)
    done = catalogue.update(po, source)
    assert po.read_text(encoding="utf-8") == AFTER
    assert done == catalogue.Updated(refreshed=2, appended=1, obsoleted=1, revived=1)


def test_update_keeps_every_translation_and_a_second_run_changes_nothing(tmp_path) -> None:
    source, po = _tree(tmp_path)
    catalogue.update(po, source)
    assert _pairs(po) == {
        (None, "kept"): "保留",
        ("ctx", "in context"): "上下文",
        (None, "gone"): "已删",
        (None, "brought back"): "恢复",
        (None, "new message"): "",
    }
    assert catalogue.update(po, source) == catalogue.Updated(0, 0, 0, 0)
    assert po.read_text(encoding="utf-8") == AFTER
