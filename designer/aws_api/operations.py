"""One small handler per Step Functions operation: parameters in, response members out.

The table (`OPERATIONS`, keyed by AWS's operation name) is filled by the `operations_*` modules
(machines, versions, aliases and tags; activities and task tokens; executions, history and map
runs) and TestState (`test_state`). Reference:
https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
"""

from __future__ import annotations

from designer.aws_api import operations_activities, operations_executions, operations_machines, test_state
from designer.aws_api.registry import NOTHING_YET, OPERATIONS, Context, operation

operation(test_state.test_state)

# Imported for their side effect: each registers its handlers in OPERATIONS.
HANDLER_MODULES = (operations_activities, operations_executions, operations_machines)

__all__ = ["NOTHING_YET", "OPERATIONS", "Context", "HANDLER_MODULES"]
