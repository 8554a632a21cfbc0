"""What an accepted submission sets off: one place, used by intake and by "Not spam" alike."""

from app.delivery import outbox
from app.services import notifications


def add_submission_effects(form, submission):
    """Add the submission's deliveries and mail (nothing for spam); return the deliveries. The caller commits.

    Everything a submission sets off is added here, in the submission's own transaction; the mail
    rows are queued by the commit (mail_queue.add_mail), so SMTP is never waited for.
    """
    if submission.is_spam:
        return []
    deliveries = outbox.add_submission_deliveries(form, submission)
    notifications.add_submission_mail(form, submission)
    return deliveries
