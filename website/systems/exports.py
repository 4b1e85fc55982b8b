"""A system's export, uploaded by an admin for an access request: JSON or CSV, size- and
type-checked, stored in the database (every host sees it; nothing on a local disk), never
served publicly: it goes only into the requester's own export, and the retention rule
"system_exports" deletes it after the request closes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import current_app

from website.extensions import db, utcnow
from website.systems.models import RequestTask, TaskUpload

TYPES = {".json": "json", ".csv": "csv"}


class UploadError(ValueError):
    """An upload refused, with the reason for the admin."""


def max_bytes() -> int:
    """The largest export accepted (SYSTEM_EXPORT_MAX_BYTES)."""
    return int(current_app.config["SYSTEM_EXPORT_MAX_BYTES"])


def check_upload(filename: str, raw: bytes) -> tuple[str, str]:
    """(kind, text) of a valid export, else UploadError saying what is wrong."""
    name = filename.strip().lower()
    kind = next((kind for suffix, kind in TYPES.items() if name.endswith(suffix)), None)
    if kind is None:
        raise UploadError("Upload the system's export as a .json or .csv file.")
    if not raw:
        raise UploadError("The file is empty.")
    if len(raw) > max_bytes():
        raise UploadError(f"The file is larger than {max_bytes() // 1024} KiB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("The file is not UTF-8 text.") from None
    if "\x00" in text:
        raise UploadError("The file holds binary data, not JSON or CSV.")
    try:
        parse(kind, text)
    except (ValueError, csv.Error) as error:
        raise UploadError(f"The file is not valid {kind.upper()}: {error}") from None
    return kind, text


def parse(kind: str, text: str) -> Any:
    """The export as data: JSON as it is, CSV as a list of rows keyed by the header."""
    if kind == "json":
        return json.loads(text)
    rows = list(csv.DictReader(io.StringIO(text, newline=""), strict=True))
    if not rows:
        raise ValueError("no rows under the header")
    return rows


def attach(task: RequestTask, filename: str, raw: bytes) -> TaskUpload:
    """Store (or replace) the task's export; the caller commits."""
    kind, text = check_upload(filename, raw)
    if task.upload is not None:
        db.session.delete(task.upload)
        db.session.flush()
    upload = TaskUpload(task_id=task.id, filename=filename[-200:], content_type=kind,
                        body=text, size=len(raw), uploaded_at=utcnow())
    task.upload = upload
    return upload


def export_part(task: RequestTask) -> Any:
    """What the system sent, as data for the requester's export (None when nothing was)."""
    if task.upload is None:
        return None
    return parse(task.upload.content_type, task.upload.body)
