"""The functions Step Functions adds to JSONata, and the ones it takes away.

Developer guide, "Transforming data with JSONata in Step Functions", section "JSONata functions
provided by Step Functions": `$partition`, `$range`, `$hash`, `$random` (with an optional seed),
`$uuid` and `$parse`.  The same page says every JSONata 2.0.6 built-in is available except
`$eval` ("use `$parse` instead").

`FUNCTION_FRAME` is a jsonata-python environment frame holding these bindings on top of the
library's built-ins; `engine.jsonata_mode` evaluates every expression in a child of it.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import uuid
from decimal import Decimal
from typing import Any

from jsonata import Functions, Jsonata, Parser
from jsonata.jexception import JException
from jsonata.utils import Utils

_UNSET: Any = object()


class SfnFunctionError(Exception):
    """A failure inside one of the Step Functions functions (no JSONata error code)."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def _plain(value: Any) -> Any:
    # JSONata hands functions its own list subclass and a NULL sentinel; give callers JSON.
    if value is Utils.NULL_VALUE:
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def partition(array: Any, chunk_size: Any) -> list:
    """$partition(array, chunkSize): split an array into chunks, the last one possibly shorter."""
    if not isinstance(array, list):
        array = [array]
    if not _is_integer(chunk_size) or chunk_size < 1:
        raise SfnFunctionError(
            f"The chunk size argument provided to $partition must be a positive integer, "
            f"but was: {chunk_size}")
    size = int(chunk_size)
    items = _plain(array)
    return [items[i:i + size] for i in range(0, len(items), size)]


# States.ArrayRange caps its result at 1000 items and the developer guide presents $range as its
# JSONata twin; the guide states no cap for $range, so applying the same one is our assumption.
RANGE_MAX_ITEMS = 1000


def range_(start: Any, end: Any, step: Any) -> list:
    """$range(start, end, step): numbers from start to end inclusive, step apart.

    The numbers are a JSONata sequence, so a single number comes back unwrapped, as JSONata
    does with every one-element sequence (AWS: `$range(1, 1, 1)` is `1`).
    """
    for name, value in (("start", start), ("end", end), ("step", step)):
        if not _is_integer(value):
            raise SfnFunctionError(
                f"The {name} argument provided to $range must be an integer, but was: {value}")
    start, end, step = int(start), int(end), int(step)
    if step == 0:
        raise SfnFunctionError("The step argument provided to $range must not be zero")
    stop = end + (1 if step > 0 else -1)
    count = max(0, len(range(start, stop, step)))
    if count > RANGE_MAX_ITEMS:
        raise SfnFunctionError(
            f"The $range function would produce {count} items, more than the maximum of "
            f"{RANGE_MAX_ITEMS}")
    numbers = Utils.create_sequence()
    numbers.extend(range(start, stop, step))
    return numbers


HASH_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def hash_(data: Any, algorithm: Any) -> str:
    """$hash(data, algorithm): the hex digest of a string with MD5, SHA-1, SHA-256/384/512."""
    name = HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if name is None:
        raise SfnFunctionError(
            f"The hash algorithm provided to $hash is not supported: {algorithm}. Supported "
            f"algorithms: {', '.join(HASH_ALGORITHMS)}")
    if not isinstance(data, str):
        data = json.dumps(_plain(data), separators=(",", ":"), ensure_ascii=False)
    return hashlib.new(name, data.encode("utf-8")).hexdigest()


def random_(seed: Any = None) -> float:
    """$random([seed]): a number in [0, 1); the same seed always gives the same number."""
    if seed is None:
        return random.random()
    if not _is_integer(seed):
        raise SfnFunctionError(f"The seed provided to $random must be an integer, but was: {seed}")
    return random.Random(int(seed)).random()


def uuid_() -> str:
    """$uuid(): a version 4 UUID."""
    return str(uuid.uuid4())


def parse(text: Any) -> Any:
    """$parse(jsonString): the JSON value a string holds."""
    if not isinstance(text, str):
        raise SfnFunctionError(f"The argument provided to $parse must be a string, but was: {text}")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise SfnFunctionError(f"The argument provided to $parse is not valid JSON: {exc.msg}") from None
    return Utils.NULL_VALUE if value is None else value


_JSON_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?")
_PREFIXED_INTEGER = re.compile(r"0[xX][0-9A-Fa-f]+|0[oO][0-7]+|0[bB][01]+")


def number(arg: Any = _UNSET) -> Any:
    """$number(arg) as jsonata-js defines it (jsonata-python accepts Python float syntax)."""
    if arg is _UNSET:
        return None
    if isinstance(arg, bool):
        return 1 if arg else 0
    if isinstance(arg, (int, float)):
        return arg
    if isinstance(arg, str):
        if _JSON_NUMBER.fullmatch(arg):
            value = float(arg)
            if math.isfinite(value):
                return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
        elif _PREFIXED_INTEGER.fullmatch(arg):
            return int(arg[2:], {"x": 16, "o": 8, "b": 2}[arg[1].lower()])
    raise JException("D3030", -1, arg)


