"""Uploaded files are served so that they can never run as a page."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    return settings.MEDIA_ROOT


def test_images_are_shown_inline_with_safe_headers(client, media_root):
    from tests.images import image_bytes

    (media_root / "logo.png").write_bytes(image_bytes("PNG"))
    response = client.get("/media/logo.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    response.close()


def test_anything_else_is_a_sandboxed_download(client, media_root):
    (media_root / "page.html").write_text("<script>alert(1)</script>")
    response = client.get("/media/page.html")
    assert response["Content-Disposition"] == "attachment"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_paths_outside_the_media_folder_are_refused(client, media_root):
    for path in ["/media/../utopia/settings.py", "/media/%2e%2e/manage.py", "/media//etc/passwd"]:
        assert client.get(path).status_code in (400, 404)
