"""JSON shapes: rows → what each adapter sends (AWS API members, the studio's REST bodies, live
messages). Presenters read only the rows they are given (and their related rows); they never write.

- `history`: the one renderer of history events, used by the AWS API, the REST API and the live view;
- `aws`: AWS response members (dates as datetimes; the AWS view encodes them);
- `studio`: the studio REST API's bodies (machines, executions, diagnostics);
- `live`: the live view's WebSocket messages.
"""
