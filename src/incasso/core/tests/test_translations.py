"""The Dutch catalogue is complete: every string the UI can show has a checked Dutch translation.

After makemessages, new strings arrive empty (or as a fuzzy guess). These tests name them, so they
get translated (locale/translate_nl.py or straight in django.po) before they reach a Dutch screen.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import incasso

PACKAGE_DIR = Path(incasso.__file__).parent
LOCALE_DIR = PACKAGE_DIR / "locale"
NL_PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"
NL_MO = NL_PO.with_suffix(".mo")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse_po(text: str) -> list[Entry]:
    """msgid/msgstr blocks of a .po file; obsolete (#~) entries and the header are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if match := _KEYWORD.match(line):
            keyword, index, value = match.group(1), match.group(2), _unescape(match.group(3))
            if keyword in ("msgctxt", "msgid") and (entry is None or target is None or target[0] == "msgstr"):
                entry = Entry(line=number, flags=flags)
                entries.append(entry)
                flags = set()
            assert entry is not None, f"line {number}: {keyword} outside an entry"
            if keyword == "msgctxt":
                entry.msgctxt, target = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = value, ("msgid_plural", 0)
            else:
                n = int(index) if index is not None else 0
                entry.msgstr[n], target = value, ("msgstr", n)
        elif (match := _CONTINUATION.match(line)) and entry is not None and target is not None:
            value = _unescape(match.group(1))
            kind, n = target
            if kind == "msgstr":
                entry.msgstr[n] += value
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            elif kind == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            else:
                entry.msgid += value
        else:
            raise AssertionError(f"line {number}: cannot read {raw!r}")
    return [e for e in entries if e.msgid or e.msgctxt]


def _placeholders(text: str) -> list[str]:
    """%(name)s, %s, %d and {} / {name} placeholders; a literal %% is not one."""
    text = text.replace("%%", "")
    found = re.findall(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sdif]", text)
    found += re.findall(r"\{[^{}]*\}", text.replace("{{", "").replace("}}", ""))
    return sorted(found)


def _nl_entries() -> list[Entry]:
    return parse_po(NL_PO.read_text(encoding="utf-8"))


def test_the_parser_reads_plurals_continuations_flags_and_skips_obsolete_entries():
    po = (
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "%(n)s case"\nmsgid_plural "%(n)s cases"\n'
        'msgstr[0] "%(n)s dossier"\nmsgstr[1] ""\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr "Lange \\"tekst\\""\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n'
    )
    first, second = parse_po(po)
    assert first.fuzzy and first.empty and first.msgid_plural == "%(n)s cases"
    assert (second.msgid, second.msgstr[0], second.fuzzy, second.empty) == (
        "Long text",
        'Lange "tekst"',
        False,
        False,
    )


def test_every_dutch_entry_is_translated():
    entries = _nl_entries()
    assert len(entries) > 500, "the nl catalogue looks truncated"
    untranslated = [str(e) for e in entries if e.empty]
    assert not untranslated, (
        f"{len(untranslated)} string(s) without Dutch in {NL_PO.relative_to(PACKAGE_DIR)} "
        "(translate them in locale/translate_nl.py or django.po, then compilemessages):\n"
        + "\n".join(untranslated)
    )


def test_no_dutch_entry_is_fuzzy():
    fuzzy = [str(e) for e in _nl_entries() if e.fuzzy]
    assert not fuzzy, (
        "fuzzy entries are guesses and are not used by Django; check each translation and remove "
        "its '#, fuzzy' flag:\n" + "\n".join(fuzzy)
    )


def test_translations_keep_the_placeholders():
    wrong = []
    for e in _nl_entries():
        for n, text in e.msgstr.items():
            source = e.msgid if n == 0 or e.msgid_plural is None else e.msgid_plural
            if text and _placeholders(text) != _placeholders(source):
                wrong.append(f"{e}: {_placeholders(source)} became {_placeholders(text)}")
    assert not wrong, "\n".join(wrong)


def test_plural_entries_have_both_dutch_forms():
    wrong = [str(e) for e in _nl_entries() if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]]
    assert not wrong, "Dutch has two plural forms (nplurals=2):\n" + "\n".join(wrong)


def test_the_compiled_catalogue_matches_the_po_file():
    with NL_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in _nl_entries():
        if e.empty or e.fuzzy or e.msgctxt is not None:
            continue
        if e.msgid_plural is None:
            got, want = compiled.gettext(e.msgid), e.msgstr[0]
        else:
            got, want = compiled.ngettext(e.msgid, e.msgid_plural, 2), e.msgstr[1]
        if got != want:
            stale.append(str(e))
    assert not stale, "django.mo is out of date; run compilemessages:\n" + "\n".join(stale[:20])


def test_there_is_one_catalogue_for_the_project():
    # makemessages writes an app's strings into the app's own locale/ when it has one; those would
    # escape the checks above.
    extra = sorted(
        str(path.relative_to(PACKAGE_DIR))
        for path in PACKAGE_DIR.glob("*/locale")
        if path.is_dir() and path != LOCALE_DIR
    )
    assert not extra, f"per-app catalogues {extra}: merge them into {LOCALE_DIR.relative_to(PACKAGE_DIR)}"
