"""The search index's format, written down once: what each file holds, and the constants both
engines share. indexing.py writes it, engine.py and engine.js read it; text.py and varint.py take
their constants from here, and engine.js takes the same constants from the manifest's `format`
(`client()`), so that no constant is spelt twice.

Every file lies under `ROOT` and is JSON (UTF-8, no spaces, sorted keys); `SCHEMAS` says the same
as JSON Schema, and the tests validate every file of a built index with it::

    manifest.json   {"version": int, "items": int, "proposals": int,
                     "shards": {"t", "u", "py", "n", "c": int},    (each a power of two)
                     "ranking": {"metaWeight", "minCoverage", "partialCoverage": float,
                                 "scale": int, "digits": int},
                     "query": {"functionWords": [str],             (count for nothing in a query)
                               "separators": str,     (may join the Latin runs of one pinyin word)
                               "maxAlias": int},                   (the longest name looked up)
                     "suggest": [str],                             (topics an empty result offers)
                     "format": client()}
    t/<k>.json      {term: [df_items, df_meta, postings]}  terms of 2+ characters, Latin words;
                    {term: [df_items, df_meta, postings, [form]]}  a term with other names
                    (aliases.yaml): the forms the corpus holds, its own name first
    u/<k>.json      the same for one-character (CJK) terms
    e/<t|u>.<k>.<j>.json   "postings"   the postings of a term of shard k of t/ (u/) longer than
                    indexing.OWN_FILE characters, its entry holding j in their place: the
                    shard's j-th such term, in sorted order
    py/<k>.json     {pinyin: [term]}   toneless pinyin of corpus words, or the initials of one of
                                       3+ characters (zjtx), -> the commonest word so spelt
    n/<k>.json      {rest: [head]}     terms of 3+ characters by all but their first two
                                       characters: 专精特新 is under 特新 as 专精
    c/<k>.json      {character: "readings"}   toneless pinyin of the characters of GB 2312 and
                                              of the corpus, joined by a space (重: chong zhong)
    t2s.json        {traditional character: simplified}     the corpus's characters only
    p/<n>.json      {"u": URL of proposal n (from the site root), "t": title, "s": speaker,
                     "i": [[id, label, head, body], ...]}   the speaker line, then its items in
                                                            reading order

A term (a pinyin key, a rest, a character alike) is in shard `hash(term) % shards[kind]`, where
the hash is `HASH_MULTIPLIER`-polynomial over the code points of its first `HASH_PREFIX`
characters, modulo 2**32 (a word shares the shard of its first two characters). `df_items`
counts the items holding the term and `df_meta` the proposals whose meta (title, topic, speaker) holds it, however many
postings are kept (a common term keeps every meta posting and only the items of highest impact,
indexing.MAX_POSTINGS); an impact is the BM25F weight times the ranking's `scale`; postings is
a `varint` string of triples (proposal minus the previous triple's proposal, item + 1, impact),
proposals ascending, an item `META` (written 0) for a proposal's meta. Items are numbered from 0
in the order of `p/<n>.json`'s "i"; proposals in reading order. An alias the corpus does not
hold has no postings: `[0, 0, "", [form]]`.

A varint number is written in groups of `GROUP_BITS` bits, most significant first, a character of
`DIGITS` each (its place is the group's value); every group but the last has 2**GROUP_BITS added.

Text is normalised (NFKC, lower case; then each character of `MARKED` decomposed canonically,
u + U+0308 written v and the `MARKS` dropped: ǎ -> a, ǜ -> v) and cut into runs of
the `CJK` ranges and of `LATIN`; a query's CJK run looks up its substrings of 2 to `MAX_WORD`
characters (to `maxAlias` for names); a query's Latin letters are read as pinyin of keys of up to
`MAX_PINYIN_KEY` letters. Scores are rounded to `digits` places of the manifest's ranking (see
ranking.py for the function).

The facets (faceting.py writes them, facets.py and facets.js read them) are all under `facets/`,
fetched only when a query is filtered or counted (a `varint` string holds numbers as above; a
*record* is the ids of the stored facets then the items of each kind, a *hit record* the same
without the last kind)::

    manifest.json    {"names", "kinds", "ranges", "stored": [str], "values": {facet: int},
                      "vocabBlock", "recordBlock", "listPage", "lead": int,  (lead: the items of
                      a proposal before its citable ones, which have no kind: the speaker line)
                      "keys": {facet: shards}, "shards": {table: int},
                      "shardBytes": {table: int}, "recordBytes", "blockBytes": int,
                                            (the average sizes a query weighs its reads by)
                      "runs": [[meeting, year (-1: none), first proposal, proposals, items of
                               each kind]]}  a meeting's run, newest first (a rank is a place)
    v/<facet>.<b>.json  [value or [value, label], ...]  the values of ids b * vocabBlock on
    n/<facet>.json   varint: items of each kind, for every value by id
    k/<facet>.<s>.json  {key: id}                   a URL's value, by `key_of`, hashed as a term
    r/<b>.json       varint: the records of proposals b * recordBlock on
    t/<k>.json, u/<k>.json  {term: varint}         the hit records of the proposals that the
                     term's entry in t/ (u/) names, in its order; sharded as a term, own count;
                     records of over indexing.OWN_FILE characters in e/ as the postings are
    s/<facet>.<id>.json {"n": proposals, "f": {other facet: varint (value minus the one before,
                     items of each kind) ...}, "pages": [first rank of each page of l/]}
    l/<facet>.<id>.<page>.json  varint: (rank minus the one before, record) of the value's
                     proposals, newest meeting first, listPage a page (stored facets only)
"""

