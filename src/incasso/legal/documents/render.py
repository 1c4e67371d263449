"""Render a `LegalDocument` to PDF with typst (the letters' approach and fonts) and to .docx.

The fonts are the letters' Liberation Sans files, found by path (legal does not import letters; the
layers forbid it). Output is deterministic: the PDF date is the document's `as_of` date.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import threading
from pathlib import Path

import typst

from incasso.legal.documents.blocks import LegalDocument

HERE = Path(__file__).resolve().parent
LAYOUT = HERE / "layout.typ"
FONTS = HERE.parent.parent / "letters" / "rendering" / "fonts"


class _Holder(threading.local):
    compiler: typst.Compiler | None = None
    pid: int = -1


_holder = _Holder()


def _compiler() -> typst.Compiler:
    if _holder.compiler is None or _holder.pid != os.getpid():
        fonts = [FONTS] if FONTS.is_dir() else []
        _holder.compiler = typst.Compiler(
            LAYOUT, root=HERE, font_paths=fonts, ignore_system_fonts=bool(fonts)
        )
        _holder.pid = os.getpid()
    return _holder.compiler


def render_pdf(doc: LegalDocument, *, as_of: dt.date) -> bytes:
    payload = json.dumps(doc.as_json(), ensure_ascii=False, separators=(",", ":"))
    result = _compiler().compile(
        format="pdf",
        sys_inputs={"data": payload},
        timestamp=dt.datetime.combine(as_of, dt.time(0, 0), tzinfo=dt.UTC),
    )
    assert isinstance(result, bytes)
    return result


def render_docx(doc: LegalDocument) -> bytes:
    """An editable Word document with the same blocks (python-docx)."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    out = Docx()
    style = out.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(10)
    out.core_properties.title = doc.title
    out.core_properties.author = doc.author
    out.add_heading(doc.title, level=0)
    out.add_paragraph(f"{doc.subtitle} · {doc.reference} · {doc.date}")
    for b in doc.blocks:
        if b.type == "heading":
            out.add_heading(b.text, level=1)
        elif b.type == "para":
            out.add_paragraph(b.text)
        elif b.type == "placeholder":
            run = out.add_paragraph().add_run(b.text)
            run.italic = True
            run.font.color.rgb = RGBColor(0x9A, 0x6A, 0x00)
        elif b.type in ("kv", "table"):
            rows = [list(b.headers), *map(list, b.rows)] if b.headers else [list(r) for r in b.rows]
            if not rows:
                continue
            grid = out.add_table(rows=len(rows), cols=len(rows[0]))
            grid.style = "Table Grid" if b.type == "table" else None
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    cell = grid.cell(i, j)
                    cell.text = value
                    para = cell.paragraphs[0]
                    if b.type == "table" and j < len(b.right) and b.right[j]:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    bold = (b.headers and i == 0) or (b.bold_last and i == len(rows) - 1)
                    if bold:
                        for run in para.runs:
                            run.bold = True
            out.add_paragraph()
    if doc.footer:
        out.sections[0].footer.paragraphs[0].text = doc.footer
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
