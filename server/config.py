"""Configuration defaults; environment variables override them."""

import os
from datetime import timedelta


class Config:
    """Settings read from the environment when the app is created."""

    def __init__(self, instance_path: str, **overrides):
        env = os.environ
        default_db = "sqlite:///" + os.path.join(instance_path, "lensan.db")
        self.SECRET_KEY = env.get("SECRET_KEY") or _instance_secret(instance_path)
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(env.get("DATABASE_URL", default_db))
        # No ping on every checkout (a round trip per request): server/__init__.py pings a pooled
        # connection only when it has been idle for POOL_PING_IDLE_SECONDS.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
        self.POOL_PING_IDLE_SECONDS = float(env.get("POOL_PING_IDLE_SECONDS", 10))
        # Labels encode this URL. Unset, it is the local server on the port `make run` (PORT) or
        # `flask run --port` (FLASK_RUN_PORT) starts it on; a PUBLIC_BASE_URL that is set always wins.
        port = env.get("PORT") or env.get("FLASK_RUN_PORT") or "5000"
        self.PUBLIC_BASE_URL = (env.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/")
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", 8 * 1024 * 1024))
        self.SYNC_MAX_BODY = int(env.get("SYNC_MAX_BODY", 2 * 1024 * 1024))
        # How far ahead of the server's time a phone's clock may be before its changes are refused.
        self.CLOCK_MAX_AHEAD_SECONDS = int(env.get("CLOCK_MAX_AHEAD_SECONDS", 300))
        self.DEVICE_TOKEN_IDLE_DAYS = int(env.get("DEVICE_TOKEN_IDLE_DAYS", 30))
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=int(env.get("SESSION_HOURS", 12)))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # "auto": Secure exactly when the request came over HTTPS (see security.py).
        self.SESSION_COOKIE_SECURE = _secure_setting(env.get("SESSION_COOKIE_SECURE", "auto"))
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.WTF_CSRF_CHECK_DEFAULT = False  # checked in security.py, skipped for bearer tokens
        self.WTF_CSRF_TIME_LIMIT = 3600 * 12
        # How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto (nginx: 1).
        # 0 trusts none: the client's address and scheme are the connection's own.
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", 0))
        # One Redis shared by every app server and worker: the sign-in limits and the job queue.
        redis_url = env.get("REDIS_URL") or None
        self.REDIS_URL = redis_url
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://"
        # Background jobs (label batches, imports): the queue's broker, where finished files go,
        # whether this web process runs the worker itself (`make run`) or `flask worker` does.
        default_queue = "sqlite:///" + os.path.join(instance_path, "job-queue.sqlite3")
        self.JOB_QUEUE_URL = env.get("JOB_QUEUE_URL") or redis_url or default_queue
        self.JOB_FILES_DIR = env.get("JOB_FILES_DIR") or os.path.join(instance_path, "jobs")
        self.JOB_WORKER_IN_APP = env.get("JOB_WORKER_IN_APP", "").strip().lower() in ("1", "true", "yes", "on")
        self.JOB_STALE_SECONDS = float(env.get("JOB_STALE_SECONDS", 60))
        self.JOB_MAX_ATTEMPTS = int(env.get("JOB_MAX_ATTEMPTS", 2))
        # Label batches a user may have queued or running at once, and start in an hour.
        self.LABEL_BATCHES_AT_ONCE = int(env.get("LABEL_BATCHES_AT_ONCE", 2))
        self.LABEL_BATCHES_PER_HOUR = int(env.get("LABEL_BATCHES_PER_HOUR", 20))
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per minute")
        # A sliding window: the limit holds over any minute. Flask-Limiter's default fixed window
        # starts at the first try and forgets all at once, so tries saved for its last seconds and
        # the next window's first would get twice the limit in a moment.
        self.RATELIMIT_STRATEGY = env.get("RATELIMIT_STRATEGY", "moving-window")
        self.LOGIN_MAX_FAILURES = int(env.get("LOGIN_MAX_FAILURES", 5))
        self.LOGIN_LOCK_MINUTES = int(env.get("LOGIN_LOCK_MINUTES", 15))
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_TRANSLATION_DIRECTORIES = env.get(
            "BABEL_TRANSLATION_DIRECTORIES",
            os.path.join(os.path.dirname(os.path.dirname(__file__)), "translations"),
        )
        self.LANGUAGES = ("vi", "km", "en")
        self.__dict__.update(overrides)


def _secure_setting(value: str) -> bool | str:
    """ "auto", or a boolean from the usual spellings of yes and no."""
    value = value.strip().lower()
    if value == "auto":
        return "auto"
    return value in ("1", "true", "yes", "on")


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance_path: str) -> str:
    """A per-install random secret kept in instance/, so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    os.makedirs(instance_path, exist_ok=True)
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(os.urandom(32).hex())
    with open(path) as fh:
        return fh.read().strip()
