"""A real S3-compatible server for tests: moto's server mode on a free port of loopback, spoken to over HTTP.

Not a mock of the client: django-storages and boto3 send real signed requests to it, and an unsigned request (a
browser given a bucket URL) is answered as S3 answers it: a private object is refused.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer

# moto's server logs every request at INFO.
logging.getLogger("werkzeug").setLevel(logging.WARNING)
REGION = "eu-west-1"
# moto accepts any key; these are what every client of the test's server (Tandem, boto3 in the test) signs with.
ACCESS_KEY, SECRET_KEY = "tandem-test-key", "tandem-test-secret"  # noqa: S105 (a local fake's, not a secret)


@dataclass
class Bucket:
    endpoint: str
    name: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def url(self, key: str) -> str:
        """The object's plain (unsigned) address, as a browser would be given it if the bucket were public."""
        return f"{self.endpoint}/{self.name}/{key}"

    def environment(self, prefix: str = "") -> dict[str, str]:
        """The settings a Tandem process needs to keep its uploads in this bucket."""
        return {
            "TANDEM_S3_BUCKET": self.name,
            "TANDEM_S3_ENDPOINT_URL": self.endpoint,
            "TANDEM_S3_REGION": REGION,
            "TANDEM_S3_PREFIX": prefix,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@contextmanager
def s3_server() -> Iterator[str]:
    """Start moto's S3 server on a free port; yield its endpoint URL; stop it, whatever happened."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def new_bucket(endpoint: str) -> Bucket:
    """A private bucket of its own (created as S3 creates them: no public access) on the server."""
    bucket = Bucket(endpoint, f"tandem-{uuid.uuid4().hex[:12]}")
    bucket.client.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket
