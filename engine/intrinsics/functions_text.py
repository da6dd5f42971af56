"""The string intrinsics: States.Format, StringSplit, Base64Encode, Base64Decode, Hash and UUID
(the developer guide's generic, string, encoding, hash and identifier sections).

Each takes the evaluated arguments positionally.  `fill_template` is also used by the evaluator
for a States.Format whose template is a literal, already split when it was parsed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from functools import lru_cache
from typing import Any

from engine.intrinsics.arguments import (
    IntrinsicArgumentError,
    check_arity,
    check_length,
    expect_string,
    type_name,
)
from engine.intrinsics.java_text import java_str


def fill_template(pieces: tuple[str, ...] | None, values: list[Any]) -> str:
    """States.Format's result: the text `pieces` with each value, in Java's print form, between them."""
    name = "States.Format"
    if pieces is None:
        # AWS: an unpaired '{' or '}' in the template ('Hello {', '{{}}', '}') fails at run time.
        raise IntrinsicArgumentError(name, "the template has an unpaired '{' or '}'")
    if len(pieces) - 1 != len(values):
        raise IntrinsicArgumentError(
            name, f"the template has {len(pieces) - 1} placeholders but {len(values)} values were given"
        )
    if not values:
        return pieces[0]
    out = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        out.append(java_str(value))
        out.append(piece)
    return "".join(out)


@lru_cache(maxsize=1024)
def _template_pieces(template: str) -> tuple[str, ...] | None:
    """Split a template taken from a path: `{}` is a placeholder, a lone brace is an error."""
    pieces = template.split("{}")
    if any("{" in p or "}" in p for p in pieces):
        return None
    return tuple(pieces)


def states_format(*args: Any) -> str:
    """States.Format(template, value...): each `{}` replaced by the next value."""
    if not args:
        raise IntrinsicArgumentError("States.Format", "expected at least 1 argument")
    template = expect_string("States.Format", args[0], "the template")
    return fill_template(_template_pieces(template), list(args[1:]))


def states_string_split(*args: Any) -> list:
    """States.StringSplit(text, delimiters): split on any of the delimiter characters.

    AWS: behaves like Java's StringTokenizer: every character of the second argument is a
    delimiter and empty tokens are dropped (',a,,b,' -> ['a', 'b'], '' -> []).
    """
    name = "States.StringSplit"
    check_arity(name, args, 2)
    text, delimiters = args
    if type(text) is not str or type(delimiters) is not str:
        bad = text if type(text) is not str else delimiters
        raise IntrinsicArgumentError(name, f"both arguments must be strings, got {type_name(bad)}")
    if not delimiters:
        return [text] if text else []
    if len(delimiters) == 1:
        return [token for token in text.split(delimiters) if token]
    return [token for token in re.split("[" + re.escape(delimiters) + "]", text) if token]


def states_base64_encode(*args: Any) -> str:
    """States.Base64Encode(text): Base64 of the UTF-8 bytes, with padding."""
    name = "States.Base64Encode"
    check_arity(name, args, 1)
    text = expect_string(name, args[0])
    check_length(name, text)
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")


_B64_ALPHABET = re.compile(r"[^A-Za-z0-9+/\-_=]+")


def states_base64_decode(*args: Any) -> str:
    """States.Base64Decode(text): the decoded bytes as UTF-8 text.

    AWS: decoding is lenient (a MIME-style decoder): characters outside the Base64 alphabet are
    skipped, decoding stops at the first '=', and missing padding or a trailing partial group is
    tolerated ('abc', 'ab==cd' and ' YWJjZA== ' all decode).  Invalid UTF-8 becomes U+FFFD.
    """
    name = "States.Base64Decode"
    check_arity(name, args, 1)
    text = expect_string(name, args[0])
    check_length(name, text)
    cleaned = _B64_ALPHABET.sub("", text).partition("=")[0].replace("-", "+").replace("_", "/")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]      # a lone trailing character carries no whole byte
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError) as exc:
        raise IntrinsicArgumentError(name, f"the argument is not Base64: {exc}") from None
    return raw.decode("utf-8", "replace")


_HASHES = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def states_hash(*args: Any) -> str:
    """States.Hash(data, algorithm): the lowercase hex digest of the UTF-8 bytes of `data`."""
    name = "States.Hash"
    check_arity(name, args, 2)
    data, algorithm = args
    if type(algorithm) is not str or algorithm not in _HASHES:
        # The names are matched exactly: 'sha-256', 'SHA256' and 'MD-5' are all rejected.
        raise IntrinsicArgumentError(
            name, f"the algorithm must be one of {', '.join(_HASHES)}, got {algorithm!r}"
        )
    # AWS: a non-string data argument is hashed in its Java string form instead of failing.
    text = data if type(data) is str else java_str(data)
    check_length(name, text)
    return _HASHES[algorithm](text.encode("utf-8", "surrogatepass")).hexdigest()


def states_uuid(*args: Any) -> str:
    """States.UUID(): a random version 4 UUID."""
    check_arity("States.UUID", args, 0)
    return str(uuid.uuid4())
