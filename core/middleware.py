"""Language selection: German unless the user chose another language.

Django's LocaleMiddleware follows the browser's Accept-Language header. Many office
PCs in municipalities run an English browser; their users expect the German product
they were trained on, so only an explicit choice (the language cookie set by
Django's ``set_language`` view) switches the language.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the thread goes back to its language afterwards, so that
        # work done after a request (tasks, tests) is not left in a visitor's language.
        with translation.override(language):
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        return response
