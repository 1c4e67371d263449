"""Words for the technical codes the case record keeps: who did something (`Event.actor_label`) and
where a ledger entry came from (`LedgerEntry.source`, `cases.services.case_open(source=...)`).

The stored values stay as they are: they are keys ("system", "bank", "import claims.csv",
"bank:50"). These words are looked up when a screen or a document shows them, in the language of
whoever reads it (wrap in `core.formatting.record_text` for text written into the record).
"""

from __future__ import annotations

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

# the labels the code writes for work nobody did by hand (grep actor_label)
ACTOR_WORDS: dict[str, Promise] = {
    "system": _("system"),
    "bank": _("bank"),
    "payments": _("payments"),
    "import": _("import"),
    "manual": _("by hand"),
    "demo": _("demo"),
    "api": _("API"),
    "portal": _("debtor via the portal"),
}

# "<kind>:<id>" sources of ledger entries (bank:<transaction>, dispute:<id>, bailiff:<update>, ...)
SOURCE_KINDS: dict[str, Promise] = {
    "bank": _("bank statement"),
    "dispute": _("dispute"),
    "bailiff": _("bailiff"),
    "arrangement": _("payment arrangement"),
}


def source_word(source: str) -> str:
    """A case-opening or ledger source as a reader says it: "manual" → "handmatig", "import
    claims.csv" → "import claims.csv", "bank:50" → "bankafschrift"; an unknown code as it is."""
    if source in ACTOR_WORDS:
        return str(ACTOR_WORDS[source])
    head, space, rest = source.partition(" ")
    if space and head in ACTOR_WORDS:  # "import claims.csv", "import api REF-1"
        return f"{ACTOR_WORDS[head]} {rest}"
    kind, colon, _id = source.partition(":")
    if colon and kind in SOURCE_KINDS:
        return str(SOURCE_KINDS[kind])
    return source


# for `record_text`: the word is looked up when the record's language is switched on
source_word_lazy = lazy(source_word, str)


def actor_display(label: str, *, by_user: bool = False) -> str:
    """`Event.actor_label` for a screen: a user name as it is, a technical label in words."""
    return label if by_user else source_word(label)
