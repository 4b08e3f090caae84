"""scan visitors: one scan per visitor per lot per day, kept as keyed hashes with a salt for today only

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scan_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('salt', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_scan_days'))
    )
    op.create_table('scan_visitors',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('day', 'visitor', name=op.f('pk_scan_visitors'))
    )


def downgrade():
    op.drop_table('scan_visitors')
    op.drop_table('scan_days')
