"""The YAML holds every word of the printed page exactly once, in reading order, and nothing else.

The printed source is `proposals/<meeting.source>`. Its headers (headline, subtitle, titles,
speaker lines) are metadata; the markers 存在的问题 and 建议 are structure; everything else is
speaker text and must be found in exactly one proposal.
"""

import re
from collections import Counter

import pytest

from cppcc.loading import load_corpus

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
