"""identity: confirmed email addresses, pending email changes, confirmation links

Revision ID: identity_1
Revises: admin_1
Create Date: 2026-12-03 08:10:00

Existing accounts: an admin's address counts as confirmed (admins are created by an operator
with `flask users create-admin`, who vouches for the address, as SPEC says). Every other
existing account starts unconfirmed: before this revision anyone could register or switch to
an address that was not theirs, so nothing proves who owns it. Their owners confirm it from
/account (a link is sent on request) or by a password reset.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'identity_1'
down_revision = 'admin_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at WHERE is_admin")
    op.create_table('email_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_confirmations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_confirmations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_confirmations_token_hash'))
    )
    with op.batch_alter_table('email_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_confirmations_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_confirmations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('email_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_confirmations_user_id'))
        batch_op.drop_index(batch_op.f('ix_email_confirmations_expires_at'))
    op.drop_table('email_confirmations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
        batch_op.drop_column('email_confirmed_at')
