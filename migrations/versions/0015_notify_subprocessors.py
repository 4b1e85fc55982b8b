"""notify: sub-processor start dates, subscribers and objections; list-unsubscribe on email

Revision ID: notify_1
Revises: audit_1
Create Date: 2026-12-07 22:10:00

Systems stored before this migration keep starts_at NULL: in use before the list existed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'notify_1'
down_revision = 'audit_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('systems', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=False,
                                      server_default=''))
    op.create_table('processor_subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processor_subscribers')),
    sa.UniqueConstraint('email', name=op.f('uq_processor_subscribers_email'))
    )
    op.create_table('processor_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                            name=op.f('fk_processor_objections_answered_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['processor_subscribers.id'],
                            name=op.f('fk_processor_objections_subscriber_id_processor_subscribers'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'],
                            name=op.f('fk_processor_objections_system_id_systems'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processor_objections')),
    sa.UniqueConstraint('subscriber_id', 'system_id',
                        name=op.f('uq_processor_objections_subscriber_id'))
    )


def downgrade():
    op.drop_table('processor_objections')
    op.drop_table('processor_subscribers')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')
    with op.batch_alter_table('systems', schema=None) as batch_op:
        batch_op.drop_column('starts_at')
