"""A small QR code encoder for the letters' EPC codes: byte mode, error level M, one fixed mask.

segno builds a general QR code in ~1.2 ms of pure Python per new payload, a tenth of the whole
letter. The EPC payload is always one byte-mode segment at error level M (versions 1–13) and the
letters use one fixed mask, so everything except the data is the same for every letter of a
version: the function patterns (finders, timing, alignment, format and version information) and
the zigzag order of the data modules are computed once per version (:func:`_symbol`), and a letter
only pays for its codewords, the Reed–Solomon error correction and one join. The result is the
same matrix segno makes with ``error="m", boost_error=False, mask=...``; the tests check that on
payloads of every version, and that zbarimg reads the printed code.

ISO/IEC 18004:2015: 7.4 data encoding, 7.5 error correction, 7.6 interleaving, 7.7 placement,
7.8 masking, 7.9 format information, 7.10 version information. The construction follows Project
Nayuki's QR Code generator (MIT), reduced to this one case.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

MAX_VERSION = 13  # EPC069-12: an EPC QR code is at most version 13

# Error level M, versions 0 (unused) to 13: error-correction codewords per block, number of blocks.
_ECC_PER_BLOCK = (0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22)
_BLOCKS = (0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9)
_FORMAT_M = 0  # the two error-level bits of the format information for level M


def _raw_data_modules(version: int) -> int:
    """Modules left for data and error correction once the function patterns are drawn."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        n_align = version // 7 + 2
        result -= (25 * n_align - 10) * n_align - 55
        if version >= 7:
            result -= 36
    return result


def _data_codewords(version: int) -> int:
    return _raw_data_modules(version) // 8 - _ECC_PER_BLOCK[version] * _BLOCKS[version]


def _alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    n_align = version // 7 + 2
    step = (version * 8 + n_align * 3 + 5) // (n_align * 4 - 4) * 2
    size = version * 4 + 17
    return [6, *reversed([size - 7 - i * step for i in range(n_align - 1)])]


# ---------------------------------------------------------------- Reed–Solomon over GF(2^8)
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


@functools.cache
def _generator_logs(degree: int) -> tuple[int, ...]:
    """The generator polynomial's coefficients (highest first, leading 1 left out), as logarithms."""
    coefficients = [1]
    for i in range(degree):
        nxt = [0] * (len(coefficients) + 1)
        for j, c in enumerate(coefficients):
            nxt[j] ^= c
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        coefficients = nxt
    return tuple(_LOG[c] for c in coefficients[1:])


def _ecc(data: bytes | bytearray, degree: int) -> list[int]:
    """The remainder of data(x)·x^degree divided by the generator polynomial."""
    gen = _generator_logs(degree)
    exp, log = _EXP, _LOG
    rem = [0] * degree
    for byte in data:
        factor = byte ^ rem.pop(0)
        rem.append(0)
        if factor:
            lf = log[factor]
            for i, g in enumerate(gen):
                rem[i] ^= exp[lf + g]
    return rem


# ---------------------------------------------------------------- the symbol of one version
@dataclass(frozen=True, slots=True)
class _Symbol:
    version: int
    size: int
    data_codewords: int
    data_bits: int  # modules that carry codewords or remainder bits
    mask_bits: int  # the mask over those modules, in placement order, as one integer
    template: str  # function modules, '1' dark, in the order ``order`` expects them
    order: itemgetter[Any]  # picks every module of the matrix, row by row, from data + template


def _format_bits(mask: int) -> int:
    data = _FORMAT_M << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    return (data << 10 | rem) ^ 0x5412


