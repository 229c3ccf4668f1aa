"""server-side sessions; the dedupe memory keyed per account; throttle key spaces

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:14:31.634290

"""
from alembic import op
import sqlalchemy as sa

import server.models.types  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    # Password throttles per username and code throttles per client address lived in one key space.
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), nullable=False, server_default='login'))
    op.execute("UPDATE login_throttle SET kind = 'code', username = substr(username, 6) WHERE username LIKE 'code:%'")
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_constraint('pk_login_throttle', type_='primary')
        batch_op.create_primary_key('pk_login_throttle', ['kind', 'username'])

    # The dedupe memory answers only the account that made a change.
    with op.batch_alter_table('mutations', schema=None) as batch_op:
        batch_op.drop_constraint('pk_mutations', type_='primary')
        batch_op.create_primary_key('pk_mutations', ['user_id', 'id'])
    with op.batch_alter_table('record_conflicts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_record_conflicts_mutation_id'), type_='unique')
        batch_op.create_unique_constraint('uq_record_conflicts_user_mutation', ['user_id', 'mutation_id'])


def downgrade():
    with op.batch_alter_table('record_conflicts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_record_conflicts_user_mutation', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_record_conflicts_mutation_id'), ['mutation_id'])
    with op.batch_alter_table('mutations', schema=None) as batch_op:
        batch_op.drop_constraint('pk_mutations', type_='primary')
        batch_op.create_primary_key('pk_mutations', ['id'])
    op.execute("DELETE FROM login_throttle WHERE kind = 'code'")
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_constraint('pk_login_throttle', type_='primary')
        batch_op.create_primary_key('pk_login_throttle', ['username'])
        batch_op.drop_column('kind')
    op.drop_table('user_sessions')
