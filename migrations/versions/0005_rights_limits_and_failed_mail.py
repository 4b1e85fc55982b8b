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
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=20), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_outbox_emails_reference'), ['reference'],
                              unique=False)
    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=False,
                                      server_default='web'))
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.drop_column('received_on')
        batch_op.drop_column('channel')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_emails_reference'))
        batch_op.drop_column('reference')
        batch_op.drop_column('failed_at')
    with op.batch_alter_table('processing_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processing_limits_email'))
    op.drop_table('processing_limits')
