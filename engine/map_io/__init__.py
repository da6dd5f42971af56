"""The Distributed Map's data path: ItemReader, ItemBatcher and ResultWriter as separate steps.

`reader.read_items` streams items out of S3 objects (JSON, JSONL, CSV, an S3 inventory
MANIFEST) or an S3 listing; `batcher.batches` groups them as ItemBatcher says; `writer.ResultWriter`
exports the child executions' results as AWS names and shapes them.  They reach S3 only through
the `ObjectStore` port below, so the engine stays free of network clients and tests can hand them
plain bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class ObjectStore(Protocol):
    """The three S3 calls the Distributed Map makes (blocking; run them off the event loop)."""

    def get_object(self, bucket: str, key: str, parameters: dict) -> Iterator[bytes]:
        """The object's body as chunks of bytes, read as they are consumed."""

    def list_objects(self, parameters: dict) -> Iterator[dict]:
        """Every object of a listObjectsV2 call, page after page: Key, ETag, LastModified, Size, StorageClass."""

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        """Write one object."""
