"""Sizes said one way: "5 Mo" in a help text is the 5,000,000 bytes checked, and a refused
file is reported in the same unit with a French decimal comma, never in "Mio"."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.forms import ActionForm, PartnerPageForm
from partners.images import MAX_BYTES as IMAGE_BYTES
from partners.images import clean_image_upload
from partners.sizes import size_label
from plenaries.validators import MAX_PDF_BYTES, validate_pdf
from workgroups.documents import MAX_BYTES as DOCUMENT_BYTES
from workgroups.documents import detect_document_type
from workgroups.forms import DocumentForm


@pytest.mark.parametrize(
    ("size", "label"),
    [
        (20_100_000, "20,1\u00a0Mo"),
        (20_000_000, "20\u00a0Mo"),
        (5_000_001, "5,1\u00a0Mo"),  # just over a limit never reads as the limit
        (1_048_576, "1,1\u00a0Mo"),
        (850_000, "850\u00a0ko"),
        (12, "12\u00a0octets"),
    ],
)
def test_a_size_is_written_in_french_in_millions_of_bytes(size, label):
    assert size_label(size) == label


def test_the_limits_are_the_numbers_the_help_texts_give():
    assert (IMAGE_BYTES, DOCUMENT_BYTES, MAX_PDF_BYTES) == (5_000_000, 20_000_000, 20_000_000)
    assert "5 Mo" in str(PartnerPageForm.base_fields["logo"].help_text)
    assert "5 Mo" in str(ActionForm.base_fields["image"].help_text)
    assert "20\u00a0Mo au plus" in str(DocumentForm.base_fields["file"].help_text)


def upload(size, head=b"%PDF-"):
    return SimpleUploadedFile("f.pdf", head + b"0" * (size - len(head)))


@pytest.mark.parametrize(
    ("check", "limit"),
    [
        (clean_image_upload, IMAGE_BYTES),
        (detect_document_type, DOCUMENT_BYTES),
        (validate_pdf, MAX_PDF_BYTES),
    ],
)
def test_a_file_over_the_limit_is_refused_in_the_unit_of_the_limit(check, limit):
    with pytest.raises(ValidationError) as refused:
        check(upload(limit + 100_000))
    message = refused.value.messages[0]
    number = limit // 1_000_000
    assert message == f"Le fichier pèse {number},1\u00a0Mo ; la limite est de {number}\u00a0Mo."
    assert "Mio" not in message


@pytest.mark.parametrize(
    ("check", "limit"),
    [
        (clean_image_upload, IMAGE_BYTES),
        (detect_document_type, DOCUMENT_BYTES),
        (validate_pdf, MAX_PDF_BYTES),
    ],
)
def test_a_file_of_exactly_the_limit_is_not_refused_for_its_size(check, limit):
    try:
        check(upload(limit))
    except ValidationError as error:
        assert error.code not in ("too_large", "too_big")
