"""吉建管 desktop: offline client for Jilin's construction-market supervision."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jjg-desktop")
except PackageNotFoundError:
    __version__ = "0.1.0"
