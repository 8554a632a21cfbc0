"""What an accepted submission sets off: one place, used by intake and by "Not spam" alike."""

from app.delivery import outbox


def add_submission_effects(form, submission):
    """Add the submission's deliveries (nothing for spam); return them. The caller commits.

    Everything a submission sets off is added here, in the submission's own transaction.
    """
    if submission.is_spam:
        return []
    return outbox.add_submission_deliveries(form, submission)
