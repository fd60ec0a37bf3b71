# Copyright 2026 Solar O&M
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""19.0.1.0.2: a site's roof orientation follows the arrays entered.

It was a choice beside the arrays, so a site could have its east/west
arrays entered and still say Unknown (and the health check then ignored
them). It is now computed from the arrays; the sites already in the
database get the value the compute gives, in one UPDATE."""


def recompute_roof_orientation(cr):
    cr.execute(
        """
        UPDATE solar_site s
           SET roof_orientation = CASE
                WHEN EXISTS (SELECT 1 FROM solar_site_array a WHERE a.site_id = s.id)
                THEN 'arrays' ELSE 'unknown' END
         WHERE roof_orientation IS DISTINCT FROM CASE
                WHEN EXISTS (SELECT 1 FROM solar_site_array a WHERE a.site_id = s.id)
                THEN 'arrays' ELSE 'unknown' END
        RETURNING id
        """
    )
    return [row[0] for row in cr.fetchall()]


def migrate(cr, version):
    if version:
        recompute_roof_orientation(cr)
