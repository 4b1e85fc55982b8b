"""Published records: the retention schedule, the Art. 30 record, notices at collection."""

from flask import Blueprint

bp = Blueprint("records", __name__)
