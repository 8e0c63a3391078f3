"""tools/region_codes.py: GB/T 2260 codes and coordinates matched by name, level and parent; and
the committed data/region-codes.ttl agreeing with the region hierarchy."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.config import PROJECT_ROOT
from kg.namespaces import ID, OKG, SCHEMA
from kg.stores import Store, select_rows

sys.path.insert(0, str(PROJECT_ROOT))
from tools import region_codes

ADCODES = """adcode,name,longitude,latitude
420000000000,湖北省,114.341745,30.546557
420500000000,宜昌市,111.286471,30.691967
420527000000,秭归县,110.977711,30.825897
440000000000,广东省,113.266887,23.133306
440100000000,广州市,113.264385,23.129112
110000000000,北京市,116.407394,39.904211
110105000000,朝阳区,116.443108,39.92147
220104000000,朝阳区,125.288319,43.833513
"""
REGIONS = f"""\
@prefix okg: <https://w3id.org/officials-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix r: <{ID}region/> .
r:china a okg:Country ; rdfs:label "中国"@zh .
r:hubei a okg:Province ; rdfs:label "湖北省"@zh ; okg:locatedIn r:china .
r:yichang a okg:City ; rdfs:label "宜昌市"@zh ; okg:locatedIn r:hubei .
r:zigui a okg:County ; rdfs:label "秭归县"@zh ; okg:locatedIn r:yichang .
r:beijing a okg:Municipality ; rdfs:label "北京市"@zh ; okg:locatedIn r:china .
r:chaoyang a okg:District ; rdfs:label "朝阳区"@zh ; okg:locatedIn r:beijing .
r:wrong-level a okg:City ; rdfs:label "秭归县"@zh ; okg:locatedIn r:hubei .
r:nowhere a okg:County ; rdfs:label "无此县"@zh ; okg:locatedIn r:yichang .
"""


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    path = tmp_path / "cpca-0.5.5-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(region_codes.CSV_MEMBER, ADCODES)
    return path


def run(tmp_path: Path, wheel: Path) -> Graph:
    data = tmp_path / "data"
    data.mkdir()
    (data / "regions.ttl").write_text(REGIONS, encoding="utf-8")
    assert region_codes.main([str(wheel), "--data", str(data)]) == 0
    return Graph().parse(data / region_codes.OUTPUT, format="turtle")


def code(graph: Graph, slug: str) -> str | None:
    value = graph.value(ID["region/" + slug], OKG.adminCode)
    return None if value is None else str(value)


def test_regions_are_matched_by_name_level_and_parent(tmp_path: Path, wheel: Path) -> None:
    graph = run(tmp_path, wheel)
    assert code(graph, "hubei") == "420000"
    assert code(graph, "yichang") == "420500"
    assert code(graph, "zigui") == "420527"
    # two districts named 朝阳区: the one inside Beijing's code
    assert code(graph, "chaoyang") == "110105"
    assert graph.value(ID["region/zigui"], SCHEMA.latitude) == Literal(
        "30.825897", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    )


def test_unmatched_and_wrong_level_regions_get_nothing(tmp_path: Path, wheel: Path) -> None:
    graph = run(tmp_path, wheel)
    assert code(graph, "nowhere") is None
    assert code(graph, "wrong-level") is None
    assert code(graph, "china") is None


def test_every_code_cites_the_package(tmp_path: Path, wheel: Path) -> None:
    graph = run(tmp_path, wheel)
    coded = set(graph.subjects(OKG.adminCode, None))
    cited = set(graph.subjects(DCTERMS.source, None))
    assert coded and coded <= cited
    assert "pypi.org/project/cpca/0.5.5" in str(graph.value(region_codes.SOURCE, SCHEMA.url))


def test_committed_codes_nest_inside_their_parents_codes(store: Store) -> None:
    rows = select_rows(
        store,
        """PREFIX okg: <https://w3id.org/officials-kg/ontology#>
        SELECT ?child ?code ?parentCode WHERE {
          ?child okg:adminCode ?code ; okg:locatedIn ?parent . ?parent okg:adminCode ?parentCode
        }""",
    )
    assert rows
    for row in rows:
        parent = str(row["parentCode"]).rstrip("0")
        assert str(row["code"]).startswith(parent), row


def test_every_coded_resource_is_a_region_of_the_data(store: Store) -> None:
    rows = select_rows(
        store,
        """PREFIX okg: <https://w3id.org/officials-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?r WHERE { ?r okg:adminCode ?code
          FILTER NOT EXISTS { ?r a/rdfs:subClassOf* okg:Region } }""",
    )
    assert rows == [], "a code for a region that is gone: re-run tools/region_codes.py"
