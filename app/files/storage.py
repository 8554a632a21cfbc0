"""Where uploaded files are kept: one interface, on disk (the default) or in an S3-compatible store.

Keys look like `<workspace id>/<file id>`; both backends write a whole object at once, so a
reader never sees half a file.
"""

import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

KEY_RE = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")
EXTENSION = "storage"


class StorageError(RuntimeError):
    """The store could not do what was asked (unreachable, refused)."""


def _checked(key):
    if not KEY_RE.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a folder (instance/uploads by default)."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key):
        return self.root / _checked(key)

    def put(self, key, data, content_type):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key):
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)

    def keys_older_than(self, cutoff):
        """Yield the keys of objects last written before cutoff (an aware datetime)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                key = f"{folder.name}/{path.name}"
                written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                if KEY_RE.match(key) and written < cutoff:
                    yield key


class S3Storage:
    """Objects in a bucket of any S3-compatible store, under a prefix."""

    def __init__(self, bucket, prefix, client):
        self.bucket, self.prefix, self.client = bucket, prefix, client

    def _name(self, key):
        return self.prefix + _checked(key)

    def _call(self, method, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise KeyError(kwargs.get("Key")) from None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc

    def put(self, key, data, content_type):
        self._call("put_object", Key=self._name(key), Body=data, ContentType=content_type)

    def get(self, key):
        return self._call("get_object", Key=self._name(key))["Body"].read()

    def delete(self, key):
        self._call("delete_object", Key=self._name(key))

    def keys_older_than(self, cutoff):
        token = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call("list_objects_v2", Prefix=self.prefix, **extra)
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix):]
                if KEY_RE.match(key) and item["LastModified"] < cutoff:
                    yield key
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]


def parse_storage_url(url):
    """('s3', bucket, prefix) for s3://bucket/prefix; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"STORAGE_URL must be s3://bucket/prefix, not {url!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, prefix + "/" if prefix else ""


def make_storage(config):
    """The storage config names: STORAGE_URL (s3://…), else the instance's uploads folder."""
    url = config.get("STORAGE_URL")
    if not url:
        return LocalStorage(Path(config["INSTANCE_PATH"]) / "uploads")
    bucket, prefix = parse_storage_url(url)
    import boto3
    from botocore.config import Config as BotoConfig

    client = boto3.client(
        "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None, region_name=config.get("S3_REGION") or None,
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=BotoConfig(
            connect_timeout=5, read_timeout=30, retries={"max_attempts": 3},
            s3={"addressing_style": config.get("S3_ADDRESSING_STYLE") or "auto"},
        ),
    )
    return S3Storage(bucket, prefix, client)


def storage(app=None):
    """The app's storage, made once from its settings."""
    from flask import current_app

    app = app or current_app
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = make_storage(app.config)
    return app.extensions[EXTENSION]
