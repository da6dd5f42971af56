"""Distributed Map benchmark: 100,000 JSONL lines in S3, read, batched, processed and written back.

Usage: .venv/bin/python bench/distributed_map.py [--lines N] [--batch N] [--concurrency N]

Starts moto's server (`moto_server`, its own process, so its memory is not counted) on 127.0.0.1
(a free port), uploads N JSONL order lines (about 60 bytes
each) to a bucket, and runs a Distributed Map through `engine.run` with the S3 store Statecraft
uses: ItemReader (JSONL), ItemBatcher (MaxItemsPerBatch), a child per batch that totals its
orders (in memory here; the server stores each child as an execution), and ResultWriter.
Prints the wall time, the items per second, and the peak memory traced by tracemalloc next to
the size of the object: streaming keeps the peak well below it.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"moto_server did not listen on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()

    from tests.aws_endpoint import MotoEndpoint

    endpoint = MotoEndpoint()
    server = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1",
                               "-p", str(endpoint.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(endpoint.port)
    os.environ.update(endpoint.env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
    import django

    django.setup()
    import engine
    from designer.resources.s3_store import S3Store

    try:
        s3 = endpoint.client("s3")
        s3.create_bucket(Bucket="bench-orders")
        body = "".join(json.dumps({"orderId": f"o-{i:07d}", "amount": i % 997, "customer": f"c-{i % 5000}"}) + "\n"
                       for i in range(args.lines)).encode()
        s3.put_object(Bucket="bench-orders", Key="orders.jsonl", Body=body)
        definition = {"StartAt": "Orders", "States": {"Orders": {
            "Type": "Map", "Label": "bench", "End": True, "MaxConcurrency": args.concurrency,
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                           "Parameters": {"Bucket": "bench-orders", "Key": "orders.jsonl"}},
            "ItemBatcher": {"MaxItemsPerBatch": args.batch},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                              "StartAt": "Total", "States": {"Total": {"Type": "Task", "Resource": "total",
                                                                       "End": True}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Parameters": {"Bucket": "bench-orders", "Prefix": "results"}},
        }}}

        def total(batch: dict) -> dict:
            return {"orders": len(batch["Items"]), "amount": sum(o["amount"] for o in batch["Items"])}

        store = S3Store(role_arn=None, region="us-east-1")
        tracemalloc.start()
        started = time.perf_counter()
        result = engine.run(definition, {}, handlers={"total": total}, object_store=store)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert result.status == "SUCCEEDED", (result.error, result.cause)
        output = json.loads(result.output) if isinstance(result.output, str) else result.output
        key = output["ResultWriterDetails"]["Key"]
        manifest = json.loads(s3.get_object(Bucket="bench-orders", Key=key)["Body"].read())
        written = [r for f in manifest["ResultFiles"]["SUCCEEDED"]
                   for r in json.loads(s3.get_object(Bucket="bench-orders", Key=f["Key"])["Body"].read())]
        orders = sum(json.loads(r["Output"])["orders"] for r in written)
        assert orders == args.lines, (orders, args.lines)
        print(f"distributed map: {args.lines} JSONL lines ({len(body) / 1e6:.1f} MB object) in batches of "
              f"{args.batch}, {len(written)} children, MaxConcurrency {args.concurrency}")
        print(f"  wall time        {elapsed:8.2f} s   ({args.lines / elapsed:,.0f} items/s, moto's server on the "
              "same CPUs)")
        print(f"  peak traced mem  {peak / 1e6:8.1f} MB  (Python allocations during the run; the object is "
              f"{len(body) / 1e6:.1f} MB of bytes)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
