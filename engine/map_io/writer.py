"""ResultWriter: the Distributed Map's child execution results, exported to S3 as AWS does.

Implements https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html.
Results go under `<Prefix>/<map run id>/` as SUCCEEDED_<n>, FAILED_<n> and PENDING_<n> files
and a `manifest.json` naming them; the Map state's output then names the manifest
(`{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`).  WriterConfig.Transformation NONE
keeps each child's execution details, COMPACT only its output, FLATTEN its output with arrays
flattened (a failed child is always kept as NONE); OutputType JSON writes arrays, JSONL lines.
Files are flushed once they pass `file_bytes`, so results never pile up in memory.
"""

from __future__ import annotations

import json
from typing import Any

from engine.map_io import ObjectStore

STATUSES = ("SUCCEEDED", "FAILED", "PENDING")


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def transform(entry: dict, transformation: str) -> list[Any]:
    """What one child's record becomes under Transformation (a list: FLATTEN may give many)."""
    if transformation == "NONE" or entry.get("Status") != "SUCCEEDED":
        return [entry]
    output = json.loads(entry["Output"]) if isinstance(entry.get("Output"), str) else entry.get("Output")
    if transformation == "FLATTEN" and isinstance(output, list):
        return output
    return [output]


def transform_results(results: list[Any], transformation: str) -> list[Any]:
    """The Map's own output under WriterConfig without an S3 destination (the outputs, in item order)."""
    if transformation != "FLATTEN":
        return list(results)
    return [value for result in results for value in (result if isinstance(result, list) else [result])]


class ResultWriter:
    """Collects child results (`add`) and writes the files and manifest (`finish`)."""

    def __init__(self, store: ObjectStore | None, *, bucket: str | None, prefix: str, map_run_arn: str,
                 transformation: str = "NONE", output_type: str = "JSON", file_bytes: int = 4 * 1024 * 1024):
        self.store, self.bucket, self.map_run_arn = store, bucket, map_run_arn
        run_id = map_run_arn.rsplit(":", 1)[-1]
        self.folder = f"{prefix.rstrip('/')}/{run_id}/" if prefix else f"{run_id}/"
        self.transformation, self.output_type, self.file_bytes = transformation, output_type, file_bytes
        self.buffers: dict[str, list[str]] = {status: [] for status in STATUSES}
        self.sizes: dict[str, int] = dict.fromkeys(STATUSES, 0)
        self.files: dict[str, list[dict]] = {status: [] for status in STATUSES}

    @property
    def exporting(self) -> bool:
        return self.store is not None and self.bucket is not None

    def add(self, entry: dict) -> None:
        """One child execution's record (ExecutionArn, Name, Input, Output or Error/Cause, Status, …)."""
        status = entry.get("Status") if entry.get("Status") in STATUSES else "FAILED"
        for value in transform(entry, self.transformation):
            text = _text(value)
            self.buffers[status].append(text)
            self.sizes[status] += len(text) + 1
        if self.sizes[status] >= self.file_bytes:
            self._flush(status)

    def _flush(self, status: str) -> None:
        lines = self.buffers[status]
        if self.output_type == "JSONL":
            body = "".join(line + "\n" for line in lines)
        else:
            body = "[" + ",".join(lines) + "]"
        data = body.encode()
        # AWS: the files are named by status and number; JSONL results keep the .json name.
        key = f"{self.folder}{status}_{len(self.files[status])}.json"
        self.store.put_object(self.bucket, key, data)
        self.files[status].append({"Key": key, "Size": len(data)})
        self.buffers[status], self.sizes[status] = [], 0

    def finish(self) -> dict:
        """Write what is left and the manifest; the Map state's output naming them."""
        for status in STATUSES:
            if self.buffers[status]:
                self._flush(status)
        manifest = {"DestinationBucket": self.bucket, "MapRunArn": self.map_run_arn,
                    "ResultFiles": {status: self.files[status] for status in STATUSES}}
        key = f"{self.folder}manifest.json"
        self.store.put_object(self.bucket, key, _text(manifest).encode())
        return {"MapRunArn": self.map_run_arn, "ResultWriterDetails": {"Bucket": self.bucket, "Key": key}}
