"""forms: language (auto|en|id); the built-in submit label and thank-you follow it

Revision ID: 3f8c2a7d9e14
Revises: 4c8f1e2a9b63
Create Date: 2026-12-02 07:15:00

A form's built-in texts are shown in the visitor's language ("auto", what every existing form
gets) or a fixed one. The submit label and thank-you message used to be stored as the English
defaults; a form still holding exactly those now stores "" (the owner set none), so its page
says "Kirim" / "Terima kasih!" to Indonesian visitors. Anything the owner wrote is kept.
"""
from alembic import op
import sqlalchemy as sa


revision = '3f8c2a7d9e14'
down_revision = '4c8f1e2a9b63'
branch_labels = None
depends_on = None

OLD_SUBMIT = "Submit"
OLD_THANKS = "Thank you! Your answers were received."


def upgrade():
    # a column with a server default: added in place on SQLite too (batch mode would rebuild
    # forms, and dropping the old table cascades to its fields, submissions and webhooks)
    op.add_column('forms', sa.Column('language', sa.String(length=8), nullable=False, server_default='auto'))
    forms = sa.table('forms', sa.column('submit_label', sa.String), sa.column('thank_you_message', sa.Text))
    op.execute(forms.update().where(forms.c.submit_label == OLD_SUBMIT).values(submit_label=''))
    op.execute(forms.update().where(forms.c.thank_you_message == OLD_THANKS).values(thank_you_message=''))


def downgrade():
    forms = sa.table('forms', sa.column('submit_label', sa.String), sa.column('thank_you_message', sa.Text))
    op.execute(forms.update().where(forms.c.submit_label == '').values(submit_label=OLD_SUBMIT))
    op.execute(forms.update().where(forms.c.thank_you_message == '').values(thank_you_message=OLD_THANKS))
    op.drop_column('forms', 'language')
