"""Uploaded images lose their metadata (DESIGN.md, Privacy): a phone's photo carries where it was taken
(EXIF GPS), the camera and its serial number, the time, sometimes the owner's name; a PNG may carry text
chunks. A photo of a protest's evidence must not tell who took it, or where they stood.

`image_without_metadata(upload)` is the one way an uploaded file is stored by any app: an image (told by its
content, whatever its name) is decoded and encoded again by Pillow from its pixels alone, turned the way its
EXIF orientation says first (a phone's portrait photo stays upright once the tag that turned it is gone);
any other file (a PDF, a document) is returned as it is."""

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

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
