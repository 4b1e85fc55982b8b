"""outbox: an index of the waiting emails in id order, instead of one over every email's state

Revision ID: outbox_1
Revises: webhooks_1
Create Date: 2026-12-07 23:50:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'outbox_1'
down_revision = 'webhooks_1'
branch_labels = None
depends_on = None

WAITING = sa.text("sent_at IS NULL AND failed_at IS NULL")


def upgrade():
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_pending')
        batch_op.create_index('ix_outbox_emails_waiting', ['id'], unique=False,
                              postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade():
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_waiting', postgresql_where=WAITING,
                            sqlite_where=WAITING)
        batch_op.create_index('ix_outbox_emails_pending', ['sent_at', 'next_attempt_at'],
                              unique=False)
