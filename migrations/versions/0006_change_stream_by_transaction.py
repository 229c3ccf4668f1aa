"""change stream positioned by writing transaction: no global write lock on PostgreSQL

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ("outreaches", "assists")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('change_xid', sa.BigInteger(), nullable=False, server_default='0'))
            batch_op.drop_index(f'ix_{table}_owner_seq')
            batch_op.create_index(f'ix_{table}_owner_change', ['owner_id', 'change_xid', 'change_seq'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Numbers go on past every one handed out so far: an assist's ETag ("a<change_seq>") never comes back.
        op.execute("CREATE SEQUENCE change_seq")
        op.execute(
            "SELECT setval('change_seq', greatest(1, (SELECT value FROM sync_counter WHERE id = 1),"
            " (SELECT coalesce(max(change_seq), 0) FROM outreaches),"
            " (SELECT coalesce(max(change_seq), 0) FROM assists)))"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE sync_counter SET value = greatest(value, (SELECT last_value FROM change_seq)) WHERE id = 1"
        )
        op.execute("DROP SEQUENCE change_seq")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_owner_change')
            batch_op.create_index(f'ix_{table}_owner_seq', ['owner_id', 'change_seq'], unique=False)
            batch_op.drop_column('change_xid')
