"""what a record held when a reviewer flagged or rejected it (the diff after a correction)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_events') as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('review_events') as batch_op:
        batch_op.drop_column('snapshot')
