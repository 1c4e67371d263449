"""Where returned e-mail is read from: a Maildir, an mbox, single message files, or one message on
standard input ("-": what an MTA pipes to `incasso mail bounces -`).

Each message comes out with a label that names its file (and its place in the mailbox), so an error
can say which one. A path that cannot be read comes out as an error of its own; the other paths are
read all the same. Mailboxes are only read, never changed: processing a message again is harmless.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class MailInput:
    label: str
    raw: bytes = b""
    error: str = ""  # the path could not be read


def mail_inputs(paths: Sequence[str], *, stdin: BinaryIO) -> Iterator[MailInput]:
    for name in paths:
        if name == "-":
            yield MailInput("-", stdin.read())
            continue
        path = Path(name)
        try:
            if path.is_dir():
                yield from _maildir(path)
            elif not path.exists():
                yield MailInput(name, error="no such file or directory")
            else:
                with path.open("rb") as f:
                    head = f.read(5)
                yield from _mbox(path) if head == b"From " else [MailInput(name, path.read_bytes())]
        except (OSError, mailbox.Error) as exc:
            yield MailInput(name, error=f"cannot be read: {exc}")


def _maildir(path: Path) -> Iterator[MailInput]:
    if not ((path / "cur").is_dir() or (path / "new").is_dir()):
        yield MailInput(str(path), error="is a directory but not a Maildir (it has no cur/ or new/)")
        return
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        yield MailInput(f"{path} (message {key})", box.get_bytes(key))


def _mbox(path: Path) -> Iterator[MailInput]:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for number, key in enumerate(box.keys(), start=1):
            yield MailInput(f"{path} (message {number})", box.get_bytes(key))
    finally:
        box.close()
