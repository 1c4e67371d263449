"""The one exception the bank-file parsers raise for input they cannot read."""

from __future__ import annotations


class StatementFileError(ValueError):
    """A bank file that is not a readable statement.

    The message always names the file, where in it the problem is (``line N`` for MT940, an element
    path such as ``/Document/BkToCstmrStmt/Stmt[2]/Ntry[3]/Amt`` for CAMT) and what is wrong, so that a
    management command can print it as is, without a traceback.
    """

    def __init__(self, file: str, location: str | None, problem: str) -> None:
        self.file = file
        self.location = location
        self.problem = problem
        where = f"{file}, {location}" if location else file
        super().__init__(f"{where}: {problem}")
