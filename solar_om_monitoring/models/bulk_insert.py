# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rows created in one ``INSERT ... SELECT FROM unnest(...)`` per batch, as
the ORM's ``create()`` would have stored them, for a bulk import (a
1,000-system account's sites and some 18,000 devices): Odoo inserts at most
100 rows a statement (``INSERT_BATCH_SIZE``), 180 statements for those
devices.

What the ORM would have filled is filled the ORM's way: defaults, the
create/write user and date, precomputed fields (``_prepare_create_values``);
then every other stored computed field (a related company, a failure rate, an
order key) by the model's own compute method, on new records holding the
values (the way Odoo precomputes fields before its INSERT). After the INSERT
the rows are put in the cache as ``_create`` leaves them (the inverse
one2manys too), the fields of other records that depend on them are marked
for recomputation, and the Python constraints and record rules are checked:
later ORM code sees the records as if ``create()`` had made them.

Only for a model whose ``create()`` adds nothing for these values beyond
the ORM's own: no chatter (``mail.thread`` under ``tracking_disable``, as
the callers asked before), no override that writes other records. The
caller names what it skips; a value of a field that is not a stored column
(a one2many, an inverse) is refused.

`create_rows` is the other way in, for models whose create() does more than
store rows (a customer's chatter and follower, fieldservice's location
contacts): the ORM's create() runs as it is, overrides and all, and only its
INSERT of the rows, 100 a statement, is made in one statement per batch
(`ONE_STATEMENT`, the `_create` of `base.py`)."""

from operator import attrgetter

from odoo.fields import Command
from odoo.tools import SQL, OrderedSet, clean_context

# rows a statement: ~20 columns of 20,000 rows is a statement of a few MB
BATCH_SIZE = 20000
# the context key naming the models whose create() inserts its rows in one
# statement a batch (`create_rows`), e.g. ("res.partner", "mail.message")
ONE_STATEMENT = "solar_create_in_one_statement"


# what a mail.thread's create() writes besides its rows: its followers and
# its "created" note
CHATTER = ("mail.followers", "mail.message")


def in_one_statement(model):
    """`model` in a context where its create(), and the creation of its
    records' followers and notes, insert their rows in one statement a
    batch (`create_rows`)."""
    return model.with_context(**{ONE_STATEMENT: (model._name, *CHATTER)})


class Row:
    """A many2one value of `insert_rows` naming another row of the same
    values list (its index): a row before it (a device's gateway listed
    with it), whose id the INSERT gives it."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def insert_rows(model, vals_list):
    """Create records of ``model`` from ``vals_list`` in set-based SQL;
    returns them, in the order of ``vals_list``."""
    Model = model.browse()
    if not vals_list:
        return Model
    env = Model.env
    Model.check_access("create")
    fields = Model._fields
    _check_columns(Model, vals_list)
    vals_list = Model._prepare_create_values(vals_list)
    for vals in vals_list:
        vals.pop("__precomputed__", None)
    # a default for a one2many, a many2many or an inverse would need create()
    _check_columns(Model, [{k: v for k, v in vals.items() if v} for vals in vals_list])
    _fill_stored(Model, vals_list)
    columns = [
        field
        for field in fields.values()
        if field.store and field.column_type and any(field.name in v for v in vals_list)
    ]
    records = Model.browse(_insert(Model, columns, vals_list))
    _cache_rows(records, vals_list)
    computed = [f for f in fields.values() if f.store and f.compute]
    with env.protecting(computed, records):
        records.modified([f.name for f in columns], create=True)
    records._validate_fields([f.name for f in columns])
    if Model._check_company_auto:
        records._check_company()
    records.check_access("create")
    return records


