"""The exception tree of sysreview.

::

    SysreviewError                 base of everything sysreview raises on purpose
    ├── InputError (ValueError)    bad user input; names the source, row/line and column
    │   ├── ProtocolError          review.toml problems, each with key path, value and line
    │   │                          (sysreview.protocol.errors)
    │   ├── NotPermittedError      the protocol does not let this person do it (a record
    │   │                          not assigned to them; HTTP 403)
    │   └── StateConflictError     the review's state does not allow it now (a full-text
    │                              decision on a record not forwarded; HTTP 409)
    ├── NotEstimableError          a study (or analysis) cannot be estimated; says why
    ├── TooFewStudiesError         an analysis needs more studies than it has
    ├── ConvergenceError           an iterative estimator did not converge
    ├── StoreError                 the project database cannot do what was asked
    └── PrismaBalanceError         PRISMA boxes that do not add up (sysreview.prisma.result)

Every message names what was wrong and where, so a CLI can print it as one line.
"""

from __future__ import annotations


class SysreviewError(Exception):
    """Base class of all errors raised on purpose by sysreview."""


class InputError(SysreviewError, ValueError):
    """Invalid input, located as precisely as possible.

    Parameters
    ----------
    message
        What is wrong.
    source
        The file (or other source) the input came from.
    line
        1-based line or row number in ``source``.
    column
        Column or field name (a tag, for tagged formats).
    unit
        What ``line`` counts: ``"row"`` for tables (the default), ``"line"`` for text
        formats such as RIS.

    Examples
    --------
    >>> str(InputError("not a number: 'x'", source="data.csv", line=3, column="sd_e"))
    "data.csv, row 3, column 'sd_e': not a number: 'x'"
    >>> str(InputError("no TY tag", source="a.ris", line=7, unit="line"))
    'a.ris, line 7: no TY tag'

    """

    http_status = 400
    """The HTTP status a web route answers with (400: bad request)."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: str | None = None,
        unit: str = "row",
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.unit = unit
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.source is not None:
            where.append(str(self.source))
        if self.line is not None:
            where.append(f"{self.unit} {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class NotPermittedError(InputError):
    """The protocol does not let this person do this; web routes answer 403.

    For example deciding on a record not assigned to them.
    """

    http_status = 403


class StateConflictError(InputError):
    """The review's current state does not allow this; web routes answer 409.

    For example a full-text decision on a record not forwarded from title/abstract.
    """

    http_status = 409


class NotEstimableError(SysreviewError):
    """A study or an analysis cannot be estimated (the message says why)."""


class TooFewStudiesError(SysreviewError):
    """An analysis needs more estimable studies than it has."""


class ConvergenceError(SysreviewError):
    """An iterative estimator failed to converge."""


class StoreError(SysreviewError):
    """The project database cannot do what was asked (bad URL, wrong schema, bad dump...)."""
