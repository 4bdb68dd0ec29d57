"""The score cache tells trouble from damage (issue 25): a full disk, a read-only file or a cache
folder that is a file are reported as what they are and the scores already cached are kept; only a
file that ``PRAGMA quick_check`` finds damaged is rebuilt (tests/test_scoring.py)."""
import sqlite3
from pathlib import Path

import pytest

from analysis import scoring


def filled(path, n=1023):
    """A cache at ``path`` holding ``n`` scores; returns their text hashes."""
    cache = scoring.ScoreCache(path)
    hashes = [cache.key(str(i)) for i in range(n)]
    cache.put("m", "stance", [("t", h, (0.2, 0.3, 0.5)) for h in hashes])
    cache.db.close()
    return hashes


def new_rows(n=2000):
    return [("t", scoring.ScoreCache.key(f"new {i}"), (0.1, 0.1, 0.8)) for i in range(n)]


def test_a_full_disk_is_reported_and_the_cached_scores_kept(tmp_path, monkeypatch):
    path = tmp_path / "scores.sqlite"
    hashes = filled(path)
    real_open = scoring.ScoreCache._open

    def open_on_a_full_disk(self):
        real_open(self)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages}")  # no page more: SQLITE_FULL, as on a full disk

    monkeypatch.setattr(scoring.ScoreCache, "_open", open_on_a_full_disk)
    cache = scoring.ScoreCache(path)
    with pytest.warns(RuntimeWarning) as caught:
        cache.put("m", "stance", new_rows())
        cache.put("m", "stance", new_rows(3))  # not tried again: one warning
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1 and "cannot be written (database or disk is full)" in messages[0], messages
    assert len(cache.get("m", "stance", "t", hashes)) == 1023
    monkeypatch.undo()
    assert len(scoring.ScoreCache(path).get("m", "stance", "t", hashes)) == 1023


def test_a_read_only_cache_is_read_and_not_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "scores.sqlite"
    hashes = filled(path)
    real_connect = sqlite3.connect

    def read_only(database, *args, uri=False, **kwargs):  # as on a read-only file system
        if uri or database == ":memory:":
            return real_connect(database, *args, uri=uri, **kwargs)
        return real_connect(f"{Path(database).resolve().as_uri()}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    cache = scoring.ScoreCache(path)
    with pytest.warns(RuntimeWarning, match="cannot be written .attempt to write a readonly database.") as caught:
        cache.put("m", "stance", new_rows(5))
    assert not any("corrupt" in str(w.message) for w in caught)
    assert len(cache.get("m", "stance", "t", hashes)) == 1023
    monkeypatch.undo()
    assert len(scoring.ScoreCache(path).get("m", "stance", "t", hashes)) == 1023


def test_a_cache_folder_that_is_a_file_is_named_and_scoring_goes_on(tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    with pytest.warns(RuntimeWarning, match=r"cache/scores.sqlite cannot be created \(.*cache: a file is in the way "
                                            r"of a folder\); not used"):
        cache = scoring.ScoreCache(tmp_path / "cache" / "scores.sqlite")
    cache.put("m", "stance", [("t", "h1", (0.2, 0.3, 0.5))])
    assert cache.get("m", "stance", "t", ["h1"]) == {"h1": [0.2, 0.3, 0.5]}
    assert (tmp_path / "cache").read_text() == "not a folder"