def create_rows(model, data_list):
    """What `BaseModel._create` does with `data_list` (create()'s rows:
    their stored values, inherited values and protected fields), each batch
    of rows in one statement instead of one per 100: the rows inserted, put
    in the cache, their parent paths set, the fields depending on them
    marked, their many2manys (and other non-column values) written, their
    constraints and access checked. The stored computed fields the flush
    would write (100 rows a statement) are computed before the INSERT (as
    `_fill_stored` does), a record naming itself (a customer its own
    commercial partner) included; the flush recomputes them, finds the same
    values and writes nothing."""
    Model = model.browse()
    env = Model.env
    rows = [dict(data["stored"]) for data in data_list]
    computed = [
        f
        for f in Model._fields.values()
        if f.store and f.column_type and f.compute and f.type != "html"
    ]
    for values, found in zip(rows, _compute_stored(Model, rows, computed), strict=True):
        values.update({k: v for k, v in found.items() if v is not _NEW})
    columns = [
        field
        for field in Model._fields.values()
        if field.store and field.column_type and any(field.name in v for v in rows)
    ]
    others = OrderedSet(
        Model._fields[name]
        for data in data_list
        for name in data["stored"]
        if not Model._fields[name].column_type or Model._fields[name].type == "properties"
    )
    # the many2manys that only link existing records (a follower's
    # subtypes) are inserted by the rows' statement
    links = {}
    for field in list(others):
        targets = _links(field, data_list)
        if targets is not None:
            links[field] = targets
            others.discard(field)
    records = Model.browse(_insert(Model, columns, rows, links))
    for data, record in zip(data_list, records, strict=True):
        data["record"] = record
    _cache_rows(records, rows, [data["inherited"] for data in data_list])
    for field, targets in links.items():
        _cache_links(field, records, targets)
    with env.protecting([(data["protected"], data["record"]) for data in data_list]):
        records.modified(Model._fields, create=True)
        if links:
            records.modified([field.name for field in links], create=True)
        if others:
            clean = records.with_context(clean_context(env.context))
            for field in sorted(others, key=attrgetter("_sequence")):
                field.create(
                    [
                        (record, data["stored"][field.name])
                        for record, data in zip(clean, data_list, strict=True)
                        if field.name in data["stored"]
                    ]
                )
            records.modified([field.name for field in others], create=True)
    records._validate_fields(name for data in data_list for name in data["stored"])
    records.check_access("create")
    return records


def _links(field, data_list):
    """[ids linked] for each row of `data_list`, where `field` is a stored
    many2many whose values only set or link existing records (ids, SET,
    LINK, CLEAR commands); else None (the field writes them itself)."""
    if field.type != "many2many" or not field.store:
        return None
    result = []
    for data in data_list:
        ids = []
        for command in data["stored"].get(field.name) or ():
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == Command.SET:
                ids = list(command[2])
            elif command[0] == Command.LINK:
                ids.append(command[1])
            elif command[0] == Command.CLEAR:
                ids = []
            else:
                return None
        result.append(list(dict.fromkeys(ids)))
    return result


def _cache_links(field, records, targets):
    """The many2many `field` of new `records` linked to `targets` (its rows
    inserted), as the field's own write leaves it: the links in the cache,
    the linked records' inverse fields to read again, the linked records
    readable by whoever links them."""
    comodel = records.env[field.comodel_name]
    linked = comodel.browse({id_ for ids in targets for id_ in ids})
    if not records.env.su:
        linked.check_access("read")
    for record, ids in zip(records, targets, strict=True):
        field._update_cache(record, tuple(ids))
    inverses = [f.name for f in records.pool.field_inverses[field]]
    if inverses and linked:
        linked.invalidate_recordset(inverses)
        linked.modified(inverses)


def _check_columns(Model, vals_list):
    for name in {name for vals in vals_list for name in vals}:
        field = Model._fields.get(name)
        if field is None or not (field.store and field.column_type) or field.inherited:
            raise ValueError(f"insert_rows: {Model._name}.{name} is not a stored column")
    for index, vals in enumerate(vals_list):
        for name, value in vals.items():
            if isinstance(value, Row) and not (
                Model._fields[name].comodel_name == Model._name and 0 <= value.index < index
            ):
                raise ValueError(
                    f"insert_rows: {Model._name}.{name} of row {index} names row "
                    f"{value.index}, not a row of the model before it"
                )


def _fill_stored(Model, vals_list):
    """Fill each stored computed field the values leave out, by the model's
    compute method (see `_compute_stored`); a value naming a row not yet
    inserted (a record that is its own parent) cannot be inserted here."""
    fields = [f for f in Model._fields.values() if f.store and f.column_type and f.compute]
    # (a value naming another row, Row, is not known before the INSERT)
    rows = {name for vals in vals_list for name, v in vals.items() if isinstance(v, Row)}
    for field in fields:
        if any(path.split(".")[0] in rows for path in Model.pool.field_depends[field]):
            raise ValueError(
                f"insert_rows: {Model._name}.{field.name} depends on a row being inserted"
            )
    known = [{k: v for k, v in vals.items() if not isinstance(v, Row)} for vals in vals_list]
    for vals, computed in zip(vals_list, _compute_stored(Model, known, fields), strict=True):
        for name, value in computed.items():
            if value is _NEW:  # (_SELF, the row's own id, is inserted)
                raise ValueError(
                    f"insert_rows: {Model._name}.{name} names a record being created: "
                    "create() it instead"
                )
            vals.setdefault(name, value)


