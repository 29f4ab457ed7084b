"""The package's public face: what ``grievance_rules.X`` offers, loaded on first use."""

import importlib
import subprocess
import sys

import grievance_rules


def test_every_public_name_is_its_modules_own_object() -> None:
    for name in grievance_rules.__all__:
        if name == "__version__":
            continue
        home = importlib.import_module(f"grievance_rules.{grievance_rules._WHERE[name]}")
        assert getattr(grievance_rules, name) is getattr(home, name), name


def test_an_embedder_finds_the_types_and_errors_beside_the_calls() -> None:
    # evaluate and find_pack come with what goes with them (no submodule to know)
    for name in ("load_pack", "compile_pack", "Assessment", "PackError", "HistoryError",
                 "NaiveDatetimeError", "validate_record"):  # fmt: skip
        assert name in grievance_rules.__all__
        assert name in dir(grievance_rules)


def test_importing_the_package_loads_no_engine() -> None:
    code = (
        "import sys, grievance_rules; "
        "print(sorted(m for m in sys.modules if m.startswith('grievance_rules.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "grievance_rules.engine" not in out.stdout
    assert "grievance_rules.packs" not in out.stdout


def test_the_version_is_read_when_asked_not_on_import() -> None:
    # reading the installed distributions' metadata takes tens of milliseconds, which
    # every pytest run (the plugin imports the package) would pay
    code = (
        "import sys, grievance_rules; before = 'importlib.metadata' in sys.modules; "
        "from importlib.metadata import version; "
        "print(before, grievance_rules.__version__ == version('grievance-rules'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    assert "__version__" in grievance_rules.__all__
    assert isinstance(grievance_rules.__version__, str)
