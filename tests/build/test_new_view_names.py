"""`wwe-bridge new-view NAME`: a name pytest would collect (test_*.py, *_test.py) or that would
shadow a module the tests use is refused, and the name it suggests instead is one it takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wwe_testing.cli import CliError, cmd_new_view


@pytest.mark.parametrize("name", ["test_view", "my_test", "test_", "conftest", "json", "playwright", "test_1",
                                  "test_9lives", "_1_test", "__init__", "__main__", "py", "hypothesis"])
def test_a_refused_name_suggests_one_that_is_taken(name: str, tmp_path: Path) -> None:
    with pytest.raises(CliError, match="choose another name, e.g. ") as info:
        cmd_new_view(name, str(tmp_path / "refused"))
    suggestion = re.search(r"e\.g\. (\w+)$", str(info.value))
    assert suggestion, info.value
    assert cmd_new_view(suggestion.group(1), str(tmp_path / "taken")) == 0
    assert (tmp_path / "taken" / f"{suggestion.group(1)}.py").is_file()


@pytest.mark.parametrize("name", ["testimonials", "contest", "latest_view"])
def test_names_pytest_does_not_collect_are_taken(name: str, tmp_path: Path) -> None:
    assert cmd_new_view(name, str(tmp_path)) == 0
