"""export files in the database (any app server sends them); attempts per job

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:10:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_chunks',
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['export_jobs.id'], name=op.f('fk_export_chunks_job_id_export_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'n', name=op.f('pk_export_chunks'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
    # Files of earlier jobs were on one server's disk: those jobs can no longer be downloaded.
    op.execute("UPDATE export_jobs SET status = 'expired' WHERE status = 'done'")
    op.execute("UPDATE export_jobs SET status = 'failed', error = 'interrupted' WHERE status IN ('queued', 'running')")


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_column('attempts')
    op.drop_table('export_chunks')
