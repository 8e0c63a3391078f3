"""The selection a browse URL names: facet values, sort, order and page, checked.

A URL such as ``/browse/broadcasts?province=region/hubei&platform=organization/taobao&page=2``
names its values compactly: ``region/hubei`` is ``{base_iri}id/region/hubei``, ``okg:City`` a
term of the ontology, anything with ``://`` a full IRI, and a literal facet (month) its text.
Several values of one facet are alternatives (OR); different facets combine (AND).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from kg.browse.facets import Facet
from kg.describe import is_valid_iri
from kg.namespaces import OKG

CONTROLS = ("sort", "order", "page")
ORDERS = ("asc", "desc")
MAX_VALUES = 20  # values per facet in one URL


class SelectionError(ValueError):
    """A browse URL the service cannot answer (HTTP 400); the message says why."""


@dataclass(frozen=True)
class Selection:
    """Chosen facet values (compact form, in URL order), sort column, order and page."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "label"
    order: str = "asc"
    page: int = 1

    def params(self, **changes: object) -> list[tuple[str, str]]:
        """The URL parameters of this selection with ``changes`` (facet values first)."""
        values = changes.pop("values", self.values)
        assert isinstance(values, dict)
        pairs = [(name, value) for name, chosen in values.items() for value in chosen]
        controls = {"sort": self.sort, "order": self.order, "page": self.page, **changes}
        defaults = {"sort": "label", "order": "asc", "page": 1}
        pairs += [(k, str(v)) for k, v in controls.items() if v != defaults[k]]
        return pairs

    def query_string(self, **changes: object) -> str:
        """``?…`` for this selection with ``changes``, or "" when it is the default."""
        pairs = self.params(**changes)
        return "?" + urlencode(pairs) if pairs else ""

    def toggled(self, facet: str, value: str) -> Selection:
        """This selection with ``value`` of ``facet`` added or removed, back on page 1."""
        chosen = self.values.get(facet, ())
        updated = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
        values = {**self.values, facet: updated}
        return Selection({k: v for k, v in values.items() if v}, self.sort, self.order, 1)


def expand(value: str, base_iri: str) -> str:
    """The IRI a compact value names (see the module docstring)."""
    if "://" in value:
        return value
    if value.startswith("okg:"):
        return str(OKG) + value[4:]
    return base_iri + "id/" + value


def compact(iri: str, base_iri: str) -> str:
    """The compact form of ``iri``: inverse of :func:`expand`."""
    if iri.startswith(base_iri + "id/"):
        return iri[len(base_iri) + 3 :]
    if iri.startswith(str(OKG)):
        return "okg:" + iri[len(str(OKG)) :]
    return iri


def parse(
    pairs: Iterable[tuple[str, str]], facets: list[Facet], sortable: list[str], base_iri: str
) -> Selection:
    """The selection of a URL's query parameters; :class:`SelectionError` says what is wrong."""
    by_name = {facet.name: facet for facet in facets}
    values: dict[str, tuple[str, ...]] = {}
    controls: dict[str, str] = {}
    for key, value in pairs:
        if key in CONTROLS:
            if key in controls:
                raise SelectionError(f"'{key}' is given more than once")
            controls[key] = value
        elif key in by_name:
            check_value(by_name[key], value, base_iri)
            if value not in values.get(key, ()):
                values[key] = (*values.get(key, ()), value)
        else:
            raise SelectionError(f"unknown parameter '{key}'; {known(facets)}")
    too_many = [name for name, chosen in values.items() if len(chosen) > MAX_VALUES]
    if too_many:
        raise SelectionError(f"at most {MAX_VALUES} values of '{too_many[0]}'")
    return Selection(values, *parse_controls(controls, sortable))


def known(facets: list[Facet]) -> str:
    """The parameters a browse URL takes, for error messages."""
    names = ", ".join(facet.name for facet in facets)
    return f"the facets here are: {names}; and sort, order, page"


def check_value(facet: Facet, value: str, base_iri: str) -> None:
    """Raise :class:`SelectionError` unless ``value`` fits ``facet``."""
    if facet.literal:
        if not facet.accepts(value):
            raise SelectionError(f"'{facet.name}' must look like 2020-04, not {value!r}")
    elif not value or not is_valid_iri(expand(value, base_iri)):
        raise SelectionError(f"'{facet.name}' must name a resource, not {value!r}")


def parse_controls(controls: dict[str, str], sortable: list[str]) -> tuple[str, str, int]:
    """Sort column, order and page from their parameters (defaults: label, asc, 1)."""
    sort = controls.get("sort", "label")
    if sort not in sortable:
        raise SelectionError(f"'sort' must be one of {', '.join(sortable)}, not {sort!r}")
    order = controls.get("order", "asc")
    if order not in ORDERS:
        raise SelectionError(f"'order' must be asc or desc, not {order!r}")
    page = controls.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise SelectionError(f"'page' must be a positive integer, not {page!r}")
    return sort, order, int(page)
