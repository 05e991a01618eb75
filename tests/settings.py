"""Settings for the test suite: the production settings module with test secrets in the env."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-django-checks")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# A fixed Fernet key so encrypted test data is reproducible; never used outside tests.
os.environ.setdefault("WAISHI_FIELD_KEYS", "8FmUQeT7oPiHT8tUU33N-pnDLF3R0zPs4-dxJZo1zkM=")
os.environ.setdefault("WAISHI_DATA_DIR", tempfile.mkdtemp(prefix="waishi-test-"))
os.environ.setdefault("WAISHI_HTTPS", "0")

from waishi.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; argon2 is tested apart
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True

(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise warns without it
