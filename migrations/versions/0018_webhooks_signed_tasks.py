"""webhooks: a webhook system's sealed signing secret, each task's delivery state, the answers
already taken (replays refused)

Revision ID: webhooks_1
Revises: adminux_1
Create Date: 2026-12-07 22:10:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'webhooks_1'
down_revision = 'adminux_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('systems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_sealed', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('request_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
    op.create_table('webhook_seen',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.String(length=100), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('system_id', 'webhook_id')
    )


def downgrade():
    op.drop_table('webhook_seen')
    with op.batch_alter_table('request_tasks', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
    with op.batch_alter_table('systems', schema=None) as batch_op:
        batch_op.drop_column('secret_sealed')
