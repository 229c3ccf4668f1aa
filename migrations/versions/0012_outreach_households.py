"""each outreach keeps the households and persons it helped, and an index of the newest with GPS, for the map

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 18:00:00

"""

from alembic import op
import sqlalchemy as sa

from server.services.tally_cells import REBUILD_OUTREACHES_SQL


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outreaches") as batch_op:
        batch_op.add_column(sa.Column("households", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("persons", sa.Integer(), server_default="0", nullable=False))
    # From the assists already stored; from now on every write of assists moves them along.
    op.execute(REBUILD_OUTREACHES_SQL)
    op.create_index(
        "ix_outreaches_gps_newest",
        "outreaches",
        ["date", "id"],
        postgresql_where=sa.text("lat IS NOT NULL AND lon IS NOT NULL AND voided = false"),
        sqlite_where=sa.text("lat IS NOT NULL AND lon IS NOT NULL AND voided = 0"),
    )


def downgrade():
    op.drop_index("ix_outreaches_gps_newest", table_name="outreaches")
    with op.batch_alter_table("outreaches") as batch_op:
        batch_op.drop_column("persons")
        batch_op.drop_column("households")
