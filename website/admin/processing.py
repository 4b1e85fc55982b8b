"""The Art. 30 record of processing activities, generated, with JSON and CSV downloads."""

from __future__ import annotations

from flask import Response, jsonify, render_template
from flask.typing import ResponseReturnValue

from website.accounts.guards import role_required
from website.accounts.roles import Role
from website.admin import bp
from website.records.service import processing_csv, processing_record


@bp.get("/processing")
@role_required(Role.ADMINISTRATOR)
def processing() -> str:
    """The record of processing, as a page."""
    return render_template("admin/processing.html", record=processing_record())


@bp.get("/processing.json")
@role_required(Role.ADMINISTRATOR)
def processing_json() -> ResponseReturnValue:
    """The record of processing as a JSON download."""
    response = jsonify(processing_record())
    response.headers["Content-Disposition"] = 'attachment; filename="record-of-processing.json"'
    return response


@bp.get("/processing.csv")
@role_required(Role.ADMINISTRATOR)
def processing_csv_download() -> ResponseReturnValue:
    """The record of processing as a CSV download, one row per activity."""
    body = processing_csv(processing_record())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="record-of-processing.csv"',
    })
