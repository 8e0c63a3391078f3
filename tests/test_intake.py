"""``kg intake``: real CLI runs on a temporary copy of the repository's data/ (and sources/)."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.cli import main
from kg.config import PROJECT_ROOT
from kg.curation import vocab
from kg.curation.sheet import COLUMNS, check_sheet, read_sheet
from kg.namespaces import ID, OKG

HEADER = ",".join(COLUMNS)


def iri(curie: str) -> URIRef:
    folder, _, slug = curie.partition(":")
    return URIRef(ID[f"{folder}/{slug}"])


def sheet_text(*rows: dict[str, str]) -> str:
    """A sheet in the decided format: the header, then one line per row (cells by column)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        unknown = set(row) - set(COLUMNS)
        assert not unknown, unknown
        writer.writerow([row.get(column, "") for column in COLUMNS])
    return buffer.getvalue()


SOURCE = {
    "kind": "source",
    "id": "example-2020-04-22",
    "name_en": "A county head sells tea and oranges",
    "type": "article",
    "date": "2020-04-22",
    "url": "https://example.org/news/1",
    "language": "en",
}


def claim(**cells: str) -> dict[str, str]:
    return {"locator": "para 1", "evidence": "Our summary of the passage.", **cells}


# The "Done when" sheet: a new source with two broadcasts, a new official, an existing
# region written in Chinese (Traditional script), an existing company with a typo.
DONE_WHEN = (
    SOURCE,
    {
        "kind": "region",
        "id": "zigui",
        "name_zh": "秭歸縣",
        "type": "county",
        "within": "region:yichang",
    },
    {"kind": "organization", "id": "ctf", "name_en": "Chow Tai Fok", "type": "company"},
    {
        "kind": "product",
        "id": "zigui-tea",
        "name_en": "Zigui tea",
        "within": "zigui",
        "industry": "agriculture",
    },
    {
        "kind": "product",
        "id": "ctf-bracelets",
        "name_en": "Gold bracelets",
        "company": "ctf",
        "industry": "jewellery",
    },
    claim(
        kind="official",
        id="li-si",
        name_en="Li Si",
        within="zigui",
        office_en="Head of Zigui County",
        office_zh="秭归县县长",
        evidence="Li Si is named as the head of Zigui County.",
    ),
    claim(
        kind="broadcast",
        id="2020-04-21-zigui",
        date="2020-04-21",
        platform="Taobao Live",
        hosts="li-si",
        region="zigui",
        products="zigui-tea",
        evidence="Li Si sold Zigui tea on Taobao Live on 21 April.",
        locator="para 2",
    ),
    claim(
        kind="figure",
        id="2020-04-21-zigui-sales",
        of="2020-04-21-zigui",
        measure="sales-amount",
        value="1200000",
        unit="cny",
        qualifier="more-than",
        window="PT2H",
        stated_as="over 1.2 million yuan",
        rank="preferred",
        rank_reason="The only figure given.",
    ),
    claim(
        kind="broadcast",
        id="2020-04-10-zigui",
        date="2020-04-08",
        date_end="2020-04-12",
        hosts="li-si",
        region="zigui",
        products="ctf-bracelets",
        evidence="Earlier that month he also presented gold bracelets.",
        locator="para 4",
        note="'Earlier that month', in an article about 21 April; 8-12 April as stated in para 4.",
    ),
)


# What the sheet adds to data/officials.ttl, exactly: the new official, the office of the
# existing county government, the tenure claim and its evidence, in the canonical layout.
EXPECTED_OFFICIALS = """
# --- From source:example-2020-04-22 (kg intake) ---------------------------------------------------
official:li-si a okg:Official ;
    rdfs:label "Li Si"@en ;
    foaf:name "Li Si" ;
    okg:holdsOffice office:head-of-zigui-county .

office:head-of-zigui-county a okg:Office ;
    rdfs:label "Head of Zigui County"@en , "秭归县县长"@zh ;
    okg:officeOf organization:zigui-county-peoples-government ;
    okg:heldBy official:li-si .

tenure:li-si-head-of-zigui-county a okg:Tenure ;
    rdfs:label "Li Si, Head of Zigui County"@en ;
    okg:tenureHolder official:li-si ;
    okg:tenureOffice office:head-of-zigui-county ;
    okg:evidence evidence:tenure-li-si-head-of-zigui-county--example-2020-04-22 .

evidence:tenure-li-si-head-of-zigui-county--example-2020-04-22 a okg:Evidence ;
    okg:source source:example-2020-04-22 ;
    okg:locator "para 1" ;
    okg:paraphrase "Li Si is named as the head of Zigui County."@en .
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A temporary copy of data/ and sources/ (ontology and shapes are the repository's)."""
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    shutil.copytree(PROJECT_ROOT / "sources", tmp_path / "sources")
    return tmp_path


