#!/usr/bin/env python3
"""Keywords and related proposals against the judged set: precision and recall, and at scale.

    python scripts/bench/links.py [--code DIR] [--generated N] [--corpus DIR] [--quiet]

Reads the judged set (tests/judged_links.yaml) and measures the links of the real proposals with
the code of this checkout, or of the checkout DIR (`--code /work/main`: its `scripts/` first on
the path). Keywords: precision is the share of shown keywords judged good (`core` or `good`;
unjudged words count against), the share judged bad, and recall over the `core` terms. Related:
precision is the share of shown links judged `related` among those judged `related` or
`unrelated` (a link is one proposal's page pointing at another), recall the share of the
`related` links (both ways) shown.

With `--generated N`, a generated corpus of N proposals (scripts/generate_corpus.py, seed 1; kept
in `--corpus DIR` and reused from there) is linked too, and the seconds of each step printed (the
cut, the keywords, the related proposals of every proposal), with two checks of sense: the share
of proposals whose keywords hold their topic (or a topic it is made of), and the share of related
links whose two proposals share a topic.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
JUDGED = REPO / "tests" / "judged_links.yaml"
VERDICTS = ("related", "unrelated", "either")


@dataclass(frozen=True)
class Judged:
    """The judged set: per proposal its core, good and bad terms; per pair its verdict."""

    core: dict[str, frozenset[str]]
    good: dict[str, frozenset[str]]  # core and good together
    bad: dict[str, frozenset[str]]
    pairs: dict[frozenset[str], str]

    def verdict(self, a: str, b: str) -> str:
        return self.pairs[frozenset((a, b))]


def load_judged(path: Path = JUDGED, slugs: list[str] | None = None) -> Judged:
    """The judged set, checked: lists that do not overlap, every pair of `slugs` judged once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    core, good, bad = {}, {}, {}
    problems = []
    for slug, terms in data["keywords"].items():
        c, g, b = (frozenset(terms.get(k, ())) for k in ("core", "good", "bad"))
        for word in sorted((c | g) & b):
            problems.append(f"{slug}: {word} is judged both good and bad")
        core[slug], good[slug], bad[slug] = c, c | g, b
    pairs: dict[frozenset[str], str] = {}
    for entry in data["related"]:
        key = frozenset(entry["pair"])
        if key in pairs or len(key) != 2 or entry["judged"] not in VERDICTS:
            problems.append(f"pair {entry['pair']}: judged twice, not a pair, or not one of "
                            f"{VERDICTS}")
        pairs[key] = entry["judged"]
    for a, b in combinations(slugs or [], 2):
        if frozenset((a, b)) not in pairs:
            problems.append(f"pair {a} / {b} is not judged")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return Judged(core, good, bad, pairs)


@dataclass(frozen=True)
class Figures:
    keyword_precision: float  # shown keywords judged good / shown
    keyword_bad: float  # shown keywords judged bad / shown
    keyword_recall: float  # core terms shown / core terms
    related_precision: float  # links judged related / links judged related or unrelated
    related_recall: float  # links judged related shown / links judged related (both ways)
    links_shown: int
    links_judged: int


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def measure(links, judged: Judged) -> Figures:
    """The figures of a `cppcc.linking.Links` of the real proposals against the judged set."""
    shown = good = bad = core_found = core_total = 0
    for p in links.corpus.proposals:
        words = links.keywords.of(p)
        shown += len(words)
        good += sum(w in judged.good[p.slug] for w in words)
        bad += sum(w in judged.bad[p.slug] for w in words)
        core_found += len(judged.core[p.slug] & set(words))
        core_total += len(judged.core[p.slug])
    verdicts = [judged.verdict(p.slug, r.proposal.slug)
                for p in links.corpus.proposals for r in links.related(p)]
    wanted = 2 * sum(v == "related" for v in judged.pairs.values())
    judged_links = sum(v != "either" for v in verdicts)
    return Figures(ratio(good, shown), ratio(bad, shown), ratio(core_found, core_total),
                   ratio(verdicts.count("related"), judged_links),
                   ratio(verdicts.count("related"), wanted), len(verdicts), judged_links)


