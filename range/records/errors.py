"""The records' errors: one line each, naming the database (without its password), the
argument or the record, and what was expected."""

from range.errors import HoldfireError


class RecordsError(HoldfireError):
    """A records operation that cannot be done; nothing was written."""


class DatabaseError(RecordsError):
    """A database URL that cannot be used, or a server that cannot be reached."""


class AccessError(RecordsError):
    """A wrong password, an unknown user, or a role that may not do this."""


class NotInRecords(RecordsError):
    """No such officer, attempt or user in the records."""
