"""fewer indexes and keys to keep up on every pushed row

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 15:30:00

- The mutation log's device_token_id and user_id stop being foreign keys (and user_id loses its
  index, which served only the key): the log is append-only, written in the transaction that
  checked the token and its user, and tokens and users are never deleted. Each key cost
  PostgreSQL a locked lookup of the same row for every log entry, a third of the log's insert.
- attendance.session_id, consents.household_id, marketplace_accounts.household_id and
  payment_accounts.household_id lose their single-column indexes: each is the first column of
  the table's unique key, whose index serves the same lookups and the foreign key.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COVERED = (
    ('attendance', 'session_id'),
    ('consents', 'household_id'),
    ('marketplace_accounts', 'household_id'),
    ('payment_accounts', 'household_id'),
)


def upgrade():
    with op.batch_alter_table('mutations', schema=None) as batch_op:
        batch_op.drop_constraint('fk_mutations_device_token_id_device_tokens', type_='foreignkey')
        batch_op.drop_constraint('fk_mutations_user_id_users', type_='foreignkey')
        batch_op.drop_index('ix_mutations_user_id')
    for table, column in COVERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}')


def downgrade():
    for table, column in reversed(COVERED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_{column}', [column], unique=False)
    with op.batch_alter_table('mutations', schema=None) as batch_op:
        batch_op.create_index('ix_mutations_user_id', ['user_id'], unique=False)
        batch_op.create_foreign_key('fk_mutations_user_id_users', 'users', ['user_id'], ['id'])
        batch_op.create_foreign_key(
            'fk_mutations_device_token_id_device_tokens', 'device_tokens', ['device_token_id'], ['id'],
            ondelete='SET NULL',
        )
