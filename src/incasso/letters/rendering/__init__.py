"""Render letters to PDF/PNG from plain frozen data (no Django), so it can run in a process pool.

Public interface::

    from incasso.letters.rendering import LetterData, render_letter_pdf, render_letter_png
"""

from incasso.letters.rendering.data import Addressee, ClaimRow, LetterData, Letterhead, Totals
from incasso.letters.rendering.epc import epc_payload
from incasso.letters.rendering.renderer import page_count, render_letter_pdf, render_letter_png

__all__ = [
    "Addressee",
    "ClaimRow",
    "LetterData",
    "Letterhead",
    "Totals",
    "epc_payload",
    "page_count",
    "render_letter_pdf",
    "render_letter_png",
]
