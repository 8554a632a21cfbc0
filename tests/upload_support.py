"""Files for upload tests (real PNG, PDF, Office zip bytes), and a local S3-compatible server (moto)."""

import io
import socket
import struct
import subprocess
import sys
import time
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest

BUCKET = "formhook-test"


def png_bytes(width=4, height=4, rgb=(200, 40, 40)):
    """A real PNG image of one colour."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def pdf_bytes(text="Curriculum vitae"):
    """A small, valid one-page PDF."""
    stream = f"BT /F1 18 Tf 40 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_bytes():
    """The parts that make a zip a Word document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


HTML_PAYLOAD = (b"<!doctype html><html><body><script>window.top.pwned = 1; document.title = 'pwned'</script>"
                b"</body></html>")
SVG_PAYLOAD = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.top.pwned = 1">'
               b"<script>document.title = 'pwned'</script></svg>")


def as_rows(fields):
    """API-style field dicts as Field columns: a file field's max_files and accept go in its settings."""
    rows = []
    for field in fields:
        row = {key: value for key, value in field.items() if key not in ("max_files", "accept")}
        if field["type"] == "file":
            row["settings"] = {
                "max_files": field.get("max_files", 1), "accept": field.get("accept", ["image", "pdf", "office"]),
            }
        rows.append(row)
    return rows


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A moto S3 server in its own process on 127.0.0.1; yields the settings that point the app at it."""
    port = _free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError("moto_server did not start")
    settings = {
        "STORAGE_URL": f"s3://{BUCKET}/uploads", "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test",
        "S3_ADDRESSING_STYLE": "path",
    }
    import boto3

    boto3.client(
        "s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    yield settings
    process.terminate()
    process.wait(10)


def use_s3(app, settings):
    """Point app's storage at the moto server, under a prefix of this test's own."""
    app.config.update(settings, STORAGE_URL=f"s3://{BUCKET}/t{uuid.uuid4().hex[:12]}")
    app.extensions.pop("storage", None)


def s3_objects(settings, prefix=""):
    """The keys in the test bucket under prefix (to see what the app wrote and deleted)."""
    import boto3

    client = boto3.client(
        "s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    )
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


