"""Uploaded images lose their metadata (DESIGN.md, Privacy): a phone's photo carries where it was taken
(EXIF GPS), the camera and its serial number, the time, sometimes the owner's name; a PNG may carry text
chunks. A photo of a protest's evidence must not tell who took it, or where they stood.

`file_without_metadata(upload)` is the one way an uploaded file is stored by any app: an image (told by its
content, whatever its name) is decoded and encoded again by Pillow from its pixels alone
(`image_without_metadata`), turned the way its EXIF orientation says first (a phone's portrait photo stays
upright once the tag that turned it is gone); a PDF is written again without its document information and
XMP metadata (author, the software and computer that made it); an Office or OpenDocument file (a zip) gets
empty document properties (author, last modified by, company); any other file is returned as it is.

Not removed: names inside a document's own text, its comments or tracked changes (what a person wrote in it
is its content; staff check a document before it is published)."""

import io
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

#: What Pillow opens as an image here (a JPEG may come out as MPO: a phone's JPEG with a second picture).
#: Only these: Pillow knows formats with no signature (TGA), which a text file could be taken for.
_OPENED = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
#: What each is stored as: (Pillow format, file extension, save options). JPEG and WebP stay lossy at a
#: quality that keeps a document's text readable; the rest become PNG (lossless; a GIF keeps its first frame).
_STORED = {"JPEG": ("JPEG", ".jpg", {"quality": 90}), "MPO": ("JPEG", ".jpg", {"quality": 90}),
           "WEBP": ("WEBP", ".webp", {"quality": 90})}
_PNG = ("PNG", ".png", {"optimize": False})
#: Names people give images, refused when the content is not an image (a renamed file is not trusted).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic"}
_SUFFIXES_OF = {".jpg": {".jpg", ".jpeg", ".jpe"}, ".png": {".png"}, ".webp": {".webp"}}

NOT_AN_IMAGE = _("This file is named as a picture but is not one Samleng can read (JPEG, PNG or WebP).")
NOT_A_PDF = _("This PDF cannot be read (it is damaged, or locked with a password). Save it again as PDF and "
              "upload that.")
NOT_A_DOCUMENT = _("This document cannot be read (it is damaged). Save it again and upload that.")

#: The properties parts of Office (OOXML) and OpenDocument files, each replaced by an empty one of its kind.
_EMPTY_PROPERTIES = {
    "docProps/core.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
                         b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>',
    "docProps/app.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
                        b'"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>',
    "docProps/custom.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
                           b'"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
    "meta.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta xmlns:office='
                b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"><office:meta/>'
                b'</office:document-meta>',
}
#: More than an uploaded document of 10 MB holds unzipped (its text compresses about tenfold).
_UNZIPPED_MAX_BYTES = 300 * 1024 * 1024
#: What an Office or OpenDocument file is called (a zip of another name is left alone).
_DOCUMENT_SUFFIXES = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}


def file_without_metadata(upload: File) -> File:
    """`upload` as it is to be stored: without the metadata its kind can carry (see the module). Raises
    ValidationError, in the reader's language, for a file that claims a kind it is not, or cannot be read."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    name = PurePath(upload.name or "upload").name
    if head.startswith(b"%PDF-"):
        return _pdf_without_metadata(upload, name)
    if head.startswith(b"PK") and PurePath(name).suffix.lower() in _DOCUMENT_SUFFIXES:
        return _document_without_properties(upload, name)
    return image_without_metadata(upload)


def _pdf_without_metadata(upload: File, name: str) -> File:
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):  # an empty password opens a "permissions only" PDF
            raise ValidationError(NOT_A_PDF, code="not_a_pdf")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer.xmp_metadata = None
        data = io.BytesIO()
        writer.write(data)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValidationError(NOT_A_PDF, code="not_a_pdf") from error
    return ContentFile(data.getvalue(), name=name)


def _document_without_properties(upload: File, name: str) -> File:
    data = io.BytesIO()
    try:
        with zipfile.ZipFile(upload) as original, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as cleaned:
            if sum(item.file_size for item in original.infolist()) > _UNZIPPED_MAX_BYTES:  # a zip bomb
                raise ValidationError(NOT_A_DOCUMENT, code="not_a_document")
            for item in original.infolist():
                content = _EMPTY_PROPERTIES.get(item.filename)
                # ODF's mimetype comes first, uncompressed (its readers look for it at a fixed place).
                method = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
                cleaned.writestr(item.filename, content if content is not None else original.read(item),
                                 compress_type=method)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as error:
        raise ValidationError(NOT_A_DOCUMENT, code="not_a_document") from error
    return ContentFile(data.getvalue(), name=name)


def image_without_metadata(upload: File) -> File:
    """`upload` re-encoded from its pixels when it is an image (no EXIF, GPS, XMP, ICC profile, comments or
    text chunks survive), named with its format's extension; any other file unchanged. Raises
    ValidationError for a file named as an image that Pillow cannot read (or a decompression bomb)."""
    name = PurePath(upload.name or "upload").name
    try:
        upload.seek(0)
        with Image.open(upload, formats=_OPENED) as image:
            image.load()
            stored_format, suffix, options = _STORED.get(image.format, _PNG)
            clean = _pixels_only(image, stored_format)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as error:
        upload.seek(0)
        if PurePath(name).suffix.lower() in IMAGE_SUFFIXES:
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
        return upload
    data = io.BytesIO()
    clean.save(data, stored_format, **options)
    return ContentFile(data.getvalue(), name=_renamed(name, suffix))


def _pixels_only(image: Image.Image, stored_format: str) -> Image.Image:
    """A new image holding `image`'s pixels and nothing else, turned upright by its EXIF orientation."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode == "P" or upright.mode not in ("1", "L", "LA", "RGB", "RGBA", "CMYK"):
        has_alpha = "transparency" in upright.info or "A" in upright.getbands()
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    if stored_format == "JPEG" and upright.mode not in ("1", "L", "RGB", "CMYK"):
        upright = upright.convert("RGB")
    clean = Image.new(upright.mode, upright.size)  # a new image: no info, no EXIF, no palette, no profile
    clean.paste(upright)
    return clean


def _renamed(name: str, suffix: str) -> str:
    """The name, its extension made to say the stored format (a JPEG named .pdf is served as a JPEG)."""
    path = PurePath(name)
    if path.suffix.lower() in _SUFFIXES_OF.get(suffix, {suffix}):
        return name
    return f"{path.stem or 'image'}{suffix}"
