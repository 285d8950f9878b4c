"""core.images: an uploaded image keeps its pixels, upright, and loses every piece of metadata (EXIF GPS and
camera, PNG text chunks); a PDF loses its document information and XMP, a Word or OpenDocument file its
properties, each keeping its content; other files pass unchanged; a file that claims a kind it is not is
refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from samleng.core.images import file_without_metadata, image_without_metadata

#: Where the photo was taken (Kampong Thom), by which camera: what must never reach the stored file.
CAMERA, SERIAL, OWNER = "PhoneMaker X9", "SN-0042-KT", "Sar Mol"


def jpeg_with_gps(*, orientation: int = 1, size=(40, 20)) -> bytes:
    """A JPEG as a phone writes it: camera, owner, serial number and GPS position in its EXIF; the left half
    red, the right half blue (to check which way it ends up)."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.Artist] = OWNER
    exif[ExifTags.Base.BodySerialNumber] = SERIAL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (12.0, 42.0, 3.5),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (104.0, 53.0, 21.0),
    }
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif, quality=95)
    return data.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_text("Comment", "taken at the commune office, 12.7010 N 104.8892 E")
    info.add_itxt("Description", "ថតនៅឃុំក្លែង", lang="km")
    data = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 128, 0, 128)).save(data, "PNG", pnginfo=info)
    return data.getvalue()


def assert_no_metadata(data: bytes) -> None:
    """No EXIF, GPS, text chunk or profile in the file, and none of the identifying words in its bytes."""
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert not set(image.info) & {"exif", "xmp", "icc_profile", "comment", "Author", "Comment", "Description"}
        assert not getattr(image, "text", {})
    for word in (CAMERA, SERIAL, OWNER, "PhoneMaker", "GPS", "104.8892"):
        assert word.encode() not in data
    assert b"Exif" not in data


def test_a_jpeg_loses_its_exif_and_gps_and_keeps_its_pixels():
    original = jpeg_with_gps()
    assert CAMERA.encode() in original  # the test's photo does carry them
    cleaned = image_without_metadata(SimpleUploadedFile("photo.JPG", original, "image/jpeg"))
    data = cleaned.read()
    assert_no_metadata(data)
    assert cleaned.name == "photo.JPG"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (40, 20)
        assert image.getpixel((2, 10))[0] > 200 and image.getpixel((38, 10))[2] > 200  # red left, blue right


def test_the_orientation_is_applied_before_it_is_dropped():
    # Orientation 6: the camera was turned; viewers turn the picture 90 degrees clockwise to show it.
    cleaned = image_without_metadata(SimpleUploadedFile("portrait.jpg", jpeg_with_gps(orientation=6)))
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.size == (20, 40)  # upright, with no tag left to turn it
        assert not image.getexif().get(ExifTags.Base.Orientation)
        assert image.getpixel((10, 2))[0] > 200 and image.getpixel((10, 38))[2] > 200  # red on top


def test_a_png_loses_its_text_chunks_and_keeps_its_transparency():
    cleaned = image_without_metadata(SimpleUploadedFile("map.png", png_with_text()))
    data = cleaned.read()
    assert_no_metadata(data)
    assert "ក្លែង".encode() not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.getpixel((5, 5)) == (0, 128, 0, 128)


def test_an_image_named_otherwise_is_cleaned_and_named_for_what_it_is():
    cleaned = image_without_metadata(SimpleUploadedFile("minutes.pdf", jpeg_with_gps()))
    assert cleaned.name == "minutes.jpg"
    assert_no_metadata(cleaned.read())


def test_other_files_pass_unchanged():
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    upload = SimpleUploadedFile("minutes.pdf", pdf, "application/pdf")
    assert image_without_metadata(upload) is upload
    assert upload.read() == pdf
    text = SimpleUploadedFile("notes.txt", "ប្រជុំថ្ងៃទី៥".encode())
    assert image_without_metadata(text).read() == "ប្រជុំថ្ងៃទី៥".encode()


@pytest.mark.parametrize("content", [b"not a picture at all", jpeg_with_gps()[:200]])
def test_a_file_named_as_an_image_that_is_not_one_is_refused(content):
    with pytest.raises(ValidationError):
        image_without_metadata(SimpleUploadedFile("photo.jpg", content))


def tiny_pdf(**metadata: str) -> bytes:
    """A real one-page PDF (pypdf reads it), with `metadata` as its document information."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if metadata:
        writer.add_metadata(metadata)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def pdf_with_author() -> bytes:
    return tiny_pdf(**{"/Author": OWNER, "/Creator": CAMERA, "/Title": "Budget 2024"})


def test_a_pdf_loses_its_author_and_keeps_its_pages():
    from pypdf import PdfReader

    original = pdf_with_author()
    assert OWNER.encode() in original
    cleaned = file_without_metadata(SimpleUploadedFile("budget.pdf", original, "application/pdf"))
    data = cleaned.read()
    assert cleaned.name == "budget.pdf"
    assert OWNER.encode() not in data and CAMERA.encode() not in data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and not (reader.metadata or {}).get("/Author")


def test_a_word_file_loses_its_properties_and_keeps_its_text():
    import docx

    document = docx.Document()
    document.add_paragraph("ថវិកាឃុំក្លែង ២០២៤")
    document.core_properties.author = OWNER
    document.core_properties.last_modified_by = OWNER
    original = io.BytesIO()
    document.save(original)
    assert OWNER.encode() in _unzipped(original.getvalue())
    cleaned = file_without_metadata(SimpleUploadedFile("answer.docx", original.getvalue()))
    data = cleaned.read()
    assert OWNER.encode() not in _unzipped(data)
    reopened = docx.Document(io.BytesIO(data))
    assert reopened.paragraphs[0].text == "ថវិកាឃុំក្លែង ២០២៤"
    assert not reopened.core_properties.author


def _unzipped(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize(("name", "content"), [
    ("budget.pdf", b"%PDF-1.4 this is not a PDF at all"),
    ("answer.docx", b"PK\x03\x04 not a zip either"),
    ("photo.jpg", b"not a picture"),
])
def test_a_damaged_file_is_refused_with_a_reason(name, content):
    with pytest.raises(ValidationError) as refused:
        file_without_metadata(SimpleUploadedFile(name, content))
    assert "cannot be read" in str(refused.value) or "not one Samleng can read" in str(refused.value)


def test_a_photo_through_the_one_door_loses_its_gps():
    assert_no_metadata(file_without_metadata(SimpleUploadedFile("photo.jpg", jpeg_with_gps())).read())
