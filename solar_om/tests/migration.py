# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load an addon's migration script as the upgrade does: by its path (a
file named ``post-migrate.py`` cannot be imported by name)."""

import importlib.util
import os

from odoo.modules.module import get_module_path


def load_migration(addon, version, stage="post-migrate"):
    path = os.path.join(get_module_path(addon), "migrations", version, f"{stage}.py")
    spec = importlib.util.spec_from_file_location(f"{addon}_{stage}_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