# a computed value naming a record being created (it has no id to store yet)
_NEW = object()
# a computed value naming the record itself: its id, known at the INSERT
_SELF = object()


def _compute_stored(Model, vals_list, fields):
    """[{field name: value}] of the given stored computed fields each of
    ``vals_list`` leaves out, computed by the model's compute methods on new
    records holding the values (batched: they share their prefetch); _NEW
    where the value names one of those new records."""
    todo = [f for f in fields if any(f.name not in vals for vals in vals_list)]
    if not todo:
        return [{} for _vals in vals_list]
    news = Model.browse().concat(*(Model.new(vals) for vals in vals_list))
    done = set()
    for field in todo:
        # the whole batch at once (reading a recursive field from one new
        # record would compute that record alone)
        if field not in done:
            field.compute_value(news)
            done.update(Model.pool.field_computed[field])
    result = []
    for record, vals in zip(news, vals_list, strict=True):
        computed = {}
        for field in todo:
            if field.name in vals:
                continue
            value = record[field.name]
            if field.type == "many2one" and value and value == record:
                computed[field.name] = _SELF
            elif field.relational and any(not r.id for r in value):
                computed[field.name] = _NEW
            else:
                computed[field.name] = field.convert_to_write(value, Model)
        result.append(computed)
    return result


def _insert(Model, columns, vals_list, links=None):
    """The rows of `vals_list` inserted, BATCH_SIZE a statement (with the
    rows of `links`, {many2many: [ids linked] a row}); their ids, in order
    (a _SELF value in `vals_list` replaced by its row's id, the parent path
    of a hierarchy's row added to its values)."""
    rows = []
    for start in range(0, len(vals_list), BATCH_SIZE):
        end = start + BATCH_SIZE
        batch = vals_list[start:end]
        # a row of an earlier batch is named by its id, one of this batch
        # by its position in it
        for vals in batch:
            for name, value in vals.items():
                if isinstance(value, Row) and value.index < start:
                    vals[name] = rows[value.index][0]
        batch_links = {field: targets[start:end] for field, targets in (links or {}).items()}
        rows += _insert_batch(Model, columns, batch, batch_links, start)
    for vals, (id_, path) in zip(vals_list, rows, strict=True):
        for name, value in vals.items():
            if value is _SELF:
                vals[name] = id_
            elif isinstance(value, Row):
                vals[name] = rows[value.index][0]
        if Model._parent_store:
            vals["parent_path"] = path
    return [id_ for id_, _path in rows]


