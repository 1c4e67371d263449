"""Content rules for letter texts, checked when a supervisor saves a template and again before a send.

The 14-day letter (art. 6:96 lid 6 BW, rules-nl.md §2.7) must state the amount owed, the exact
collection costs charged if the debtor does not pay, and a term of 14 days counted from the day
after receipt. Terms counted from the letter date, the sending or "today" are wrong in law (no
collection costs may then be charged), so those wordings are refused.
"""

from __future__ import annotations

import re

from incasso.letters.models import TemplateCode

REQUIRED_14_DAY = {
    "amount_owed": "het openstaande bedrag ({{ amount_owed }})",
    "collection_costs_if_unpaid": "de incassokosten bij niet betalen ({{ collection_costs_if_unpaid }})",
}
TERM_FIELD = "payment_term"
TERM_WORDINGS = (
    r"14 dagen (vanaf|na) de dag nadat (deze|de) brief (bij u is bezorgd|door u is ontvangen|u heeft bereikt)",
    r"veertien dagen (vanaf|na) de dag nadat (deze|de) brief (bij u is bezorgd|door u is ontvangen)",
    r"vijftien dagen nadat (deze|de) brief bij u is bezorgd",
    r"14 days (from|after) the day after (you received|receipt of) this letter",
)
FORBIDDEN = (
    r"na dagtekening",
    r"na (de )?datum van deze brief",
    r"na verzending",
    r"van heden",
    r"vanaf (vandaag|heden)",
    r"after the date of this letter",
    r"from (today|the date of this letter)",
    r"after (sending|dispatch)",
)


def _uses(text: str, field: str) -> bool:
    return re.search(r"{{\s*" + re.escape(field) + r"\s*(\|[^}]*)?}}", text) is not None


def content_problems(*, code: str, subject: str, body: str) -> list[str]:
    """What a template of this type lacks or says wrongly; empty when it may be used."""
    if code != TemplateCode.FOURTEEN_DAY_LETTER:
        return []
    text = f"{subject}\n{body}"
    problems = [
        f"de 14-dagenbrief moet {label} noemen"
        for field, label in REQUIRED_14_DAY.items()
        if not _uses(text, field)
    ]
    lowered = " ".join(text.lower().split())
    if not _uses(text, TERM_FIELD) and not any(re.search(p, lowered) for p in TERM_WORDINGS):
        problems.append(
            "de 14-dagenbrief moet de termijn noemen: {{ payment_term }} "
            "(14 dagen vanaf de dag na ontvangst van de brief)"
        )
    for pattern in FORBIDDEN:
        match = re.search(pattern, lowered)
        if match:
            line = next(
                (n for n, ln in enumerate(text.lower().splitlines(), 1) if match.group(0).split()[0] in ln), 0
            )
            problems.append(
                f"regel {line}: '{match.group(0)}' is een verkeerde termijn; de 14 dagen beginnen "
                "de dag nadat de schuldenaar de brief heeft ontvangen"
            )
    return problems
