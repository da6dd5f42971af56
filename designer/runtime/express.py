"""Express executions in the runtime: asynchronous ones (kept as a row's final status only, no
history, as on AWS) and StartSyncExecution's in-memory run with AWS's response body."""

from __future__ import annotations

import asyncio
import json

from designer.presenters.aws import outcome_members
from designer.runtime import store
from designer.runtime.standard import invoker
from engine.interpreter import Interpreter


async def run_express_row(runtime, run, record) -> None:
    interpreter_ref: list = []
    interpreter = Interpreter(
        record.definition, json.loads(record.input), input_text=record.input, name=record.name,
        state_machine_name=record.machine_name, region=record.region,
        account=record.arn.split(":")[4], role_arn=record.role_arn or None,
        invoker=invoker(runtime, record, interpreter_ref, None), cancellation=run.cancellation,
        keep_history=False,
    )
    interpreter_ref.append(interpreter)
    interpreter.execution_arn = record.arn
    interpreter.ctx_execution["Id"] = record.arn
    run.body = runtime.loop.create_task(interpreter.run())
    try:
        result = await run.body
    except asyncio.CancelledError:
        return
    if run.lost or run.cancellation.cancelled:
        return
    await runtime.write(store.finish, record.id, runtime.owner, [], None, status=result.status,
                  output=result.output, error=result.error, cause=result.cause, stop_date=result.stop_date)


async def run_sync(runtime, request: dict) -> dict:
    """StartSyncExecution: run an Express execution in memory and answer AWS's response body."""
    from designer.resources import ExecutionScope, ServerInvoker

    machine = request["machine"]
    interpreter_ref: list = []
    scope = ExecutionScope(
        execution_id=None, owner_id=machine.owner_id, region=machine.region, machine_name=machine.name,
        test_case=request.get("test_case"), interpreter_ref=interpreter_ref,
    )
    interpreter = Interpreter(
        request["definition"], json.loads(request["input"]), input_text=request["input"],
        name=request["name"], state_machine_name=machine.name, region=machine.region,
        account=request["execution_arn"].split(":")[4], role_arn=machine.role_arn or None,
        invoker=ServerInvoker(runtime, scope), keep_history=False,
    )
    interpreter_ref.append(interpreter)
    interpreter.execution_arn = request["execution_arn"]
    interpreter.ctx_execution["Id"] = request["execution_arn"]
    # AWS (recorded): a synchronous Express execution cannot be redriven, and its context
    # object has no Execution.RedriveCount (asynchronous executions have one).
    interpreter.ctx_execution.pop("RedriveCount", None)
    result = await interpreter.run()
    body = {
        "executionArn": request["execution_arn"],
        "stateMachineArn": request["state_machine_arn"],
        "name": request["name"],
        "startDate": result.start_date,
        "stopDate": result.stop_date,
        "status": result.status,
        "input": request["input"],
        "inputDetails": {"included": True},
        "billingDetails": {
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": max(100, -(-int(
                (result.stop_date - result.start_date).total_seconds() * 1000) // 100) * 100),
        },
    }
    body.update(outcome_members(output=result.output, error=result.error, cause=result.cause, sync=True))
    if request.get("trace_header"):
        body["traceHeader"] = request["trace_header"]
    return body
