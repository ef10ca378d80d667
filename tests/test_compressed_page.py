"""campaigns/compressed_page.py: a page compressed once, a token spliced in per request."""

import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.compressed_page import PageWithSlots, crc32_combine


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.binary(max_size=3000).filter(lambda part: b"@" not in part), min_size=1, max_size=5),
    slots=st.lists(st.sampled_from([b"@TOKEN@", b"@STAMP@"]), min_size=4, max_size=4),
    token=st.binary(max_size=200),
    stamp=st.binary(max_size=50),
)
def test_any_page_and_values_decompress_to_the_plain_page(parts, slots, token, stamp):
    content = parts[0] + b"".join(slot + part for slot, part in zip(slots, parts[1:]))
    values = {b"@TOKEN@": token, b"@STAMP@": stamp}
    expected = content.replace(b"@TOKEN@", token).replace(b"@STAMP@", stamp)
    page = PageWithSlots(content, [b"@TOKEN@", b"@STAMP@"])
    assert gzip.decompress(page.gzip(values)) == page.plain(values) == expected


def test_a_large_page_compresses_and_each_token_is_its_own():
    names = "".join(f"<li>Organization number {n} — Country {n % 97}</li>\n" for n in range(20_000)).encode()
    page = PageWithSlots(b"<html>" + names + b'<input value="@T@"></form><input value="@T@"></html>', [b"@T@"])
    first, second = page.gzip({b"@T@": b"A" * 64}), page.gzip({b"@T@": b"B" * 64})
    assert len(first) < len(page.plain({b"@T@": b"A" * 64})) / 5
    assert gzip.decompress(first) == page.plain({b"@T@": b"A" * 64})
    assert gzip.decompress(second) == page.plain({b"@T@": b"B" * 64})
    # A strict decoder agrees too: the stream is complete, with nothing after it.
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert decoder.decompress(first) == page.plain({b"@T@": b"A" * 64}) and decoder.eof and not decoder.unused_data


def test_a_token_too_long_for_one_stored_block_is_refused():
    with pytest.raises(ValueError):
        PageWithSlots(b"a@T@b", [b"@T@"]).gzip({b"@T@": b"x" * 70_000})


@settings(max_examples=200, deadline=None)
@given(first=st.binary(max_size=300), second=st.binary(max_size=5000), repeat=st.integers(1, 40))
def test_crcs_combine_as_if_the_bytes_were_hashed_together(first, second, repeat):
    second = second * repeat  # lengths up to 200 KB, many bit patterns of the length
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)
