"""household refs: a short stable reference per household, sent in pulled attendance rows

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-01 19:00:00

Existing households take their current version as ref: versions are handed out once each from
one counter, so the refs are unique and below every version still to come (a new household's ref
is the version of its first commit). A household whose version another shares (rows written
outside the app) gets a new version from the counter as its ref.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ref', sa.BigInteger(), nullable=True))
    conn = op.get_bind()
    households = sa.table('households', sa.column('id', sa.Uuid), sa.column('version', sa.BigInteger),
                          sa.column('ref', sa.BigInteger))
    counter = sa.table('version_counter', sa.column('id', sa.Integer), sa.column('value', sa.BigInteger))
    shared = (
        sa.select(households.c.version).group_by(households.c.version).having(sa.func.count() > 1).scalar_subquery()
    )
    conn.execute(sa.update(households).where(households.c.version.not_in(shared), households.c.version > 0)
                 .values(ref=households.c.version))
    left = [row.id for row in conn.execute(sa.select(households.c.id).where(households.c.ref.is_(None)))]
    if left:
        last = conn.execute(sa.select(counter.c.value).where(counter.c.id == 1)).scalar() or 0
        if conn.execute(sa.select(counter.c.id).where(counter.c.id == 1)).first() is None:
            conn.execute(sa.insert(counter).values(id=1, value=0))
        conn.execute(sa.update(counter).where(counter.c.id == 1).values(value=last + len(left)))
        for n, household_id in enumerate(left, start=last + 1):
            conn.execute(sa.update(households).where(households.c.id == household_id).values(ref=n))
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_ref'), ['ref'], unique=True)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_ref'))
        batch_op.drop_column('ref')
