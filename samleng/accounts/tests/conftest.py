import pytest
from django.core.cache import cache

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.conftest import make_user, place


@pytest.fixture(autouse=True)
def _clean_login_state(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    # The lock-out of unknown usernames lives in the cache: no test may see another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def authority(world) -> User:
    """An authority of Sandan district (0606), where `world.cbo` is."""
    return make_user("sandan", User.Role.AUTHORITY, authority_unit=place("0606"))


@pytest.fixture
def staff_secret(world) -> str:
    """The field officer's confirmed TOTP secret (as if handed over by `samleng createstaff`)."""
    return services.user_totp_setup(user=world.officer, confirmed=True)
