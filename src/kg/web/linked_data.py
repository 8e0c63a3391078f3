"""Linked data: dereferenceable ``/id/…`` IRIs, HTML pages, dumps, VoID, ontology documentation."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("linked_data", __name__)