@functools.cache
def _symbol(version: int, mask: int) -> _Symbol:
    size = version * 4 + 17
    dark = [[False] * size for _ in range(size)]
    function = [[False] * size for _ in range(size)]

    def put(x: int, y: int, is_dark: bool) -> None:
        dark[y][x] = is_dark
        function[y][x] = True

    for i in range(size):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):  # finders with their separators
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                x, y = cx + dx, cy + dy
                if 0 <= x < size and 0 <= y < size:
                    put(x, y, max(abs(dx), abs(dy)) not in (2, 4))
    positions = _alignment_positions(version)
    last = len(positions) - 1
    for i, ax in enumerate(positions):
        for j, ay in enumerate(positions):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue  # the finders are there
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    put(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
    bits = _format_bits(mask)
    for i in range(6):
        put(8, i, bool(bits >> i & 1))
    put(8, 7, bool(bits >> 6 & 1))
    put(8, 8, bool(bits >> 7 & 1))
    put(7, 8, bool(bits >> 8 & 1))
    for i in range(9, 15):
        put(14 - i, 8, bool(bits >> i & 1))
    for i in range(8):
        put(size - 1 - i, 8, bool(bits >> i & 1))
    for i in range(8, 15):
        put(8, size - 15 + i, bool(bits >> i & 1))
    put(8, size - 8, True)  # the dark module
    if version >= 7:
        rem = version
        for _ in range(12):
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
        vbits = version << 12 | rem
        for i in range(18):
            a, b = size - 11 + i % 3, i // 3
            put(a, b, bool(vbits >> i & 1))
            put(b, a, bool(vbits >> i & 1))

    # Data modules in placement order: two-module columns from the right, zigzagging up and down,
    # skipping the vertical timing column.
    placement: list[tuple[int, int]] = []
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = (right + 1) & 2 == 0
        for vert in range(size):
            y = size - 1 - vert if upward else vert
            for x in (right, right - 1):
                if not function[y][x]:
                    placement.append((x, y))
        right -= 2
    n = len(placement)
    mask_bits = 0
    for x, _y in placement:
        mask_bits = mask_bits << 1 | _mask_dark(mask, x, _y)
    source = {xy: i for i, xy in enumerate(placement)}
    template: list[str] = []
    picks: list[int] = []
    for y in range(size):
        for x in range(size):
            if (x, y) in source:
                picks.append(source[x, y])
            else:
                picks.append(n + len(template))
                template.append("1" if dark[y][x] else "0")
    return _Symbol(
        version=version,
        size=size,
        data_codewords=_data_codewords(version),
        data_bits=n,
        mask_bits=mask_bits,
        template="".join(template),
        order=itemgetter(*picks),
    )


def _mask_dark(mask: int, x: int, y: int) -> int:
    """ISO/IEC 18004 7.8.2: whether the mask inverts the module in column x, row y."""
    conditions = (
        (y + x) % 2 == 0,
        y % 2 == 0,
        x % 3 == 0,
        (y + x) % 3 == 0,
        (y // 2 + x // 3) % 2 == 0,
        y * x % 2 + y * x % 3 == 0,
        (y * x % 2 + y * x % 3) % 2 == 0,
        ((y + x) % 2 + y * x % 3) % 2 == 0,
    )
    return int(conditions[mask])


def _version_for(length: int) -> int:
    """The smallest version whose level-M capacity holds ``length`` bytes in one byte-mode segment."""
    for version in range(1, MAX_VERSION + 1):
        count_bits = 8 if version <= 9 else 16
        if 4 + count_bits + 8 * length <= 8 * _data_codewords(version):
            return version
    raise ValueError(f"{length} bytes do not fit in a version-{MAX_VERSION} QR code at error level M")


def _codewords(payload: bytes, symbol: _Symbol) -> bytes:
    """Data codewords (7.4) with error correction, split into blocks and interleaved (7.5, 7.6)."""
    capacity = symbol.data_codewords * 8
    count_bits = 8 if symbol.version <= 9 else 16
    bits = (0b0100 << count_bits | len(payload)) << 8 * len(payload) | int.from_bytes(payload)
    length = 4 + count_bits + 8 * len(payload)
    terminator = min(4, capacity - length)
    length += terminator
    # Like segno: pad to the byte boundary with zeros, and with a whole zero byte when the stream
    # already ends on one (a decoder stops reading at the terminator, so the byte is harmless; doing
    # the same keeps our codes module for module identical to segno's).
    pad_to_byte = min(8 - length % 8, capacity - length)
    bits <<= terminator + pad_to_byte
    length += pad_to_byte
    data = bytearray(bits.to_bytes(length // 8))
    pad = b"\xec\x11" * symbol.data_codewords
    data += pad[: symbol.data_codewords - len(data)]

    version = symbol.version
    n_blocks, degree = _BLOCKS[version], _ECC_PER_BLOCK[version]
    raw = _raw_data_modules(version) // 8
    short_len = raw // n_blocks - degree  # data codewords in a short block
    n_short = n_blocks - raw % n_blocks
    blocks, ecc, k = [], [], 0
    for i in range(n_blocks):
        length = short_len + (0 if i < n_short else 1)
        block = data[k : k + length]
        k += length
        blocks.append(block)
        ecc.append(_ecc(block, degree))
    out = bytearray()
    for i in range(short_len + 1):
        for j, block in enumerate(blocks):
            if i < short_len or j >= n_short:
                out.append(block[i])
    for i in range(degree):
        for e in ecc:
            out.append(e[i])
    return bytes(out)


def qr_rows(payload: bytes, *, mask: int) -> tuple[str, ...]:
    """The QR code for ``payload`` (byte mode, level M) as rows of '1' (dark) and '0' (light)."""
    if not 0 <= mask <= 7:
        raise ValueError(f"mask must be 0–7, got {mask}")
    symbol = _symbol(_version_for(len(payload)), mask)
    codewords = _codewords(payload, symbol)
    remainder = symbol.data_bits - 8 * len(codewords)
    bits = (int.from_bytes(codewords) << remainder) ^ symbol.mask_bits
    modules = "".join(symbol.order(f"{bits:0{symbol.data_bits}b}" + symbol.template))
    size = symbol.size
    return tuple(modules[i : i + size] for i in range(0, size * size, size))