def js_number_text(value: Any) -> str:
    """A number as jsonata-js's $string writes it: 15 significant digits, JavaScript's notation.

    jsonata-js: `Number(value.toPrecision(15))` then JavaScript's Number-to-String, which writes
    positional notation from 1e-6 up to 1e21 and exponents (`1e+21`, `1e-7`) outside.
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise JException("D3001", -1, value)
    rounded = float(format(value, ".15g"))
    if rounded == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(rounded)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    exponent += len(digits) - len(text)
    k = len(text)
    n = exponent + k                 # value = 0.<text> * 10**n
    if k <= n <= 21:
        body = text + "0" * (n - k)
    elif 0 < n <= 21:
        body = text[:n] + "." + text[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + text
    else:
        e = n - 1
        body = text[0] + ("." + text[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return ("-" if sign else "") + body


def _js_json(value: Any, indent: str | None, level: int) -> str:
    if value is None or value is Utils.NULL_VALUE:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (Jsonata.JFunction, Parser.Symbol)):
        return '""'     # jsonata-js's replacer turns functions into ""
    inner = "" if indent is None else "\n" + indent * (level + 1)
    close = "" if indent is None else "\n" + indent * level
    colon = ":" if indent is None else ": "
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_js_json(v, indent, level + 1) for v in value) + close + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (json.dumps(str(k), ensure_ascii=False) + colon + _js_json(v, indent, level + 1)
                 for k, v in value.items())
        return "{" + inner + ("," + inner).join(items) + close + "}"
    return json.dumps(value, ensure_ascii=False)


def _js_string(arg: Any, prettify: bool) -> str:
    """jsonata-python's `Functions._string` (behind $string and `&`), as jsonata-js words it."""
    if isinstance(arg, (Jsonata.JFunction, Parser.Symbol)):
        return ""
    return _js_json(arg, "  " if prettify else None, 0)


class _Callable:
    """Adapts a plain function to jsonata-python's `call(input, args)` protocol."""

    def __init__(self, impl):
        self._impl = impl

    def call(self, input: Any, args: Any) -> Any:
        args = [None if a is Utils.NULL_VALUE else a for a in (args or [])]
        return self._impl(*args)


class _RawCallable(_Callable):
    """Passes JSONata's undefined through as _UNSET, for functions that care."""

    def call(self, input: Any, args: Any) -> Any:
        args = [_UNSET if a is None else (None if a is Utils.NULL_VALUE else a) for a in (args or [])]
        return self._impl(*args)


def _function(impl, signature: str) -> Jsonata.JFunction:
    return Jsonata.JFunction(_Callable(impl), signature)


# Signatures in JSONata's own notation (docs.jsonata.org/embedding-extending#function-signature-syntax):
# the library checks argument types and counts and raises T0410/T0411 as jsonata-js would.
SFN_FUNCTIONS: dict[str, Jsonata.JFunction] = {
    "partition": _function(partition, "<an:a>"),
    "range": _function(range_, "<nnn:a>"),
    "hash": _function(hash_, "<ss:s>"),
    "random": _function(random_, "<n?:n>"),
    "uuid": _function(uuid_, "<:s>"),
    "parse": _function(parse, "<s:x>"),
}

# Built-ins whose jsonata-python behaviour differs from jsonata-js 2.0 in ways AWS users see.
COMPATIBILITY_FUNCTIONS: dict[str, Jsonata.JFunction] = {
    "number": Jsonata.JFunction(_RawCallable(number), "<(nsb)-:n>"),
}

# AWS: "$eval is not available" -- bound to nothing, so a call fails with T1006 ("Attempted to
# invoke a non-function") exactly as AWS reports it.
REMOVED_FUNCTIONS = ("eval",)


def _build_frame() -> Jsonata.Frame:
    frame = Jsonata.Frame(Jsonata.static_frame)
    for name, fn in {**COMPATIBILITY_FUNCTIONS, **SFN_FUNCTIONS}.items():
        frame.bind(name, fn)
    for name in REMOVED_FUNCTIONS:
        frame.bind(name, None)
    return frame


FUNCTION_FRAME = _build_frame()

# jsonata-python writes numbers the Python way inside $string and `&` ('1e+20' for 1e20, 3.0
# inside objects, 17 digits); jsonata-js (and so AWS) writes them JavaScript's way.  Both
# call this one static method, so replacing it fixes both.
Functions._string = staticmethod(_js_string)
