"""waishi (外事): a city government's foreign affairs work, from application to audit."""

__version__ = "0.1.0"
