"""Upload bodies: bytes that pass (or fail) the API's content sniffing. The photo check itself is
scripted in these tests, so the pixels do not matter, only the first bytes."""

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(2000)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2000)
HEIC = b"\x00\x00\x00\x18ftypheic" + bytes(2000)  # what an iPhone stores when nothing converted it
PDF = b"%PDF-1.7\n" + bytes(2000)


def three(front: bytes = JPEG, back: bytes = JPEG, portrait: bytes = PNG, name: str = "photo.jpg") -> dict:
    """httpx `files=` for the three photo fields (file names say nothing: the bytes decide)."""
    return {
        "front": (name, front, "image/jpeg"),
        "back": (name, back, "image/jpeg"),
        "portrait": (name, portrait, "image/jpeg"),
    }
