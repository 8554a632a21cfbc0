"""The Notifications page's WTForms class: recipients, templates, digest and autoresponder."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.services import notification_settings as rules

# where a refusal of clean_settings is shown: its path → the input's name
ERROR_INPUTS = {
    "members": "members", "emails": "emails", "subject": "subject", "body": "body", "digest": "digest",
    "autoresponder": "autoresponder_field", "autoresponder.field": "autoresponder_field",
    "autoresponder.subject": "autoresponder_subject", "autoresponder.body": "autoresponder_body",
}


class NotificationSettingsForm(FlaskForm):
    members = SelectMultipleField(
        lazy_gettext("Members to notify"), validators=[Optional()], choices=[],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    emails = TextAreaField(
        lazy_gettext("Other addresses (one per line)"), validators=[Optional(), Length(max=6000)],
    )
    subject = StringField(lazy_gettext("Subject"), validators=[Optional(), Length(max=rules.SUBJECT_MAX)])
    body = TextAreaField(lazy_gettext("Message"), validators=[Optional(), Length(max=rules.BODY_MAX)])
    digest = SelectField(lazy_gettext("How often"), default="off", choices=[
        SelectChoice("off", lazy_gettext("One email per submission")),
        SelectChoice("hourly", lazy_gettext("An hourly summary")),
        SelectChoice("daily", lazy_gettext("A daily summary (08:00 in the workspace's time zone)")),
    ])
    autoresponder_field = SelectField(lazy_gettext("Send a confirmation to the address in"), choices=[],
                                      validate_choice=False)
    autoresponder_subject = StringField(lazy_gettext("Confirmation subject"),
                                        validators=[Optional(), Length(max=rules.SUBJECT_MAX)])
    autoresponder_body = TextAreaField(lazy_gettext("Confirmation message"),
                                       validators=[Optional(), Length(max=rules.BODY_MAX)])

    def offer(self, form):
        """Fill the choices from form: its workspace's members and its email fields."""
        self.members.choices = [SelectChoice(user_id, email) for user_id, email in
                                rules.member_choices(form.workspace_id)]
        labels = {field.key: field.label for field in form.fields}
        self.autoresponder_field.choices = [SelectChoice("", lazy_gettext("No confirmation"))] + [
            SelectChoice(key, f"{labels[key]} ({key})") for key in rules.email_field_keys(form)
        ]
        return self

    @classmethod
    def for_settings(cls, settings, **kwargs):
        """The form filled with saved settings (formdata, when posted, wins)."""
        autoresponder = settings["autoresponder"] or {}
        return cls(data={
            "members": settings["members"], "emails": "\n".join(settings["emails"]),
            "subject": settings["subject"], "body": settings["body"], "digest": settings["digest"],
            "autoresponder_field": autoresponder.get("field", ""),
            "autoresponder_subject": autoresponder.get("subject", ""),
            "autoresponder_body": autoresponder.get("body", ""),
        }, **kwargs)

    def settings_data(self):
        """What was posted, in the shape clean_settings reads."""
        return {
            "members": self.members.data or [], "emails": self.emails.data or "",
            "subject": self.subject.data, "body": self.body.data, "digest": self.digest.data,
            "autoresponder": {
                "field": self.autoresponder_field.data, "subject": self.autoresponder_subject.data,
                "body": self.autoresponder_body.data,
            },
        }

    def show_refusal(self, fields):
        """Put each refused setting's message under its input."""
        for path, message in fields.items():
            getattr(self, ERROR_INPUTS.get(path, "emails")).errors = [message]
