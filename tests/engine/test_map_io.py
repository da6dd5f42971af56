"""The Distributed Map's ItemReader, ItemBatcher and ResultWriter over an in-memory object store."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from engine.errors import ItemReaderFailed, Runtime
from engine.map_io.batcher import batches
from engine.map_io.reader import read_items
from engine.map_io.writer import ResultWriter, transform_results

GET = "arn:aws:states:::s3:getObject"


class MemoryStore:
    """Objects in a dict; bodies handed out in small chunks so line splitting is exercised."""

    def __init__(self, objects: dict | None = None):
        self.objects: dict[tuple[str, str], bytes] = dict(objects or {})
        self.reads = 0

    def get_object(self, bucket, key, parameters):
        if (bucket, key) not in self.objects:
            raise ItemReaderFailed(f"S3.NoSuchKeyException: {key}")
        body = self.objects[bucket, key]
        for start in range(0, len(body), 7):
            self.reads += 1
            yield body[start:start + 7]

    def list_objects(self, parameters):
        for (bucket, key), body in sorted(self.objects.items()):
            if bucket == parameters["Bucket"] and key.startswith(parameters.get("Prefix", "")):
                yield {"Key": key, "ETag": '"e"', "LastModified": datetime(2024, 1, 2, tzinfo=UTC), "Size": len(body),
                       "StorageClass": "STANDARD"}

    def put_object(self, bucket, key, body):
        self.objects[bucket, key] = body


def read(body: bytes | str, config: dict, **kwargs) -> list:
    data = body.encode() if isinstance(body, str) else body
    return list(read_items(GET, {"Bucket": "b", "Key": "k"}, config, MemoryStore({("b", "k"): data}), **kwargs))


def test_json_jsonl_and_max_items():
    assert read('[{"a": 1}, 2, "x"]', {"InputType": "JSON"}) == [{"a": 1}, 2, "x"]
    assert read('{"a": 1}\n\n[2]\n"é"', {"InputType": "JSONL"}) == [{"a": 1}, [2], "é"]
    assert read('{"a": 1}\n{"a": 2}\n{"a": 3}\n', {"InputType": "JSONL", "MaxItems": 2}) == [{"a": 1}, {"a": 2}]
    assert read("[1, 2, 3]", {"InputType": "JSON"}, max_items=1) == [1]
    with pytest.raises(ItemReaderFailed):
        read('{"not": "an array"}', {"InputType": "JSON"})


@pytest.mark.parametrize("name, char", [("COMMA", ","), ("PIPE", "|"), ("SEMICOLON", ";"), ("SPACE", " "),
                                        ("TAB", "\t")])
def test_csv_delimiters_with_the_header_in_the_first_row(name, char):
    text = f"id{char}item\n1{char}\"a{char}b\"\n2{char}c\n"
    assert read(text, {"InputType": "CSV", "CSVDelimiter": name}) == [
        {"id": "1", "item": f"a{char}b"}, {"id": "2", "item": "c"}]


def test_csv_given_headers_read_every_row_as_data_and_values_stay_strings():
    rows = read("\ufeff7,widget,3.5\n8,gadget\n", {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                                                   "CSVHeaders": ["id", "name", "price"]})
    assert rows == [{"id": "7", "name": "widget", "price": "3.5"}, {"id": "8", "name": "gadget", "price": ""}]


def test_manifest_lists_the_objects_of_an_s3_inventory():
    data = gzip.compress(b'"src","a.txt","5"\n"src","b/c.txt","9"\n')
    manifest = {"sourceBucket": "src", "destinationBucket": "arn:aws:s3:::inv", "fileFormat": "CSV",
                "fileSchema": "Bucket, Key, Size", "files": [{"key": "data/1.csv.gz", "size": len(data)}]}
    store = MemoryStore({("inv", "manifest.json"): json.dumps(manifest).encode(), ("inv", "data/1.csv.gz"): data})
    items = list(read_items(GET, {"Bucket": "inv", "Key": "manifest.json"}, {"InputType": "MANIFEST"}, store))
    assert items == [{"Bucket": "src", "Key": "a.txt", "Size": "5"}, {"Bucket": "src", "Key": "b/c.txt", "Size": "9"}]


def test_list_objects_v2_gives_one_item_per_object_in_aws_shape():
    store = MemoryStore({("b", "in/1.json"): b"{}", ("b", "in/2.json"): b"[]", ("b", "out/x"): b""})
    items = list(read_items("arn:aws:states:::s3:listObjectsV2", {"Bucket": "b", "Prefix": "in/"}, {}, store))
    assert items == [
        {"Etag": '"e"', "Key": "in/1.json", "LastModified": 1704153600, "Size": 2, "StorageClass": "STANDARD"},
        {"Etag": '"e"', "Key": "in/2.json", "LastModified": 1704153600, "Size": 2, "StorageClass": "STANDARD"},
    ]


def test_reading_is_lazy_so_a_big_object_is_not_read_ahead():
    body = "".join(json.dumps({"n": i}) + "\n" for i in range(10_000)).encode()
    store = MemoryStore({("b", "k"): body})
    items = read_items(GET, {"Bucket": "b", "Key": "k"}, {"InputType": "JSONL"}, store)
    assert [next(items) for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert store.reads < 10  # a few 7-byte chunks, not the ~20,000 of the whole body


def test_batches_honour_item_count_byte_size_and_batch_input():
    assert list(batches(range(5), max_items=2)) == [{"Items": [0, 1]}, {"Items": [2, 3]}, {"Items": [4]}]
    assert list(batches(["a"], max_items=10, batch_input={"run": 1})) == [{"BatchInput": {"run": 1}, "Items": ["a"]}]
    sized = list(batches(["xxxx"] * 6, max_bytes=len('{"Items":["xxxx","xxxx"]}')))
    assert [len(b["Items"]) for b in sized] == [2, 2, 2]
    with pytest.raises(Runtime):
        list(batches(["x" * 100], max_bytes=50))


def test_result_writer_writes_aws_named_files_and_a_manifest():
    store = MemoryStore()
    arn = "arn:aws:states:us-east-1:1:mapRun:m/label:0c3a"
    writer = ResultWriter(store, bucket="out", prefix="results", map_run_arn=arn, file_bytes=150)
    for i in range(3):
        writer.add({"ExecutionArn": f"e{i}", "Status": "SUCCEEDED", "Input": "{}", "Output": json.dumps({"i": i})})
    writer.add({"ExecutionArn": "e9", "Status": "FAILED", "Error": "Boom", "Cause": "why"})
    output = writer.finish()
    assert output == {"MapRunArn": arn, "ResultWriterDetails": {"Bucket": "out", "Key": "results/0c3a/manifest.json"}}
    manifest = json.loads(store.objects["out", "results/0c3a/manifest.json"])
    succeeded = manifest["ResultFiles"]["SUCCEEDED"]
    assert [f["Key"] for f in succeeded] == ["results/0c3a/SUCCEEDED_0.json", "results/0c3a/SUCCEEDED_1.json"]
    assert manifest["ResultFiles"]["PENDING"] == [] and manifest["DestinationBucket"] == "out"
    rows = [r for f in succeeded for r in json.loads(store.objects["out", f["Key"]])]
    assert [json.loads(r["Output"]) for r in rows] == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert json.loads(store.objects["out", "results/0c3a/FAILED_0.json"])[0]["Error"] == "Boom"


def test_writer_config_transformations_and_jsonl_output():
    store = MemoryStore()
    writer = ResultWriter(store, bucket="out", prefix="", map_run_arn="arn:x:mapRun:m/l:id1",
                          transformation="FLATTEN", output_type="JSONL")
    writer.add({"Status": "SUCCEEDED", "Output": "[1, 2]"})
    writer.add({"Status": "SUCCEEDED", "Output": '{"a": 3}'})
    writer.finish()
    assert store.objects["out", "id1/SUCCEEDED_0.json"] == b'1\n2\n{"a":3}\n'
    assert transform_results([[1, 2], 3], "FLATTEN") == [1, 2, 3]
    assert transform_results([[1, 2], 3], "COMPACT") == [[1, 2], 3]


# -- dispatching children ------------------------------------------------------------------

def run_async(coroutine):
    import asyncio

    return asyncio.run(coroutine)


def test_dispatch_batches_items_and_honours_max_concurrency():
    import asyncio

    from engine.map_io.run import ChildOutcome, Limits, dispatch, units

    active, peak = [0], [0]
    gate: list[asyncio.Event] = []  # made inside the loop; a sleep here made `peak` depend on machine load

    async def child(index, payload):
        if not gate:
            gate.append(asyncio.Event())
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        if peak[0] >= 3:
            gate[0].set()
        await asyncio.wait_for(gate[0].wait(), 30)  # the first children hold until three run at once
        await asyncio.sleep(0)
        active[0] -= 1
        return ChildOutcome("SUCCEEDED", output=sum(payload["Items"]), record={"Status": "SUCCEEDED"})

    async def go():
        stream = units(range(100), select=lambda i, item: item * 2, batcher={"max_items": 10})
        return await dispatch(stream, child, Limits(max_concurrency=3))

    result = run_async(go())
    assert result.total == 10 and result.succeeded == 10 and peak[0] == 3
    assert result.results[0] == sum(range(0, 20, 2))


def test_dispatch_stops_starting_children_once_failures_exceed_the_tolerance():
    from engine.map_io.run import ChildOutcome, Limits, dispatch, units

    started = []

    async def child(index, payload):
        started.append(index)
        return ChildOutcome("FAILED" if payload % 2 else "SUCCEEDED", error="Boom", record={"Status": "FAILED"})

    result = run_async(dispatch(units(range(100)), child, Limits(max_concurrency=1, tolerated_count=2)))
    assert result.exceeded and result.failed == 3 and len(started) == 6
    tolerant = run_async(dispatch(units(range(10)), child, Limits(tolerated_percentage=50), total=10))
    assert not tolerant.exceeded and tolerant.failed == 5


def test_update_of_the_limits_takes_effect_while_the_run_goes_on():
    import asyncio

    from engine.map_io.run import ChildOutcome, Limits, dispatch, units

    active, peaks = [0], []
    changes = iter([None, {"max_concurrency": 4}])

    async def child(index, payload):
        active[0] += 1
        peaks.append(active[0])
        await asyncio.sleep(0.02)
        active[0] -= 1
        return ChildOutcome("SUCCEEDED", record={})

    async def refresh():
        return next(changes, None)

    limits = Limits(max_concurrency=1, refresh=refresh, refresh_seconds=0.01)
    result = run_async(dispatch(units(range(30)), child, limits, keep_results=False))
    assert result.succeeded == 30 and result.results == []
    assert peaks[0] == 1 and max(peaks) == 4


def test_reader_batcher_and_writer_read_from_the_map_state_fields():
    from engine.map_io import distributed
    from engine.map_io.run import ChildOutcome, Limits, dispatch, units

    lines = "".join(json.dumps({"order": i, "amount": i * 10}) + "\n" for i in range(25))
    store = MemoryStore({("in", "orders.jsonl"): lines.encode()})
    spec = distributed.Spec.of({
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL",
                                                                                    "MaxItemsPath": "$.limit"},
                       "Parameters": {"Bucket": "in", "Key": "orders.jsonl"}},
        "ItemBatcher": {"MaxItemsPerBatch": 10, "BatchInput": {"run": "nightly"}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "r"},
                         "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}},
    })
    literal, state_input = (lambda value: value), {"limit": 22}
    items = distributed.reader_items(spec, literal, lambda path: state_input[path[2:]], store)
    settings = distributed.batcher_settings(spec, literal, lambda path: None)
    arn = "arn:aws:states:us-east-1:1:mapRun:orders/batches:5e1f"
    writer = distributed.writer(spec, literal, store, arn)

    async def child(index, batch):
        total = sum(item["amount"] for item in batch["Items"])
        output = {"batch": index, "run": batch["BatchInput"]["run"], "total": total}
        return ChildOutcome("SUCCEEDED", output=output, record={"Status": "SUCCEEDED", "Output": json.dumps(output)})

    result = run_async(dispatch(units(items, batcher=settings), child, Limits(max_concurrency=2), writer=writer))
    assert result.total == 3  # 22 items in batches of 10
    assert distributed.output(spec, writer, result.results) == {
        "MapRunArn": arn, "ResultWriterDetails": {"Bucket": "out", "Key": "r/5e1f/manifest.json"}}
    written = json.loads(store.objects["out", "r/5e1f/SUCCEEDED_0.json"])
    assert sorted(o["total"] for o in written) == [sum(i * 10 for i in range(20, 22)), 450, 1450]
