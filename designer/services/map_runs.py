"""Map runs (UpdateMapRun); DescribeMapRun and ListMapRuns read `designer.selectors.map_runs`."""

from __future__ import annotations

from designer.errors import ServiceError
from designer.models import Execution, MapRun


def map_run_update(*, execution: Execution, arn: str, max_concurrency: int | None = None,
                   tolerated_failure_count: int | None = None,
                   tolerated_failure_percentage: float | None = None):
    """UpdateMapRun: keep the new settings of a map run (DescribeMapRun reports them)."""
    if max_concurrency is None and tolerated_failure_count is None and tolerated_failure_percentage is None:
        raise ServiceError("At least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage "
                           "must be specified")
    row, _ = MapRun.objects.get_or_create(execution=execution, arn=arn)
    if max_concurrency is not None:
        row.max_concurrency = max_concurrency
    if tolerated_failure_count is not None:
        row.tolerated_failure_count = tolerated_failure_count
    if tolerated_failure_percentage is not None:
        row.tolerated_failure_percentage = tolerated_failure_percentage
    row.save()
    return row
