"""Configuration read from the environment (CONTRACT.md §2)."""

import os
import secrets
from pathlib import Path

from app.core.proxies import parse_trusted_proxies

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_RETRY_SCHEDULE = "5,300,1800,7200,18000,36000,50400,72000,86400"


def parse_schedule(text):
    """Turn '5,300,1800' into [5, 300, 1800] seconds."""
    return [int(part) for part in text.split(",") if part.strip()]


def parse_networks(text):
    """Turn '127.0.0.0/8, ::1/128' (or any comma-separated setting) into a list of strings."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def instance_secret_key(instance_path):
    """Return the instance's secret key, generating and keeping it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def parse_duration(text):
    """Turn '5d', '12h', '30m' or plain seconds into seconds."""
    text = str(text).strip().lower()
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    if text and text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def normalize_database_url(url):
    """Let plain postgres:// URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Production settings; every value can come from the environment."""

    TESTING = False

    def __init__(self, instance_path=None):
        env = os.environ
        instance_path = Path(instance_path or REPO_ROOT / "instance")
        self.INSTANCE_PATH = str(instance_path)
        self.SECRET_KEY = env.get("SECRET_KEY") or instance_secret_key(instance_path)
        self.SQLALCHEMY_DATABASE_URI = normalize_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'formhook.db'}"
        )
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.WEBHOOK_ALLOWED_NETWORKS = parse_networks(env.get("WEBHOOK_ALLOWED_NETWORKS", ""))
        self.WEBHOOK_RETRY_SCHEDULE = parse_schedule(
            env.get("WEBHOOK_RETRY_SCHEDULE") or DEFAULT_RETRY_SCHEDULE
        )
        self.WEBHOOK_TIMEOUT = float(env.get("WEBHOOK_TIMEOUT", "15"))
        self.WORKER_CONCURRENCY = int(env.get("WORKER_CONCURRENCY", "100"))
        # one endpoint (webhook) never has more attempts in flight than this, across every worker process
        self.WORKER_ENDPOINT_CONCURRENCY = int(env.get("WORKER_ENDPOINT_CONCURRENCY", "8"))
        # seconds a worker's hold on an endpoint slot lasts unless renewed: a dead worker's slots return after it
        self.WORKER_SLOT_LEASE = float(env.get("WORKER_SLOT_LEASE", "10"))
        self.SUBMISSION_MAX_BYTES = int(env.get("SUBMISSION_MAX_BYTES", "1048576"))
        self.PUBLIC_RATE_LIMIT = env.get("PUBLIC_RATE_LIMIT", "60/minute")
        self.API_RATE_LIMIT = env.get("API_RATE_LIMIT", "600/minute")
        self.SWEEP_INTERVAL = float(env.get("SWEEP_INTERVAL", "10"))
        self.PREFERRED_URL_SCHEME = env.get("PREFERRED_URL_SCHEME", "http")
        self.SERVER_NAME = env.get("SERVER_NAME") or None
        self.MAX_CONTENT_LENGTH = self.SUBMISSION_MAX_BYTES
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        # cookies travel only over https once the site is served over https
        secure = env.get("SESSION_COOKIE_SECURE", str(self.PREFERRED_URL_SCHEME == "https")).lower()
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = secure in ("1", "true", "yes", "on")
        self.LOGIN_RATE_LIMIT_ACCOUNT = env.get("LOGIN_RATE_LIMIT_ACCOUNT", "5/minute;20/hour")
        self.LOGIN_RATE_LIMIT_ADDRESS = env.get("LOGIN_RATE_LIMIT_ADDRESS", "30/minute;200/hour")
        self.QUOTA_SUBMISSIONS_PER_MONTH = int(env.get("QUOTA_SUBMISSIONS_PER_MONTH", "10000"))
        # a search without an index (SQLite, or a term under 3 characters) reads at most this many newest rows
        self.SEARCH_SCAN_ROWS = int(env.get("SEARCH_SCAN_ROWS", "20000"))
        self.QUOTA_WEBHOOKS_PER_FORM = int(env.get("QUOTA_WEBHOOKS_PER_FORM", "10"))
        self.QUOTA_STORAGE_BYTES = int(env.get("QUOTA_STORAGE_BYTES", str(1024**3)))
        # uploads: where they live (unset: instance/uploads; s3://bucket/prefix: an S3-compatible store),
        # the largest file, and how long a signed link in a webhook works
        self.STORAGE_URL = env.get("STORAGE_URL") or None
        self.S3_ENDPOINT_URL = env.get("S3_ENDPOINT_URL") or None
        self.S3_REGION = env.get("S3_REGION") or env.get("AWS_DEFAULT_REGION") or None
        self.S3_ACCESS_KEY_ID = env.get("S3_ACCESS_KEY_ID") or None
        self.S3_SECRET_ACCESS_KEY = env.get("S3_SECRET_ACCESS_KEY") or None
        self.S3_ADDRESSING_STYLE = env.get("S3_ADDRESSING_STYLE") or "auto"
        self.UPLOAD_MAX_BYTES = int(env.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
        self.FILE_URL_TTL = int(env.get("FILE_URL_TTL", str(7 * 86400)))
        self.PASSWORD_RESET_TTL = int(env.get("PASSWORD_RESET_TTL", "3600"))
        # X-RateLimit-* on every answer would cost two Redis reads each; a 429 still gets
        # Retry-After (app/ratelimiting.py) and the API its RateLimit-* headers
        self.RATELIMIT_HEADERS_ENABLED = False
        # a Redis outage must not turn posts into 500s: limits fall back to memory meanwhile
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        # Fernet keys, newest first: the first encrypts, every one decrypts (rotation)
        self.SECRETS_KEYS = parse_networks(env.get("SECRETS_KEYS", ""))
        self.BASE_URL = (env.get("BASE_URL") or f"http://127.0.0.1:{env.get('PORT', '5000')}").rstrip("/")
        self.MAIL_URL = env.get("MAIL_URL", "console://")
        self.MAIL_FROM = env.get("MAIL_FROM", "Formhook <noreply@formhook.local>")
        # seconds between tries of a queued notice mail while the SMTP server is away (about a day in all)
        self.MAIL_RETRY_SCHEDULE = parse_schedule(
            env.get("MAIL_RETRY_SCHEDULE") or "30,120,600,1800,3600,7200,21600,43200"
        )
        self.WEBHOOK_DISABLE_AFTER = parse_duration(env.get("WEBHOOK_DISABLE_AFTER", "5d"))
        self.OPERATOR_EMAILS = [e.strip().lower() for e in env.get("OPERATOR_EMAILS", "").split(",") if e.strip()]
        self.METRICS_TOKEN = env.get("METRICS_TOKEN") or None
        # how many proxies (or which networks' proxies) in front of the app set X-Forwarded-*
        self.TRUSTED_PROXIES = parse_trusted_proxies(env.get("TRUSTED_PROXIES", "0"))
        # days kept before the retention purge (0: kept for ever); a workspace may choose its own
        self.RETENTION_ATTEMPTS_DAYS = int(env.get("RETENTION_ATTEMPTS_DAYS", "90"))
        self.RETENTION_DELIVERIES_DAYS = int(env.get("RETENTION_DELIVERIES_DAYS", "90"))
        self.RETENTION_CAPTURES_DAYS = int(env.get("RETENTION_CAPTURES_DAYS", "30"))
        # rows deleted per short transaction, and seconds between purges (each worker's sweep asks)
        self.RETENTION_BATCH_SIZE = int(env.get("RETENTION_BATCH_SIZE", "500"))
        self.RETENTION_INTERVAL = int(env.get("RETENTION_INTERVAL", "3600"))
        self.INSPECTOR_MAX_BODY = int(env.get("INSPECTOR_MAX_BODY", "65536"))
        self.INSPECTOR_KEEP_REQUESTS = int(env.get("INSPECTOR_KEEP_REQUESTS", "100"))
        # webhook templates (URL, each header, body): bytes one render may produce, and the source's
        # characters, tokens and nesting levels (app/delivery/template_limits.py)
        self.TEMPLATE_MAX_OUTPUT = int(env.get("TEMPLATE_MAX_OUTPUT", "1048576"))
        self.TEMPLATE_MAX_SOURCE = int(env.get("TEMPLATE_MAX_SOURCE", "65536"))
        self.TEMPLATE_MAX_TOKENS = int(env.get("TEMPLATE_MAX_TOKENS", "2000"))
        self.TEMPLATE_MAX_DEPTH = int(env.get("TEMPLATE_MAX_DEPTH", "32"))
        # where "Find my chat id" asks Telegram (a self-hosted Bot API server may stand in)
        self.TELEGRAM_API_URL = env.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
        # region for phone answers written without a country code, unless the workspace chose one
        self.DEFAULT_PHONE_REGION = env.get("DEFAULT_PHONE_REGION", "ID").strip().upper()
        # spam protection (README "Spam protection"): off turns every check off on every form
        self.SPAM_PROTECTION = env.get("SPAM_PROTECTION", "on").lower() not in ("0", "off", "false", "no")
        # the proof-of-work: PBKDF2 iterations per try, about how many tries, and how long a challenge lasts
        self.ALTCHA_HMAC_KEY = env.get("ALTCHA_HMAC_KEY") or None
        self.ALTCHA_COST = int(env.get("ALTCHA_COST", "1000"))
        self.ALTCHA_MAX_COUNTER = int(env.get("ALTCHA_MAX_COUNTER", "2000"))
        self.ALTCHA_EXPIRES = int(env.get("ALTCHA_EXPIRES", "3600"))
        # seconds within which the same answers to the same form count as a duplicate
        self.DUPLICATE_WINDOW = int(env.get("DUPLICATE_WINDOW", "600"))
        self.TURNSTILE_VERIFY_URL = env.get(
            "TURNSTILE_VERIFY_URL", "https://challenges.cloudflare.com/turnstile/v0/siteverify")
        self.HCAPTCHA_VERIFY_URL = env.get("HCAPTCHA_VERIFY_URL", "https://api.hcaptcha.com/siteverify")
        self.RECAPTCHA_VERIFY_URL = env.get("RECAPTCHA_VERIFY_URL", "https://www.google.com/recaptcha/api/siteverify")
        self.CAPTCHA_VERIFY_TIMEOUT = float(env.get("CAPTCHA_VERIFY_TIMEOUT", "5"))

    def as_dict(self):
        """Return the settings as a mapping Flask can load."""
        return {key: getattr(self, key) for key in dir(self) if key.isupper()}
