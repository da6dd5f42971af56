"""The Distributed Map's fields read off the state and turned into a reader, a batcher and a writer.

The Map handler calls these with two callables of its query language: `evaluate(value)` (a
Parameters/Arguments template or a `{% %}` expression, against the state's input and context)
and `select(path)` (a `*Path` field).  So this module never asks which language it runs in.
ItemReader without an S3 store (no AWS configured) reads nothing: the handler gives its input's
items instead, as AWS's TestState does with `mapItemReaderData`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.errors import Runtime
from engine.map_io import ObjectStore
from engine.map_io.reader import read_items
from engine.map_io.writer import ResultWriter, transform_results

Evaluate = Callable[[Any], Any]
Select = Callable[[str], Any]


@dataclass(frozen=True)
class Spec:
    """The raw ItemReader, ItemBatcher and ResultWriter of a Map state (None when absent)."""

    reader: dict | None
    batcher: dict | None
    writer: dict | None

    @classmethod
    def of(cls, raw: dict) -> Spec:
        def obj(name: str) -> dict | None:
            value = raw.get(name)
            return value if isinstance(value, dict) else None

        return cls(obj("ItemReader"), obj("ItemBatcher"), obj("ResultWriter"))


def _arguments(block: dict, evaluate: Evaluate) -> dict:
    template = block.get("Arguments", block.get("Parameters", {}))
    value = evaluate(template) if template else {}
    return value if isinstance(value, dict) else {}


def _positive(value: Any, field: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # AWS: a numeric string read through a path is accepted
    if type(value) is not int or value < 0:
        raise Runtime(f"The {field} field must be a positive integer, but was: {value!r}")
    return value


def _number_field(block: dict, name: str, evaluate: Evaluate, select: Select) -> int | None:
    if name + "Path" in block:
        return _positive(select(block[name + "Path"]), name + "Path")
    if name in block:
        return _positive(evaluate(block[name]), name)
    return None


def reader_items(spec: Spec, evaluate: Evaluate, select: Select, store: ObjectStore | None) -> Iterable[Any] | None:
    """The ItemReader's items as a lazy iterator, or None when the Map has no ItemReader."""
    if spec.reader is None:
        return None
    if store is None:
        raise Runtime("The ItemReader needs Amazon S3: configure AWS (AWS_ENDPOINT_URL or credentials).")
    config = dict(spec.reader.get("ReaderConfig") or {})
    max_items = _number_field(config, "MaxItems", evaluate, select)
    return read_items(str(spec.reader.get("Resource", "")), _arguments(spec.reader, evaluate), config, store,
                      max_items=max_items)


def batcher_settings(spec: Spec, evaluate: Evaluate, select: Select) -> dict | None:
    """`engine.map_io.run.units`' batcher argument from ItemBatcher, or None without one."""
    if spec.batcher is None:
        return None
    batch_input = spec.batcher.get("BatchInput")
    return {
        "max_items": _number_field(spec.batcher, "MaxItemsPerBatch", evaluate, select),
        "max_bytes": _number_field(spec.batcher, "MaxInputBytesPerBatch", evaluate, select),
        "batch_input": evaluate(batch_input) if batch_input is not None else None,
    }


def writer(spec: Spec, evaluate: Evaluate, store: ObjectStore | None, map_run_arn: str) -> ResultWriter | None:
    """A ResultWriter when the Map exports to S3 (Resource + Parameters/Arguments), else None."""
    if spec.writer is None or "Resource" not in spec.writer:
        return None
    if store is None:
        raise Runtime("The ResultWriter needs Amazon S3: configure AWS (AWS_ENDPOINT_URL or credentials).")
    arguments = _arguments(spec.writer, evaluate)
    config = spec.writer.get("WriterConfig") or {}
    return ResultWriter(store, bucket=arguments.get("Bucket"), prefix=str(arguments.get("Prefix") or ""),
                        map_run_arn=map_run_arn, transformation=config.get("Transformation", "NONE"),
                        output_type=config.get("OutputType", "JSON"))


def output(spec: Spec, result_writer: ResultWriter | None, results: list[Any]) -> Any:
    """The Map state's result: the manifest's location, or the (transformed) outputs."""
    if result_writer is not None:
        return result_writer.finish()
    config = (spec.writer or {}).get("WriterConfig") or {}
    return transform_results(results, config.get("Transformation", "COMPACT"))


async def run_map(raw: dict, *, items: list | None, evaluate: Evaluate, select: Select,
                  item_input: Callable[[int, Any], Any], invoker: Any, role_arn: str | None, map_run_arn: str,
                  limits: Any, in_memory: Any, redriving: bool = False) -> tuple[Any, Any]:
    """Run a Distributed Map: (the state's result, the `RunResult` with its counts).

    `items` is the Map's input array when it has no ItemReader; `item_input(index, item)` applies
    ItemSelector; `in_memory(index, input)` runs a child inside this interpreter, used when the
    invoker has no `map_children` (engine.run, an Express parent).
    """
    from engine.map_io.run import dispatch, units

    spec = Spec.of(raw)
    needs_store = spec.reader is not None or (spec.writer is not None and "Resource" in spec.writer)
    make_store = getattr(invoker, "object_store", None)
    store = make_store(role_arn) if needs_store and make_store is not None else None
    source = reader_items(spec, evaluate, select, store)
    if source is None:
        source = items or []
    processor = dict(raw.get("ItemProcessor") or raw.get("Iterator") or {})
    config = processor.pop("ProcessorConfig", {}) or {}
    if "QueryLanguage" in raw and "QueryLanguage" not in processor:
        processor["QueryLanguage"] = raw["QueryLanguage"]
    make_children = getattr(invoker, "map_children", None)
    children = make_children(map_run_arn, processor, config.get("ExecutionType", "STANDARD")) if make_children else None
    if children is not None:
        limits.refresh = children.limits
        children.redriving = redriving  # only a redrive runs the failed children again
    result_writer = writer(spec, evaluate, store, map_run_arn)
    batching = batcher_settings(spec, evaluate, select)
    stream = units(source, select=item_input, batcher=batching)
    known = len(source) if isinstance(source, list) and batching is None else None
    outcome = await dispatch(stream, children or in_memory, limits, writer=result_writer,
                             keep_results=result_writer is None, total=known)
    if outcome.exceeded:
        return None, outcome
    return output(spec, result_writer, outcome.results), outcome
