"""Lists of small non-negative integers as short strings, for the postings of the index.

Each number is written in groups of five bits, most significant first, one character a group;
every group but the last has 32 added, and a group's value is its character's place in
`DIGITS` (base64url's alphabet, which JSON writes without escapes). A posting's three numbers
take 4 characters where JSON's digits and commas took 8 or 9. engine.js decodes it alike.
The alphabet and the group size are the format's (format.py).
"""

from __future__ import annotations

from .format import DIGITS, GROUP_BITS

_LOW = (1 << GROUP_BITS) - 1  # a group's bits
_MORE = 1 << GROUP_BITS  # added to every group but a number's last
_VALUE = {c: v for v, c in enumerate(DIGITS)}


def _number(n: int) -> str:
    if n < 0:
        raise ValueError(f"varint: negative number {n}")
    groups = [DIGITS[n & _LOW]]
    n >>= GROUP_BITS
    while n:
        groups.append(DIGITS[_MORE | n & _LOW])
        n >>= GROUP_BITS
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
        n = n << GROUP_BITS | v & _LOW
        if v < _MORE:
            out.append(n)
            n = 0
    if code and _VALUE[code[-1]] >= _MORE:
        raise ValueError("varint: the string ends inside a number")
    return out
