import pytest

from greencert_desktop.home import Home
from greencert_desktop.services.register import Register


@pytest.fixture
def tmp_home(tmp_path):
    """A fresh, empty home folder for one test."""
    return Home(tmp_path / "home")


@pytest.fixture
def register(tmp_home):
    """A freshly created register (migrated, reference data loaded) with a known operator."""
    reg = Register.open(tmp_home)
    reg.set("operator", "测试员")
    yield reg
    reg.close()
