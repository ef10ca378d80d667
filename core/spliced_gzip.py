"""A page compressed once, with per-response values spliced into its gzip stream.

The anonymous statement page is the same for every reader but for a CSRF token and
a form stamp. Compressing the whole page per response costs as much as the rest of
the response; so the parts between the values are compressed once, each ending on
a byte boundary (``Z_FULL_FLUSH``: nothing refers back across it), and a response
joins them with its values written as *stored* (uncompressed) deflate blocks.

Stored, the token never shares a compression window with the page, so a compression
side channel (BREACH) cannot guess it. The gzip trailer's CRC-32 is computed per
response over the whole page, a small fraction of what compressing it would cost.
"""

import re
import struct
import zlib

# Magic, deflate, no flags, no modification time, no extra flags, unknown OS (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# An empty block with fixed Huffman codes, marked final: the end of the deflate stream.
FINAL_EMPTY_BLOCK = b"\x03\x00"


def _compressed(part: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH)


def _stored_block(value: bytes) -> bytes:
    """A non-final stored block (at most 65,535 bytes: tokens and stamps are a few dozen)."""
    return b"\x00" + struct.pack("<HH", len(value), len(value) ^ 0xFFFF) + value


class SplicedPage:
    """``content`` cut at each of ``placeholders``; served plain or gzip-compressed with values in their place."""

    def __init__(self, content: bytes, placeholders):
        pattern = re.compile(b"(" + b"|".join(map(re.escape, placeholders)) + b")")
        pieces = pattern.split(content)
        self.parts = pieces[0::2]
        self.slots = pieces[1::2]
        self.compressed_parts = [_compressed(part) for part in self.parts]

    def plain(self, values: dict) -> bytes:
        pieces = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            pieces += [values[slot], part]
        return b"".join(pieces)

    def gzip(self, values: dict) -> bytes:
        """The page with ``values`` (placeholder -> bytes) in place, as a gzip stream (RFC 1952)."""
        pieces = [GZIP_HEADER, self.compressed_parts[0]]
        crc = zlib.crc32(self.parts[0])
        size = len(self.parts[0])
        for slot, part, compressed_part in zip(self.slots, self.parts[1:], self.compressed_parts[1:]):
            value = values[slot]
            crc = zlib.crc32(part, zlib.crc32(value, crc))
            size += len(value) + len(part)
            pieces += [_stored_block(value), compressed_part]
        pieces += [FINAL_EMPTY_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(pieces)
