"""Writes, one module per resource; each calls only modules below it (see docs/architecture.md).

| module            | what it writes                                                         |
|-------------------|------------------------------------------------------------------------|
| `machines`        | state machines, revisions, versions, aliases (calls `executions`)      |
| `executions`      | StartExecution, StopExecution, RedriveExecution, StartSyncExecution    |
| `activities`      | activities (calls `tags`)                                              |
| `task_tokens`     | GetActivityTask and SendTask* (activity tasks and callback tokens)     |
| `access_keys`     | SigV4 access keys                                                      |
| `map_runs`        | UpdateMapRun's settings                                                |
| `tags`            | TagResource / UntagResource                                            |
| `history`         | history rows (append under a row lock; the runtime's step rows)        |
| `runtime_hooks`   | the seam the runtime registers itself in (AppConfig.ready)             |

Import the module you need (`from designer.services import executions`). Errors live in
`designer.errors`, shared checks in `designer.checks`.
"""
