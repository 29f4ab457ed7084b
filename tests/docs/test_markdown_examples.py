from pathlib import Path

import pytest

from tests.docs.markdown_examples import ExampleSyntaxError, commands, read_page

PAGE = """# A page

```python
x = 1
```

<!-- example: skip: needs the reader's file -->

```pycon
>>> open("mine.xlsx")
```

<!-- example: skip "orders.xlsx": the reader's own spreadsheet -->
```sh
grievance-rules read orders.xlsx --assume-tz Asia/Shanghai  # a comment
grievance-rules schema > schema.json
python -m pytest
```

```console
$ grievance-rules packs validate \\
    docs/example-pack
dongxihu example-1: valid
$ grievance-rules packs list
```
"""


def _page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_blocks_languages_lines_and_markers(tmp_path: Path) -> None:
    blocks = read_page(_page(tmp_path, PAGE)).blocks
    assert [(b.language, b.line) for b in blocks] == [
        ("python", 4),
        ("pycon", 10),
        ("sh", 15),
        ("console", 21),
    ]
    assert blocks[0].skip_reason(blocks[0].code) is None
    assert blocks[1].skip_reason(blocks[1].code) == "needs the reader's file"


def test_shell_commands_drop_comments_and_redirections_and_skip_by_text(tmp_path: Path) -> None:
    sh = read_page(_page(tmp_path, PAGE)).blocks[2]
    found = commands(sh)
    assert [(c.line, c.args) for c in found] == [
        (15, ("read", "orders.xlsx", "--assume-tz", "Asia/Shanghai")),
        (16, ("schema",)),
    ]
    assert [sh.skip_reason(c.text) for c in found] == ["the reader's own spreadsheet", None]
    assert all(c.expected_output is None for c in found)


def test_console_commands_join_continuations_and_keep_their_output(tmp_path: Path) -> None:
    console = read_page(_page(tmp_path, PAGE)).blocks[3]
    found = commands(console)
    assert [(c.line, c.args, c.expected_output) for c in found] == [
        (21, ("packs", "validate", "docs/example-pack"), "dongxihu example-1: valid\n"),
        (24, ("packs", "list"), ""),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<!-- example: run it twice -->\n```python\n```\n", "example marker"),
        ("<!-- example: skip: why -->\n\nSome text.\n", "not followed by a code block"),
        ('<!-- example: skip "nowhere": why -->\n```sh\ngrievance-rules list\n```\n', "nowhere"),
        ("```python\nx = 1\n", "never closed"),
        ("text\n<!-- example: skip: why -->\n", "at the end"),
    ],
)
def test_bad_markers_and_fences_are_errors(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ExampleSyntaxError, match=problem):
        read_page(_page(tmp_path, text))
