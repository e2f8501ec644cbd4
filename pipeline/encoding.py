"""The text of a page from its bytes: byte order mark, then the HTTP charset, then
<meta charset>, then detection; a UTF-8 page served as Latin-1 is read as UTF-8, and stray
windows-1252 bytes in a UTF-8 page become the quotes and accents they were."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_STRAY_BYTES = "clinicwatch-cp1252"


def _decode_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    # A UTF-8 template around text pasted from Windows software leaves bytes that are
    # invalid in the declared charset; read as windows-1252 they are the curly quotes and
    # accents the author typed. Bytes windows-1252 leaves undefined become U+FFFD.
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error(_STRAY_BYTES, _decode_stray_bytes)

# Longest marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The WHATWG prescan reads 1024 bytes, but real heads often put long scripts and style
# blocks before the charset declaration.
_PRESCAN_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([^;"'\s]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding standard), and pages that
# declare them rely on that for curly quotes and dashes in 0x80-0x9F.
_READ_AS_WINDOWS_1252 = {"ascii", "iso8859-1", "cp1252"}


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
        b"x".decode(name, errors="ignore")  # refuses codecs that are not text encodings ("base64")
    except LookupError:
        return None
    return "cp1252" if name in _READ_AS_WINDOWS_1252 else name


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = _codec_name(match.group(1).decode("ascii"))
    # A document whose <meta> can be read as ASCII is not UTF-16/32, whatever it says
    # (WHATWG rule: such a declaration means UTF-8).
    if name and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _is_multibyte_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detected_charset(body: bytes) -> str:
    # Strict UTF-8 succeeding on non-ASCII bytes is all but proof; the statistical
    # detector is for the rest.
    if body.isascii() or _is_multibyte_utf8(body):
        return "utf-8"
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return "cp1252"
    # On short Western text several code pages read equally well (cp1250 and cp1252 both
    # make sense of "café"); windows-1252 is what browsers assume for undeclared pages in
    # Western locales, and the clinics write English, so it wins ties.
    tied = {m.encoding for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence}
    return "cp1252" if "cp1252" in tied else _codec_name(best.encoding) or "cp1252"


def decode_html(body: bytes, content_type_charset: str | None = None) -> str:
    """Text of an HTML body: BOM, then the HTTP charset (a bare label or a whole
    Content-Type value), then <meta charset>/http-equiv, then detection. Bytes invalid in
    the chosen charset are read as windows-1252, so decoding never fails."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if body.startswith(mark):
            return body[len(mark) :].decode(encoding, errors=_STRAY_BYTES)
    declared = None
    if content_type_charset:
        match = _CONTENT_TYPE_CHARSET.search(content_type_charset)
        declared = _codec_name(match.group(1) if match else content_type_charset)
    declared = declared or _meta_charset(body[:_PRESCAN_BYTES])
    # Pages served as latin-1/windows-1252 that are in fact valid multibyte UTF-8 are a
    # common server misconfiguration; the reverse accident is practically impossible.
    if declared is None or (declared == "cp1252" and _is_multibyte_utf8(body)):
        declared = _detected_charset(body)
    return body.decode(declared, errors=_STRAY_BYTES)
