"""A visitor's file name made safe to keep, show and send: no folders, no control characters, bounded."""

import unicodedata

MAX_NAME = 200
FALLBACK = "file"


def safe_name(raw):
    """The last path part of raw, NFC, without control or format characters, at most MAX_NAME characters.

    The extension survives shortening, so the kind check and the download keep it.
    """
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.strip().lstrip(".").strip()
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext[:16] if dot else ""
        text = (stem if dot else text)[: MAX_NAME - len(ext) - 1] + ("." + ext if ext else "")
    return text or FALLBACK
