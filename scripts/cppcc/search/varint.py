"""Lists of small non-negative integers as short strings, for the postings of the index.

Each number is written in groups of five bits, most significant first, one character a group;
every group but the last has 32 added, and a group's value is its character's place in
`DIGITS` (base64url's alphabet, which JSON writes without escapes). A posting's three numbers
take 4 characters where JSON's digits and commas took 8 or 9. search.js decodes it alike.
"""

from __future__ import annotations

DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {c: v for v, c in enumerate(DIGITS)}


def _number(n: int) -> str:
    if n < 0:
        raise ValueError(f"varint: negative number {n}")
    groups = [DIGITS[n & 31]]
    n >>= 5
    while n:
        groups.append(DIGITS[32 | n & 31])
        n >>= 5
    return "".join(reversed(groups))


_SMALL = [_number(n) for n in range(1024)]  # every number a posting usually holds, precomputed


def encode(numbers: list[int]) -> str:
    if numbers and (min(numbers) < 0 or max(numbers) >= len(_SMALL)):
        return "".join(map(_number, numbers))
    return "".join(map(_SMALL.__getitem__, numbers))


def decode(code: str) -> list[int]:
    out, n = [], 0
    for char in code:
        v = _VALUE.get(char)
        if v is None:
            raise ValueError(f"varint: {char!r} is not a digit")
        n = n << 5 | v & 31
        if v < 32:
            out.append(n)
            n = 0
    if code and _VALUE[code[-1]] >= 32:
        raise ValueError("varint: the string ends inside a number")
    return out
