"""`cppcc check` validates the proposals with the build's own messages; `cppcc schema` writes
the JSON Schema files that editors use; `cppcc permalinks [--update]` checks (and records)
the published permalinks in proposals/permalinks.txt; `cppcc import` drafts proposal YAML from
the office's documents (`importing/`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import permalinks
from .loading import LoadError, load_corpus
from .schema import schema_texts


def check(proposals_dir: Path) -> int:
    """Print every problem and a count to stderr and return 1, or a summary and return 0."""
    try:
        corpus = load_corpus(proposals_dir, display_root=proposals_dir.resolve().parent)
    except LoadError as error:
        print(error.report(), file=sys.stderr)
        return 1
    items = sum(len(list(p.items())) for p in corpus.proposals)
    print(f"{len(corpus.meetings)} meeting(s), {len(corpus.proposals)} proposals, "
          f"{items} items: no errors")
    return 0


def write_schema(proposals_dir: Path) -> int:
    if not proposals_dir.is_dir():
        print(f"{proposals_dir}: must be an existing directory", file=sys.stderr)
        return 2
    for name, text in schema_texts().items():
        (proposals_dir / name).write_text(text, encoding="utf-8")
        print(f"wrote {proposals_dir / name}")
    return 0


def check_permalinks(proposals_dir: Path, update: bool) -> int:
    """Check proposals/permalinks.txt against the YAML; with `update`, record new permalinks."""
    try:
        corpus = load_corpus(proposals_dir, display_root=proposals_dir.resolve().parent)
    except LoadError as error:
        print(error.report(), file=sys.stderr)
        return 1
    manifest = proposals_dir / permalinks.MANIFEST
    recorded = permalinks.read_manifest(manifest) if manifest.is_file() else []
    result = permalinks.check(corpus, recorded)
    if result.missing:
        print("\n".join(result.problems(str(manifest))), file=sys.stderr)
        return 1
    if update:
        permalinks.write_manifest(manifest, recorded + result.new)
        print(f"{manifest}: {len(result.new)} new permalink(s) recorded")
    elif result.new:
        print(result.advice(str(manifest)), file=sys.stderr)
        return 1
    else:
        print(f"{manifest}: all {len(recorded)} published permalinks land")
    return 0


def import_documents(files: list[Path], meeting: str, out: Path, force: bool) -> int:
    """Draft YAML from documents; the report on stdout; 1 if a file or a draft failed."""
    from . import importing  # jieba and python-docx load only for this command

    result = importing.run(files, meeting, out, force)
    print("\n".join(result.lines))
    return 1 if result.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cppcc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("check", "validate the YAML files"),
                            ("schema", "write the JSON Schema files")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("proposals_dir", nargs="?", default="proposals", type=Path)
    cmd = sub.add_parser("permalinks", help="check (or --update) the published permalinks")
    cmd.add_argument("proposals_dir", nargs="?", default="proposals", type=Path)
    cmd.add_argument("--update", action="store_true", help="record new permalinks")
    cmd = sub.add_parser("import", help="draft proposal YAML from .docx, .txt or .md documents")
    cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")
    cmd.add_argument("--meeting", required=True, help="the meeting's id, e.g. liaoyuan-9-3")
    cmd.add_argument("--out", required=True, type=Path, help="the folder the drafts go into")
    cmd.add_argument("--force", action="store_true", help="replace drafts that exist")
    args = parser.parse_args(argv)
    if args.command == "import":
        return import_documents(args.files, args.meeting, args.out, args.force)
    if args.command == "permalinks":
        return check_permalinks(args.proposals_dir, args.update)
    return (check if args.command == "check" else write_schema)(args.proposals_dir)


if __name__ == "__main__":
    sys.exit(main())