def intake(
    capsys: pytest.CaptureFixture[str], repo: Path, text: str, *options: str
) -> tuple[int, str, str, Path]:
    sheet = repo / "sheets" / "example.csv"
    sheet.parent.mkdir(exist_ok=True)
    sheet.write_text(text, encoding="utf-8")
    code = main(["intake", str(sheet), "--data", str(repo / "data"), *options])
    out, err = capsys.readouterr()
    return code, out, err, sheet


def data_graph(repo: Path) -> Graph:
    graph = Graph()
    for path in sorted((repo / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))}


def test_done_when_reuses_existing_creates_new_and_attaches_evidence(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = data_graph(repo)
    code, out, err, _ = intake(capsys, repo, sheet_text(*DONE_WHEN))
    assert code == 0, err
    after = data_graph(repo)
    assert set(before) <= set(after)  # nothing removed

    # Existing entities reused: the Traditional-script county, the company with a typo, Taobao.
    assert "reused  region:zigui-county" in out
    assert "reused  organization:chow-tai-fook" in out
    assert not list(after.subjects(RDFS.label, Literal("Chow Tai Fok", lang="en")))
    broadcast = iri("broadcast:2020-04-21-zigui")
    assert (broadcast, OKG.promotesRegion, iri("region:zigui-county")) in after
    assert (broadcast, OKG.platform, iri("organization:taobao")) in after
    assert (iri("product:ctf-bracelets"), OKG.madeBy, iri("organization:chow-tai-fook")) in after
    assert (iri("region:zigui"), None, None) not in after
    assert not list(after.subjects(None, Literal("Chow Tai Fok", lang="en")))

    # New entities created, with stable slugs from the sheet's ids.
    official = iri("official:li-si")
    office = iri("office:head-of-zigui-county")
    assert (official, RDF.type, OKG.Official) in after
    assert (official, OKG.holdsOffice, office) in after
    # The office belongs to the county's people's government (the graph's), not the region.
    assert (office, OKG.officeOf, iri("organization:zigui-county-peoples-government")) in after
    tenure = iri("tenure:li-si-head-of-zigui-county")
    assert (tenure, OKG.tenureHolder, official) in after
    assert (tenure, OKG.tenureOffice, office) in after
    assert (broadcast, OKG.host, official) in after
    assert (broadcast, OKG.date, Literal("2020-04-21", datatype=XSD.date)) in after
    ranged = iri("broadcast:2020-04-10-zigui")
    assert (ranged, OKG.earliestDate, Literal("2020-04-08", datatype=XSD.date)) in after
    assert (ranged, OKG.latestDate, Literal("2020-04-12", datatype=XSD.date)) in after
    assert len(list(after.objects(ranged, OKG.dateBasis))) == 1

    # The figure keeps value, unit, qualifier, window and rank.
    figure = iri("figure:2020-04-21-zigui-sales")
    assert (figure, OKG.figureOf, broadcast) in after
    assert (figure, OKG.value, Literal("1200000", datatype=XSD.decimal)) in after
    assert (figure, OKG.unit, OKG.CNY) in after
    assert (figure, OKG.qualifier, OKG.MoreThan) in after
    assert (figure, OKG.window, Literal("PT2H", datatype=XSD.duration)) in after
    assert (figure, OKG.claimRank, OKG.PreferredRank) in after

    # Evidence: one node per claim and source, with the IRI of the contract.
    evidence = iri("evidence:broadcast-2020-04-21-zigui--example-2020-04-22")
    assert (broadcast, OKG.evidence, evidence) in after
    assert (evidence, OKG.source, iri("source:example-2020-04-22")) in after
    assert (evidence, OKG.locator, Literal("para 2")) in after
    passage = Literal("Li Si sold Zigui tea on Taobao Live on 21 April.", lang="en")
    assert (evidence, OKG.paraphrase, passage) in after
    assert (
        tenure,
        OKG.evidence,
        iri("evidence:tenure-li-si-head-of-zigui-county--example-2020-04-22"),
    ) in after
    assert (
        figure,
        OKG.evidence,
        iri("evidence:figure-2020-04-21-zigui-sales--example-2020-04-22"),
    ) in after

    # The Turtle lands in the right files, in canonical blocks.
    broadcasts = (repo / "data" / "broadcasts.ttl").read_text(encoding="utf-8")
    assert "broadcast:2020-04-21-zigui a okg:Broadcast ;" in broadcasts
    assert "# --- From source:example-2020-04-22" in broadcasts
    officials = (repo / "data" / "officials.ttl").read_text(encoding="utf-8")
    assert officials.endswith(EXPECTED_OFFICIALS)
    assert main(["validate", "--data", str(repo / "data")]) == 0


def test_a_sheet_with_an_error_writes_nothing_and_names_row_and_column(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = digest(repo / "data")
    rows = list(DONE_WHEN)
    rows[7] = {**rows[7], "unit": "catties"}  # the figure row: spreadsheet row 9
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 1
    assert "row 9, column unit: 'catties' unknown; did you mean jin?" in err
    assert "nothing was written" in err
    assert digest(repo / "data") == before


def test_a_shape_violation_writes_nothing_and_names_the_row(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = digest(repo / "data")
    rows = list(DONE_WHEN)
    rows[7] = {**rows[7], "as_of": "2024-01-01"}  # outside the window the shapes allow
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 1
    assert "row 9, column as_of: figure:2020-04-21-zigui-sales [okg:asOf]" in err
    assert digest(repo / "data") == before


def test_dry_run_validates_but_writes_nothing(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = digest(repo / "data")
    code, out, _, _ = intake(capsys, repo, sheet_text(*DONE_WHEN), "--dry-run")
    assert code == 0
    assert "dry run: nothing written" in out
    assert digest(repo / "data") == before


def test_same_name_official_in_another_place_stays_separate(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    rows = (
        SOURCE,
        claim(
            kind="official",
            id="li-qiang",
            name_en="Li Qiang",
            within="region:qianjiang",
            office_en="Deputy Mayor of Qianjiang",
        ),
        claim(kind="broadcast", id="2020-05-02-qianjiang", date="2020-05-02", hosts="li-qiang"),
    )
    code, out, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    namesake = iri("official:li-qiang-qianjiang")
    assert "created official:li-qiang-qianjiang" in out
    body = iri("organization:qianjiang-municipal-peoples-government")
    assert (iri("office:deputy-mayor-of-qianjiang"), OKG.officeOf, body) in graph
    assert (body, OKG.basedIn, iri("region:qianjiang")) in graph
    assert (namesake, OKG.holdsOffice, iri("office:deputy-mayor-of-qianjiang")) in graph
    assert (iri("official:li-qiang"), OKG.holdsOffice, iri("office:deputy-mayor-of-wuhan")) in graph
    assert (
        iri("official:li-qiang"),
        OKG.holdsOffice,
        iri("office:deputy-mayor-of-qianjiang"),
    ) not in graph


def test_same_name_official_in_the_same_place_is_reused(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    rows = (
        SOURCE,
        claim(
            kind="official",
            id="li-qiang",
            name_en="Li Qiang",
            within="region:wuhan",
            office_en="Deputy Mayor of Wuhan",
        ),
        claim(kind="broadcast", id="2020-05-02-wuhan", date="2020-05-02", hosts="li-qiang"),
    )
    code, out, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    assert "reused  official:li-qiang" in out
    graph = data_graph(repo)
    assert (iri("broadcast:2020-05-02-wuhan"), OKG.host, iri("official:li-qiang")) in graph
    tenure_evidence = iri("evidence:tenure-li-qiang-deputy-mayor-of-wuhan--example-2020-04-22")
    assert (iri("tenure:li-qiang-deputy-mayor-of-wuhan"), OKG.evidence, tenure_evidence) in graph


def test_an_uncertain_match_writes_candidates_into_the_sheet_and_fails(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = digest(repo / "data")
    rows = (
        SOURCE,
        # Close to both Qianjiang's and Zhijiang's party committees.
        {
            "kind": "organization",
            "id": "committee",
            "name_en": "CPC Qianjiang Municipal Commitee",
            "type": "government-body",
        },
        # Only partly like Chow Tai Fook: a typo, or another company?
        {"kind": "organization", "id": "ctf", "name_en": "Chow Tai Fuk", "type": "company"},
    )
    code, _, err, sheet = intake(capsys, repo, sheet_text(*rows))
    assert code == 1
    assert digest(repo / "data") == before
    assert "row 3, column match:" in err and "row 4, column match:" in err
    written = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    candidates = written[1]["match"].split("; ")
    assert candidates[0] == "?organization:cpc-qianjiang-municipal-committee"
    assert "?organization:cpc-zhijiang-municipal-committee" in candidates
    assert written[2]["match"] == "?organization:chow-tai-fook"
    # Running again without deciding fails; deciding lets it through.
    code, _, err, _ = intake(capsys, repo, sheet.read_text(encoding="utf-8"))
    assert code == 1 and "still lists candidates" in err
    written[1]["match"] = "organization:cpc-qianjiang-municipal-committee"
    written[2]["match"] = "new"
    code, out, err, _ = intake(capsys, repo, sheet_text(*written))
    assert code == 0, err
    assert "reused  organization:cpc-qianjiang-municipal-committee" in out
    assert "created organization:ctf" in out


def test_a_second_source_confirms_a_broadcast(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    code, _, err, _ = intake(capsys, repo, sheet_text(*DONE_WHEN))
    assert code == 0, err
    second = {**SOURCE, "id": "example-2020-04-25", "url": "https://example.org/news/2"}
    rows = (
        second,
        claim(
            kind="broadcast",
            id="2020-04-21-zigui",
            hosts="official:li-si",
            match="broadcast:2020-04-21-zigui",
        ),
        claim(
            kind="figure",
            id="2020-04-21-zigui-viewers",
            of="2020-04-21-zigui",
            measure="viewers",
            value="30000",
            unit="viewer",
            qualifier="nearly",
            stated_as="nearly 30,000 viewers",
        ),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    broadcast = iri("broadcast:2020-04-21-zigui")
    assert len(list(graph.objects(broadcast, OKG.evidence))) == 2
    assert (broadcast, OKG.reportedFigure, iri("figure:2020-04-21-zigui-viewers")) in graph
    assert len(list(graph.subjects(RDF.type, OKG.Broadcast))) == len(
        set(graph.subjects(RDF.type, OKG.Broadcast))
    )


def test_unknown_reference_names_row_column_and_suggests(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    rows = (
        SOURCE,
        {
            "kind": "region",
            "id": "x",
            "name_en": "Xiling District",
            "type": "district",
            "within": "region:yichnag",
        },
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 1
    assert (
        "row 3, column within: region:yichnag is not in the graph; did you mean region:yichang?"
        in err
    )


def test_region_rows_chain_within_to_an_existing_region(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    rows = (
        SOURCE,
        {
            "kind": "region",
            "id": "qinghai",
            "name_en": "Qinghai Province",
            "name_zh": "青海省",
            "type": "province",
            "within": "region:china",
        },
        {
            "kind": "region",
            "id": "xining",
            "name_en": "Xining",
            "name_zh": "西宁市",
            "type": "city",
            "within": "qinghai",
        },
    )
    code, out, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    assert (iri("region:xining"), OKG.locatedIn, iri("region:qinghai")) in graph
    assert (iri("region:qinghai"), OKG.locatedIn, iri("region:china")) in graph
    assert "created region:qinghai" in out


@pytest.mark.parametrize("kind", ["source", "official", "broadcast"])
def test_new_prints_a_template_intake_reads_without_sheet_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    assert main(["new", kind]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == HEADER
    path = tmp_path / "new.csv"
    path.write_text(text, encoding="utf-8")
    sheet = read_sheet(path)
    assert sheet.rows[0].kind == "source"
    assert kind in {row.kind for row in sheet.rows}
    assert check_sheet(sheet) == []


HELD = "000_bb7817d47544a525.txt"
QUOTE = "It has become a new trend and a new bright spot."


@pytest.mark.parametrize(("passage", "ok"), [(QUOTE, True), (QUOTE.replace("new", "big"), False)])
def test_a_held_source_quotes_verbatim(
    capsys: pytest.CaptureFixture[str], repo: Path, passage: str, ok: bool
) -> None:
    source = {**SOURCE, "id": "held-copy", "url": f"sources/{HELD}", "language": "en"}
    rows = (
        source,
        claim(
            kind="statement",
            id="new-trend",
            name_en="Live commerce as a new trend",
            speaker="official:chen-ping",
            evidence=passage,
            locator="para 20",
        ),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    if ok:
        assert code == 0, err
        graph = data_graph(repo)
        evidence = iri("evidence:statement-new-trend--held-copy")
        assert (evidence, OKG.quote, Literal(QUOTE, lang="en")) in graph
        assert (iri("source:held-copy"), OKG.heldFile, Literal(HELD)) in graph
    else:
        assert code == 1
        assert (
            "row 3, column evidence: a held source's evidence is quoted verbatim, "
            f"but this passage is not in sources/{HELD}" in err
        )


@pytest.mark.parametrize(
    ("table", "cls"),
    [
        (vocab.UNITS, OKG.Unit),
        (vocab.QUALIFIERS, OKG.Qualifier),
        (vocab.MEASURES, OKG.Measure),
        (vocab.RANKS, OKG.ClaimRank),
    ],
)
def test_every_sheet_value_maps_to_a_term_of_the_ontology(
    table: dict[str, str], cls: URIRef
) -> None:
    ontology = Graph().parse(PROJECT_ROOT / "ontology" / "okg.ttl")
    missing = [
        value for value, term in table.items() if (URIRef(term), RDF.type, cls) not in ontology
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("table", "top"),
    [(vocab.REGION_TYPES, OKG.Region), (vocab.ORGANIZATION_TYPES, OKG.Organization)],
)
def test_every_type_maps_to_a_class_of_the_ontology(table: dict[str, str], top: URIRef) -> None:
    ontology = Graph().parse(PROJECT_ROOT / "ontology" / "okg.ttl")
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, top))
    assert [value for value, term in table.items() if URIRef(term) not in classes] == []


def test_every_industry_is_in_the_scheme() -> None:
    data = data_graph(PROJECT_ROOT)
    assert [
        v
        for v, term in vocab.INDUSTRIES.items()
        if (URIRef(term), RDF.type, OKG.Industry) not in data
    ] == []


def test_a_copy_in_another_language_is_a_translation(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    original = {**SOURCE, "id": "original-zh", "language": "zh", "url": "https://example.org/zh"}
    assert intake(capsys, repo, sheet_text(original))[0] == 0
    translation = {**SOURCE, "id": "copy-en", "copy_of": "original-zh"}
    mirror = {**SOURCE, "id": "copy-zh", "language": "zh", "copy_of": "https://example.org/zh"}
    assert intake(capsys, repo, sheet_text(translation))[0] == 0
    assert intake(capsys, repo, sheet_text(mirror))[0] == 0
    graph = data_graph(repo)
    assert (iri("source:copy-en"), OKG.translatedFrom, iri("source:original-zh")) in graph
    assert (iri("source:copy-zh"), OKG.copyOf, iri("source:original-zh")) in graph


@pytest.mark.parametrize("name", ["Zǐguī County", "zi3gui1", "ZIGUI"])
def test_pinyin_with_or_without_tones_finds_the_region(
    capsys: pytest.CaptureFixture[str], repo: Path, name: str
) -> None:
    rows = (
        SOURCE,
        {
            "kind": "region",
            "id": "zg",
            "name_en": name,
            "type": "county",
            "within": "region:yichang",
        },
    )
    code, out, err, _ = intake(capsys, repo, sheet_text(*rows), "--dry-run")
    assert code == 0, err
    assert "reused  region:zigui-county" in out


def test_several_sheets_are_taken_in_dependency_order(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    """The confirming sheet comes first on the command line; it succeeds in the second pass."""
    first = repo / "sheets" / "a-confirms.csv"
    second = repo / "sheets" / "b-original.csv"
    first.parent.mkdir(exist_ok=True)
    confirm = {**SOURCE, "id": "example-2020-04-25", "url": "https://example.org/news/2"}
    rows = (
        confirm,
        claim(kind="broadcast", id="x", hosts="official:li-si", match="broadcast:2020-04-21-zigui"),
    )
    first.write_text(sheet_text(*rows), encoding="utf-8")
    second.write_text(sheet_text(*DONE_WHEN), encoding="utf-8")
    code = main(["intake", str(first), str(second), "--data", str(repo / "data")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.index("b-original.csv") < out.index("a-confirms.csv")
    broadcast = iri("broadcast:2020-04-21-zigui")
    assert len(list(data_graph(repo).objects(broadcast, OKG.evidence))) == 2


def test_a_reworded_office_of_the_same_body_is_the_same_office(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    rows = (
        SOURCE,
        claim(
            kind="official",
            id="wu-zuyun",
            name_en="Wu Zuyun",
            within="region:qianjiang",
            office_en="Party Secretary of Qianjiang",
        ),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    office = iri("office:secretary-of-cpc-qianjiang-municipal-committee")
    assert set(graph.objects(iri("official:wu-zuyun"), OKG.holdsOffice)) == {office}
    assert (office, SKOS.altLabel, Literal("Party Secretary of Qianjiang", lang="en")) in graph


def test_a_platform_named_in_a_cell_is_the_sheets_own_organization_row(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    rows = (
        SOURCE,
        {
            "kind": "organization",
            "id": "kuaishou",
            "name_en": "Kuaishou",
            "name_zh": "快手",
            "type": "platform",
        },
        claim(
            kind="broadcast",
            id="2020-04-21-wuhan",
            date="2020-04-21",
            hosts="official:li-qiang",
            platform="快手",
        ),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    assert (iri("broadcast:2020-04-21-wuhan"), OKG.platform, iri("organization:kuaishou")) in graph
    assert (iri("organization:kuaishou-2"), None, None) not in graph


def test_two_officials_in_one_office_share_it(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    deputy = {"within": "region:zigui-county", "office_en": "Deputy Head of Zigui County"}
    rows = (
        SOURCE,
        claim(kind="official", id="zhang-san", name_en="Zhang San", **deputy),
        claim(kind="official", id="wang-wu", name_en="Wang Wu", **deputy),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    office = iri("office:deputy-head-of-zigui-county")
    holders = set(graph.objects(office, OKG.heldBy))
    assert holders == {
        iri("official:song-junhua"),
        iri("official:zhang-san"),
        iri("official:wang-wu"),
    }
    assert (iri("office:deputy-head-of-zigui-county-2"), None, None) not in graph


def test_a_product_of_the_same_name_from_another_place_is_another_product(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    oranges = {"kind": "product", "name_en": "Zigui navel oranges", "industry": "agriculture"}
    rows = (
        SOURCE,
        {**oranges, "id": "same", "within": "region:yichang"},  # Zigui lies in Yichang: the same
        {**oranges, "id": "other", "within": "region:beijing"},  # same name, unrelated place
    )
    code, out, err, _ = intake(capsys, repo, sheet_text(*rows), "--dry-run")
    assert code == 0, err
    assert "reused  product:zigui-navel-oranges" in out and "row 3 'same'" in out
    assert "created product:other" in out


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_or_semicolon_separated_sheets_are_read(
    capsys: pytest.CaptureFixture[str], repo: Path, separator: str
) -> None:
    text = sheet_text(*DONE_WHEN)
    rows = list(csv.reader(io.StringIO(text)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\n").writerows(rows)
    code, out, err, _ = intake(capsys, repo, buffer.getvalue(), "--dry-run")
    assert code == 0, err
    assert "created official:li-si" in out


def figure_about(product: str, **cells: str) -> dict[str, str]:
    """A weight-sold figure of the DONE_WHEN broadcast, about ``product``."""
    return claim(
        kind="figure",
        of="2020-04-21-zigui",
        measure="weight-sold",
        unit="kg",
        qualifier="exactly",
        products=product,
        **cells,
    )


def test_a_figure_names_the_product_it_counts(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    """Figures of one measure about different products ('3,000 kg of rice noodles, 500 kg of
    honey') say which: okg:aboutProduct, so that no question takes them for a conflict."""
    rows = (
        *DONE_WHEN,
        figure_about("zigui-tea", id="tea-weight", value="500", stated_as="500 kg of tea"),
        figure_about(
            "product:zigui-navel-oranges", id="orange-weight", value="3000", stated_as="3,000 kg"
        ),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 0, err
    graph = data_graph(repo)
    assert set(graph.objects(iri("figure:tea-weight"), OKG.aboutProduct)) == {
        iri("product:zigui-tea")
    }
    assert set(graph.objects(iri("figure:orange-weight"), OKG.aboutProduct)) == {
        iri("product:zigui-navel-oranges")
    }
    assert main(["validate", "--data", str(repo / "data")]) == 0


def test_a_figure_about_a_brand_is_refused_with_row_and_column(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = digest(repo / "data")
    rows = (
        *DONE_WHEN,
        figure_about("brand:zhou-heiya", id="duck-weight", value="500", stated_as="500 kg"),
    )
    code, _, err, _ = intake(capsys, repo, sheet_text(*rows))
    assert code == 1
    assert "row 11, column products: figure:duck-weight [okg:aboutProduct]" in err
    assert digest(repo / "data") == before


# A city new to the graph, its deputy mayor (whose office needs the city's people's government),
# and, after him, the government itself as an organization row marked new — the shape of the
# Huanggang sheet, where intake once made the body twice.
EXAMPLE_CITY = (
    SOURCE,
    {
        "kind": "region",
        "id": "example-city",
        "name_en": "Example",
        "type": "city",
        "within": "region:hubei",
    },
    claim(
        kind="official",
        id="zhao-liu",
        name_en="Zhao Liu",
        within="example-city",
        office_en="Deputy Mayor of Example",
        evidence="Zhao Liu is named as a deputy mayor of Example.",
    ),
    claim(
        kind="organization",
        id="example-government",
        name_en="Example Municipal People's Government",
        type="government-body",
        within="example-city",
        match="new",
        evidence="The city government issued the plan.",
    ),
)


def test_an_office_and_an_organization_row_make_one_body(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    code, _, err, _ = intake(capsys, repo, sheet_text(*EXAMPLE_CITY))
    assert code == 0, err
    graph = data_graph(repo)
    bodies = set(graph.subjects(OKG.basedIn, iri("region:example-city")))
    assert bodies == {iri("organization:example-government")}
    office = iri("office:deputy-mayor-of-example")
    assert set(graph.objects(office, OKG.officeOf)) == bodies


def test_a_new_row_for_a_body_an_earlier_sheet_of_the_run_made_is_refused(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    """The first sheet's office creates the city's government; the second sheet marks the same
    government new: it fails, naming its sheet, row and the entity, and writes nothing."""
    first, second = repo / "sheets" / "a-office.csv", repo / "sheets" / "b-body.csv"
    first.parent.mkdir(exist_ok=True)
    first.write_text(sheet_text(*EXAMPLE_CITY[:3]), encoding="utf-8")
    again = {**SOURCE, "id": "example-2020-04-25", "url": "https://example.org/news/2"}
    body = {**EXAMPLE_CITY[3], "within": "region:example-city"}
    second.write_text(sheet_text(again, body), encoding="utf-8")
    code = main(["intake", str(first), str(second), "--data", str(repo / "data")])
    _, err = capsys.readouterr()
    assert code == 1
    assert str(second) in err
    assert (
        "row 3, column match: 'Example Municipal People's Government' is marked new, but the "
        "graph already holds organization:example-municipal-peoples-government" in err
    )
    graph = data_graph(repo)
    assert (iri("organization:example-government"), None, None) not in graph
    assert (iri("source:example-2020-04-25"), None, None) not in graph


def test_two_new_rows_for_one_entity_are_refused(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    before = digest(repo / "data")
    twice = {**EXAMPLE_CITY[3], "id": "city-government", "evidence": "", "locator": ""}
    code, _, err, _ = intake(capsys, repo, sheet_text(*EXAMPLE_CITY, twice))
    assert code == 1
    assert (
        "row 6, column match: 'Example Municipal People's Government' is new here, but row 5 "
        "of this sheet already creates it (organization:example-government)" in err
    )
    assert digest(repo / "data") == before
