"""Write data/region-codes.ttl: GB/T 2260 codes and coordinates of our regions, from cpca 0.5.5.

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca
    python tools/region_codes.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

The wheel of the PyPI package ``cpca`` 0.5.5 (MIT) ships ``cpca/resources/adcodes.csv``: a
12-digit adcode (its first 6 digits are the GB/T 2260 code), the Chinese name, longitude and
latitude of every division. A region of ``data/`` gets a code and coordinates when exactly one
row has its Chinese label, its administrative level, and lies inside its parent's code; anything
else is reported and left out. Re-run it whenever regions are added (the output is sorted and
reproducible). cpca is only read here, never imported: it is not a dependency.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kg.loading import parse_turtle, turtle_files
from kg.namespaces import ID, OKG

CSV_MEMBER = "cpca/resources/adcodes.csv"
VERSION = "0.5.5"
SOURCE = ID["source/cpca-0-5-5-adcodes"]
OUTPUT = "region-codes.ttl"
# region class -> level of GB/T 2260: 2 digits (province), 4 (prefecture), 6 (county)
LEVELS: dict[URIRef, int] = {
    OKG.Province: 2,
    OKG.Municipality: 2,
    OKG.City: 4,
    OKG.County: 6,
    OKG.CountyLevelCity: 6,
    OKG.District: 6,
}


@dataclass(frozen=True)
class Division:
    """One row of adcodes.csv: the 6-digit code, name and coordinates (as written)."""

    code: str
    name: str
    longitude: str
    latitude: str

    @property
    def level(self) -> int:
        if self.code.endswith("0000"):
            return 2
        return 4 if self.code.endswith("00") else 6


@dataclass(frozen=True)
class Region:
    """One of our regions: IRI, level, Chinese label and direct parent."""

    iri: URIRef
    level: int
    name: str
    parent: URIRef | None


def read_divisions(wheel: Path) -> list[Division]:
    """The rows of adcodes.csv inside the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(CSV_MEMBER).decode("utf-8")
    return [
        Division(row["adcode"][:6], row["name"], row["longitude"], row["latitude"])
        for row in csv.DictReader(io.StringIO(text))
    ]


def read_regions(graph: Graph) -> list[Region]:
    """Our regions with a level and a Chinese label, parents before children."""
    regions = []
    for cls, level in LEVELS.items():
        for iri in graph.subjects(RDF.type, cls):
            names = [
                str(n)
                for n in graph.objects(iri, RDFS.label)
                if getattr(n, "language", None) == "zh"
            ]
            parent = graph.value(iri, OKG.locatedIn)
            if isinstance(iri, URIRef) and len(names) == 1:
                regions.append(
                    Region(iri, level, names[0], parent if isinstance(parent, URIRef) else None)
                )
    return sorted(regions, key=lambda r: (r.level, str(r.iri)))


def match(regions: Iterable[Region], divisions: list[Division]) -> dict[URIRef, Division]:
    """Each region matched by name, level and parent code to exactly one division."""
    found: dict[URIRef, Division] = {}
    for region in regions:
        candidates = [d for d in divisions if d.name == region.name and d.level == region.level]
        parent = found.get(region.parent) if region.parent else None
        if parent is not None:
            candidates = [d for d in candidates if d.code.startswith(parent.code[: parent.level])]
        if len(candidates) == 1:
            found[region.iri] = candidates[0]
        else:
            print(
                f"not matched ({len(candidates)} candidates): {region.iri} {region.name}",
                file=sys.stderr,
            )
    return found


def turtle(found: dict[URIRef, Division], wheel_sha256: str) -> str:
    """The output file."""
    lines = [
        "# GB/T 2260 codes and coordinates of our regions, written by tools/region_codes.py from",
        f"# cpca {VERSION} (cpca/resources/adcodes.csv). Do not edit: re-run the script.",
        "@prefix okg: <https://w3id.org/officials-kg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix schema: <https://schema.org/> .",
        "",
        f"<{SOURCE}> a okg:SourceDocument ;",
        f'    rdfs:label "cpca {VERSION}: adcodes.csv"@en ;',
        f'    dcterms:title "cpca {VERSION}: cpca/resources/adcodes.csv"@en ;',
        "    dcterms:language <http://id.loc.gov/vocabulary/iso639-1/zh> ;",
        f"    schema:url <https://pypi.org/project/cpca/{VERSION}/> ;",
        f'    schema:version "{VERSION}" ;',
        '    schema:license "MIT" ;',
        f'    dcterms:identifier "cpca-{VERSION}-py3-none-any.whl sha256:{wheel_sha256}" ;',
        '    rdfs:comment "The table of administrative divisions of China in the PyPI package '
        "cpca (Chinese Province, City and Area Recognition Utilities, MIT licence): 12-digit "
        'adcode (first 6 digits: the GB/T 2260 code), Chinese name, longitude, latitude."@en .',
    ]
    for iri, division in sorted(found.items()):
        lines += [
            "",
            f"<{iri}> okg:adminCode {Literal(division.code).n3()} ;",
            f'    schema:latitude "{division.latitude}"^^xsd:decimal ;',
            f'    schema:longitude "{division.longitude}"^^xsd:decimal ;',
            f"    dcterms:source <{SOURCE}> .",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help=f"cpca-{VERSION}-py3-none-any.whl")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    graph = Graph()
    for path in turtle_files(args.data):
        if path.name != OUTPUT:
            graph += parse_turtle(path)
    found = match(read_regions(graph), read_divisions(args.wheel))
    sha = hashlib.sha256(args.wheel.read_bytes()).hexdigest()
    (args.data / OUTPUT).write_text(turtle(found, sha), encoding="utf-8")
    print(f"{len(found)} regions coded in {args.data / OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
