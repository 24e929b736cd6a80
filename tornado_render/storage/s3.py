"""S3 storage: boto3's managed upload (multipart for big files) into S3_BUCKET_NAME, and the URL a browser fetches
the object from.

With S3_URL_MODE=presigned the URL is a presigned GET of the object, valid S3_URL_EXPIRES seconds, for buckets that
are not public.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import botocore.exceptions
from botocore.config import Config

from ..errors import StorageUnavailable, UploadFailed
from ..settings import Settings
from . import (
    RECORD_CONTENT_TYPE,
    VIDEO_CONTENT_TYPE,
    ListedVideo,
    StoredVideo,
    VideoPage,
    contained_key,
    page_of,
)
from .naming import VIDEOS_PREFIX, is_story_video

DURATION_METADATA = "duration-seconds"
WARNINGS_METADATA = "warnings"
# S3 keeps at most 2 KB of user metadata per object; the warnings get this much of it (JSON, ASCII-escaped).
MAX_WARNINGS_METADATA = 1500


def encode_warnings(warnings: tuple[str, ...]) -> str:
    """The warnings as S3 metadata: a JSON list in ASCII (metadata travels in HTTP headers), the first ones that
    fit in MAX_WARNINGS_METADATA characters."""
    kept = list(warnings)
    while kept and len(json.dumps(kept)) > MAX_WARNINGS_METADATA:
        kept.pop()
    return json.dumps(kept)


def decode_warnings(text: str | None) -> tuple[str, ...]:
    try:
        values = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(str(value) for value in values) if isinstance(values, list) else ()


def generate_public_url(
    bucket: str,
    region: str | None,
    key: str,
    *,
    endpoint_url: str | None = None,
    public_base_url: str | None = None,
) -> str:
    """The URL a browser fetches the object from: a configured base, a custom endpoint, or AWS's own form."""
    quoted = quote(key, safe="/")
    if public_base_url:
        return f"{public_base_url.rstrip('/')}/{quoted}"
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{bucket}/{quoted}"
    return f"https://{bucket}.s3.{region}.amazonaws.com/{quoted}"


def describe_boto_error(error: Exception) -> tuple[str, str | None]:
    """A short reason and the S3 error code, without credentials or stack traces."""
    if isinstance(error, botocore.exceptions.ClientError):
        details = error.response.get("Error", {})
        code = details.get("Code")
        message = details.get("Message") or code or "request refused"
        return f"{message} ({code})" if code and code != message else message, code
    if isinstance(error, botocore.exceptions.EndpointConnectionError):
        return "could not connect to the S3 endpoint", "EndpointConnectionError"
    if isinstance(error, botocore.exceptions.NoCredentialsError):
        return "no AWS credentials", "NoCredentials"
    if isinstance(error, botocore.exceptions.BotoCoreError):
        return str(error), type(error).__name__
    if isinstance(error, OSError):
        return error.strerror or str(error), type(error).__name__
    return str(error), type(error).__name__


