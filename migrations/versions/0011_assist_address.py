"""an optional address and RT/RW per assist, for the interview phase's visit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assists') as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('rt_rw', sa.String(length=7), nullable=True))


def downgrade():
    with op.batch_alter_table('assists') as batch_op:
        batch_op.drop_column('rt_rw')
        batch_op.drop_column('address')
