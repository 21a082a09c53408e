"""The corpus of real plans stays as its sources wrote it, and its index says what each one holds.

`tests/fixtures/real/` keeps implementation plans from public repositories byte for byte (CRLF,
missing final newlines and a leading blank line included); `index.json` lists each one's source and
the hand count of the rows it clearly contains, which the importer's measurements compare against.
An editor that "fixes" line endings or trailing spaces would silently change what is measured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
ROW_SETS = {
    "goals",
    "success_criteria",
    "user_stories",
    "api_endpoints",
    "phases",
    "tasks",
    "feature_flags",
    "risks",
    "team_members",
    "documentation_updates",
    "open_questions",
}


def _index() -> list[dict]:
    return json.loads((REAL / "index.json").read_text(encoding="utf-8"))


def test_every_plan_in_the_folder_is_in_the_index_and_every_index_entry_has_its_file() -> None:
    on_disk = sorted(p.name for p in REAL.glob("*.md") if p.name != "README.md")
    listed = sorted(entry["file"] for entry in _index())
    assert listed == on_disk
    assert len(listed) >= 28


def test_each_entry_names_its_source_language_shape_and_how_it_was_counted() -> None:
    for entry in _index():
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", entry["repo"]), entry["file"]
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), entry["file"]
        assert entry["path"] and entry["shape"] and entry["notes"], entry["file"]
        assert entry["language"] in {"en", "zh", "ja", "ko", "es"}, entry["file"]
        assert set(entry["counts"]) <= ROW_SETS, entry["file"]
        assert all(isinstance(n, int) and n > 0 for n in entry["counts"].values()), entry["file"]


def test_the_files_keep_the_bytes_line_endings_and_last_newline_the_index_recorded() -> None:
    for entry in _index():
        data = (REAL / entry["file"]).read_bytes()
        assert len(data) == entry["bytes"], entry["file"]
        assert ("CRLF" if b"\r\n" in data else "LF") == entry["line_endings"], entry["file"]
        assert data.endswith(b"\n") == entry["final_newline"], entry["file"]
        data.decode("utf-8")


def test_the_corpus_holds_each_language_the_importer_must_read() -> None:
    languages = [entry["language"] for entry in _index()]
    for language in ("zh", "ja", "ko", "es"):
        assert languages.count(language) >= 2, language


def test_the_readme_lists_every_plan_of_the_index() -> None:
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for entry in _index():
        assert f"| {entry['file']} |" in readme, entry["file"]
