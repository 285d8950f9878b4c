import pytest

from samleng.accounts import services
from samleng.accounts.models import User
from samleng.conftest import make_user, place


@pytest.fixture(autouse=True)
def _clean_login_state(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    # The cache is the test database's (conftest.cache_in_the_test_database): what a test stores there goes with
    # its transaction, so no test sees another's.


@pytest.fixture
def authority(world) -> User:
    """An authority of Sandan district (0606), where `world.cbo` is."""
    return make_user("sandan", User.Role.AUTHORITY, authority_unit=place("0606"))


@pytest.fixture
def staff_secret(world) -> str:
    """The field officer's confirmed TOTP secret (as if handed over by `samleng createstaff`)."""
    return services.user_totp_setup(user=world.officer, confirmed=True)
