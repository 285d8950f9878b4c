"""An upload handler that refuses a file over the upload limit as its body arrives: the request's declared
length is checked before anything is read (the body is then not read at all), and the bytes are counted as
they come, so that a 1 GB upload costs neither memory nor disk."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict


class UploadTooLarge(FileUploadHandler):
    """Put first in `request.upload_handlers`; `too_large` tells the view the upload was stopped."""

    def __init__(self, request, limit_bytes: int):
        super().__init__(request)
        self.limit = limit_bytes
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.limit:
            self.too_large = True
            return QueryDict(), MultiValueDict()  # handled: nothing of the body is read

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:  # a body that did not say its length, or said it wrong
            self.too_large = True
            raise StopUpload(connection_reset=True)  # the rest is not read
        return raw_data

    def file_complete(self, file_size):
        return None
