"""``analytics_facts``: the accepted sales facts as one wide row per line, the relation the
portable analytics (``analytics.portable``) read on the project's own database, and what a
BI tool or a Trino/Spark JDBC connector reads from a PostgreSQL replica. Same columns as the
Parquet export (``manage.py export_facts``).

One SQL text for SQLite and PostgreSQL. The diversity flags are EXISTS tests over the
suppliers' verified certifications on the invoice date (``analytics.certified``; the kinds are
written out here, and ``test_portable`` checks them against ``certified.CLASSES``). EXISTS is
a boolean on PostgreSQL and 0/1 on SQLite; ``portable.on_database`` reads both as booleans.

A view pins the tables it reads: on SQLite, Django's table remake (most ``AlterField`` and
``RemoveField`` operations) fails with "error in view analytics_facts: no such table", and on
PostgreSQL a column the view reads cannot change type or be dropped. A later migration that
does either to one of these tables runs ``DROP_VIEW`` first and ``CREATE_VIEW`` after.
"""

from django.db import migrations

DIVERSE = ("MBE", "WBE", "DBE", "VOSB", "SDVOSB", "HUBZone", "DOBE", "LGBTBE")
SMALL = ("SBE", "DBE", "VOSB", "SDVOSB", "HUBZone")
LOCAL = ("LOCAL",)


def _held(kinds: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    return f"""EXISTS (
        SELECT 1 FROM registry_certification c
        WHERE c.supplier_id = g.supplier_id
          AND c.verification_status = 'verified'
          AND c.kind IN ({listed})
          AND l.invoice_date BETWEEN c.valid_from AND c.valid_to
    )"""


CREATE_VIEW = f"""
CREATE VIEW analytics_facts AS
SELECT
    l.id AS line_id,
    l.report_id AS report_id,
    l.agreement_id AS agreement_id,
    g.number AS agreement_number,
    g.supplier_id AS supplier_id,
    COALESCE(NULLIF(s.dba, ''), s.legal_name) AS supplier_name,
    l.agency_id AS agency_id,
    a.name AS agency_name,
    st.postal AS state,
    a.agency_type AS agency_type,
    o.period AS period,
    CAST(SUBSTR(o.period, 1, 4) AS INTEGER) AS year,
    l.invoice_date AS invoice_date,
    l.order_type AS order_type,
    l.sku AS sku,
    l.category_code AS category_code,
    l.quantity AS quantity,
    CAST(ROUND(l.quantity * 10000) AS BIGINT) AS quantity_e4,
    l.unit_price_e4 AS unit_price_e4,
    l.list_price_e4 AS list_price_e4,
    l.contract_price_e4 AS contract_price_e4,
    l.extended_cents AS extended_cents,
    COALESCE(f.fee_cbp, 0) AS fee_cbp,
    {_held(DIVERSE)} AS diverse,
    {_held(SMALL)} AS small,
    {_held(LOCAL)} AS local
FROM reporting_salesline l
JOIN reporting_salesreport r ON r.id = l.report_id
JOIN reporting_reportobligation o ON o.id = r.obligation_id
JOIN agreements_agreement g ON g.id = l.agreement_id
JOIN registry_supplier s ON s.id = g.supplier_id
JOIN registry_agency a ON a.id = l.agency_id
JOIN core_state st ON st.id = a.state_id
LEFT JOIN fees_feeline f ON f.line_id = l.id
WHERE r.status = 'accepted'
"""

DROP_VIEW = "DROP VIEW IF EXISTS analytics_facts"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("agreements", "0004_agreement_report_due_days"),
        ("core", "0005_program_categories"),
        ("fees", "0005_distribution_is_final"),
        ("registry", "0005_agencyalias_supplier"),
        ("reporting", "0003_salesline_indexes"),
    ]
    operations = [migrations.RunSQL(CREATE_VIEW, DROP_VIEW)]
