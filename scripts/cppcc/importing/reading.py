"""Documents → paragraphs, each with the place it stood (`file:line` or `file:¶n`).

`.docx` through python-docx (a heading style or an outline level marks a heading, Word's own
numbering marks a list item); `.txt` and `.md` as UTF-8 (a byte-order mark is read as nothing)
or, failing that, GB18030, which Chinese Windows saves. A Markdown heading (`# …`) and list
marker (`- `, `1. `) are read as such and not kept in the text.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".docx", ".txt", ".md")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_BULLET = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")


class ReadError(Exception):
    """A file that cannot be read, with the reason in one line."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: str  # "file:line" or "file:¶n"
    heading: bool = False
    listed: bool = False  # a list item by the document's own numbering (Word, Markdown)


def decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise ReadError(f"{name}: neither UTF-8 nor GB18030 text (byte {error.start})") from None


def read_text(path: Path, markdown: bool) -> list[Paragraph]:
    text = decode(path.read_bytes(), str(path))
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        heading = listed = False
        if markdown and (found := _MD_HEADING.match(line)):
            line, heading = line[found.end():], True
        elif markdown and (found := _MD_BULLET.match(line)):
            line, listed = line[found.end():], True
        if line.strip():
            out.append(Paragraph(line, f"{path}:{number}", heading, listed))
    return out


def read_docx(path: Path) -> list[Paragraph]:
    import docx  # python-docx; imported here so that the rest of the package needs none of it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError(f"{path}: not a Word .docx document ({error or type(error).__name__})") \
            from None
    out = []
    for number, para in enumerate(document.paragraphs, 1):
        if not para.text.strip():
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        props = para._p.pPr
        listed = props is not None and props.numPr is not None or style.startswith("list")
        heading = style.startswith(("heading", "title")) or (
            props is not None and props.find(docx.oxml.ns.qn("w:outlineLvl")) is not None)
        out.append(Paragraph(para.text, f"{path}:¶{number}", heading, listed and not heading))
    return out


def read(path: Path) -> list[Paragraph]:
    """The paragraphs of one document, or ReadError saying why not."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"{path}: cannot read '{suffix or path.name}' files "
                        f"(only {', '.join(SUFFIXES)})")
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    try:
        if suffix == ".docx":
            return read_docx(path)
        return read_text(path, markdown=suffix == ".md")
    except OSError as error:
        raise ReadError(f"{path}: {error.strerror or error}") from None
