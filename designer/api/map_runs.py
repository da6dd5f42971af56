"""REST endpoints for the studio's Map Run page: a Distributed Map run's settings, its counts by
status (live: children are stored executions), its child executions page by page, and
UpdateMapRun.  Mounted on the studio API by `designer.api`.
"""

from __future__ import annotations

import json
from typing import Any

from ninja import Router, Schema

from designer import errors, selectors
from designer.api.lookups import get_execution
from designer.api.schemas import Error
from designer.models import Execution
from designer.selectors import map_runs as map_run_reads
from designer.services import map_runs as map_run_services

router = Router()

PAGE_SIZE = 50


class MapRunUpdateIn(Schema):
    arn: str
    max_concurrency: int | None = None
    tolerated_failure_count: int | None = None
    tolerated_failure_percentage: float | None = None


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat()


def _summary(run: map_run_reads.MapRunView) -> dict:
    return {"arn": run.arn, "state_name": run.state_name, "status": run.status,
            "start_date": _iso(run.start_date), "stop_date": _iso(run.stop_date)}


def _run(request, arn: str) -> map_run_reads.MapRunView:
    return map_run_reads.map_run_get(owner=request.user, arn=arn)


@router.get("/executions/{execution_id}/map-runs", response={200: list[dict], 404: Error}, tags=["map runs"])
def map_runs_of_execution(request, execution_id: int):
    execution = get_execution(request, execution_id)
    return [_summary(run) for run in map_run_reads.map_run_list(execution=execution)]


@router.get("/map-run", response={200: dict, 404: Error}, tags=["map runs"])
def map_run_detail(request, arn: str):
    run = _run(request, arn)
    try:
        raw = map_run_reads.map_state(json.loads(run.execution.definition), run.state_name)
    except ValueError:
        raw = {}
    processor = raw.get("ItemProcessor") or raw.get("Iterator") or {}
    settings: dict[str, Any] = {
        "max_concurrency": run.max_concurrency, "tolerated_failure_count": run.tolerated_failure_count,
        "tolerated_failure_percentage": run.tolerated_failure_percentage, "label": raw.get("Label"),
        "execution_type": (processor.get("ProcessorConfig") or {}).get("ExecutionType", "STANDARD"),
    }
    for field in ("ItemReader", "ItemBatcher", "ResultWriter"):
        if field in raw:
            settings[field] = raw[field]
    return dict(_summary(run), execution_id=run.execution.pk, execution_name=run.execution.name,
                machine=run.execution.state_machine.name, counts=run.execution_counts(),
                item_counts=run.item_counts(), settings=settings)


@router.get("/map-run/children", response={200: dict, 404: Error}, tags=["map runs"])
def map_run_children(request, arn: str, page: int = 1, status: str = ""):
    run = _run(request, arn)
    children = selectors.execution_list(owner=request.user, map_run_arn=run.arn, status=status or None)
    page = max(1, page)
    rows: list[Execution] = list(children[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
    return {"total": children.count(), "page": page, "page_size": PAGE_SIZE, "items": [
        {"id": c.pk, "name": c.name, "arn": c.arn, "status": c.status, "start_date": _iso(c.start_date),
         "stop_date": _iso(c.stop_date)} for c in rows]}


@router.post("/map-run/update", response={200: dict, 400: Error, 404: Error}, tags=["map runs"])
def map_run_update(request, payload: MapRunUpdateIn):
    run = _run(request, payload.arn)
    for name in ("max_concurrency", "tolerated_failure_count"):
        value = getattr(payload, name)
        if value is not None and value < 0:
            raise errors.ServiceError(f"{name} must be at least 0")
    if payload.tolerated_failure_percentage is not None and not 0 <= payload.tolerated_failure_percentage <= 100:
        raise errors.ServiceError("tolerated_failure_percentage must be between 0 and 100")
    map_run_services.map_run_update(execution=run.execution, arn=run.arn, max_concurrency=payload.max_concurrency,
                            tolerated_failure_count=payload.tolerated_failure_count,
                            tolerated_failure_percentage=payload.tolerated_failure_percentage)
    return map_run_detail(request, payload.arn)