def details(links, judged: Judged) -> list[str]:
    """Per proposal: its keywords marked + good, - bad, ? unjudged; its links with verdicts."""
    lines = []
    for p in links.corpus.proposals:
        marks = [("+" if w in judged.good[p.slug] else "-" if w in judged.bad[p.slug] else "?") + w
                 for w in links.keywords.of(p)]
        lines.append(f"{p.slug}: {' '.join(marks)}")
        lines += [f"    -> {r.proposal.slug} [{judged.verdict(p.slug, r.proposal.slug)}] "
                  f"{'、'.join(r.shared)}" for r in links.related(p)]
    return lines


def topics_of(topic: str, known: list[str]) -> set[str]:
    """The generator's topics a generated proposal's topic is made of (it joins two at times)."""
    return {t for t in known if t in topic} or {topic}


def at_scale(n: int, corpus_dir: Path) -> list[str]:
    """Seconds per step and the two checks of sense on a generated corpus of N proposals."""
    from cppcc.linking import Links
    from cppcc.loading import load_corpus
    from generate_corpus import TOPICS, generate

    if not (corpus_dir / "meetings").is_dir() or len(list(corpus_dir.glob("*.yaml"))) != n:
        generate(corpus_dir, n, seed=1)
    corpus = load_corpus(corpus_dir)
    links = Links(corpus)
    t0 = time.perf_counter()
    links.segmenter.prepare()
    t1 = time.perf_counter()
    keywords = {p.slug: links.keywords.of(p) for p in corpus.proposals}
    t2 = time.perf_counter()
    related = {p.slug: links.related(p) for p in corpus.proposals}
    t3 = time.perf_counter()
    topics = {p.slug: topics_of(p.topic, TOPICS) for p in corpus.proposals}
    with_topic = sum(bool(({p.topic} | topics[p.slug]) & set(keywords[p.slug]))
                     for p in corpus.proposals)
    pairs = [(s, r.proposal.slug) for s, found in related.items() for r in found]
    on_topic = sum(bool(topics[a] & topics[b]) for a, b in pairs)
    return [
        (f"generated corpus of {n}: cut {t1 - t0:.2f} s, keywords {t2 - t1:.2f} s, "
         f"related {t3 - t2:.2f} s (keywords + related {t3 - t1:.2f} s)"),
        f"  proposals whose keywords hold their topic: {ratio(with_topic, n):.0%}",
        (f"  related links: {len(pairs)} ({ratio(len(pairs), n):.2f} a proposal), "
         f"sharing a topic: {ratio(on_topic, len(pairs)):.0%}"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, help="a checkout whose scripts/ to measure")
    parser.add_argument("--generated", type=int, default=0, help="also link N generated proposals")
    parser.add_argument("--corpus", type=Path, default=None, help="where the generated corpus is kept")
    parser.add_argument("--quiet", action="store_true", help="figures only, no per-proposal lines")
    args = parser.parse_args(argv)
    scripts = (args.code or REPO).resolve() / "scripts"
    sys.path[:0] = [str(scripts), str(REPO / "scripts")]  # cppcc from `--code`; the generator here
    for name in [m for m in sys.modules if m == "cppcc" or m.startswith("cppcc.")]:
        del sys.modules[name]
    from cppcc.linking import Links
    from cppcc.loading import load_corpus

    corpus = load_corpus(REPO / "proposals")
    judged = load_judged(JUDGED, [p.slug for p in corpus.proposals])
    links = Links(corpus)
    f = measure(links, judged)
    print(f"code: {scripts}")
    if not args.quiet:
        print("\n".join(details(links, judged)))
    print(f"keywords: precision {f.keyword_precision:.0%}, judged bad {f.keyword_bad:.0%}, "
          f"recall of core terms {f.keyword_recall:.0%}")
    print(f"related: precision {f.related_precision:.0%} ({f.links_judged} judged of "
          f"{f.links_shown} links shown), recall {f.related_recall:.0%}")
    if args.generated:
        corpus_dir = args.corpus or Path("/tmp") / f"cppcc-links-corpus-{args.generated}"
        print("\n".join(at_scale(args.generated, corpus_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
