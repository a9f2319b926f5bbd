"""Which text encoding a CSV export is in: a byte-order mark, valid UTF-8, or charset-normalizer.

Accounting packages write UTF-8 (often with a BOM: Excel's "CSV UTF-8"), UTF-16 (Excel's
"Unicode text", QuickBooks Desktop) or the Windows code page of the machine (Windows-1252 in
Western Europe and the Americas). A file that is valid UTF-8 is read as UTF-8; otherwise
charset-normalizer names the candidates, and Windows-1252 is taken when it is among the best of
them (on the few accented names of a short export, charset-normalizer cannot tell Windows-1252
from Windows-1250 or -1257, which read "Crèmerie" as "Crčmerie"). A Central European or
Cyrillic file then needs ``encoding = "cp1250"`` (or ``"cp1251"``) in the settings: the run
prints the encoding it used and the first accented text it read, so a wrong guess shows.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WESTERN = ("cp1252", "latin_1", "iso8859_15")  # what a Western European or American export is in
_CHAOS_MARGIN = 0.1  # how much less coherent than charset-normalizer's best Windows-1252 may be
_BLOCK = 1 << 20


class EncodingUnknown(ValueError):
    """The bytes are not UTF-8 and charset-normalizer found no encoding that reads them."""


@dataclass(frozen=True)
class Encoding:
    """The codec a file is read with, and why (``set in the settings``, ``detected: ...``)."""

    codec: str
    how: str

    @property
    def detected(self) -> bool:
        return self.how != "set in the settings"


def codec_name(name: str) -> str:
    """Python's own name of a codec (``windows-1252`` -> ``cp1252``); LookupError if unknown."""
    return codecs.lookup(name).name


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII characters has a NUL byte in every other position."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _first_non_utf8(path: Path) -> int | None:
    """Offset of the first byte that is not UTF-8 (None: the whole file is UTF-8)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                return offset + error.start
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def _sample(path: Path, around: int, size: int = 1 << 16) -> bytes:
    """The file's start and the bytes around ``around`` (where UTF-8 failed), whole lines."""
    with path.open("rb") as handle:
        head = handle.read(size)
        if around < size:
            return head
        handle.seek(max(0, around - size // 2))
        window = handle.read(size)
    window = window[window.find(b"\n") + 1:] if b"\n" in window else window
    return head + b"\n" + window


def detect_encoding(path: Path) -> Encoding:
    """The encoding of the text file at ``path``; ``EncodingUnknown`` when nothing reads it."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return Encoding(codec, "detected: byte-order mark")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return Encoding(utf16, "detected: UTF-16 without byte-order mark")
    bad = _first_non_utf8(path)
    if bad is None:
        return Encoding("utf-8", "detected: valid UTF-8")
    from charset_normalizer import from_bytes

    matches = list(from_bytes(_sample(path, bad)))
    if not matches:
        raise EncodingUnknown(f"byte {bad + 1} is not UTF-8 and no encoding reads the file")
    best = min(m.chaos for m in matches)
    for match in matches:
        if codec_name(match.encoding) in _WESTERN and match.chaos <= best + _CHAOS_MARGIN:
            return Encoding("cp1252", "detected: not UTF-8, read as Windows-1252 (charset-normalizer)")
    return Encoding(codec_name(matches[0].encoding), "detected: not UTF-8 (charset-normalizer)")
