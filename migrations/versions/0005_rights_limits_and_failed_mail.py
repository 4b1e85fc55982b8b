"""rights: restriction and objection limits, failed mail, requests entered by an admin

Revision ID: rights_2
Revises: support_1
Create Date: 2026-12-03 08:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'rights_2'
down_revision = 'support_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'processing_limits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('lifted_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_processing_limits')),
    )
    with op.batch_alter_table('processing_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processing_limits_email'), ['email'], unique=False)
    # Plain ADD COLUMN, no batch: a SQLite table copy would lose the rights queue's expression
    # indexes (migration rights_1), which reflection cannot read back, and copy the outbox.
    op.add_column('outbox_emails', sa.Column('failed_at', sa.DateTime(), nullable=True))
    op.add_column('outbox_emails', sa.Column('reference', sa.String(length=20), nullable=False,
                                             server_default=''))
    op.create_index(op.f('ix_outbox_emails_reference'), 'outbox_emails', ['reference'],
                    unique=False)
    op.add_column('rights_requests', sa.Column('channel', sa.String(length=10), nullable=False,
                                               server_default='web'))
    op.add_column('rights_requests', sa.Column('received_on', sa.Date(), nullable=True))
    op.add_column('rights_requests', sa.Column('identity_checked', sa.Boolean(), nullable=False,
                                               server_default=sa.false()))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason as in upgrade().
    for column in ('identity_checked', 'received_on', 'channel'):
        op.drop_column('rights_requests', column)
    op.drop_index(op.f('ix_outbox_emails_reference'), table_name='outbox_emails')
    for column in ('reference', 'failed_at'):
        op.drop_column('outbox_emails', column)
    with op.batch_alter_table('processing_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processing_limits_email'))
    op.drop_table('processing_limits')
