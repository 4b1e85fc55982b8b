"""systems: the register of systems, the tasks of rights requests, the systems' exports; the
rights request's paused clock and authorised agent

Revision ID: systems_1
Revises: i18n_1
Create Date: 2026-12-07 20:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'systems_1'
down_revision = 'i18n_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('systems',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.String(length=30), nullable=False),
    sa.Column('retention', sa.Text(), nullable=False),
    sa.Column('processor', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('endpoint', sa.String(length=500), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_systems')),
    sa.UniqueConstraint('name', name=op.f('uq_systems_name'))
    )
    op.create_table('request_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('settled_at', sa.DateTime(), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('told_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['rights_requests.id'], name=op.f('fk_request_tasks_request_id_rights_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_request_tasks_settled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], name=op.f('fk_request_tasks_system_id_systems')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_tasks'))
    )
    with op.batch_alter_table('request_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_request_tasks_request', ['request_id', 'state'], unique=False)
        batch_op.create_index('ix_request_tasks_queue', ['state', 'system_id', 'request_id'], unique=False)

    op.create_table('task_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['request_tasks.id'], name=op.f('fk_task_uploads_task_id_request_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_uploads')),
    sa.UniqueConstraint('task_id', name=op.f('uq_task_uploads_task_id'))
    )

    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pause_question', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('paused_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('agent_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('agent_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.create_index('ix_rights_requests_paused_at', ['paused_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_rights_requests_paused_at')
        batch_op.drop_column('agent_email')
        batch_op.drop_column('agent_name')
        batch_op.drop_column('paused_days')
        batch_op.drop_column('pause_question')
        batch_op.drop_column('paused_at')
    op.drop_table('task_uploads')
    with op.batch_alter_table('request_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_request_tasks_queue')
        batch_op.drop_index('ix_request_tasks_request')
    op.drop_table('request_tasks')
    op.drop_table('systems')
