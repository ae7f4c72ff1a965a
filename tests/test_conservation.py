"""The YAML holds every word of the printed page exactly once, in reading order, and nothing else;
the built pages show every one of them.

The printed source is `proposals/<meeting.source>`. Its headers (headline, subtitle, titles,
speaker lines) are metadata; the markers 存在的问题 and 建议 are structure; everything else is
speaker text and must be found in exactly one proposal. The pages show that text with the OCR's
ASCII marks full width where they stand in Chinese (`punctuation.full_width`, the function the
pages use): one mark for its twin, no word added or lost.
"""

import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from cppcc.loading import load_corpus
from cppcc.punctuation import FULL_WIDTH, full_width

MARKERS = re.compile(r"存在的问题[::。]|建议[::]")
PIECE = re.compile(r"[^。;;::]+")


@pytest.fixture(scope="module")
def corpus(repo):
    return load_corpus(repo / "proposals")


@pytest.fixture(scope="module")
def source(repo, corpus):
    (meeting,) = corpus.meetings
    return (repo / "proposals" / meeting.source).read_text(encoding="utf-8")


def header_lines(corpus):
    meeting = corpus.meetings[0]
    lines = {meeting.headline, meeting.subtitle}
    for p in corpus.proposals:
        lines |= {p.title, f"{p.speaker.body}{p.speaker.role} {p.speaker.name}"}
    return lines


def body_paragraphs(source, corpus):
    """The printed paragraphs that carry speaker text, markers removed."""
    headers = header_lines(corpus)
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    assert headers <= set(lines), f"metadata not printed as such: {headers - set(lines)}"
    return [MARKERS.sub("", line) for line in lines if line not in headers]


def pieces(text):
    return [p for p in PIECE.findall(text) if len(p) >= 4]


def test_every_printed_piece_is_in_exactly_one_proposal_in_order(source, corpus):
    texts = {p.slug: p.speaker_text for p in corpus.proposals}
    checked = 0
    for paragraph in body_paragraphs(source, corpus):
        owners = set()
        for piece in pieces(paragraph):
            found = [slug for slug, text in texts.items() if piece in text]
            assert len(found) == 1, f"{piece!r} is in {found or 'no proposal'}"
            owners |= set(found)
            checked += 1
        if owners:
            (slug,) = owners  # one printed paragraph never spans two proposals
            positions = [texts[slug].index(piece) for piece in pieces(paragraph)]
            assert positions == sorted(positions), f"pieces out of order in {slug}: {paragraph[:20]}"
    assert checked >= 170  # the page has 178 such pieces


def test_no_speaker_text_is_missing_from_the_source(source, corpus):
    paragraphs = body_paragraphs(source, corpus)

    def printed(piece):
        if any(piece in p for p in paragraphs):
            return True
        # a word broken across two printed paragraphs: the tail of one, the head of another
        return any(
            piece[:cut] and a.endswith(piece[:cut]) and b.startswith(piece[cut:])
            for cut in range(1, len(piece))
            for a in paragraphs
            for b in paragraphs
            if a is not b
        )

    for proposal in corpus.proposals:
        for item in proposal.items():
            for piece in PIECE.findall(item.speaker_text):
                assert printed(piece), f"{proposal.slug}#{item.id}: {piece!r} is not printed"


def test_same_characters_as_the_page(source, corpus):
    """Nothing added, nothing dropped: the same multiset of characters, markers aside."""
    printed = Counter("".join(body_paragraphs(source, corpus)))
    written = Counter("".join(p.speaker_text for p in corpus.proposals))
    assert written == printed, (written - printed, printed - written)


# -- what the pages show ---------------------------------------------------------------------------

HALF_WIDTH = str.maketrans({twin: mark for mark, twin in FULL_WIDTH.items()})


def parts(corpus):
    """(proposal, item, [its texts]) of every item: a passage's text, a recommendation's
    headline and body."""
    return [(p, item, [t for t in item.parts if t]) for p in corpus.proposals for item in p.items()]


def shown_on_page(element) -> list[str]:
    """The speaker's texts of an item element, as the page shows them: its paragraphs and
    headline without their number, notes, cross-references and actions."""
    element = BeautifulSoup(str(element), "html.parser")
    for extra in element.select("aside, .cppcc-num, .cppcc-xref, .cppcc-actions, button"):
        extra.decompose()
    root = element.find(True)
    return [t.get_text().removeprefix(" ") for t in root.find_all(["p", "h3"], recursive=False)]


def test_the_pages_marks_change_only_ascii_marks_for_their_twins(corpus):
    changed = Counter()
    for _, _, texts in parts(corpus):
        for text in texts:
            shown = full_width(text)
            assert len(shown) == len(text)
            changed.update((a, b) for a, b in zip(text, shown, strict=True) if a != b)
    assert set(changed) <= set(FULL_WIDTH.items()), changed
    # the OCR's 234 commas, 51 semicolons and 8 pairs of parentheses all stand in Chinese
    assert [changed[(mark, FULL_WIDTH[mark])] for mark in ",;()"] == [234, 51, 8, 8]


def test_every_item_on_its_page_is_its_text_as_shown(site_dir, corpus):
    for p in corpus.proposals:
        page = BeautifulSoup((site_dir / p.slug / "index.html").read_text("utf-8"), "html.parser")
        for item in p.items():
            texts = [t for t in item.parts if t]
            assert shown_on_page(page.find(id=item.id)) == [full_width(t) for t in texts], item.id


def test_the_pages_hold_every_printed_character(site_dir, source, corpus):
    """Page by page, nothing added and nothing dropped: the printed characters, each mark and
    its full-width twin counted as one."""
    shown = Counter()
    for p in corpus.proposals:
        page = BeautifulSoup((site_dir / p.slug / "index.html").read_text("utf-8"), "html.parser")
        for item in p.items():
            shown.update("".join(shown_on_page(page.find(id=item.id))).translate(HALF_WIDTH))
    printed = Counter("".join(body_paragraphs(source, corpus)).translate(HALF_WIDTH))
    assert shown == printed, (shown - printed, printed - shown)
