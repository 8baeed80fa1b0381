"""GreenCert Desktop — 绿色认证信息管理与报送系统."""

__version__ = "0.1.0"
APP_NAME = "GreenCert"
