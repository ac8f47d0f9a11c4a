"""Exception shared by the pure-Python rule modules of ``hocbaso_core.tools``.

The modules in this package never touch the ORM. They raise :class:`RuleError`, whose message is a
lazy translation (``LazyGettext``): ``str(error)`` translates it with whatever language Odoo can
detect (HTTP request, else English); inside a model use ``error.translate(self.env.lang)`` or
``self.env._(error.message)`` to get the text in the user's language.
"""

from odoo.tools.translate import LazyGettext


class RuleError(ValueError):
    """A business rule was violated.

    :param message: a ``LazyGettext`` (built with ``_lt(...)``) or a plain string
    :param code: short machine-readable code, e.g. ``'score_range'`` or ``'id_length'``
    """

    def __init__(self, message, code="rule"):
        super().__init__(message)
        self.message = message
        self.code = code

    def translate(self, lang=None):
        """Return the message as text in ``lang`` (e.g. ``'vi_VN'``); ``None`` detects the language."""
        if isinstance(self.message, LazyGettext):
            return self.message._translate(lang) if lang else str(self.message)
        return str(self.message)

    def __str__(self):
        return self.translate()

    def __repr__(self):
        return f"{type(self).__name__}(code={self.code!r}, message={self.translate('en_US')!r})"
