from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KhmerFirstLocaleMiddleware(LocaleMiddleware):
    """Khmer unless the visitor chose English with the switch (a cookie). The browser's Accept-Language
    is ignored on purpose: many phones in Cambodia are set to English by default, and Khmer should be
    what people see first."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
