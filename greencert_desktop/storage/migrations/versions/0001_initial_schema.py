"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 03:22:52.334865
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("entity_key", sa.String(length=100), nullable=False),
        sa.Column("entity_name", sa.String(length=200), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "cert_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("approval_number", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cert_bodies")),
        sa.UniqueConstraint("approval_number", name=op.f("uq_cert_bodies_approval_number")),
        sa.UniqueConstraint("name", name=op.f("uq_cert_bodies_name")),
    )
    op.create_table(
        "indicators",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("target_max", sa.Float(), nullable=True),
        sa.Column("comparison", sa.String(length=4), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("filter_json", sa.Text(), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.Column("target_year", sa.Integer(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_indicators")),
    )
    op.create_table(
        "industry_sections",
        sa.Column("code", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("first_division", sa.Integer(), nullable=False),
        sa.Column("last_division", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_industry_sections")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=50), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("counts_json", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('export', 'received')", name=op.f("ck_submissions_direction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_table(
        "units",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_table(
        "cert_types",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.Column("group", sa.String(length=40), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("validity_years", sa.Integer(), nullable=True),
        sa.Column("validity_unconfirmed", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("indicator_code", sa.String(length=40), nullable=True),
        sa.Column("short_names_json", sa.Text(), nullable=False),
        sa.Column("standard_keys_json", sa.Text(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('certificate', 'listing')", name=op.f("ck_cert_types_kind")),
        sa.ForeignKeyConstraint(
            ["indicator_code"],
            ["indicators.code"],
            name=op.f("fk_cert_types_indicator_code_indicators"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_cert_types")),
        sa.UniqueConstraint("name", name=op.f("uq_cert_types_name")),
    )
    op.create_table(
        "indicator_quotas",
        sa.Column("indicator_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_code"],
            ["indicators.code"],
            name=op.f("fk_indicator_quotas_indicator_code_indicators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_indicator_quotas_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("indicator_code", "unit_code", name=op.f("pk_indicator_quotas")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("industry_section", sa.String(length=1), nullable=True),
        sa.Column("industry_code", sa.String(length=4), nullable=False),
        sa.Column("size", sa.String(length=4), nullable=False),
        sa.Column("contact", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("credit_standing", sa.String(length=12), nullable=False),
        sa.Column("leader_type", sa.String(length=8), nullable=False),
        sa.Column("specialised", sa.Boolean(), nullable=False),
        sa.Column("high_tech", sa.Boolean(), nullable=False),
        sa.Column("code_override_note", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "credit_standing IN ('正常', '经营异常', '严重违法失信名单')",
            name=op.f("ck_organisations_credit_standing"),
        ),
        sa.CheckConstraint(
            "length(credit_code) = 18", name=op.f("ck_organisations_credit_code_length")
        ),
        sa.ForeignKeyConstraint(
            ["industry_section"],
            ["industry_sections.code"],
            name=op.f("fk_organisations_industry_section_industry_sections"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_organisations_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_organisations_credit_code")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_name", ["name"], unique=False)
        batch_op.create_index("ix_organisations_unit_code", ["unit_code"], unique=False)

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=2), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("first_issue_date", sa.Date(), nullable=True),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("last_surveillance_date", sa.Date(), nullable=True),
        sa.Column("surveillance_count", sa.Integer(), nullable=False),
        sa.Column("recert_count", sa.Integer(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("batch_year", sa.Integer(), nullable=True),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('01', '02', '03', '04', '05')", name=op.f("ck_certificates_status")
        ),
        sa.CheckConstraint(
            "expiry_date IS NULL OR issue_date IS NULL OR expiry_date >= issue_date",
            name=op.f("ck_certificates_expiry_after_issue"),
        ),
        sa.CheckConstraint(
            "first_issue_date IS NULL OR issue_date IS NULL OR first_issue_date <= issue_date",
            name=op.f("ck_certificates_first_issue_before_issue"),
        ),
        sa.CheckConstraint(
            "surveillance_count >= 0 AND recert_count >= 0", name=op.f("ck_certificates_counts")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["cert_bodies.id"], name=op.f("fk_certificates_body_id_cert_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_certificates_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["type_code"], ["cert_types.code"], name=op.f("fk_certificates_type_code_cert_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("body_id", "number", name="uq_certificates_body_number"),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_expiry_date", ["expiry_date"], unique=False)
        batch_op.create_index("ix_certificates_number", ["number"], unique=False)
        batch_op.create_index("ix_certificates_org_id", ["org_id"], unique=False)
        batch_op.create_index("ix_certificates_type_status", ["type_code", "status"], unique=False)
        batch_op.create_index(
            "uq_certificates_listing_number",
            ["type_code", "number"],
            unique=True,
            sqlite_where=sa.text("body_id IS NULL"),
            postgresql_where=sa.text("body_id IS NULL"),
        )

    op.create_table(
        "subsidies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_subsidies_amount_positive")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_subsidies_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidies")),
    )
    with op.batch_alter_table("subsidies", schema=None) as batch_op:
        batch_op.create_index("ix_subsidies_org_id", ["org_id"], unique=False)

    op.create_table(
        "supervision_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_supervision_cases_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_supervision_cases_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_cases")),
    )
    with op.batch_alter_table("supervision_cases", schema=None) as batch_op:
        batch_op.create_index("ix_supervision_cases_org_id", ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supervision_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_cases_org_id")

    op.drop_table("supervision_cases")
    with op.batch_alter_table("subsidies", schema=None) as batch_op:
        batch_op.drop_index("ix_subsidies_org_id")

    op.drop_table("subsidies")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_certificates_listing_number",
            sqlite_where=sa.text("body_id IS NULL"),
            postgresql_where=sa.text("body_id IS NULL"),
        )
        batch_op.drop_index("ix_certificates_type_status")
        batch_op.drop_index("ix_certificates_org_id")
        batch_op.drop_index("ix_certificates_number")
        batch_op.drop_index("ix_certificates_expiry_date")

    op.drop_table("certificates")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_unit_code")
        batch_op.drop_index("ix_organisations_name")

    op.drop_table("organisations")
    op.drop_table("indicator_quotas")
    op.drop_table("cert_types")
    op.drop_table("units")
    op.drop_table("submissions")
    op.drop_table("settings")
    op.drop_table("industry_sections")
    op.drop_table("indicators")
    op.drop_table("cert_bodies")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index("ix_audit_log_at")

    op.drop_table("audit_log")
