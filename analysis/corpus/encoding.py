"""Bytes -> text: the encoding detected (BOM, UTF-16 without BOM, UTF-8, cp1251, latin-1) and
the NFC, ``\\n``-line-end form every offset refers to.

``decode(raw)`` -> (text, encoding name); ``normalise(text)`` -> text;
``note_encoding(path, encoding, strict)`` reports a file that was not UTF-8.
"""
import re
import unicodedata

from ..io import report

# Longest BOM first: the UTF-32-LE BOM begins with the UTF-16-LE one.
BOMS = [(b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13}  # tab, LF, FF, CR occur in text
MAX_CONTROL_SHARE = 0.01
MIN_UTF16_NUL_SHARE = 0.1  # of byte pairs; even Cyrillic prose has this many spaces and marks
LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def decode(raw):
    """Bytes -> (text, encoding name).

    Order: a BOM (UTF-8, UTF-16, UTF-32) decides; else UTF-16 without BOM when the
    NUL bytes all fall on one side of the byte pairs; else the bytes must not look
    binary (NUL bytes, more than 1% control bytes), then strict UTF-8, then cp1251
    when that reading gives Cyrillic words, else latin-1 (which decodes any byte string).
    Raises ``UnicodeDecodeError`` (a BOM with invalid data after it) or ``ValueError``
    (binary data), each naming the reason.
    """
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            text = raw.decode(encoding)
            if "\x00" in text:
                raise ValueError(f"binary file (NUL characters after a {encoding} BOM)")
            return text.lstrip("\ufeff"), encoding
    if b"\x00" in raw:
        encoding = _utf16_without_bom(raw)
        if encoding is None:
            raise ValueError("binary file (contains NUL bytes)")
        return raw.decode(encoding), encoding
    controls = len(raw) - len(raw.translate(None, bytes(CONTROL_BYTES)))  # in C, not a loop per byte
    if controls > MAX_CONTROL_SHARE * len(raw):
        raise ValueError(f"binary file ({controls} control bytes)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    cyrillic = raw.decode("cp1251", errors="replace")
    return (cyrillic, "cp1251") if _reads_as_cyrillic(cyrillic) else (raw.decode("latin-1"), "latin-1")


def _utf16_without_bom(raw):
    """'utf-16-le' or 'utf-16-be' when ``raw`` reads as UTF-16 text without a BOM, else None.

    Such text (Latin or Cyrillic) has a NUL byte on one side of many byte pairs (the
    high byte of ASCII letters, spaces and punctuation) and none on the other; it
    must then decode with no NUL or other control characters beyond tab and line ends.
    """
    if len(raw) % 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    encoding = "utf-16-le" if even == 0 else "utf-16-be" if odd == 0 else None
    if encoding is None or max(even, odd) < MIN_UTF16_NUL_SHARE * len(raw) / 2:
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding if not any(ord(c) in CONTROL_BYTES for c in text) else None


def _reads_as_cyrillic(text):
    """Whether cp1251-decoded ``text`` is Cyrillic prose rather than misread latin-1.

    Latin-1 accents land on Cyrillic code points, but inside Latin words ("Cafй",
    "crиme"); real Cyrillic text gives whole Cyrillic words.  So: more all-Cyrillic
    words than words mixing ASCII and Cyrillic letters.
    """
    pure = mixed = 0
    for word in LETTER_RUN.findall(text):
        cyr = sum("\u0400" <= c <= "\u04ff" for c in word)
        pure += cyr == len(word)
        mixed += 0 < cyr < len(word)
    return pure > mixed


def normalise(text):
    """NFC with ``\\n`` line ends: the form every offset refers to."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))

def note_encoding(path, encoding, strict):
    """Report a file that was not UTF-8 (nor had a BOM) and the encoding guessed for it."""
    if encoding in ("cp1251", "latin-1", "utf-16-le", "utf-16-be"):
        report(f"{path}: not valid UTF-8; decoded as {encoding}", strict)
