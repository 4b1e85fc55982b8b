"""notify: the alerts sent to the team, one row per event

Revision ID: notify_2
Revises: notify_1
Create Date: 2026-12-07 22:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'notify_2'
down_revision = 'notify_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sent_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_alerts')),
    sa.UniqueConstraint('key', name=op.f('uq_sent_alerts_key'))
    )


def downgrade():
    op.drop_table('sent_alerts')