class S3Storage:
    """boto3's managed upload (multipart for big files) into S3_BUCKET_NAME."""

    def __init__(self, settings: Settings) -> None:
        if not settings.s3_bucket_name:
            raise StorageUnavailable("S3_BUCKET_NAME is not set")
        self.bucket = settings.s3_bucket_name
        self.region = settings.aws_region
        self.endpoint_url = settings.aws_endpoint_url_s3
        self.public_base_url = settings.s3_public_base_url
        self.presigned_seconds = settings.s3_url_expires if settings.s3_url_mode == "presigned" else None
        self.description = f"s3://{self.bucket}" + (f" at {self.endpoint_url}" if self.endpoint_url else "")
        self._settings = settings
        self._client: Any = None

    def _make_client(self) -> Any:
        session = boto3.session.Session(
            aws_access_key_id=self._settings.aws_access_key_id,
            aws_secret_access_key=self._settings.aws_secret_access_key,
            region_name=self.region,
        )
        return session.client(
            "s3",
            endpoint_url=self.endpoint_url,
            config=Config(
                signature_version="s3v4",  # presigned URLs in every region (SigV2 is gone from newer ones)
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def check(self) -> None:
        missing = [
            name
            for name, value in (
                ("AWS_REGION", self._settings.aws_region),
                ("AWS_ACCESS_KEY_ID", self._settings.aws_access_key_id),
                ("AWS_SECRET_ACCESS_KEY", self._settings.aws_secret_access_key),
            )
            if not value
        ]
        if missing:
            raise StorageUnavailable(
                f"S3_BUCKET_NAME is set but the S3 settings are incomplete: {', '.join(missing)} not set"
            )
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as error:  # noqa: BLE001 - every failure means the same: do not start
            reason, _ = describe_boto_error(error)
            raise StorageUnavailable(f"S3 bucket {self.bucket!r} is not reachable: {reason}") from None

    def upload(self, path: Path, key: str, duration: float, warnings: tuple[str, ...] = ()) -> str:
        metadata = {DURATION_METADATA: f"{duration:g}", WARNINGS_METADATA: encode_warnings(warnings)}
        extra = {"ContentType": VIDEO_CONTENT_TYPE, "Metadata": metadata}
        contained_key(key)
        try:
            self.client.upload_file(str(path), self.bucket, key, ExtraArgs=extra)
        except Exception as error:  # noqa: BLE001 - boto3 raises many types; all mean "not stored"
            reason, code = describe_boto_error(error)
            raise UploadFailed(reason, code=code) from None
        return self.url(key)

    def put_file(self, path: Path, key: str, content_type: str) -> str:
        contained_key(key)
        try:
            self.client.upload_file(str(path), self.bucket, key, ExtraArgs={"ContentType": content_type})
        except Exception as error:  # noqa: BLE001 - boto3 raises many types; all mean "not stored"
            reason, code = describe_boto_error(error)
            raise UploadFailed(reason, code=code) from None
        return self.url(key)

    def file_url(self, key: str) -> str | None:
        """The URL of the object under `key` (presigned afresh when S3_URL_MODE=presigned), or None when it is not
        stored (or S3 cannot be asked)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=contained_key(key))
        except Exception:  # noqa: BLE001 - missing, forbidden or unreachable: not there to hand out
            return None
        return self.url(key)

    def put_record(self, key: str, record: Mapping[str, Any]) -> None:
        body = json.dumps(record, ensure_ascii=False).encode("utf-8")
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=contained_key(key), Body=body, ContentType=RECORD_CONTENT_TYPE
            )
        except Exception as error:  # noqa: BLE001 - boto3 raises many types; all mean "not stored"
            reason, code = describe_boto_error(error)
            raise UploadFailed(reason, code=code) from None

    def get_record(self, key: str) -> dict[str, Any] | None:
        """The JSON record under `key`, or None (missing, unreadable, or S3 cannot be asked)."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=contained_key(key))["Body"].read()
            record = json.loads(body)
        except Exception:  # noqa: BLE001 - missing, forbidden, unreachable or not JSON: no record to hand out
            return None
        return record if isinstance(record, dict) else None

    def get_file(self, key: str, path: Path) -> bool:
        """Download the object under `key` to `path`; False when it is not there (or S3 cannot be asked)."""
        try:
            self.client.download_file(self.bucket, contained_key(key), str(path))
        except Exception:  # noqa: BLE001 - missing, forbidden or unreachable: nothing to hand out
            return False
        return True

    def delete(self, keys: list[str]) -> None:
        """Delete these objects (one request per thousand); S3 answers a missing key as deleted."""
        for start in range(0, len(keys), 1000):
            batch = [{"Key": contained_key(key)} for key in keys[start : start + 1000]]
            try:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            except Exception as error:  # noqa: BLE001 - boto3 raises many types; all mean "not deleted"
                reason, code = describe_boto_error(error)
                raise UploadFailed(reason, code=code) from None

    def attachment_url(self, key: str, content_type: str, disposition: str) -> str:
        """A presigned GET of the object that S3 answers with these Content-Type and Content-Disposition headers (S3
        honours such overrides on signed requests only, so this is presigned in either S3_URL_MODE)."""
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
        }
        expires = self.presigned_seconds or self._settings.s3_url_expires
        return str(self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires))

    @functools.cached_property
    def origin(self) -> str:
        """The scheme and host browsers fetch objects from (for a page's Content-Security-Policy)."""
        parts = urlsplit(self.url("origin"))
        return f"{parts.scheme}://{parts.netloc}"

    def locate(self, key: str) -> StoredVideo | None:
        """The stored video under `key`, or None (also when S3 cannot be asked: then the recap is rendered)."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=contained_key(key))
        except Exception:  # noqa: BLE001 - missing, forbidden or unreachable: no cached video to hand out
            return None
        metadata = head.get("Metadata", {})
        duration = metadata.get(DURATION_METADATA)
        try:
            return StoredVideo(self.url(key), float(duration), decode_warnings(metadata.get(WARNINGS_METADATA)))
        except (TypeError, ValueError):
            return None

    def list_videos(self, after: str | None, limit: int) -> VideoPage:
        """The story videos under videos/ after the key `after`, in key order (S3's listing order), `limit` at most.
        Raises StorageUnavailable when S3 cannot be asked."""
        return page_of(self._videos(after), limit)

    def _videos(self, after: str | None) -> Iterator[ListedVideo]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=VIDEOS_PREFIX, StartAfter=after or ""
        )
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    if is_story_video(item["Key"]):
                        yield ListedVideo(item["Key"], int(item["Size"]), item["LastModified"], self.url(item["Key"]))
        except Exception as error:  # noqa: BLE001 - boto3 raises many types; all mean "cannot list now"
            reason, _ = describe_boto_error(error)
            raise StorageUnavailable(f"the bucket cannot be listed: {reason}") from None

    def url(self, key: str) -> str:
        """Where a browser fetches the object: a presigned GET, or its public URL."""
        if self.presigned_seconds is not None:
            return str(
                self.client.generate_presigned_url(
                    "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.presigned_seconds
                )
            )
        return generate_public_url(
            self.bucket, self.region, key, endpoint_url=self.endpoint_url, public_base_url=self.public_base_url
        )
