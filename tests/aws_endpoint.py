"""moto's server as a real AWS endpoint for the tests: an HTTP server on 127.0.0.1, a free port.

`MotoEndpoint.start()` runs moto's server in a thread of the test process; `env` is what a
process needs to call it through the AWS SDK's standard settings (AWS_ENDPOINT_URL and test
credentials); `client(name)` is a boto3 client for setting the scene and checking results.
"""

from __future__ import annotations

import socket

import boto3

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoEndpoint:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> MotoEndpoint:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    @property
    def env(self) -> dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}

    def client(self, name: str):
        return boto3.client(name, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")
