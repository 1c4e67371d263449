"""A legal document as plain blocks (heading, paragraph, key-value list, table): one structure that
both the PDF (typst) and the editable .docx are rendered from, so the two cannot drift.

Pure: no Django. Every value is already formatted text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockType = Literal["heading", "para", "kv", "table", "placeholder"]


@dataclass(frozen=True, slots=True)
class Block:
    type: BlockType
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    headers: tuple[str, ...] = ()
    right: tuple[bool, ...] = ()  # per table column: align right (amounts)
    bold_last: bool = False  # a totals row


@dataclass(frozen=True, slots=True)
class LegalDocument:
    title: str
    subtitle: str
    date: str  # formatted
    reference: str
    author: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    footer: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "date": self.date,
            "reference": self.reference,
            "author": self.author,
            "footer": self.footer,
            "blocks": [
                {
                    "type": b.type,
                    "text": b.text,
                    "rows": [list(r) for r in b.rows],
                    "headers": list(b.headers),
                    "right": list(b.right) or [False] * max((len(r) for r in b.rows), default=len(b.headers)),
                    "bold_last": b.bold_last,
                }
                for b in self.blocks
            ],
        }

    def plain_text(self) -> str:
        """The document as text lines (for tests and a quick look)."""
        out = [self.title, self.subtitle]
        for b in self.blocks:
            if b.text:
                out.append(b.text)
            out += ["  ".join(r) for r in (b.headers, *b.rows) if r]
        return "\n".join(out)


def heading(text: str) -> Block:
    return Block("heading", text)


def para(text: str) -> Block:
    return Block("para", text)


def placeholder(text: str) -> Block:
    """Text the lawyer or bailiff must fill in (shown highlighted)."""
    return Block("placeholder", text)


def kv(rows: list[tuple[str, str]]) -> Block:
    return Block("kv", rows=tuple(rows))


def table(headers: list[str], rows: list[list[str]], right: list[bool], *, bold_last: bool = False) -> Block:
    return Block(
        "table",
        rows=tuple(tuple(r) for r in rows),
        headers=tuple(headers),
        right=tuple(right),
        bold_last=bold_last,
    )
