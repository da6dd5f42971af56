"""ItemBatcher: group the Distributed Map's items into batches, one child execution each.

Implements https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html:
a batch is `{"BatchInput": …, "Items": [...]}` (BatchInput only when given) holding at most
MaxItemsPerBatch items and at most MaxInputBytesPerBatch bytes of JSON; either limit alone
applies by itself.  Items stream through: only the batch being filled is held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from engine.errors import Runtime

MAX_BYTES = 256 * 1024  # AWS: a child execution's input is at most 256 KiB


def _size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def batches(items: Iterable[Any], *, max_items: int | None = None, max_bytes: int | None = None,
            batch_input: Any = None) -> Iterator[dict]:
    """Batches of `items` within the limits; BatchInput is added to each when not None."""
    if not max_items and not max_bytes:
        raise Runtime("ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch.")
    limit_bytes = min(max_bytes or MAX_BYTES, MAX_BYTES)
    head = {"BatchInput": batch_input} if batch_input is not None else {}
    # The batch's JSON is the head, `"Items":[`, the items joined by commas, `]}`.
    base = _size(dict(head, Items=[]))
    current: list[Any] = []
    size = base
    for item in items:
        item_size = _size(item) + (1 if current else 0)
        if current and ((max_items and len(current) >= max_items) or size + item_size > limit_bytes):
            yield dict(head, Items=current)
            current, size = [], base
            item_size -= 1
        if not current and size + item_size > limit_bytes:
            raise Runtime(f"An item of {item_size} bytes does not fit in a batch of {limit_bytes} bytes.")
        current.append(item)
        size += item_size
    if current:
        yield dict(head, Items=current)
