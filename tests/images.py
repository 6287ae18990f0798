"""Image files for upload tests, made on the fly (nothing is downloaded)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(64, 48), mode="RGB", colour=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour if mode != "1" else 0).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name="logo.png", content=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type)


def png_upload(name="logo.png", **kwargs):
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def jpeg_upload(name="photo.jpg", **kwargs):
    return upload(name, image_bytes("JPEG", **kwargs), "image/jpeg")


def webp_upload(name="photo.webp", **kwargs):
    return upload(name, image_bytes("WEBP", **kwargs), "image/webp")


def not_an_image_upload():
    return upload("logo.png", b"MZ\x90\x00 this is a program, not a picture" * 20, "image/png")


def truncated_upload():
    return upload("logo.png", image_bytes("PNG", size=(400, 300))[:200], "image/png")


def oversized_upload(limit=5 * 1024 * 1024):
    return upload("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * limit, "image/png")


def decompression_bomb_upload():
    # 10,000 × 10,000 one-bit pixels: a few kilobytes on disk, 100 million pixels in memory.
    return upload("bomb.png", image_bytes("PNG", size=(10_000, 10_000), mode="1"), "image/png")


def svg_upload():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
    )
    return upload("logo.svg", svg, "image/svg+xml")


def svg_renamed_png_upload():
    return upload(
        "logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png"
    )
