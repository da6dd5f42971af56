"""Paths and JSON text: the hand-written reference-path parser against jsonpath-ng, ResultPath
copy-on-write, and the compact JSON text AWS prints."""

from __future__ import annotations

import pytest

from engine.errors import PathNotFound, ResultPathMatchFailure
from engine.paths import compile_path, set_path, to_json, to_json_sharing

DATA = {"a": {"b": [10, {"c": "x"}], "d e": 1, "q'uote": 2}, "n": None, "list": [1, 2, 3]}


@pytest.mark.parametrize(("path", "expected"), [
    ("$", DATA),
    ("$.a.b[0]", 10),
    ("$.a.b[1].c", "x"),
    ("$['a']['d e']", 1),
    ("$.a.b[-1]", {"c": "x"}),
    ("$.n", None),
])
def test_definite_paths_select_one_value(path, expected):
    compiled = compile_path(path)
    assert compiled.definite
    assert compiled.get(DATA) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("$.list[*]", [1, 2, 3]),
    ("$.list[1:]", [2, 3]),
    ("$..c", ["x"]),
    ("$.missing[*]", []),
])
def test_indefinite_paths_select_a_list(path, expected):
    compiled = compile_path(path)
    assert not compiled.definite
    assert compiled.get(DATA) == expected


def test_a_definite_path_that_matches_nothing_raises_with_the_bracketed_form():
    with pytest.raises(PathNotFound) as info:
        compile_path("$.a.zz[0]").get(DATA)
    assert info.value.cause == "Invalid path '$.a.zz[0]' : No results for path: $['a']['zz'][0]"


def test_set_path_copies_along_the_path_and_shares_the_rest():
    out = set_path(DATA, "$.a.new.deep", 5)
    assert out["a"]["new"] == {"deep": 5}
    assert "new" not in DATA["a"]
    assert out["list"] is DATA["list"] and out["a"]["b"] is DATA["a"]["b"]


def test_set_path_through_a_scalar_fails_with_result_path_match_failure():
    with pytest.raises(ResultPathMatchFailure):
        set_path({"a": 1}, "$.a.b", 2)


def test_json_text_is_compact_and_keeps_unicode():
    assert to_json({"a": [1, 2.5, None, True], "é": "\n"}) == '{"a":[1,2.5,null,true],"é":"\\n"}'


def test_json_text_refuses_nan_and_cycles():
    with pytest.raises(ValueError):
        to_json(float("nan"))
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError):
        to_json(cycle)


def test_sharing_json_text_equals_plain_json_text_for_reused_subtrees():
    big = {"records": [{"i": i, "s": "x" * 20} for i in range(500)], "meta": {"n": 1}}
    first = to_json_sharing(big)
    merged = dict(big, meta={"n": 2})
    assert first == to_json(big)
    assert to_json_sharing(merged) == to_json(merged)
