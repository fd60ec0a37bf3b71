"""The engine's one root exception.

Every error the engine raises on purpose derives from `EngineError`, so a
caller can catch the engine's failures in one place and let its own bugs
through. The concrete classes keep their historical bases too (a bad
coordinate or reading is still a `ValueError`)."""


class EngineError(Exception):
    """Something the engine was asked to do cannot be done with this input."""
