"""ItemReader: the Distributed Map's items, streamed out of Amazon S3.

Implements https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html:
`arn:aws:states:::s3:getObject` with ReaderConfig.InputType JSON (the object is one JSON array),
JSONL (one value per line), CSV (CSVHeaderLocation FIRST_ROW or GIVEN with CSVHeaders,
CSVDelimiter COMMA, PIPE, SEMICOLON, SPACE or TAB; every value a string) and MANIFEST (an S3
Inventory manifest.json whose CSV files list the objects); `arn:aws:states:::s3:listObjectsV2`
(one item per object).  ReaderConfig.MaxItems caps the count.  Everything but JSON is read
line by line as the Map consumes it, so a million rows never sit in memory at once.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from engine.errors import ItemReaderFailed
from engine.map_io import ObjectStore

DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


def lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Text lines (with their newline) from a stream of byte chunks, decoded as UTF-8."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        *complete, rest = rest.split(b"\n")
        for line in complete:
            yield (line + b"\n").decode("utf-8")
    if rest:
        yield rest.decode("utf-8")


def _strip_bom(text_lines: Iterator[str]) -> Iterator[str]:
    first = True
    for line in text_lines:
        if first:
            first = False
            line = line.removeprefix("\ufeff")
        yield line


def _jsonl(text_lines: Iterable[str]) -> Iterator[Any]:
    for number, line in enumerate(text_lines, 1):
        if line.strip():
            try:
                yield json.loads(line)
            except ValueError:
                raise ItemReaderFailed(f"Line {number} of the JSONL object is not valid JSON.") from None


def _csv(text_lines: Iterable[str], config: dict) -> Iterator[dict]:
    delimiter = DELIMITERS.get(config.get("CSVDelimiter", "COMMA"), ",")
    rows = csv.reader(text_lines, delimiter=delimiter)
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = list(config.get("CSVHeaders") or [])
    else:
        headers = next(rows, None)
        if headers is None:
            return
    for row in rows:
        if not row:
            continue
        # AWS: a row shorter than the header leaves the missing columns empty.
        yield {name: (row[i] if i < len(row) else "") for i, name in enumerate(headers)}


def _json_array(chunks: Iterable[bytes]) -> Iterator[Any]:
    try:
        value = json.loads(b"".join(chunks))
    except ValueError:
        raise ItemReaderFailed("The object is not valid JSON.") from None
    if not isinstance(value, list):
        raise ItemReaderFailed("Attempting to map over non-iterable node.")
    yield from value


def _manifest(store: ObjectStore, bucket: str, key: str, parameters: dict) -> Iterator[dict]:
    manifest = json.loads(b"".join(store.get_object(bucket, key, parameters)))
    headers = [h.strip() for h in str(manifest.get("fileSchema", "Bucket, Key")).split(",")]
    # The inventory's data files live in the manifest's destination bucket.
    data_bucket = str(manifest.get("destinationBucket") or bucket).rsplit(":::", 1)[-1]
    for entry in manifest.get("files") or []:
        chunks = store.get_object(data_bucket, entry["key"], {})
        if entry["key"].endswith(".gz"):
            chunks = [gzip.decompress(b"".join(chunks))]
        rows = csv.reader(lines(chunks))
        for row in rows:
            if row:
                yield dict(zip(headers, row, strict=False))


def _listed(store: ObjectStore, parameters: dict) -> Iterator[dict]:
    for entry in store.list_objects(parameters):
        modified = entry.get("LastModified")
        if isinstance(modified, datetime):
            modified = int(modified.timestamp())  # AWS: epoch seconds in listObjectsV2 items
        yield {"Etag": entry.get("ETag", entry.get("Etag")), "Key": entry.get("Key"), "LastModified": modified,
               "Size": entry.get("Size"), "StorageClass": entry.get("StorageClass")}


def read_items(resource: str, parameters: dict, config: dict, store: ObjectStore,
               max_items: int | None = None) -> Iterator[Any]:
    """The items an ItemReader names, lazily; `parameters` are its evaluated Parameters/Arguments."""
    action = resource.rsplit(":", 1)[-1]
    if action == "listObjectsV2":
        items = _listed(store, parameters)
    elif action == "getObject":
        bucket, key = parameters.get("Bucket"), parameters.get("Key")
        if not isinstance(bucket, str) or not isinstance(key, str):
            raise ItemReaderFailed("The ItemReader's Parameters must give the Bucket and Key of the object.")
        input_type = config.get("InputType", "JSON")
        extra = {k: v for k, v in parameters.items() if k not in ("Bucket", "Key")}
        if input_type == "MANIFEST":
            items = _manifest(store, bucket, key, extra)
        else:
            chunks = store.get_object(bucket, key, extra)
            if input_type == "JSON":
                items = _json_array(chunks)
            elif input_type == "JSONL":
                items = _jsonl(_strip_bom(lines(chunks)))
            elif input_type == "CSV":
                items = _csv(_strip_bom(lines(chunks)), config)
            else:
                raise ItemReaderFailed(f"Unsupported InputType: {input_type}")
    else:
        raise ItemReaderFailed(f"The ItemReader resource {resource} is not supported.")
    limit = max_items if max_items is not None else config.get("MaxItems")
    if limit is None or limit <= 0:
        yield from items
        return
    for count, item in enumerate(items, 1):
        yield item
        if count >= limit:
            return