def _insert_batch(Model, columns, vals_list, links, start=0):
    """One batch, one statement: each row takes its id from the table's
    sequence and is inserted from one array per column (a column naming the
    row itself, _SELF, from its id; one naming another row of the batch,
    Row, from that row's; in a hierarchy, its parent path from its
    parent's, as `_parent_store_create` sets it); (id, parent path) come
    back in the order of the rows (by their ordinality, not RETURNING's).
    `start`: the batch's first row in the whole list."""
    names, arrays, selected, resolved, joins = [], [], [], [], []
    for index, field in enumerate(columns):
        name = SQL.identifier(field.name)
        values = [
            field.convert_to_column_insert(vals[field.name], Model, vals)
            if field.name in vals
            and vals[field.name] is not _SELF
            and not isinstance(vals[field.name], Row)
            else None
            for vals in vals_list
        ]
        names.append(name)
        arrays.append(SQL("%s::%s[]", values, SQL(field.column_type[1])))
        if any(vals.get(field.name) is _SELF for vals in vals_list):
            flag = SQL.identifier(f"__self_{index}")
            names.append(flag)
            arrays.append(SQL("%s::bool[]", [vals.get(field.name) is _SELF for vals in vals_list]))
            selected.append(SQL("CASE WHEN %s THEN id ELSE %s END", flag, name))
        elif any(isinstance(vals.get(field.name), Row) for vals in vals_list):
            # the row named, by its position in the batch
            ref, alias = SQL.identifier(f"__row_{index}"), SQL.identifier(f"__named_{index}")
            names.append(ref)
            arrays.append(
                SQL(
                    "%s::int4[]",
                    [
                        vals[field.name].index - start + 1
                        if isinstance(vals.get(field.name), Row)
                        else None
                        for vals in vals_list
                    ],
                )
            )
            joins.append(SQL(" LEFT JOIN rows AS %s ON %s.__position = rows.%s", alias, alias, ref))
            named = SQL.identifier(f"__id_{index}")
            resolved.append(SQL(", COALESCE(%s.id, rows.%s) AS %s", alias, name, named))
            selected.append(named)
        else:
            selected.append(name)
    targets = [SQL.identifier(f.name) for f in columns]
    path = SQL("NULL::varchar")
    if Model._parent_store:
        parent = Model._parent_name
        path = SQL("concat(rows.id, '/')")
        if parent in (f.name for f in columns):
            path = SQL(
                "concat((SELECT p.parent_path FROM %s p WHERE p.id = rows.%s), rows.id, '/')",
                SQL.identifier(Model._table),
                SQL.identifier(parent),
            )
        targets.append(SQL.identifier("parent_path"))
        selected.append(SQL.identifier("__path"))
    # each many2many's rows: (row position, id linked), as its write
    # inserts them (ON CONFLICT DO NOTHING)
    linked = [
        SQL(
            ", %s AS (INSERT INTO %s (%s, %s) SELECT ready.id, l.target"
            " FROM unnest(%s::int4[], %s::int4[]) AS l(position, target)"
            " JOIN ready ON ready.__position = l.position ON CONFLICT DO NOTHING)",
            SQL.identifier(f"__linked_{index}"),
            SQL.identifier(field.relation),
            SQL.identifier(field.column1),
            SQL.identifier(field.column2),
            [position for position, ids in enumerate(rows_ids, 1) for _id in ids],
            [id_ for ids in rows_ids for id_ in ids],
        )
        for index, (field, rows_ids) in enumerate(links.items())
    ]
    # volatile nextval(): the CTEs are computed once, read by every statement
    Model.env.cr.execute(
        SQL(
            "WITH rows AS (SELECT nextval(%s) AS id, * FROM unnest(%s) WITH ORDINALITY"
            " AS u(%s, __position)),"
            " ready AS (SELECT rows.*, %s AS __path%s FROM rows%s),"
            " inserted AS (INSERT INTO %s (id, %s) SELECT id, %s FROM ready)%s"
            " SELECT id, __path FROM ready ORDER BY __position",
            f"{Model._table}_id_seq",
            SQL(", ").join(arrays),
            SQL(", ").join(names),
            path,
            SQL("").join(resolved),
            SQL("").join(joins),
            SQL.identifier(Model._table),
            SQL(", ").join(targets),
            SQL(", ").join(selected),
            SQL("").join(linked),
        )
    )
    return Model.env.cr.fetchall()


def _cache_rows(records, vals_list, inherited_list=None):
    """The new rows in the cache, as the ORM's ``_create`` leaves them:
    every stored field (None where no value was inserted, empty x2manys),
    the values of `inherited_list` ({parent model: values}, `_inherits`),
    the inverse one2manys of their many2ones updated."""
    inverses = {}
    fields = [f for f in records._fields.values() if f.store and f.name != "id"]
    for index, (record, vals) in enumerate(zip(records, vals_list, strict=True)):
        for values in (inherited_list[index] if inherited_list else {}).values():
            for name, value in values.items():
                field = records._fields[name]
                if name not in vals and field.type not in ("one2many", "many2many", "html"):
                    field._update_cache(record, field.convert_to_cache(value, record))
        for field in fields:
            if field.type in ("one2many", "many2many"):
                field._update_cache(record, ())
            elif field.type == "html" and field.name in vals:
                continue  # read back sanitized, as `_create` leaves it
            elif field.name in vals:
                value = field.convert_to_cache(vals[field.name], record)
                field._update_cache(record, value)
                if field.type == "many2one" and records.pool.field_inverses[field]:
                    inverses.setdefault((field, value), []).append(record.id)
            else:  # (an attachment's binary too: none yet)
                field._update_cache(record, None)
    for (field, value), ids in inverses.items():
        field._update_inverses(records.browse(ids), value)
