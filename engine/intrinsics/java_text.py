"""Java-compatible text, hashing and randomness for the intrinsic functions.

Step Functions runs the intrinsics on the JVM over the values Jackson deserialises JSON into
(String, Integer, Long, Double, Boolean, ArrayList, LinkedHashMap).  Several observable results
follow from that: how States.Format prints values, how States.JsonToString prints doubles, the
order of States.ArrayUnique (a java.util.HashSet), string lengths in UTF-16 code units and the
draws of a seeded States.MathRandom (java.util.Random).  This module reproduces those pieces.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def java_round(value: float) -> int:
    """Java's Math.round: halves go up toward positive infinity (-1.5 -> -1, 2.5 -> 3)."""
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


def java_double(value: float) -> str:
    """Java's Double.toString: plain in [1e-3, 1e7), else `1.5E10`; always a fractional digit."""
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = repr(abs(value))                      # shortest round-trip digits, as Java 19+
    mantissa, _, exp = text.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    point = len(int_part.lstrip("0")) if int_part.strip("0") else -(len(frac_part) - len(frac_part.lstrip("0")))
    point += int(exp or 0)                       # value = 0.digits * 10**point
    digits = digits.rstrip("0") or "0"
    sign = "-" if value < 0 else ""
    if 1e-3 <= abs(value) < 1e7:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}.0"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"


def java_str(value: Any) -> str:
    """A value as Java's String.valueOf prints the deserialised JSON (maps print `{k=v, k2=v2}`).

    AWS: States.Format interpolates arguments this way (`$$.StateMachine` prints as
    `{Id=arn:..., Name=...}`, null as `null`), and States.ArrayContains compares by it.
    """
    t = type(value)
    if t is str:
        return value
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is float:
        return java_double(value)
    if t is list:
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k}={java_str(v)}" for k, v in value.items()) + "}"
    return str(value)


def _needs_java_floats(value: Any) -> bool:
    t = type(value)
    if t is float:
        a = abs(value)
        return not math.isfinite(value) or (a != 0 and (a < 1e-3 or a >= 1e7))
    if t is list:
        return any(_needs_java_floats(v) for v in value)
    if t is dict:
        return any(_needs_java_floats(v) for v in value.values())
    return False


def to_json_text(value: Any) -> str:
    """Compact JSON text the way Step Functions writes it (Jackson): no spaces, UTF-8 kept.

    AWS: doubles print as Java does (`1.0E7`, `1.0E-4`); Python's json agrees everywhere else.
    """
    if not _needs_java_floats(value):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _json_java(value)


def _json_java(value: Any) -> str:
    t = type(value)
    if t is float:
        return java_double(value)
    if t is list:
        return "[" + ",".join(_json_java(v) for v in value) + "]"
    if t is dict:
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _json_java(v) for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def java_length(text: str) -> int:
    """String length in UTF-16 code units, as Java counts it."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# Java hash codes of the deserialised values, used to reproduce the iteration order of a
# java.util.HashSet.

def _int32(h: int) -> int:
    h &= 0xFFFFFFFF
    return h - 0x1_0000_0000 if h & 0x8000_0000 else h


def java_hash(value: Any) -> int:
    """The value's Java hashCode()."""
    t = type(value)
    if value is None:
        return 0
    if t is str:
        h = 0
        for ch in value:
            o = ord(ch)
            if o > 0xFFFF:
                o -= 0x10000
                h = (31 * h + (0xD800 + (o >> 10))) & 0xFFFFFFFF
                o = 0xDC00 + (o & 0x3FF)
            h = (31 * h + o) & 0xFFFFFFFF
        return _int32(h)
    if t is bool:
        return 1231 if value else 1237
    if t is int:
        if INT32_MIN <= value <= INT32_MAX:
            return value
        v = value & 0xFFFFFFFFFFFFFFFF
        return _int32(v ^ (v >> 32))
    if t is float:
        (bits,) = struct.unpack(">Q", struct.pack(">d", value))
        return _int32(bits ^ (bits >> 32))
    if t is list:
        h = 1
        for v in value:
            h = (31 * h + java_hash(v)) & 0xFFFFFFFF
        return _int32(h)
    if t is dict:
        h = 0
        for k, v in value.items():
            h += java_hash(k) ^ java_hash(v)
        return _int32(h)
    return hash(value)


def java_key(value: Any) -> Any:
    """A hashable key with Java's equals: 1 and 1.0 differ, true and 1 differ, maps ignore order."""
    t = type(value)
    if t is list:
        return ("l", tuple(java_key(v) for v in value))
    if t is dict:
        return ("d", frozenset((k, java_key(v)) for k, v in value.items()))
    if t is float:
        return ("f", value, math.copysign(1.0, value))
    return (t.__name__, value)


class JavaRandom:
    """java.util.Random (a 48-bit linear congruential generator), for seeded MathRandom."""

    __slots__ = ("seed",)
    _MULT, _ADD, _MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1

    def __init__(self, seed: int):
        self.seed = (seed ^ self._MULT) & self._MASK

    def next(self, bits: int) -> int:
        self.seed = (self.seed * self._MULT + self._ADD) & self._MASK
        return _int32(self.seed >> (48 - bits))

    def next_int(self, bound: int) -> int:
        if bound & -bound == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + (bound - 1) < 2**31:
                return val
