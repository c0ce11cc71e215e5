"""The original's random stream: seedrandom 2.4.4 (ARC4, RC4-drop-256).

TensorFlow Playground replaces ``Math.random`` with ``Math.seedrandom(seed)``,
seeded with the seed *string* from the URL.  Reproducing it bit for bit is
what lets a TF Playground link with ``seed=`` give the same data and the same
first network here.
"""

from __future__ import annotations

import secrets

from core.errors import InvalidValue

__all__ = ["SeedRandom", "random_seed_string", "js_to_fixed5"]

_WIDTH = 256
_MASK = 255
_CHUNKS = 6
_START_DENOM = float(_WIDTH**_CHUNKS)  # 2**48
_SIGNIFICANCE = float(2**52)
_OVERFLOW = float(2**53)


def _mix_key(seed: str) -> list[int]:
    """seedrandom's ``mixkey``: fold the seed's UTF-16 code units into a key."""
    key: list[int] = []
    smear = 0
    units = seed.encode("utf-16-le")
    codes = [units[k] | (units[k + 1] << 8) for k in range(0, len(units), 2)]
    for j, code in enumerate(codes):
        slot = _MASK & j
        old = key[slot] if slot < len(key) else 0
        smear ^= old * 19
        value = _MASK & (smear + code)
        if slot < len(key):
            key[slot] = value
        else:
            key.extend([0] * (slot - len(key)))
            key.append(value)
    return key


class SeedRandom:
    """A seeded stream of doubles in [0, 1), identical to ``Math.seedrandom``.

    One object is one stream: the session owns it and passes it to whatever
    needs randomness, so nothing is ever seeded globally.
    """

    __slots__ = ("seed", "_s", "_i", "_j", "draws")

    def __init__(self, seed: str) -> None:
        self.seed = seed
        key = _mix_key(seed) or [0]  # the empty key is treated as [0]
        s = list(range(_WIDTH))
        j = 0
        keylen = len(key)
        for i in range(_WIDTH):
            t = s[i]
            j = _MASK & (j + key[i % keylen] + t)
            s[i] = s[j]
            s[j] = t
        self._s = s
        self._i = 0
        self._j = 0
        self.draws = 0  # how many doubles this stream has produced
        self._bytes(_WIDTH)  # RC4-drop-256

    @classmethod
    def from_state(cls, seed: str, state: bytes, i: int, j: int, draws: int) -> SeedRandom:
        """The stream at a position saved by ``state()``: ARC4's permutation
        ``state`` (256 bytes) and indices ``i``, ``j``.  Raises InvalidValue
        for anything that cannot be an ARC4 state."""
        if not isinstance(seed, str):
            raise InvalidValue("seed", f"expected a string, got {type(seed).__name__}")
        if not isinstance(state, (bytes, bytearray)) or sorted(state) != list(range(_WIDTH)):
            raise InvalidValue("state", f"expected a permutation of the {_WIDTH} byte values")
        for name, value, top in (("i", i, _MASK), ("j", j, _MASK), ("draws", draws, None)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (top is not None and value > top):
                limit = f"from 0 to {top}" if top is not None else "0 or more"
                raise InvalidValue(name, f"expected an integer {limit}, got {str(value)[:20]}")
        stream = cls.__new__(cls)
        stream.seed = seed
        stream._s = list(state)
        stream._i = i
        stream._j = j
        stream.draws = draws
        return stream

    def state(self) -> tuple[bytes, int, int]:
        """ARC4's position: the permutation (256 bytes) and the indices i, j."""
        return bytes(self._s), self._i, self._j

    def _bytes(self, count: int) -> int:
        """The next ``count`` keystream bytes as one big-endian integer."""
        s, i, j = self._s, self._i, self._j
        r = 0
        for _ in range(count):
            i = _MASK & (i + 1)
            t = s[i]
            j = _MASK & (j + t)
            s[i] = s[j]
            s[j] = t
            r = r * _WIDTH + s[_MASK & (s[i] + t)]
        self._i, self._j = i, j
        return r

    def random(self) -> float:
        """The next double in [0, 1), with seedrandom's exact float steps."""
        n = float(self._bytes(_CHUNKS))
        d = _START_DENOM
        x = 0
        while n < _SIGNIFICANCE:
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self._bytes(1)
        while n >= _OVERFLOW:
            n /= 2
            d /= 2
            x >>= 1
        self.draws += 1
        return (n + x) / d

    def uniform(self, a: float, b: float) -> float:
        """The original's ``randUniform``: ``r * (b - a) + a``."""
        return self.random() * (b - a) + a

    def new_seed(self) -> str:
        """A fresh seed string drawn from this stream, as the original's
        ``Math.random().toFixed(5)`` does when data is regenerated."""
        return js_to_fixed5(self.random())


def js_to_fixed5(value: float) -> str:
    """``Number.prototype.toFixed(5)`` for a value in [0, 1).

    JavaScript rounds the exact binary value to the nearest multiple of
    1e-5; Python's formatting does the same, and a tie cannot occur because
    no double is exactly halfway between two multiples of 1e-5.
    """
    return f"{value:.5f}"


def random_seed_string() -> str:
    """A seed for a page opened without one (the original uses the browser's
    unseeded ``Math.random().toFixed(5)``)."""
    return js_to_fixed5(secrets.randbelow(10**15) / 10**15)
