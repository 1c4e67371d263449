"""The parsers' warnings: an English text, as before, that also keeps its template and values.

A warning is a `Notice`, a `str` (its English text, so callers that print, compare or store warnings
need nothing else) that remembers the template it was made from and the values put in it. The layer
that shows a warning to a user puts it in their language by the template (`payments.notices`); every
template is a named constant here, so that layer can be checked against this list.
"""

from __future__ import annotations

from collections.abc import Mapping

NOT_UTF8 = "%(file)s: not UTF-8 (first bad byte on line %(line)s); read as Windows-1252"
NO_STATEMENTS = "%(file)s: %(version)s document without any Stmt/Ntfctn: no statements"
ENTRY_NOT_BOOKED = "%(file)s: %(entry)s has status %(status)s; not imported"
DETAILS_DO_NOT_ADD_UP = "%(file)s: %(entry)s: %(count)s TxDtls whose amounts do not give the entry amount %(amount)s; kept as one item"
CAMT_CURRENCIES_DIFFER = "%(file)s: statement %(statement)s (%(path)s): opening (%(opening)s) and closing (%(closing)s) currencies differ"
CAMT_BALANCE_MISMATCH = (
    "%(file)s: statement %(statement)s (%(path)s): opening balance %(opening)s + entries %(entries)s "
    "!= closing balance %(closing)s"
)
CAMT_NO_BALANCE = (
    "%(file)s: statement %(statement)s (%(path)s) lacks an opening or closing balance; not checked"
)
MT940_NO_ACCOUNT = "%(file)s: statement %(statement)s (line %(line)s) has no :25: account"
MT940_BALANCE_MISMATCH = (
    "%(file)s: statement %(statement)s (line %(line)s): opening balance %(opening)s + entries %(entries)s "
    "!= closing balance %(closing)s"
)
MT940_NO_BALANCE = (
    "%(file)s: statement %(statement)s (line %(line)s) lacks an opening or closing balance; not checked"
)

TEMPLATES = (
    NOT_UTF8,
    NO_STATEMENTS,
    ENTRY_NOT_BOOKED,
    DETAILS_DO_NOT_ADD_UP,
    CAMT_CURRENCIES_DIFFER,
    CAMT_BALANCE_MISMATCH,
    CAMT_NO_BALANCE,
    MT940_NO_ACCOUNT,
    MT940_BALANCE_MISMATCH,
    MT940_NO_BALANCE,
)


class Notice(str):
    """A warning: its English text, with `template` (one of `TEMPLATES`) and `params` kept."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, **params: object) -> Notice:
        notice = super().__new__(cls, template % params)
        notice.template = template
        notice.params = params
        return notice