from __future__ import annotations

import json

from .. import urls

ROOT = urls.SEARCH_INDEX  # under the site root; search.js finds the manifest here
VERSION = 2  # 2: the speaker line an item, aliases, initials, neighbours, readings
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # regex class ranges
LATIN = "a-z0-9"
MARKED = "\u00c0-\u024f\u1e00-\u1eff"  # Latin letters that may carry marks (ǎ, ü, ḿ)
MARKS = "\u0300-\u036f"  # the combining diacritical marks: pinyin's tone marks among them
MAX_WORD = 8
MAX_PINYIN_KEY = 6 * MAX_WORD
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # base64url's
GROUP_BITS = 5
HASH_MULTIPLIER = 31
HASH_PREFIX = 2
META = -1  # the item of a proposal-level (meta) posting
KINDS = ("t", "u", "py", "n", "c")  # shard folders
OWN = "e/"  # the folder of the postings kept in files of their own
FACETS = ("meeting", "year", "party", "topic", "kind")  # the filters, in the dialog's order
FACET_RANGES = ("meeting", "year")  # a meeting is a run of proposals: known from the runs
FACET_STORED = ("party", "topic")  # in every record, and listed for browsing
FACET_KINDS = ("background", "problem", "recommendation")  # an item's kind, in reading order

assert len(DIGITS) == 2 << GROUP_BITS


def own_file(table: str, k: int, j: int) -> str:
    """The path, under `ROOT` (or `facets/`), of the j-th long entry of shard k of `table`."""
    return f"{OWN}{table}.{k}.{j}.json"


def client() -> dict:
    """The constants engine.js reads from the manifest instead of spelling them."""
    return {"cjk": CJK, "latin": LATIN, "marked": MARKED, "marks": MARKS, "maxWord": MAX_WORD,
            "maxPinyinKey": MAX_PINYIN_KEY, "digits": DIGITS, "groupBits": GROUP_BITS,
            "hashMultiplier": HASH_MULTIPLIER, "hashPrefix": HASH_PREFIX, "meta": META}


