"""Finding packs: a name finds built-in and installed packs; a path finds a directory."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from grievance_rules.errors import PackNotFoundError
from grievance_rules.i18n import language
from grievance_rules.packs import builtin_packs_dir, discovery, find_pack, is_pack_path
from grievance_rules.packs.discovery import PackLocation
from tests.testing.lakeside import REPLY_MET, write_pack


@pytest.fixture
def impostor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``./chengdong/`` in the current directory: the lakeside pack under that id."""
    pack = write_pack(tmp_path, REPLY_MET, folder="chengdong")
    manifest = pack / "pack.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: lakeside", "id: chengdong")
    manifest.write_text(text.replace('revision: "1"', 'revision: "local"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return pack


def test_a_folder_in_the_current_directory_never_replaces_a_builtin(impostor: Path) -> None:
    pack = find_pack("chengdong")
    assert pack.origin == "builtin"
    assert pack.directory == (builtin_packs_dir() / "chengdong").resolve()
    assert pack.revision == "2024"
    assert pack.key == "chengdong@2024"


@pytest.mark.parametrize("given", ["./chengdong", "chengdong/", Path("chengdong")])
def test_a_path_finds_the_directory(impostor: Path, given: str | Path) -> None:
    pack = find_pack(given)
    assert pack.origin == "path"
    assert pack.directory == impostor.resolve()
    assert pack.key == "chengdong@local"
    assert pack.content_hash != find_pack("chengdong").content_hash


def test_a_name_that_is_only_a_folder_here_is_not_found_and_the_message_says_how(
    impostor: Path,
) -> None:
    impostor.rename(impostor.parent / "mine")
    with pytest.raises(PackNotFoundError) as caught:
        find_pack("mine")
    message = str(caught.value)
    assert "no policy pack 'mine'; available: chengdong, daye, xiayang" in message
    assert "give it as a path: ./mine" in message
    with language("zh"), pytest.raises(PackNotFoundError) as caught:
        find_pack("mine")
    assert str(caught.value) == (
        "没有名为 'mine' 的规则包；可用：chengdong、daye、xiayang；"
        "要加载此处的文件夹 'mine'，请以路径形式给出：./mine"
    )


def test_a_path_without_a_pack_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(PackNotFoundError, match=r"it has no pack\.yaml"):
        find_pack(tmp_path / "nothing")
    with language("zh"), pytest.raises(PackNotFoundError, match=r"不是规则包：其中没有 pack\.yaml"):
        find_pack(tmp_path / "nothing")


def test_an_installed_pack_records_its_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = write_pack(tmp_path, REPLY_MET)
    location = PackLocation("lakeside", directory, "entry point (lakeside-rules)")
    monkeypatch.setattr(discovery, "_entry_point_packs", lambda: [location])
    pack = find_pack("lakeside")
    assert pack.origin == "entry point (lakeside-rules)"
    assert pack.directory == directory.resolve()


def test_origin_is_a_field_and_overrides_keep_it() -> None:
    assert "origin" in {f.name for f in dataclasses.fields(find_pack("daye"))}
    pack = find_pack("xiayang")
    changed = pack.with_parameters({"preliminary_reply_stops": True})
    assert (changed.origin, changed.content_hash) == ("builtin", pack.content_hash)


@pytest.mark.parametrize(
    ("given", "is_path"),
    [("chengdong", False), ("./chengdong", True), ("a/b", True), (Path("x"), True)],
)
def test_is_pack_path(given: str | Path, is_path: bool) -> None:
    assert is_pack_path(given) is is_path
