"""i18n: languages of accounts, requests and consent, policy translations

Revision ID: i18n_1
Revises: identity_1
Create Date: 2026-12-03 11:38:28

Existing accounts, requests and consent records were all made on the English site: "en".
Also drops rights_requests.access_token_hash, unused since status links became expiring tokens.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i18n_1'
down_revision = 'identity_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policy_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('toc', sa.JSON(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_policy_translations_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['policy_versions.id'], name=op.f('fk_policy_translations_version_id_policy_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_translations')),
    sa.UniqueConstraint('version_id', 'locale', name=op.f('uq_policy_translations_version_id'))
    )
    with op.batch_alter_table('policy_translations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_translations_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='en', nullable=False))

    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='en', nullable=False))
        batch_op.drop_constraint('uq_rights_requests_access_token_hash', type_='unique')
        batch_op.drop_column('access_token_hash')

    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='en', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='en', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('rights_requests', schema=None) as batch_op:
        batch_op.drop_column('locale')
        batch_op.add_column(sa.Column('access_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_rights_requests_access_token_hash', ['access_token_hash'])

    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('policy_translations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_translations_version_id'))

    op.drop_table('policy_translations')
