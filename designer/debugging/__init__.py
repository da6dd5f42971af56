"""The studio's debugger beyond AWS: breakpoints and stepping in executions, "run from here",
and a machine's own test cases with coverage. Models here; writes in
`designer.services.debugging`; the runtime's side in `designer.runtime.debug`."""
