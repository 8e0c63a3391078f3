"""The embedded store: pyoxigraph, in memory or in a folder, one named graph per source file."""

from __future__ import annotations

import io

import pyoxigraph as ox

from kg.config import Settings
from kg.formats import Format
from kg.loading import fingerprint, graph_iri_for, source_paths, turtle_files
from kg.stores import QueryError, QueryForm, QueryRequest, QueryRefused

_FORMS = {
    ox.QuerySolutions: QueryForm.SELECT,
    ox.QueryBoolean: QueryForm.ASK,
}


class EmbeddedStore:
    """An Oxigraph store in this process; the default graph is the union of the named graphs."""

    def __init__(self, store: ox.Store, version: str):
        self._store = store
        self._version = version
        self._parser = ox.Store()  # empty: parses queries (and finds their form) without data

    @classmethod
    def open(cls, settings: Settings) -> EmbeddedStore:
        """Load the ontology and data files of ``settings`` into a fresh in-memory store."""
        store = ox.Store()
        for folder in (settings.ontology_dir, settings.data_dir):
            for path in turtle_files(folder):
                graph = ox.NamedNode(str(graph_iri_for(path, folder)))
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        return cls(store, fingerprint(source_paths(settings)))

    @property
    def version(self) -> str:
        return self._version

    def query_form(self, query: str) -> QueryForm:
        if "service" in query.lower():
            raise QueryRefused("SERVICE (federated query) is not allowed on this endpoint")
        try:
            result = self._parser.query(query)
        except SyntaxError as error:
            raise QueryError(str(error)) from error
        return _FORMS.get(type(result), QueryForm.CONSTRUCT)

    def query(self, request: QueryRequest, fmt: Format, *, timeout: float | None = None) -> bytes:
        self.query_form(request.query)
        result = self._store.query(
            request.query,
            use_default_graph_as_union=not request.default_graph_uris,
            default_graph=[ox.NamedNode(iri) for iri in request.default_graph_uris] or None,
            named_graphs=[ox.NamedNode(iri) for iri in request.named_graph_uris] or None,
        )
        output = io.BytesIO()
        result.serialize(output, fmt.oxigraph)  # type: ignore[union-attr, arg-type]
        return output.getvalue()

    def graph_names(self) -> list[str]:
        return sorted(node.value for node in self._store.named_graphs())  # type: ignore[union-attr]

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        pass
