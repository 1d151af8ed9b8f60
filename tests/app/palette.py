"""Running a command from Textual's command palette, as a user does: shared by the tests of the
commands it lists."""

from __future__ import annotations


async def from_the_palette(pilot, command: str) -> None:
    """ctrl+p, ``command`` typed, a moment for the palette to match it, then enter."""
    await pilot.press("ctrl+p")
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
