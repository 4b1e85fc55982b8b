"""adminux: support requests get an assignee and internal notes

Revision ID: adminux_1
Revises: notify_2
Create Date: 2026-12-07 22:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'adminux_1'
down_revision = 'notify_2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_support_requests_assignee_id', ['assignee_id'], unique=False)
        batch_op.create_foreign_key('fk_support_requests_assignee_id_users', 'users',
                                    ['assignee_id'], ['id'], ondelete='SET NULL')
    op.create_table('support_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('support_notes', schema=None) as batch_op:
        batch_op.create_index('ix_support_notes_request_id', ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('support_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_support_notes_request_id')
    op.drop_table('support_notes')
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_constraint('fk_support_requests_assignee_id_users', type_='foreignkey')
        batch_op.drop_index('ix_support_requests_assignee_id')
        batch_op.drop_column('assignee_id')
