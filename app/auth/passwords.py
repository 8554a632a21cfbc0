"""The password policy: long enough, not the email, not one of the passwords everyone tries first."""

from flask_babel import gettext as _

PASSWORD_MIN_LENGTH = 8
# the most common passwords of 8+ characters in public breach corpora (the shorter ones fail on length)
COMMON_PASSWORDS = frozenset("""
12345678 123456789 1234567890 12345678910 123123123 11111111 00000000 88888888 987654321 87654321
password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword pa$$word passwords
qwertyui qwertyuiop qwerty123 qwerty12 1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx qazwsxedc asdfghjkl
iloveyou iloveyou1 sunshine princess football baseball superman starwars trustno1 whatever
welcome1 welcome123 letmein1 letmein123 changeme changeme123 admin123 administrator abc12345
abcd1234 abcdefgh computer internet michelle jennifer jordan23 liverpool chelsea1 pokemon1
master123 dragon123 monkey123 shadow123 football1 baseball1 aa123456 a1234567 1234qwer
qwer1234 asdf1234 zxcvbnm1 zxcvbnm123 q1w2e3r4 123qweasd 1qazxsw2 secret123 formhook formhook1
""".split())


def password_problem(password, email=""):
    """Return why password is refused, or None when it is acceptable."""
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("use at least %(count)d characters", count=PASSWORD_MIN_LENGTH)
    lowered = password.strip().lower()
    email = (email or "").strip().lower()
    if email and (lowered == email or lowered == email.split("@")[0]):
        return _("choose a password that is not your email address")
    if lowered in COMMON_PASSWORDS or len(set(lowered)) == 1:
        return _("this password is among the most common ones; choose another")
    return None
