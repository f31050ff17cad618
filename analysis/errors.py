"""The suite's small family of exceptions and warnings.

Every message is one line that names the file, row or field at fault and says what to do, so the
command line can print it as it is (no traceback) and exit with status 2.
"""
from __future__ import annotations


class SuiteError(Exception):
    """Base class: a problem with the user's input that the user can fix."""


class CorpusError(SuiteError):
    """A corpus (manifest, texts, CSV or JSONL) that cannot be read as given."""


class ConfigError(SuiteError):
    """A parameter or an editable data file (frame dictionary, furniture list) that is not valid."""


class ResourceError(SuiteError):
    """The machine could not carry the run as configured (a worker process killed for lack of memory)."""


class CorpusWarning(UserWarning):
    """Something the analysis can go on with, but the user should know (e.g. a single outlet)."""


def invalid_option(name: str, value, allowed) -> ConfigError:
    """The one helper for every "invalid option" error."""
    allowed = ", ".join(repr(a) for a in allowed)
    return ConfigError(f"{name}={value!r} is not a valid option; choose one of {allowed}.")
