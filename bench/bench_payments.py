"""Benchmark payments: a 100,000-entry CAMT.053 against 1,000,000 open cases (run by hand; never a test).

    .venv/bin/python bench/bench_payments.py setup [--cases 1000000]      # fresh DB incasso_bench_pay
    .venv/bin/python bench/bench_payments.py file [--entries 100000]      # /tmp/bench_pay.xml + truth
    .venv/bin/python bench/bench_payments.py parse                        # the parser alone (the floor)
    .venv/bin/python bench/bench_payments.py run [--keep]                 # import + match + book, scored

`run` imports the file in one `statement_import` and then rolls the database back by deleting what it
made (unless --keep), so it can be repeated. The truth file (`/tmp/bench_pay.truth.json`) holds per entry
the kind of noise and the intended case (or none) and whether an automatic match is expected ("matchable":
the entry names exactly one case by a correct reference, a case or invoice number, or a known IBAN of a
debtor with one case paying exactly the balance). Scored: wrong automatic matches (booked on another
case than intended, or booked at all when no case was intended; target 0) and the share of matchable
payments matched automatically (target >= 95 %).

The data: one client; debtors mostly unique (85 % of the cases have their own, the rest share 50,000
debtors a few cases each), Dutch-ish names, one claim per case with its principal ledger entry, 30 % of
the debtors with a known IBAN. Case numbers `2025-NNNNNN`, references = generate_payment_reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DB = "incasso_bench_pay"
FILE = Path("/tmp/bench_pay.xml")
TRUTH = Path("/tmp/bench_pay.truth.json")
TODAY = dt.date(2026, 3, 2)
VALUE_ON = dt.date(2026, 3, 1)
OUR_IBAN = "NL20INGB0001234567"
UNIQUE_SHARE = 0.85
SHARED_DEBTORS = 50_000
FIRST = [
    "Jan",
    "Piet",
    "Klaas",
    "Anna",
    "Maria",
    "Sanne",
    "Daan",
    "Emma",
    "Lotte",
    "Bram",
    "Sophie",
    "Lucas",
    "Fleur",
    "Thijs",
    "Noor",
    "Ruben",
    "Iris",
    "Sem",
    "Julia",
    "Milan",
    "Eva",
    "Finn",
    "Lisa",
    "Jesse",
]
LAST = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
        "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
        "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
        "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Jong", "Schouten",
        "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
        "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Wijk"]  # fmt: skip


def _django() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    # As in production: with DEBUG on, Django keeps the last 9,000 statements with their parameters
    os.environ.setdefault("INCASSO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incasso.config.settings")
    import django

    django.setup()


def debtor_of(g: int, cases: int) -> int:
    """1-based debtor number of case g: most unique, the rest shared by a few cases."""
    unique = int(cases * UNIQUE_SHARE)
    return g if g <= unique else unique + 1 + (g % SHARED_DEBTORS)


def debtor_name(d: int) -> tuple[str, str, str]:
    last = LAST[(d * 7919) % len(LAST)]
    prefix, _, surname = last.rpartition(" ")
    # a number makes most names unique enough (real names are far more varied than 24 x 50)
    return FIRST[d % len(FIRST)], prefix, surname


def iban_for(d: int) -> str:
    bban = f"ABNA{d:010d}"
    digits = "".join(str(int(c, 36)) for c in bban + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{bban}"


def has_iban(d: int) -> bool:
    return d % 10 < 3


def principal_of(g: int) -> str:
    return f"{100 + (g * 37) % 4900}.{g % 100:02d}"


def case_number(g: int) -> str:
    return f"{2025 + g // 1_000_000}-{g % 1_000_000:06d}"


def setup(cases: int) -> None:
    for cmd in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*cmd, "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    _django()
    from django.core.management import call_command
    from django.db import connection, transaction

    from incasso.calculations import generate_payment_reference
    from incasso.clients.models import Client

    call_command("migrate", verbosity=0)
    client = Client.objects.create(name="Bench BV", code="BENCH")
    started = time.perf_counter()
    debtors = debtor_of(cases, cases) if cases > 0 else 0
    debtors = int(cases * UNIQUE_SHARE) + SHARED_DEBTORS
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT id FROM cases_debttype WHERE code = 'services'")
        debt_type = cur.fetchone()[0]
        t = time.perf_counter()
        with cur.copy(
            "COPY debtors_debtor (id, kind, first_names, name_prefix, last_name, organisation_name, kvk_number,"
            " created_at) FROM STDIN"
        ) as copy:
            for d in range(1, debtors + 1):
                first, prefix, last = debtor_name(d)
                copy.write_row((d, "person", first, prefix, last, "", "", "2026-01-01T00:00:00Z"))
        cur.execute("SELECT setval(pg_get_serial_sequence('debtors_debtor', 'id'), %s)", [debtors])
        print(f"  debtors {debtors:,} in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        with cur.copy(
            "COPY debtors_bankaccount (debtor_id, iban, holder_name, source, created_at) FROM STDIN"
        ) as copy:
            for d in range(1, debtors + 1):
                if has_iban(d):
                    copy.write_row((d, iban_for(d), "", "bench", "2026-01-01T00:00:00Z"))
        print(f"  bank accounts in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        with cur.copy(
            "COPY cases_case (id, number, debtor_role, state, opened_on, closing_reason, client_reference,"
            " payment_reference, created_at, client_id, debtor_id, debt_type_id) FROM STDIN"
        ) as copy:
            for g in range(1, cases + 1):
                copy.write_row((
                    g, case_number(g), "consumer", "amicable", "2026-01-02", "", "",
                    generate_payment_reference(2025_000_000 + g), "2026-01-02T00:00:00Z", client.pk,
                    debtor_of(g, cases), debt_type,
                ))  # fmt: skip
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [cases])
        print(f"  cases {cases:,} in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        cur.execute(
            """INSERT INTO cases_claim (invoice_number, invoice_date, due_date, principal, description,
                 interest_basis, contractual_rate, compound, created_at, case_id, client_id)
               SELECT 'F' || lpad(c.id::text, 8, '0'), '2025-12-01', '2026-01-01',
                 round(100 + (c.id * 37) % 4900 + (c.id % 100) / 100.0, 2), '', 'consumer', NULL, true, now(),
                 c.id, c.client_id FROM cases_case c"""
        )
        cur.execute(
            """INSERT INTO cases_ledgerentry (bucket, kind, amount, value_on, booked_at, source, reason,
                 actor_id, case_id, claim_id, reverses_id)
               SELECT 'principal', 'claim_added', principal, due_date, now(), 'bench', '', NULL, case_id, id,
                 NULL FROM cases_claim"""
        )
        print(f"  claims + ledger in {time.perf_counter() - t:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"setup done in {time.perf_counter() - started:.0f} s", flush=True)


def _typo(ref: str, rng: random.Random) -> str:
    from incasso.calculations import is_valid_payment_reference

    while True:
        chars = list(ref)
        i = rng.randrange(15)
        if rng.random() < 0.5 and chars[i] != chars[i + 1]:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = str((int(chars[i]) + rng.randrange(1, 10)) % 10)
        wrong = "".join(chars)
        if not is_valid_payment_reference(wrong):
            return wrong


def _misspell(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def make_file(cases: int, entries: int, seed: int = 7) -> None:
    from xml.sax.saxutils import escape

    from incasso.calculations import generate_payment_reference

    rng = random.Random(seed)
    picked = iter(rng.sample(range(1, cases + 1), min(cases, entries * 2)))
    cases_of_debtor: dict[int, int] = {}
    for g in range(int(cases * UNIQUE_SHARE) + 1, cases + 1):
        d = debtor_of(g, cases)
        cases_of_debtor[d] = cases_of_debtor.get(d, 0) + 1
    kinds = [  # (kind, weight)
        ("reference", 62), ("reference_partial", 12), ("text_reference", 5), ("case_number", 5),
        ("invoice_number", 3), ("iban_exact", 3), ("iban_other_amount", 1), ("typo_reference", 3),
        ("typo_with_case_number", 1), ("two_references", 1), ("unknown", 2), ("return", 2),
    ]  # fmt: skip
    names, weights = zip(*kinds, strict=True)
    out = io.StringIO()
    truth = []
    direct_debits: list[tuple[int, str, str]] = []  # (case, amount, e2e) of collected payments
    n = 0
    while n < entries:
        kind = rng.choices(names, weights)[0]
        g = next(picked)
        d = debtor_of(g, cases)
        first, prefix, last = debtor_name(d)
        name = " ".join(p for p in (first, prefix, last) if p)
        if rng.random() < 0.2:
            name = _misspell(name, rng)
        ref = generate_payment_reference(2025_000_000 + g)
        amount = principal_of(g)
        text, strd, iban, e2e, rtr, sign = "", "", "", "", "", ""
        intended: int | None = g
        matchable = True
        if has_iban(d) and rng.random() < 0.5:
            iban = iban_for(d)
        if kind == "reference":
            strd = ref
            if rng.random() < 0.3:  # a collected direct debit: it may come back later
                e2e = f"BENCH-{n}"
                direct_debits.append((g, amount, e2e))
        elif kind == "reference_partial":
            strd, amount = ref, f"{max(1, int(float(amount)) // 3)}.00"
        elif kind == "text_reference":
            text = f"Betaling kenmerk {' '.join(ref[i : i + 4] for i in range(0, 16, 4))}"
        elif kind == "case_number":
            text = f"dossier {case_number(g)} {name}"
        elif kind == "invoice_number":
            text = f"factuur F{g:08d}"
        elif kind in ("iban_exact", "iban_other_amount"):
            iban = iban_for(d)
            if kind == "iban_other_amount":
                amount = f"{int(Decimal(amount)) // 2}.00"
                matchable = False
            matchable = matchable and has_iban(d) and cases_of_debtor.get(d, 1) == 1
            text = "betaling"
        elif kind == "typo_reference":
            strd, matchable = _typo(ref, rng), False
        elif kind == "typo_with_case_number":
            text = f"kenmerk {_typo(ref, rng)} dossier {case_number(g)}"
        elif kind == "two_references":
            other = next(picked)
            text = f"kenmerk {ref} en {generate_payment_reference(2025_000_000 + other)}"
            amount, matchable, intended = f"{float(amount) + float(principal_of(other)):.2f}", False, None
        elif kind == "unknown":
            name, iban, text = f"{rng.choice(FIRST)} Onbekend{n}", iban_for(9_000_000 + n), "gift"
            intended, matchable = None, False
        elif kind == "return":
            if not direct_debits:
                continue
            case_g, amount, e2e = direct_debits.pop(rng.randrange(len(direct_debits)))
            sign, rtr, intended, iban, name = "-", "MS02", case_g, "", ""
        if iban and kind != "return" and not matchable and kind in ("iban_exact",):
            pass
        if (
            kind not in ("iban_exact", "iban_other_amount", "return")
            and iban
            and cases_of_debtor.get(d, 1) > 1
        ):
            pass  # a shared debtor's IBAN alongside a reference: the reference decides
        credit = sign != "-"
        role = "Dbtr" if credit else "Cdtr"
        party = f"<RltdPties><{role}><Nm>{escape(name)}</Nm></{role}>" if name else "<RltdPties>"
        party += f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>" if iban else ""
        party += "</RltdPties>"
        rmt = ""
        if text or strd:
            rmt = "<RmtInf>" + (f"<Ustrd>{escape(text)}</Ustrd>" if text else "")
            rmt += f"<Strd><CdtrRefInf><Ref>{strd}</Ref></CdtrRefInf></Strd>" if strd else ""
            rmt += "</RmtInf>"
        refs = f"<Refs><EndToEndId>{e2e}</EndToEndId></Refs>" if e2e else ""
        ret = f"<RtrInf><Rsn><Cd>{rtr}</Cd></Rsn></RtrInf>" if rtr else ""
        on = VALUE_ON if credit else VALUE_ON + dt.timedelta(days=1)
        out.write(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{on}</Dt></BookgDt><ValDt><Dt>{on}</Dt></ValDt>"
            f"<AcctSvcrRef>B{n}</AcctSvcrRef><BkTxCd/><NtryDtls><TxDtls>{refs}{party}{rmt}{ret}</TxDtls>"
            f"</NtryDtls></Ntry>\n"
        )
        truth.append({"n": n, "kind": kind, "case": intended, "matchable": matchable, "bank_ref": f"B{n}"})
        n += 1
    FILE.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-03-02T06:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>BENCH-1</Id><CreDtTm>2026-03-02T06:00:00</CreDtTm><Acct><Id><IBAN>{OUR_IBAN}</IBAN></Id></Acct>\n"
        + out.getvalue()
        + "</Stmt></BkToCstmrStmt></Document>\n"
    )
    TRUTH.write_text(json.dumps(truth))
    counts: dict[str, int] = {}
    for t in truth:
        counts[t["kind"]] = counts.get(t["kind"], 0) + 1
    print(f"{FILE}: {FILE.stat().st_size / 1e6:.1f} MB, {len(truth):,} entries: {counts}")


def parse() -> None:
    from incasso.bankfiles import parse_statement_bytes

    data = FILE.read_bytes()
    for _ in range(2):
        start, cpu = time.perf_counter(), time.process_time()
        result = parse_statement_bytes(data, FILE.name)
        print(
            f"parser: {len(result.entries):,} entries in {time.perf_counter() - start:.2f} s"
            f" ({time.process_time() - cpu:.2f} s CPU; load average {Path('/proc/loadavg').read_text().strip()})",
            flush=True,
        )


def _undo(import_id: int) -> None:
    """Put the database back as it was before the import (bench only: the ledger is append-only)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT id FROM payments_banktransaction WHERE statement_import_id = %s", [import_id])
        cur.execute(
            "CREATE TEMP TABLE bench_txn ON COMMIT DROP AS SELECT id, case_id FROM payments_banktransaction"
            " WHERE statement_import_id = %s",
            [import_id],
        )
        cur.execute(
            "CREATE TEMP TABLE bench_entry ON COMMIT DROP AS SELECT e.id FROM cases_ledgerentry e"
            " JOIN bench_txn t ON e.case_id = t.case_id AND e.source = 'bank:' || t.id"
        )
        cur.execute(
            "DELETE FROM cases_ledgerentry WHERE id IN (SELECT id FROM bench_entry) AND reverses_id IS NOT NULL"
        )
        cur.execute("DELETE FROM cases_ledgerentry WHERE id IN (SELECT id FROM bench_entry)")
        cur.execute(
            "UPDATE payments_banktransaction SET returns_id = NULL WHERE id IN (SELECT id FROM bench_txn)"
        )
        cur.execute("DELETE FROM payments_banktransaction WHERE id IN (SELECT id FROM bench_txn)")
        cur.execute("DELETE FROM payments_bankstatementimport WHERE id = %s", [import_id])
        cur.execute("DELETE FROM cases_event WHERE occurred_at > now() - interval '2 hours'")
        cur.execute("DELETE FROM cases_task WHERE created_at > now() - interval '2 hours'")
        for table in ("cases_casetransition", "strategies_hold"):
            try:
                with transaction.atomic():
                    cur.execute(f"DELETE FROM {table} WHERE created_at > now() - interval '2 hours'")
            except Exception:
                pass
        cur.execute(
            "UPDATE cases_case SET state = 'amicable', closed_on = NULL, closing_reason = ''"
            " WHERE id IN (SELECT case_id FROM bench_txn WHERE case_id IS NOT NULL)"
        )


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return int(cur.fetchone()[0])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (the PostgreSQL backend serving us: same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(keep: bool) -> None:
    from django.db import connection

    from incasso.payments.models import BankTransaction
    from incasso.payments.services import statement_import

    truth = {str(t["n"] + 1): t for t in json.loads(TRUTH.read_text())}  # position in the statement
    backend = _backend_pid()
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}", flush=True)
    server_cpu = _cpu_seconds(backend)
    cpu = time.process_time()
    start = time.perf_counter()
    summary = statement_import(path=FILE, name=FILE.name)
    took = time.perf_counter() - start
    cpu = time.process_time() - cpu
    server_cpu = _cpu_seconds(backend) - server_cpu
    print(
        f"import + match + book: {summary.read:,} entries in {took:.1f} s ({summary.read / took:,.0f}/s): "
        f"booked {summary.booked:,}, returned {summary.returned:,}, suggested {summary.suggested:,}, "
        f"unmatched {summary.unmatched:,}, ignored {summary.ignored:,}",
        flush=True,
    )
    print(
        f"CPU: python {cpu:.1f} s + PostgreSQL backend {server_cpu:.1f} s = {cpu + server_cpu:.1f} s;"
        f" peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB;"
        f" load average after: {Path('/proc/loadavg').read_text().strip()}",
        flush=True,
    )
    wrong, auto, matchable, auto_matchable, by_kind = 0, 0, 0, 0, {}
    for txn in BankTransaction.objects.filter(statement_import_id=summary.import_id).only(
        "status", "case_id", "position", "match_rule"
    ):
        t = truth.get(txn.position.split(".")[0])
        if t is None:
            continue
        is_auto = txn.status in ("booked", "returned") and txn.match_rule not in ("manual",)
        if t["kind"] == "return":
            is_auto = txn.status == "returned"
        stats = by_kind.setdefault(t["kind"], [0, 0, 0])
        stats[0] += 1
        if is_auto:
            auto += 1
            stats[1] += 1
            if t["case"] is None or txn.case_id != t["case"]:
                wrong += 1
                stats[2] += 1
        if t["matchable"] and t["kind"] != "return":
            matchable += 1
            auto_matchable += is_auto
    print(f"wrong automatic matches: {wrong}")
    print(
        f"matchable payments matched automatically: {auto_matchable:,}/{matchable:,} = {auto_matchable / max(matchable, 1):.1%}"
    )
    for kind, (count, a, w) in sorted(by_kind.items()):
        print(f"  {kind:22} {count:7,} auto {a:7,} wrong {w}")
    with connection.cursor() as cur:  # rows the import wrote (the events: by kind)
        cur.execute(
            "SELECT count(*) FROM cases_ledgerentry e JOIN payments_banktransaction t"
            " ON e.case_id = t.case_id AND e.source = 'bank:' || t.id WHERE t.statement_import_id = %s",
            [summary.import_id],
        )
        entries = cur.fetchone()[0]
        cur.execute(
            "SELECT kind, count(*) FROM cases_event WHERE occurred_at > now() - interval '2 hours' GROUP BY kind"
            " ORDER BY kind"
        )
        events = ", ".join(f"{kind} {n:,}" for kind, n in cur.fetchall())
    print(f"rows written: {entries:,} ledger entries; events: {events}")
    if not keep:
        start = time.perf_counter()
        _undo(summary.import_id)
        print(f"(undone in {time.perf_counter() - start:.0f} s)")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["setup", "file", "parse", "run"])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--undo", type=int, help="undo import ID (after a failed run)")
    args = parser.parse_args()
    if args.what == "setup":
        setup(args.cases)
        return
    _django()
    if args.what == "file":
        make_file(args.cases, args.entries)
    elif args.what == "parse":
        parse()
    elif args.undo:
        _undo(args.undo)
    else:
        run(args.keep)


if __name__ == "__main__":
    main()
