"""The suite's user-facing error: one clear sentence, no traceback at the CLI.

Raise `SuiteError` for bad input (unknown names, bad config values, corrupt files). The CLI prints
its message and exits with status 2; library callers can catch it.
"""


class SuiteError(ValueError):
    """Bad input, stated in one sentence naming the file, the key and the allowed values."""
