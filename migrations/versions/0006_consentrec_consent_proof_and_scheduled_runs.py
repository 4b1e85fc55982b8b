"""consentrec: consent records keep the fingerprints of what was answered; scheduled runs

Revision ID: consentrec_1
Revises: rights_2
Create Date: 2026-12-03 08:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'consentrec_1'
down_revision = 'rights_2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('banner_fingerprint', sa.String(length=64),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('registry_fingerprint', sa.String(length=64),
                                      server_default='', nullable=False))
    op.create_table(
        'scheduled_runs',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('holder', sa.String(length=120), server_default='', nullable=False),
        sa.Column('last_started_at', sa.DateTime(), nullable=True),
        sa.Column('last_finished_at', sa.DateTime(), nullable=True),
        sa.Column('last_counts', sa.JSON(), nullable=True),
        sa.Column('last_error', sa.Text(), server_default='', nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduled_runs')),
    )


def downgrade():
    op.drop_table('scheduled_runs')
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_column('registry_fingerprint')
        batch_op.drop_column('banner_fingerprint')
