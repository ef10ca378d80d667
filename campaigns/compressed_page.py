"""A cached page compressed once, with per-request values spliced in uncompressed.

The anonymous statement page is the same for every reader but for the CSRF token,
and with 10,000 signatories it weighs 1.26 MB: about 150 KB with gzip. Compressing
it per request would cost ~20 ms of CPU, more than serving it. So the parts around
the token are compressed once, each ending on a byte boundary (``Z_FULL_FLUSH``:
no back-references across it), and each request only joins them with the token
written as a *stored* (uncompressed) deflate block, then adds the gzip trailer.

Keeping the token out of the compressed data also means a compression side channel
(BREACH) cannot guess it: it never shares a compression window with the page.

The gzip trailer holds the CRC-32 of the whole page. Hashing the parts after the
first token again on every request cost 0.6 ms (they hold the sign-on forms);
instead each part's CRC is worked out once and combined with the values' CRCs as
zlib's ``crc32_combine`` does, with the GF(2) operators precomputed per length.
"""

import functools
import re
import struct
import zlib
from functools import cached_property

# Magic, deflate, no flags, no modification time, no extra flags, unknown OS (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# The last block of the stream: an empty block with fixed Huffman codes, marked final.
FINAL_EMPTY_BLOCK = b"\x03\x00"
MAX_STORED_BLOCK = 0xFFFF
COMPRESSION_LEVEL = 6

_accepts_gzip = re.compile(r"\bgzip\b")


def accepts_gzip(request) -> bool:
    return bool(_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


def _compressed_part(part: bytes) -> bytes:
    compressor = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH)


# --- CRC-32 of concatenations (zlib's crc32_combine, with reusable operators) ---------
#
# Appending n zero bytes to a CRC-32 register is a linear map over GF(2): a 32x32
# matrix, stored as the images of the 32 unit vectors. Then
# crc32(a + b) == _times(_zeros_operator(len(b)), crc32(a)) ^ crc32(b).


def _times(matrix, vector: int) -> int:
    total = 0
    row = 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _compose(first, then):
    return tuple(_times(then, column) for column in first)


@functools.cache
def _power_of_two_zeros_operator(exponent: int):
    """The operator that appends 2**exponent zero bytes."""
    if exponent == 0:
        one_zero_bit = (0xEDB88320, *(1 << n for n in range(31)))  # the CRC-32 polynomial, reflected
        operator = one_zero_bit
        for _ in range(3):  # 2, 4, then 8 zero bits: one byte
            operator = _compose(operator, operator)
        return operator
    half = _power_of_two_zeros_operator(exponent - 1)
    return _compose(half, half)


@functools.lru_cache(maxsize=256)
def _zeros_operator(length: int):
    operator = tuple(1 << n for n in range(32))  # identity: no zero bytes
    exponent = 0
    while length:
        if length & 1:
            operator = _compose(operator, _power_of_two_zeros_operator(exponent))
        length >>= 1
        exponent += 1
    return operator


def crc32_combine(crc_first: int, crc_second: int, length_second: int) -> int:
    """``zlib.crc32(first + second)`` from the CRCs of the two and the length of the second."""
    return _times(_zeros_operator(length_second), crc_first) ^ crc_second


def _stored_block(data: bytes) -> bytes:
    """A non-final stored deflate block; the stream is byte-aligned where it goes."""
    if len(data) > MAX_STORED_BLOCK:
        raise ValueError("A stored block holds at most 65,535 bytes.")
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


class PageWithSlots:
    """A page cut where per-request values go (a token, a time stamp): served plain or gzip-compressed.

    ``placeholders`` are byte strings written in the page where the values go; each
    request gives a value per placeholder.
    """

    def __init__(self, content: bytes, placeholders):
        pattern = re.compile(b"(" + b"|".join(re.escape(placeholder) for placeholder in placeholders) + b")")
        pieces = pattern.split(content)
        self.parts = pieces[0::2]
        self.slots = pieces[1::2]

    def plain(self, values: dict) -> bytes:
        pieces = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            pieces += [values[slot], part]
        return b"".join(pieces)

    @cached_property
    def _compressed(self):
        # Each part compressed, and hashed, once; see crc32_combine.
        return (
            [_compressed_part(part) for part in self.parts],
            zlib.crc32(self.parts[0]),
            [(zlib.crc32(part), len(part)) for part in self.parts[1:]],
            sum(len(part) for part in self.parts),
        )

    def gzip(self, values: dict) -> bytes:
        """The page with the values in their places, as a gzip stream (RFC 1952)."""
        compressed_parts, crc, part_crcs, size = self._compressed
        pieces = [GZIP_HEADER, compressed_parts[0]]
        for slot, compressed_part, (part_crc, part_length) in zip(self.slots, compressed_parts[1:], part_crcs):
            value = values[slot]
            crc = crc32_combine(crc, zlib.crc32(value), len(value))
            crc = crc32_combine(crc, part_crc, part_length)
            size += len(value)
            pieces += [_stored_block(value), compressed_part]
        pieces += [FINAL_EMPTY_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(pieces)
