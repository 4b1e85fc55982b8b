"""admin: case-insensitive email search in the support and rights queues

Revision ID: admin_1
Revises: consentrec_1
"""
from alembic import op
import sqlalchemy as sa


revision = 'admin_1'
down_revision = 'consentrec_1'
branch_labels = None
depends_on = None

# The queues' search compares lower(email) with the lower-cased term: these serve it.
LOWER_EMAIL = sa.text('lower(email)')


def upgrade():
    op.create_index('ix_support_requests_email_lower', 'support_requests', [LOWER_EMAIL])
    op.create_index('ix_rights_requests_email_lower', 'rights_requests', [LOWER_EMAIL])


def downgrade():
    op.drop_index('ix_rights_requests_email_lower', table_name='rights_requests')
    op.drop_index('ix_support_requests_email_lower', table_name='support_requests')
