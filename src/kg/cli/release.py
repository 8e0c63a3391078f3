"""``kg release VERSION``: validate, stamp the version into the sources, build the dumps.

Without ``--from``: validates the working tree, sets the ontology's owl:versionIRI, owl:versionInfo
and dcterms:modified, CITATION.cff and CHANGES.md (the ``kg diff`` since the last release tag), then
builds ``VERSION/`` in the releases folder (``releases_dir``, ``--out``); commit and tag
``vVERSION`` afterwards. With ``--from REV``: rebuilds the dumps of a tagged revision only (byte
for byte the same each time).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from kg.cli import ExitCode, add_setting_options, settings_from
from kg.config import PROJECT_ROOT, Settings
from kg.curation import release
from kg.curation.diff import (
    WORKING_TREE,
    DiffError,
    compare,
    last_release,
    load_version,
    render_markdown,
)
from kg.validation import ShapesError, validate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", help="the release's version, e.g. 1.0.0")
    parser.add_argument(
        "--date", type=date.fromisoformat, help="release date (default: today, UTC)"
    )
    parser.add_argument(
        "--from", dest="revision", help="rebuild the dumps of this git revision only"
    )
    parser.add_argument(
        "--repo", type=Path, default=PROJECT_ROOT, help="the project (default: this one)"
    )
    add_setting_options(parser, "release")


def run(args: argparse.Namespace) -> int:
    """Exit 0 on success, 1 when the data does not validate, 2 on bad input."""
    out = settings_from(args).releases_dir / args.version
    try:
        release.check_version(args.version)
        if args.revision:
            artefacts = rebuild(args.revision, args.version, args.repo, out)
        else:
            artefacts = prepare(args, out)
    except (release.ReleaseError, DiffError, ShapesError) as error:
        print(f"error: {error}", file=sys.stderr)
        return (
            ExitCode.NOT_CONFORMING
            if isinstance(error, release.NotConforming)
            else ExitCode.BAD_INPUT
        )
    for artefact in artefacts:
        print(f"{artefact.sha256}  {artefact.size:>9}  {out / artefact.name}")
    if not args.revision:
        print(f"Now commit the stamped sources and tag the release: git tag v{args.version}")
    return ExitCode.OK


def prepare(args: argparse.Namespace, out: Path) -> list[release.Artefact]:
    """Validate the working tree, stamp the version into its sources, build the release."""
    repo: Path = args.repo
    settings = Settings(
        ontology_dir=repo / "ontology", data_dir=repo / "data", shapes_dir=repo / "shapes"
    )
    if not validate(settings).conforms:
        raise release.NotConforming("the data does not conform to the shapes: run kg validate")
    day = args.date or datetime.now(UTC).date()
    changes = changes_since_last_release(repo)
    release.stamp_ontology(repo / "ontology" / "okg.ttl", args.version, day)
    release.stamp_citation(repo / "CITATION.cff", args.version, day)
    section = release.add_changes(repo / "CHANGES.md", args.version, day, changes)
    return release.build(repo, args.version, out, changes=section)


def changes_since_last_release(repo: Path) -> str:
    """The Markdown diff from the last release tag to the working tree (or a first-release note)."""
    previous = last_release(repo)
    new = load_version(WORKING_TREE, repo=repo)
    if previous is None:
        subjects = {s for s, _, _ in new.triples}
        return f"## First release\n\n{len(new.triples)} triples about {len(subjects)} subjects.\n"
    return render_markdown(compare(load_version(previous, repo=repo), new), heading="##")


def rebuild(revision: str, version: str, repo: Path, out: Path) -> list[release.Artefact]:
    """The dumps of a git revision, built from a temporary export of its sources."""
    with release.temporary_tree(revision, repo) as folder:
        return release.build(
            Path(folder), version, out, changes=release.changes_of(Path(folder), version)
        )
