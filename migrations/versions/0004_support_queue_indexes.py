"""support: composite indexes for the admin support queue

Revision ID: support_1
Revises: rights_1
Create Date: 2026-11-27 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'support_1'
down_revision = 'rights_1'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_support_requests_queue': ['status', 'category', 'created_at', 'id'],
    'ix_support_requests_status_recent': ['status', 'created_at', 'id', 'category'],
    'ix_support_requests_category_recent': ['category', 'created_at', 'id', 'status'],
    'ix_support_requests_recent': ['created_at', 'id', 'category'],
}


def upgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
