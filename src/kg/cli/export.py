"""``kg export``: write the whole dataset (ontology included) as one RDF dump.

Graph formats (ttl, nt, jsonld) carry the union of the named graphs; dataset formats (trig, nq)
carry one named graph per source file. An output file ending in ``.gz`` is gzip-compressed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.export import DUMP_FORMATS, export, gzipped, jsonld_context
from kg.formats import FORMATS_BY_NAME, Format
from kg.namespaces import ONTOLOGY_IRI
from kg.ontology_docs import ontology_graph
from kg.stores import Store, open_store

# --format choices: each dump format by its file extension (ttl, nt, jsonld, trig, nq).
CHOICES: dict[str, Format] = {
    FORMATS_BY_NAME[name].extension: FORMATS_BY_NAME[name] for name in DUMP_FORMATS
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_setting_options(parser, "export")
    parser.add_argument(
        "--format", choices=CHOICES, default="ttl", help="RDF format of the dump (default: ttl)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="file to write (default: stdout; '.gz' compresses)"
    )


def dump(store: Store, fmt: Format, ontology_iri: str) -> bytes:
    """The dump of ``store`` in ``fmt``; JSON-LD gets the context built from the ontology."""
    context = None
    if fmt.name == "jsonld":
        context = jsonld_context(ontology_graph(store), ontology_iri + "#")
    return export(store, fmt, context=context)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    store = open_store(settings)
    try:
        data = dump(store, CHOICES[args.format], ONTOLOGY_IRI)
    finally:
        store.close()
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return ExitCode.OK
    if args.output.suffix == ".gz":
        data = gzipped(data)
    try:
        args.output.write_bytes(data)
    except OSError as error:
        print(f"error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    return ExitCode.OK
