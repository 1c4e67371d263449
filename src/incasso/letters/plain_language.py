"""Plain language (B1) in letter, e-mail and SMS texts: what a supervisor should read again.

The Wki conduct rules ask for letters to debtors at language level B1 (rules-nl.md §5). Two things a
machine can point at; both are advice, saving a template is never refused for them:

* officialese with a plain alternative (Dutch only): `OFFICIALESE`, whole words and phrases,
  case-insensitive (derhalve → daarom, ten aanzien van → over);
* sentences of more than `MAX_WORDS` words (Dutch and English). A sentence ends at . ! ? or at a blank
  line; a list item or a heading is a sentence of its own. `{{ field }}` counts as one word, a tag
  `{% ... %}` or comment `{# ... #}` as none.

Words the shipped texts need on purpose are not in the list: "sommeren" (the summons is a formal
demand, `summons.nl.txt`) and "welke" (the shipped texts ask "om welke facturen het gaat"; as a
relative pronoun it cannot be told apart without parsing).

Pure Python: no Django (messages go through `core.puretext.gettext`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from incasso.core.puretext import gettext as _

MAX_WORDS = 25  # B1 guidance: short sentences
WORD = "word"
SENTENCE = "sentence"

# Officialese → a plain alternative; "(e)" marks an optional ending.
OFFICIALESE: dict[str, str] = {
    "aangaande": "over",
    "aanvang": "begin",
    "alsmede": "en, ook",
    "alvorens": "voordat",
    "bovengenoemd(e)": "deze, hierboven",
    "c.q.": "of",
    "dagtekening": "datum van de brief",
    "derhalve": "daarom",
    "dienaangaande": "hierover",
    "dientengevolge": "daardoor",
    "doch": "maar",
    "echter": "maar",
    "gaarne": "graag",
    "hieromtrent": "hierover",
    "hierbij": "met deze brief",
    "in het kader van": "bij, voor",
    "indien": "als",
    "ingevolge": "volgens",
    "inzake": "over",
    "middels": "met",
    "omtrent": "over",
    "onverwijld": "meteen",
    "per omgaande": "meteen",
    "reeds": "al",
    "retour": "terug",
    "ten aanzien van": "over",
    "ten behoeve van": "voor",
    "ten spoedigste": "zo snel mogelijk",
    "teneinde": "om",
    "terzake": "over",
    "tevens": "ook",
    "thans": "nu",
    "trachten": "proberen",
    "verzoeken": "vragen",
    "verzocht": "gevraagd",
    "voldoen": "betalen",
    "voornoemd(e)": "deze, die",
    "voorts": "verder, ook",
    "wederom": "weer",
    "zulks": "dat",
}

_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}")  # Django tags and comments never span lines
_VARIABLE = re.compile(r"\{\{.*?\}\}")
_END_BEFORE_TAG = re.compile(r"([.!?][)\]\"'”’»]*)(?:\{%.*?%\}|\{#.*?#\})")
_SENTENCE_END = re.compile(r"[.!?][)\]\"'”’»]*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
_HEADING = re.compile(r"^\s*#+\s|:\s*$")
_TABLE_MARKER = "[overzicht]"
_PLACEHOLDER = "\ue000{}\ue001"  # private-use characters: a variable stays one word, even before a "."
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
_START_WORDS = 6


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word).replace(r"\(e\)", "e?") for word in phrase.split())
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)


_PATTERNS = tuple((_phrase_pattern(phrase), plain) for phrase, plain in OFFICIALESE.items())


@dataclass(frozen=True, slots=True)
class Finding:
    """One point for the supervisor: the `line` (1-based) where the word or the sentence starts, the
    word as written or the sentence's first words, a plain alternative, and `message` in the active
    language. `words` is the length of a long sentence (0 for a word); `part` is the template field."""

    line: int
    kind: str  # WORD or SENTENCE
    text: str
    suggestion: str
    message: str
    words: int = 0
    part: str = "body"


def findings(text: str, *, language: str = "nl") -> list[Finding]:
    """What is not plain language in `text`, in the order of the text (by line)."""
    found = _officialese(text) if language == "nl" else []
    found += _long_sentences(text)
    return sorted(found, key=lambda f: (f.line, f.kind == SENTENCE))


def template_findings(
    *, subject: str, body: str, short_text: str = "", language: str = "nl"
) -> list[Finding]:
    """The findings of a template's three texts, each marked with its `part`: subject, body, short_text."""
    parts = (("subject", subject), ("body", body), ("short_text", short_text))
    return [replace(f, part=part) for part, text in parts for f in findings(text, language=language)]


def _mask_tags(text: str) -> str:
    """Template tags and variables become spaces (same length, so offsets and lines stay put)."""
    return _VARIABLE.sub(_blank, _TAG.sub(_blank, text))


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _officialese(text: str) -> list[Finding]:
    masked = _mask_tags(text)
    hits: list[tuple[int, Finding]] = []
    for pattern, plain in _PATTERNS:
        for match in pattern.finditer(masked):
            written = " ".join(match.group(0).split())
            message = _("“%(word)s” is officialese; write “%(suggestion)s”.") % {
                "word": written,
                "suggestion": plain,
            }
            line = masked.count("\n", 0, match.start()) + 1
            hits.append((match.start(), Finding(line, WORD, written, plain, message)))
    return [finding for _start, finding in sorted(hits, key=lambda hit: hit[0])]


def _long_sentences(text: str) -> list[Finding]:
    found: list[Finding] = []
    sentence: list[str] = []
    start = 0
    variables: list[str] = []

    def close() -> None:
        if len(sentence) > MAX_WORDS:
            found.append(_sentence_finding(start, sentence, variables))
        sentence.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = _END_BEFORE_TAG.sub(r"\1 ", raw)
        line = _TAG.sub("", line)
        line = _VARIABLE.sub(lambda m: _PLACEHOLDER.format(_remember(variables, m.group(0))), line)
        if not line.strip() or line.strip() == _TABLE_MARKER:
            close()
            continue
        own_sentence = bool(_LIST_ITEM.match(line) or _HEADING.search(line))
        if own_sentence:
            close()
            line = _LIST_ITEM.sub("", line)
        for word in line.split():
            if not any(ch.isalnum() or ch == "\ue000" for ch in word):
                continue  # a dash or a lone punctuation mark is not a word
            if not sentence:
                start = number
            sentence.append(word)
            if _SENTENCE_END.search(word):
                close()
        if own_sentence:
            close()
    close()
    return found


def _remember(variables: list[str], variable: str) -> int:
    variables.append("{{ " + variable[2:-2].strip() + " }}")
    return len(variables) - 1


def _sentence_finding(line: int, words: list[str], variables: list[str]) -> Finding:
    begin = " ".join(words[:_START_WORDS])
    begin = _PLACEHOLDER_RE.sub(lambda m: variables[int(m.group(1))], begin) + " …"
    message = _("Sentence of %(count)s words (B1: at most %(limit)s); split it up.") % {
        "count": len(words),
        "limit": MAX_WORDS,
    }
    suggestion = _("split it into shorter sentences")
    return Finding(line, SENTENCE, begin, suggestion, message, words=len(words))
