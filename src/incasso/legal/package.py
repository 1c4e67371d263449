"""The hand-over package: a directory with everything the bailiff or lawyer needs.

    samenvatting.pdf        parties, claims, calculation to the hand-over date, timeline, documents
    concept-dagvaarding.pdf / .docx
    renteberekening.txt     the calculation sheet as text (`calculations.sheet.render_statement`)
    case.json               parties, claims, amounts per bucket, payments (machine-readable)
    claims.csv              one row per claim, amounts per bucket
    documents/              every document of the case, copied under its original name
    letters/                archived letters, when a letters archive exists (hook, see docs/legal.md)
    manifest.json           SHA-256 of every file above

Amounts in case.json and claims.csv come from the same `Statement`, so they add up to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage

from incasso.cases.models import Case
from incasso.legal.documents.render import render_docx, render_pdf
from incasso.legal.documents.summary import summary_document
from incasso.legal.documents.summons import summons_document
from incasso.legal.dossier import Dossier, case_dossier

TO_LABEL = {"bailiff": "gerechtsdeurwaarder", "lawyer": "advocaat"}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def case_json(d: Dossier) -> dict[str, Any]:
    s = d.statement
    claims = []
    for claim in d.claims:
        cs = next((c for c in s.claims if c.claim.id == claim.invoice_number), None) if s else None
        buckets = (
            {
                name: {
                    "charged": _money(b.charged),
                    "paid": _money(b.paid),
                    "outstanding": _money(b.outstanding),
                }
                for name, b in (("principal", cs.principal), ("interest", cs.interest), ("costs", cs.costs))
            }
            if cs
            else {}
        )
        claims.append(
            {
                "invoice_number": claim.invoice_number,
                "invoice_date": claim.invoice_date.isoformat(),
                "due_date": claim.due_date.isoformat(),
                "description": claim.description,
                "interest": claim.interest,
                "limitation_last_day": claim.limitation_last_day.isoformat(),
                "buckets": buckets,
                "outstanding": _money(cs.outstanding) if cs else "0.00",
            }
        )
    totals = (
        {
            name: {"charged": _money(b.charged), "paid": _money(b.paid), "outstanding": _money(b.outstanding)}
            for name, b in (("principal", s.principal), ("interest", s.interest), ("costs", s.costs))
        }
        if s
        else {}
    )

    def party(p: Any) -> dict[str, Any]:
        return {"name": p.name, "address": list(p.address_lines), "kvk": p.kvk, **dict(p.extra)}

    return {
        "case": d.case_number,
        "client_reference": d.client_reference,
        "as_of": d.as_of.isoformat(),
        "consumer": d.consumer,
        "claimant": party(d.client),
        "defendant": party(d.debtor),
        "claims": claims,
        "totals": totals,
        "outstanding": _money(d.outstanding),
        "payments": [
            {"on": p.on.isoformat(), "amount": _money(p.amount), "reference": p.reference} for p in d.payments
        ],
        "unallocated": _money(s.unallocated) if s else "0.00",
        "court": {"court": d.court.court.value, "value": _money(d.court.value), "reason": d.court.reason},
        "court_fee": {
            "amount": _money(d.fee.amount) if d.fee.amount is not None else None,
            "category": d.fee.category.value,
            "note": d.fee.note,
        },
    }


def claims_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    cols = ["principal", "interest", "costs"]
    writer.writerow(
        [
            "invoice_number",
            "invoice_date",
            "due_date",
            *(f"{c}_{k}" for c in cols for k in ("charged", "paid", "outstanding")),
            "outstanding",
        ]
    )
    for c in data["claims"]:
        b = c["buckets"]
        writer.writerow(
            [
                c["invoice_number"],
                c["invoice_date"],
                c["due_date"],
                *(b[col][k] if b else "0.00" for col in cols for k in ("charged", "paid", "outstanding")),
                c["outstanding"],
            ]
        )
    return out.getvalue()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "document"


def summons_files(*, case: Case, as_of: dt.date) -> tuple[bytes, bytes]:
    """The draft summons as (PDF, .docx)."""
    doc = summons_document(case_dossier(case=case, as_of=as_of))
    return render_pdf(doc, as_of=as_of), render_docx(doc)


def package_write(
    *, case: Case, handover_to: str, party: str, as_of: dt.date, out_dir: Path
) -> dict[str, str]:
    """Write the package into `out_dir` (created; must be empty if it exists). Returns {file: sha256}."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    d = case_dossier(case=case, as_of=as_of)
    summary = summary_document(d, to_label=TO_LABEL.get(handover_to, handover_to), party=party)
    summons = summons_document(d)
    data = case_json(d)
    files: dict[str, bytes] = {
        "samenvatting.pdf": render_pdf(summary, as_of=as_of),
        "concept-dagvaarding.pdf": render_pdf(summons, as_of=as_of),
        "concept-dagvaarding.docx": render_docx(summons),
        "renteberekening.txt": d.sheet_text.encode(),
        "case.json": json.dumps(data, ensure_ascii=False, indent=2).encode(),
        "claims.csv": claims_csv(data).encode(),
    }
    used: set[str] = set()
    for pk, name, _kind, _sha, path in d.documents:
        target = f"documents/{pk}-{_safe(name)}"
        if target in used:
            continue
        used.add(target)
        with default_storage.open(path, "rb") as fh:
            files[target] = fh.read()
    digests: dict[str, str] = {}
    for name, body in files.items():
        out_path = out_dir / name
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(body)
        digests[name] = hashlib.sha256(body).hexdigest()
    (out_dir / "manifest.json").write_text(json.dumps(digests, indent=2, sort_keys=True))
    return digests


def package_zip(path: Path) -> bytes:
    """The package directory as one zip (for the download on the hand-over page)."""
    buffer = io.BytesIO()
    root = Path(path)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            zf.write(file, file.relative_to(root).as_posix())
    return buffer.getvalue()
