"""EventBridge event patterns, from the examples in AWS's "Content filtering" and "Comparison
operators" pages, against an EC2-style sample event."""

import pytest

from designer.triggers import patterns

EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-10-02T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.123",
        "FileName": "image.PNG",
        "FilePath": "/usr/lib/python3",
        "Location": "New York",
        "Day": "Monday",
        "LastName": "",
        "nothing": None,
        "ok": True,
        "tags": ["blue", "green"],
        "items": [{"name": "a", "qty": 1}, {"name": "b", "qty": 20}],
    },
}


def match(pattern: dict, event: dict = EVENT) -> bool:
    patterns.validate(pattern)
    return patterns.matches(pattern, event)


@pytest.mark.parametrize("pattern, expected", [
    ({"source": ["aws.ec2"]}, True),
    ({"source": ["aws.s3"]}, False),
    ({"source": ["aws.s3", "aws.ec2"]}, True),
    ({"detail": {"state": ["terminated"], "instance-id": ["i-1234567890abcdef0"]}}, True),
    ({"detail": {"Location": ["New York"], "Day": ["Monday"]}}, True),  # And
    ({"detail": {"Location": ["New York"], "Day": ["Tuesday"]}}, False),
    ({"detail": {"LastName": [""]}}, True),  # empty string
    ({"detail": {"nothing": [None]}}, True),  # null
    ({"detail": {"ok": [True]}}, True),
    ({"detail": {"ok": ["true"]}}, False),  # a string is not a boolean
    ({"detail": {"c-count": [5]}}, True),
    ({"detail": {"c-count": [5.0]}}, True),  # numbers compare as numbers
    ({"detail": {"tags": ["green"]}}, True),  # any element of an array
    ({"detail": {"items": {"name": ["b"]}}}, True),  # objects inside an array
    ({"detail": {"items": {"name": ["c"]}}}, False),
    ({"detail": {"missing": ["x"]}}, False),
    ({"detail": {"state": {"deeper": ["x"]}}}, False),
])
def test_exact_values(pattern, expected):
    assert match(pattern) is expected


@pytest.mark.parametrize("pattern, expected", [
    ({"time": [{"prefix": "2017-10-02"}]}, True),
    ({"time": [{"prefix": "2018"}]}, False),
    ({"region": [{"prefix": {"equals-ignore-case": "US-"}}]}, True),
    ({"detail": {"FileName": [{"suffix": ".png"}]}}, False),
    ({"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}, True),
    ({"detail": {"FilePath": [{"wildcard": "*/lib/*"}]}}, True),
    ({"detail": {"FilePath": [{"wildcard": "/usr/*/python*"}]}}, True),
    ({"detail": {"FilePath": [{"wildcard": "*/bin/*"}]}}, False),
    ({"detail": {"FileName": [{"wildcard": "image\\*"}]}}, False),  # \* is a literal star
])
def test_prefix_suffix_ignore_case_and_wildcard(pattern, expected):
    assert match(pattern) is expected


@pytest.mark.parametrize("pattern, expected", [
    ({"detail": {"state": [{"anything-but": "initializing"}]}}, True),
    ({"detail": {"state": [{"anything-but": "terminated"}]}}, False),
    ({"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}, True),
    ({"detail": {"x-limit": [{"anything-but": 123}]}}, True),
    ({"detail": {"x-limit": [{"anything-but": [100, 301.8]}]}}, False),
    ({"region": [{"anything-but": {"prefix": "us-"}}]}, False),
    ({"detail": {"FileName": [{"anything-but": {"suffix": ".png"}}]}}, True),
    ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED", "x"]}}]}}, False),
    ({"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}}, False),
    ({"detail": {"absent": [{"anything-but": "x"}]}}, False),  # needs the field to be there
])
def test_anything_but(pattern, expected):
    assert match(pattern) is expected


@pytest.mark.parametrize("pattern, expected", [
    ({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
    ({"detail": {"d-count": [{"numeric": ["<", 10]}]}}, True),
    ({"detail": {"x-limit": [{"numeric": ["=", 301.8]}]}}, True),
    ({"detail": {"x-limit": [{"numeric": [">", 301.8]}]}}, False),
    ({"detail": {"state": [{"numeric": [">", 0]}]}}, False),  # not a number
    ({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}, True),
    ({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}, False),
    ({"detail": {"state": [{"exists": True}]}}, True),
    ({"detail": {"state": [{"exists": False}]}}, False),
    ({"detail": {"nope": [{"exists": False}]}}, True),
    ({"nothing-here": {"deep": [{"exists": False}]}}, True),
])
def test_numeric_cidr_and_exists(pattern, expected):
    assert match(pattern) is expected


def test_or_at_the_top_and_inside_objects():
    assert match({"source": ["aws.ec2"], "$or": [
        {"detail": {"c-count": [{"numeric": [">", 100]}]}},
        {"detail": {"d-count": [{"numeric": ["<", 10]}]}},
    ]})
    assert match({"detail": {"$or": [{"c-count": [1]}, {"x-limit": [301.8]}]}})
    assert not match({"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["running"]}}]})


@pytest.mark.parametrize("pattern", [
    [], {}, {"source": "aws.ec2"}, {"source": []}, {"detail": {"x": [{"prefix": 5}]}},
    {"detail": {"x": [{"numeric": [">", "five"]}]}}, {"detail": {"x": [{"numeric": ["<", 5, ">", 1]}]}},
    {"detail": {"x": [{"numeric": [">", 10, "<", 1]}]}}, {"detail": {"x": [{"exists": "yes"}]}},
    {"detail": {"x": [{"unknown-op": 1}]}}, {"detail": {"x": [{"cidr": "not-an-ip"}]}},
    {"$or": [{"source": ["a"]}]}, {"detail": {"x": [{"prefix": "a", "suffix": "b"}]}},
    {"detail": {"x": [{"anything-but": {"contains": "a"}}]}}, {"detail": {"x": [{"wildcard": "a**b"}]}},
])
def test_invalid_patterns_are_refused(pattern):
    with pytest.raises(patterns.InvalidPattern):
        patterns.validate(pattern)


def test_load_reports_bad_json():
    with pytest.raises(patterns.InvalidPattern, match="Event pattern is not valid"):
        patterns.load("{not json")
    assert patterns.load('{"source": ["aws.states"]}') == {"source": ["aws.states"]}
