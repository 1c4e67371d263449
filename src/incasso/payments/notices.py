"""The bank-file parsers' warnings in the user's language.

`bankfiles` is a pure core and speaks English; each of its warnings is a `bankfiles.notices.Notice`
that keeps its template and values. Here every template has its translatable text (the same English:
a test checks they cannot drift apart, and that none is missing), so an import shows "afschrift
REF/1 (regel 1): beginsaldo 100.00 + boekingen -10.00 != eindsaldo 95.00" to a Dutch officer. A
warning from elsewhere, or stored by an older version, is shown as it is.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from incasso.bankfiles import notices as bank

TEXTS: dict[str, Promise] = {
    bank.NOT_UTF8: _("%(file)s: not UTF-8 (first bad byte on line %(line)s); read as Windows-1252"),
    bank.NO_STATEMENTS: _("%(file)s: %(version)s document without any Stmt/Ntfctn: no statements"),
    bank.ENTRY_NOT_BOOKED: _("%(file)s: %(entry)s has status %(status)s; not imported"),
    bank.DETAILS_DO_NOT_ADD_UP: _(
        "%(file)s: %(entry)s: %(count)s TxDtls whose amounts do not give the entry amount %(amount)s; "
        "kept as one item"
    ),
    bank.CAMT_CURRENCIES_DIFFER: _(
        "%(file)s: statement %(statement)s (%(path)s): opening (%(opening)s) and closing (%(closing)s) "
        "currencies differ"
    ),
    bank.CAMT_BALANCE_MISMATCH: _(
        "%(file)s: statement %(statement)s (%(path)s): opening balance %(opening)s + entries %(entries)s "
        "!= closing balance %(closing)s"
    ),
    bank.CAMT_NO_BALANCE: _(
        "%(file)s: statement %(statement)s (%(path)s) lacks an opening or closing balance; not checked"
    ),
    bank.MT940_NO_ACCOUNT: _("%(file)s: statement %(statement)s (line %(line)s) has no :25: account"),
    bank.MT940_BALANCE_MISMATCH: _(
        "%(file)s: statement %(statement)s (line %(line)s): opening balance %(opening)s + entries %(entries)s "
        "!= closing balance %(closing)s"
    ),
    bank.MT940_NO_BALANCE: _(
        "%(file)s: statement %(statement)s (line %(line)s) lacks an opening or closing balance; not checked"
    ),
}


def notice_text(warning: str) -> str:
    """A parser's warning in the active language; anything else as it is."""
    if not isinstance(warning, bank.Notice) or warning.template not in TEXTS:
        return str(warning)
    params = {  # amounts as the language writes them: 1.234,50 in Dutch
        name: number_format(value, decimal_pos=2, force_grouping=True)
        if isinstance(value, Decimal)
        else value
        for name, value in warning.params.items()
    }
    return str(TEXTS[warning.template]) % params


notice_text_lazy = lazy(notice_text, str)
