"""core/spliced_gzip.py: a page compressed once, a token spliced in per response."""

import gzip
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from core.spliced_gzip import SplicedPage


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
    page = SplicedPage(content, [b"@TOKEN@", b"@STAMP@"])
    assert gzip.decompress(page.gzip(values)) == page.plain(values) == expected


def test_a_large_page_compresses_and_each_token_is_its_own():
    names = "".join(f"<li>Organization number {n} — Country {n % 97}</li>\n" for n in range(20_000)).encode()
    page = SplicedPage(b"<html>" + names + b'<input value="@T@"></form><input value="@T@"></html>', [b"@T@"])
    first, second = page.gzip({b"@T@": b"A" * 64}), page.gzip({b"@T@": b"B" * 64})
    assert len(first) < len(page.plain({b"@T@": b"A" * 64})) / 5
    assert gzip.decompress(first) == page.plain({b"@T@": b"A" * 64})
    assert gzip.decompress(second) == page.plain({b"@T@": b"B" * 64})
    # A strict decoder agrees too: the stream is complete, with nothing after it.
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert decoder.decompress(first) == page.plain({b"@T@": b"A" * 64}) and decoder.eof and not decoder.unused_data
