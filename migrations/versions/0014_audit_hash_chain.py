"""audit: the audit log becomes a keyed hash chain; its head row; purge checkpoints

Revision ID: audit_1
Revises: roles_1
Create Date: 2026-12-07 21:00:00

Entries written before this migration keep NULL hashes: `flask audit verify` counts them as
older than the chain (the first chained entry follows the empty hash).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'audit_1'
down_revision = 'roles_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('actor_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pseudonym_seal', sa.String(length=64), nullable=True))
    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_entry_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.bulk_insert(head, [{'id': 1, 'last_entry_id': None, 'last_hash': ''}])
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_entry_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('entries_purged', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints'))
    )


def downgrade():
    op.drop_table('audit_checkpoints')
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('pseudonym_seal')
        batch_op.drop_column('actor_digest')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
