"""The grading engine of the asyncio exercise kit."""

__version__ = "0.1.0"
