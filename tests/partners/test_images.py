"""Uploaded pictures come back as pixels only: whatever a file carries beside them (comments,
EXIF with GPS coordinates, XMP, ICC profiles, text chunks) is not stored, so a comment holding
a script is never served back and a photo does not tell where it was taken."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from partners.images import clean_image_upload
from tests import images

pytestmark = pytest.mark.django_db

TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"}


def reencoded(content: bytes, name: str) -> bytes:
    return clean_image_upload(SimpleUploadedFile(name, content)).read()


def assert_no_metadata(content: bytes):
    found = [marker for marker in images.METADATA_MARKERS if marker in content]
    assert not found, f"left in the re-encoded file: {found}"


def test_jpeg_comments_exif_xmp_icc_and_app_segments_are_stripped():
    hostile = images.jpeg_with_metadata_bytes()
    assert all(marker in hostile for marker in images.METADATA_MARKERS)  # the test's premise
    content = reencoded(hostile, "photo.jpg")
    assert_no_metadata(content)
    assert b"\xff\xfe" not in content.split(b"\xff\xda", 1)[0]  # no COM segment before the scan
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not {"comment", "exif", "xmp", "icc_profile", "photoshop"} & set(image.info)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_png_text_chunks_exif_and_icc_profile_are_stripped(mode):
    hostile = images.png_with_metadata_bytes(mode=mode)
    assert set(images.png_chunk_types(hostile)) >= TEXT_CHUNKS
    content = reencoded(hostile, "logo.png")
    assert_no_metadata(content)
    assert not TEXT_CHUNKS & set(images.png_chunk_types(content))


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_webp_exif_xmp_and_icc_profile_are_stripped(mode):
    hostile = images.webp_with_metadata_bytes(mode=mode)
    assert set(images.webp_chunk_types(hostile)) >= {b"EXIF", b"XMP ", b"ICCP"}
    content = reencoded(hostile, "photo.webp")
    assert_no_metadata(content)
    assert not {b"EXIF", b"XMP ", b"ICCP"} & set(images.webp_chunk_types(content))


def test_logo_uploaded_with_a_script_comment_is_stored_without_it(client, member, partner):
    client.force_login(member)
    upload = images.upload("logo.jpg", images.jpeg_with_metadata_bytes(), "image/jpeg")
    response = client.post(
        f"/partenaires/{partner.slug}/modifier/",
        {
            "summary": "Accueil de jour.",
            "description": "Texte",
            "address": "12 rue de l'Exemple",
            "postal_code": "57100",
            "city": "Thionville",
            "phone": "03 82 00 00 20",
            "email": "contact@exemple.fr",
            "register_number": "Volume 40, folio 12",
            "logo": upload,
            "logo_alt": "Logo d'Emergence",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    with partner.logo.open("rb") as stored:
        assert_no_metadata(stored.read())
    served = client.get(partner.logo.url)
    assert served.status_code == 200
    assert b"<script>" not in b"".join(served.streaming_content)