_COUNT = {"type": "integer", "minimum": 0}
_TEXT = {"type": "string"}
_WORDS = {"type": "array", "items": _TEXT, "minItems": 1}
_VARINT = {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"}
_ENTRY = {"type": "array", "prefixItems": [_COUNT, _COUNT, {"anyOf": [_VARINT, _COUNT]}],
          "minItems": 3, "maxItems": 3}
_TERM = {**_ENTRY, "prefixItems": [*_ENTRY["prefixItems"], _WORDS], "maxItems": 4}


def _object(properties: dict, **more) -> dict:
    return {"type": "object", "properties": properties, "required": sorted(properties),
            "additionalProperties": False, **more}


_CLIENT = _object({"cjk": {"const": CJK}, "latin": {"const": LATIN},
                   "marked": {"const": MARKED}, "marks": {"const": MARKS},
                   "maxWord": {"const": MAX_WORD}, "maxPinyinKey": {"const": MAX_PINYIN_KEY},
                   "digits": {"const": DIGITS}, "groupBits": {"const": GROUP_BITS},
                   "hashMultiplier": {"const": HASH_MULTIPLIER},
                   "hashPrefix": {"const": HASH_PREFIX}, "meta": {"const": META}})
_NUMBER = {"type": "number"}
_SHARDS = {"enum": [1 << n for n in range(31)]}
_FACETS = _object({
    "names": {"const": list(FACETS)},
    "kinds": {"const": list(FACET_KINDS)}, "ranges": {"const": list(FACET_RANGES)},
    "stored": {"const": list(FACET_STORED)}, "values": _object({f: _COUNT for f in FACETS}),
    "vocabBlock": _COUNT, "recordBlock": _COUNT, "listPage": _COUNT, "lead": _COUNT,
    "keys": _object({f: _SHARDS for f in FACETS}),
    "shards": {"type": "object", "additionalProperties": _SHARDS},
    "shardBytes": {"type": "object", "additionalProperties": _COUNT},
    "recordBytes": _COUNT, "blockBytes": _COUNT,
    "runs": {"type": "array", "items": {
        "type": "array", "items": {"type": "integer", "minimum": -1},
        "minItems": 4 + len(FACET_KINDS), "maxItems": 4 + len(FACET_KINDS)}}})
_FACET_FILES = {
    "facets/": _FACETS,  # manifest.json, the one file of the folder itself
    "facets/v/": {"type": "array", "items": {"anyOf": [_TEXT, {
        "type": "array", "items": _TEXT, "minItems": 2, "maxItems": 2}]}},
    "facets/n/": _VARINT, "facets/r/": _VARINT, "facets/l/": _VARINT,
    "facets/k/": {"type": "object", "propertyNames": {"minLength": 1},
                  "additionalProperties": _COUNT},
    "facets/t/": {"type": "object", "propertyNames": {"minLength": 1},
                  "additionalProperties": {"anyOf": [_VARINT, _COUNT]}},
    "facets/u/": {"type": "object", "propertyNames": {"pattern": f"^[{CJK}]$"},
                  "additionalProperties": {"anyOf": [_VARINT, _COUNT]}},
    f"facets/{OWN}": _VARINT,
    "facets/s/": {"type": "object", "required": ["f", "n"], "additionalProperties": False,
                  "properties": {"n": _COUNT, "f": {"type": "object",
                                                    "propertyNames": {"enum": list(FACETS)},
                                                    "additionalProperties": _VARINT},
                                 "pages": {"type": "array", "items": _COUNT}}},
}
SCHEMAS = {
    "manifest.json": _object({
        "version": {"const": VERSION}, "items": _COUNT, "proposals": _COUNT,
        "shards": _object({k: {"enum": [1 << n for n in range(31)]} for k in KINDS}),
        "ranking": _object({"metaWeight": _NUMBER, "minCoverage": _NUMBER,
                            "partialCoverage": _NUMBER, "scale": _COUNT, "digits": _COUNT}),
        "query": _object({"functionWords": {"type": "array", "items": _TEXT},
                          "separators": _TEXT, "maxAlias": _COUNT}),
        "suggest": {"type": "array", "items": _TEXT},
        "format": _CLIENT}),
    "t/": {"type": "object", "propertyNames": {"minLength": 1}, "additionalProperties": _TERM},
    "u/": {"type": "object", "propertyNames": {"pattern": f"^[{CJK}]$"},
           "additionalProperties": _ENTRY},
    "py/": {"type": "object", "propertyNames": {"pattern": "^[a-z]{2,}$"},
            "additionalProperties": {"type": "array", "items": _TEXT, "minItems": 1,
                                     "maxItems": 1}},
    "n/": {"type": "object", "propertyNames": {"pattern": f"^[{CJK}]+$"},
           "additionalProperties": {**_WORDS, "items": {"type": "string",
                                                        "pattern": f"^[{CJK}]{{2}}$"}}},
    "c/": {"type": "object", "propertyNames": {"pattern": f"^[{CJK}]$"},
           "additionalProperties": {"type": "string", "pattern": "^[a-z]+( [a-z]+)*$"}},
    OWN: _VARINT,
    "t2s.json": {"type": "object", "propertyNames": {"minLength": 1, "maxLength": 1},
                 "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 1}},
    "p/": _object({"u": _TEXT, "t": _TEXT, "s": _TEXT,
                   "i": {"type": "array", "items": {"type": "array", "items": _TEXT,
                                                    "minItems": 4, "maxItems": 4}}}),
    **_FACET_FILES,
}


def schema_of(path: str) -> dict:
    """The JSON Schema of an index file, by its path under `ROOT`."""
    folder, _, name = path.rpartition("/")
    schema = SCHEMAS.get(f"{folder}/" if folder else name)
    if schema is None:
        raise KeyError(f"search index: {path} is no file of the format")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def dumps(data) -> bytes:
    """A file of the index, or a part of one, as JSON: compact, UTF-8, keys sorted."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
