"""rights: indexes for the admin queue (sorted by the due date in force)

Revision ID: rights_1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'rights_1'
down_revision = '0002'
branch_labels = None
depends_on = None

# The due date in force; the queue's ORDER BY uses exactly this expression.
EFFECTIVE_DUE = sa.text('coalesce(extended_due_on, due_on)')


def upgrade():
    # Plain CREATE INDEX (no batch: an index needs no table copy on SQLite).
    op.create_index('ix_rights_requests_queue', 'rights_requests',
                    [EFFECTIVE_DUE, 'id', 'status', 'request_type'])
    op.create_index('ix_rights_requests_queue_status', 'rights_requests',
                    ['status', EFFECTIVE_DUE, 'id', 'request_type'])
    op.create_index('ix_rights_requests_queue_type', 'rights_requests',
                    ['request_type', EFFECTIVE_DUE, 'id', 'status'])


def downgrade():
    op.drop_index('ix_rights_requests_queue_type', table_name='rights_requests')
    op.drop_index('ix_rights_requests_queue_status', table_name='rights_requests')
    op.drop_index('ix_rights_requests_queue', table_name='rights_requests')
