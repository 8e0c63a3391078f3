"""The per-data-version memo of the web layer is bounded and forgets old versions."""

from __future__ import annotations

from flask.testing import FlaskClient

from kg.web.memo import VersionedMemo


def test_a_value_is_computed_once_per_version() -> None:
    memo, calls = VersionedMemo(), []
    for _ in range(3):
        assert memo.get("v1", "k", lambda: calls.append(1) or "value") == "value"
    assert len(calls) == 1


def test_a_new_version_drops_every_old_value() -> None:
    memo = VersionedMemo()
    for key in "abc":
        memo.get("v1", key, lambda: bytearray(1000))
    assert memo.get("v2", "a", lambda: "new") == "new"
    assert len(memo) == 1


def test_it_keeps_at_most_size_values_least_recently_used_first_out() -> None:
    memo = VersionedMemo(size=2)
    memo.get("v", "a", lambda: 1)
    memo.get("v", "b", lambda: 2)
    memo.get("v", "a", lambda: 0)  # a is used again: b is now the oldest
    memo.get("v", "c", lambda: 3)
    assert len(memo) == 2
    assert memo.get("v", "a", lambda: -1) == 1
    assert memo.get("v", "b", lambda: -2) == -2  # computed again


def test_the_app_keeps_its_per_version_values_in_one_bounded_memo(client: FlaskClient) -> None:
    for path in ("/", "/ontology", "/sitemap.xml", "/dumps/officials-kg.nt"):
        assert client.get(path).status_code == 200
    memo = client.application.extensions["kg.memo"]
    assert isinstance(memo, VersionedMemo)
    assert 0 < len(memo) <= memo.size
