"""File kinds: which extensions each allows, and the content type we read from the bytes themselves.

A name's extension says what a file claims to be; sniffing its first bytes says what it is. A file
is accepted only when both agree, and it is served with the sniffed type, never the visitor's.
"""

import io
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext

OCTET_STREAM = "application/octet-stream"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# what an Office Open XML or OpenDocument zip holds, by extension
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
CONTENT_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
    "heic": "image/heic", "heif": "image/heif", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
    **ODF_TYPES, "txt": "text/plain", "csv": "text/csv",
}
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # shown to the owner
    extensions: tuple
    accept: str  # the <input accept> hint for the visitor's browser


KINDS = {kind.name: kind for kind in (
    Kind("image", lazy_gettext("Images (JPEG, PNG, GIF, WebP, HEIC)"),
         ("jpg", "jpeg", "png", "gif", "webp", "heic", "heif"), "image/*"),
    Kind("pdf", lazy_gettext("PDF"), ("pdf",), ".pdf,application/pdf"),
    Kind("office", lazy_gettext("Office documents (Word, Excel, PowerPoint, OpenDocument)"),
         ("docx", "xlsx", "pptx", "doc", "xls", "ppt", "odt", "ods", "odp"),
         ".docx,.xlsx,.pptx,.doc,.xls,.ppt,.odt,.ods,.odp"),
    Kind("text", lazy_gettext("Plain text and CSV"), ("txt", "csv"), ".txt,.csv,text/plain,text/csv"),
    # anything at all: kept and served as an opaque download (an HTML or SVG file never renders)
    Kind("any", lazy_gettext("Any file"), (), ""),
)}
DEFAULT_KINDS = ("image", "pdf", "office")


def kinds_of(accept):
    """The Kind objects a field allows (its `accept` list, or the defaults)."""
    return [KINDS[name] for name in (accept or DEFAULT_KINDS) if name in KINDS]


def accept_attribute(accept):
    """The <input accept> value for a field, '' when any file goes."""
    kinds = kinds_of(accept)
    if any(kind.name == "any" for kind in kinds):
        return ""
    return ",".join(kind.accept for kind in kinds)


def extension(name):
    """The lower-case extension of a file name, '' when it has none."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _zip_kind(data, ext):
    """The Office Open XML or OpenDocument type the zip in data holds for ext, else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()[:5000]
            if ext in OOXML_PARTS:
                has_parts = any(name.startswith(OOXML_PARTS[ext]) for name in names)
                return CONTENT_TYPES[ext] if "[Content_Types].xml" in names and has_parts else None
            if ext in ODF_TYPES and "mimetype" in names:
                declared = archive.open("mimetype").read(100).decode("ascii", "replace").strip()
                return ODF_TYPES[ext] if declared == ODF_TYPES[ext] else None
    except (zipfile.BadZipFile, ValueError, OSError, KeyError):
        return None
    return None


def _is_text(data):
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.lstrip().startswith("<")  # markup (HTML, SVG, XML) is not plain text


SNIFFERS = {
    "jpg": lambda d, e: d.startswith(b"\xff\xd8\xff"),
    "png": lambda d, e: d.startswith(b"\x89PNG\r\n\x1a\n"),
    "gif": lambda d, e: d[:6] in (b"GIF87a", b"GIF89a"),
    "webp": lambda d, e: d[:4] == b"RIFF" and d[8:12] == b"WEBP",
    "heic": lambda d, e: d[4:8] == b"ftyp" and d[8:12] in HEIF_BRANDS,
    "pdf": lambda d, e: d[:1024].lstrip().startswith(b"%PDF-"),
    "zip": lambda d, e: d.startswith(ZIP_MAGIC) and _zip_kind(d, e) is not None,
    "ole": lambda d, e: d.startswith(OLE_MAGIC),
    "text": lambda d, e: _is_text(d),
}
SNIFFER_OF = {
    "jpg": "jpg", "jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp", "heic": "heic", "heif": "heic",
    "pdf": "pdf", "docx": "zip", "xlsx": "zip", "pptx": "zip", "odt": "zip", "ods": "zip", "odp": "zip",
    "doc": "ole", "xls": "ole", "ppt": "ole", "txt": "text", "csv": "text",
}


def sniff_any(data):
    """The content type the bytes show, for a file of kind "any": a known type, or an opaque download."""
    for ext, sniffer in SNIFFER_OF.items():
        if sniffer != "text" and SNIFFERS[sniffer](data, ext):
            return CONTENT_TYPES[ext]
    return OCTET_STREAM


class KindRefused(ValueError):
    """The file is not of an allowed kind, or its content is not what its name says."""


def checked_content_type(name, data, accept):
    """The content type to keep for a file called name holding data; KindRefused when it may not be kept."""
    ext = extension(name)
    kinds = kinds_of(accept)
    allowed = {e for kind in kinds for e in kind.extensions}
    if ext in allowed:
        if not SNIFFERS[SNIFFER_OF[ext]](data, ext):
            raise KindRefused(lazy_gettext(
                "the content of %(name)s is not a .%(ext)s file", name=name, ext=ext))
        return CONTENT_TYPES[ext]
    if any(kind.name == "any" for kind in kinds):
        return sniff_any(data)
    listed = ", ".join(f".{e}" for e in sorted(allowed))
    raise KindRefused(lazy_gettext(
        "%(name)s is not an allowed kind of file (allowed: %(listed)s)", name=name, listed=listed))
