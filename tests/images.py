"""Image files for upload tests, made on the fly (nothing is downloaded)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin


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


def oversized_upload(limit=5_000_000):
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


# What a camera, an editor or an attacker leaves beside the pixels. Each marker must be gone from
# the re-encoded file, read as bytes.
HOSTILE_COMMENT = b"<script>alert(document.cookie)</script>"
METADATA_MARKERS = (
    b"<script>",
    b"Exif",
    b"http://ns.adobe.com/xap",
    b"ICC_PROFILE",
    b"Photoshop 3.0",
    b"Emergence-GPS",
)


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = "Emergence-GPS <script>alert(1)</script>"  # ImageDescription
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (49.0, 21.0, 30.0), 3: "E", 4: (6.0, 10.0, 5.0)})  # Thionville
    return exif


def _icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="&lt;script&gt;"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def jpeg_with_metadata_bytes(size=(64, 48)) -> bytes:
    """A JPEG carrying a COM comment with a script, EXIF with GPS coordinates, XMP, an ICC
    profile and a Photoshop (IPTC) APP13 segment."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(
        buffer,
        format="JPEG",
        comment=HOSTILE_COMMENT,
        exif=_exif_with_gps(),
        xmp=XMP,
        icc_profile=_icc_profile(),
    )
    content = buffer.getvalue()
    # Segments Pillow does not write: inserted right after the start-of-image marker.
    extra = _jpeg_segment(0xED, b"Photoshop 3.0\x00" + HOSTILE_COMMENT) + _jpeg_segment(
        0xFE, b"second comment " + HOSTILE_COMMENT
    )
    return content[:2] + extra + content[2:]


def png_with_metadata_bytes(size=(64, 48), mode="RGB") -> bytes:
    """A PNG carrying tEXt, zTXt and iTXt chunks with a script, XMP, EXIF and an ICC profile."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HOSTILE_COMMENT.decode())
    info.add_text("Description", HOSTILE_COMMENT.decode(), zip=True)
    info.add_itxt("Title", HOSTILE_COMMENT.decode(), lang="fr", tkey="Titre")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    colour = (30, 90, 160, 128) if mode == "RGBA" else (30, 90, 160)
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(
        buffer, format="PNG", pnginfo=info, exif=_exif_with_gps(), icc_profile=_icc_profile()
    )
    return buffer.getvalue()


def webp_with_metadata_bytes(size=(64, 48), mode="RGB") -> bytes:
    colour = (30, 90, 160, 128) if mode == "RGBA" else (30, 90, 160)
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(
        buffer, format="WEBP", exif=_exif_with_gps(), xmp=XMP, icc_profile=_icc_profile()
    )
    return buffer.getvalue()


def png_chunk_types(content: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order (after the 8-byte signature)."""
    types, offset = [], 8
    while offset + 8 <= len(content):
        length = int.from_bytes(content[offset : offset + 4], "big")
        types.append(content[offset + 4 : offset + 8])
        offset += 12 + length
    return types


def webp_chunk_types(content: bytes) -> list[bytes]:
    """The chunk types inside a WebP file's RIFF container, in order."""
    types, offset = [], 12
    while offset + 8 <= len(content):
        length = int.from_bytes(content[offset + 4 : offset + 8], "little")
        types.append(content[offset : offset + 4])
        offset += 8 + length + (length & 1)
    return types
