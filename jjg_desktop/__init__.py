"""吉建管 desktop: offline client for Jilin's construction-market supervision."""

__version__ = "0.1.0"
