"""A cached page compressed once, with per-request values spliced in uncompressed.

The anonymous statement page is the same for every reader but for the CSRF token,
and with 10,000 signatories it weighs 1.26 MB: about 150 KB with gzip. Compressing
it per request would cost ~20 ms of CPU, more than serving it. So the parts around
the token are compressed once, each ending on a byte boundary (``Z_FULL_FLUSH``:
no back-references across it), and each request only joins them with the token
written as a *stored* (uncompressed) deflate block, then adds the gzip trailer.

Keeping the token out of the compressed data also means a compression side channel
(BREACH) cannot guess it: it never shares a compression window with the page.
"""

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
        # The CRC of the first part, the largest (the signatory list comes before the
        # forms), is worked out once; the parts after it are the small form tails.
        return (
            [_compressed_part(part) for part in self.parts],
            zlib.crc32(self.parts[0]),
            sum(len(part) for part in self.parts),
        )

    def gzip(self, values: dict) -> bytes:
        """The page with the values in their places, as a gzip stream (RFC 1952)."""
        compressed_parts, crc, size = self._compressed
        pieces = [GZIP_HEADER, compressed_parts[0]]
        for slot, part, compressed_part in zip(self.slots, self.parts[1:], compressed_parts[1:]):
            value = values[slot]
            crc = zlib.crc32(part, zlib.crc32(value, crc))
            size += len(value)
            pieces += [_stored_block(value), compressed_part]
        pieces += [FINAL_EMPTY_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(pieces)
