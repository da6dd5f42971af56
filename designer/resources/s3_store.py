"""The Distributed Map's `engine.map_io.ObjectStore` on Amazon S3 (or LocalStack/moto) via boto3.

Bodies are streamed in 1 MiB chunks; listings page through listObjectsV2.  S3's errors become
States.ItemReaderFailed / States.ResultWriterFailed with S3's own message, as AWS reports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from designer.resources import aws_config, aws_sdk
from engine.errors import ItemReaderFailed, ResultWriterFailed

CHUNK = 1024 * 1024


class S3Store:
    """An ObjectStore for one execution: its role's credentials and its region."""

    def __init__(self, *, role_arn: str | None, region: str):
        self.role_arn, self.region = role_arn, region

    def _client(self, failure: type) -> Any:
        try:
            return aws_config.client("s3", role_arn=self.role_arn, region=self.region)
        except aws_config.NotConfigured:
            raise failure("The Distributed Map cannot reach S3: " + aws_config.NOT_CONFIGURED.format(service="S3")) \
                from None

    def _fail(self, exc: Exception, failure: type) -> Exception:
        if hasattr(exc, "response"):
            named = aws_sdk.client_failure(exc, "S3", "S3")
            return failure(f"{named.error}: {named.cause}")
        return failure(str(exc))

    def get_object(self, bucket: str, key: str, parameters: dict) -> Iterator[bytes]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client(ItemReaderFailed).get_object(Bucket=bucket, Key=key, **parameters)
            body = response["Body"]
            while chunk := body.read(CHUNK):
                yield chunk
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(exc, ItemReaderFailed) from None

    def list_objects(self, parameters: dict) -> Iterator[dict]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            pages = self._client(ItemReaderFailed).get_paginator("list_objects_v2").paginate(**parameters)
            for page in pages:
                yield from page.get("Contents") or []
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(exc, ItemReaderFailed) from None

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._client(ResultWriterFailed).put_object(Bucket=bucket, Key=key, Body=body)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(exc, ResultWriterFailed) from None
