"""official progress per area and date; the province supervisor role

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:20:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('enumerator', 'coordinator', 'supervisor', 'admin')"
NEW_ROLES = "role IN ('enumerator', 'coordinator', 'supervisor', 'province_supervisor', 'admin')"


def upgrade():
    op.create_table('official_progress',
    sa.Column('area_code', sa.String(length=13), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('parent_code', sa.String(length=13), nullable=True),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('derived', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('updated_at', server.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('persons >= 0 AND (households IS NULL OR households >= 0)', name=op.f('ck_official_progress_nonnegative')),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_official_progress_area_code_areas')),
    sa.PrimaryKeyConstraint('area_code', 'day', name=op.f('pk_official_progress'))
    )
    op.create_index('ix_official_progress_level_day', 'official_progress', ['level', 'day'], unique=False)
    op.create_index('ix_official_progress_parent_day', 'official_progress', ['parent_code', 'day'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.alter_column('role', existing_type=sa.String(length=16), type_=sa.String(length=24))
        batch_op.create_check_constraint(op.f('ck_users_role'), NEW_ROLES)


def downgrade():
    op.execute("UPDATE users SET role = 'supervisor', active = false WHERE role = 'province_supervisor'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.alter_column('role', existing_type=sa.String(length=24), type_=sa.String(length=16))
        batch_op.create_check_constraint(op.f('ck_users_role'), OLD_ROLES)
    op.drop_index('ix_official_progress_parent_day', table_name='official_progress')
    op.drop_index('ix_official_progress_level_day', table_name='official_progress')
    op.drop_table('official_progress')
