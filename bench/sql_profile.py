"""Who asks for which SQL query (for the benchmarks' `--sql FILE`).

`recording()` wraps the database cursor's `execute` while it is open and
collects, per query, its statement (verb and first table) and the nearest
calling frames outside the ORM and the database layer; `report()` groups
them, most frequent first. Figures for finding queries, not a test.
"""

from __future__ import annotations

import os
import re
import traceback
from collections import Counter
from contextlib import contextmanager

# calling frames shown per query (SQL_PROFILE_DEPTH=6 for longer chains)
DEPTH = int(os.environ.get("SQL_PROFILE_DEPTH", "3"))
# frames that say nothing about who asked for a query
PLUMBING = (
    "/odoo/orm/",
    "/odoo/models",
    "/odoo/fields",
    "/odoo/api",
    "/odoo/tools/",
    "/odoo/sql_db",
    "/odoo/modules/registry",
    "contextlib",
    "sql_profile",
    "_benchmark",
)


def caller(stack, depth=3):
    """The nearest `depth` frames of `stack` outside PLUMBING, innermost first."""
    chain = []
    for frame in reversed(stack):
        if any(part in frame.filename for part in PLUMBING):
            continue
        found = re.search(r"addons/([^/]+)/(?:.*/)?([^/]+)\.py", frame.filename)
        if not found:
            found = re.search(r"/(solar_om\w*)/(?:.*/)?([^/]+)\.py", frame.filename)
        where = f"{found.group(1)}/{found.group(2)}" if found else frame.filename
        chain.append(f"{where}:{frame.name}")
        if len(chain) == depth:
            break
    return " < ".join(chain)


def statement(query):
    """A query's verb and first table: `INSERT mail_message`."""
    text = re.sub(r"\s+", " ", getattr(query, "code", None) or str(query)).strip()
    table = re.search(r"\b(FROM|INTO|UPDATE) \"?(\w+)", text)
    return f"{text.split(' ')[0]} {table.group(2) if table else '?'}"


@contextmanager
def recording(depth=DEPTH):
    """Yields a list that fills with (statement, callers) per query executed
    on any cursor while the block runs."""
    from odoo import sql_db

    log = []
    execute = sql_db.Cursor.execute

    def counted(cursor, query, params=None, log_exceptions=True):
        log.append((statement(query), caller(traceback.extract_stack()[:-1], depth)))
        return execute(cursor, query, params, log_exceptions)

    sql_db.Cursor.execute = counted
    try:
        yield log
    finally:
        sql_db.Cursor.execute = execute


def report(log, title):
    """The queries of `log` grouped by statement and callers, most first."""
    lines = [f"{title}: {len(log)} queries"]
    for (what, where), n in sorted(Counter(log).items(), key=lambda kv: -kv[1]):
        lines.append(f"  {n:5d}  {what:36s} {where}")
    return "\n".join(lines)
