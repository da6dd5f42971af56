"""The AWS Step Functions API (JSON 1.0 protocol) served at `POST /`.

`views.dispatch` authenticates the SigV4 signature, checks the request against botocore's model
of the service (`shapes`), and calls one small handler per operation (`operations.OPERATIONS`);
`designer.presenters.aws` turns rows into AWS's response members and `errors` shapes every failure as AWS does
(`{"__type": …, "message": …}` with HTTP 4xx).
"""
