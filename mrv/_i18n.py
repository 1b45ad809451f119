"""Messages in the reader's language (gettext).

A message is written in the code once, in English, with its values named:
``msg("a number such as {example}", example="2,5")``. The English text is the key
(msgid) of the catalogue ``mrv/locale/<lang>/LC_MESSAGES/mrv.po``, compiled to ``mrv.mo``
(``make messages`` extracts the keys with Babel and compiles the catalogue). A message
stays an ordinary ``str`` holding its English text, so that errors, logs and tests read
it as before; `say` gives it in another language when it is shown, its values (which may
be messages themselves) said in that language too.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

#: Languages of the messages; the first is the default.
LANGS = ("vi", "en")
DEFAULT_LANG = LANGS[0]
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "mrv"


class Message(str):
    """English text that remembers its template and values, to be said in another language."""

    template: str
    values: dict

    def __new__(cls, template: str, /, **values) -> Message:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template, self.values = template, values
        return self

    def fill(self, **values) -> Message:
        """This message's template with `values` in its fields (for templates kept in tables)."""
        return Message(self.template, **values)

    def __reduce__(self):
        return _rebuild, (self.template, self.values)


def _rebuild(template: str, values: dict) -> Message:
    return Message(template, **values)


def msg(template: str, /, **values) -> Message:
    """A message: `template` in English with ``{name}`` fields filled from `values`."""
    return Message(template, **values)


@functools.cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


class _Decimal(float):
    """A float that formats with the Vietnamese marks (1.234,5) inside a Vietnamese message."""

    def __format__(self, spec: str) -> str:
        return format(float(self), spec).translate(str.maketrans(",.", ".,"))


def say(text, lang: str = DEFAULT_LANG) -> str:
    """`text` in `lang`: a `Message` through the catalogue (a decimal number in its values
    written as the language writes it), anything else as it is."""
    if not isinstance(text, Message):
        return "" if text is None else str(text)
    template = text.template if lang == "en" else _catalogue(lang).gettext(text.template)
    if not text.values:
        return template

    def said(value):
        if isinstance(value, Message):
            return say(value, lang)
        return _Decimal(value) if lang == "vi" and isinstance(value, float) else value
    return template.format(**{name: said(value) for name, value in text.values.items()})


def said(error: BaseException, lang: str = DEFAULT_LANG) -> str:
    """An exception's message in `lang` (its first argument when that is a `Message`)."""
    first = error.args[0] if error.args else ""
    return say(first, lang) if isinstance(first, Message) else str(error)

