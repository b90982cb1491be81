"""Follow the end of a growing scroll view while the user is at the bottom.

Textual's ``anchor()`` keeps a view at the bottom until the user scrolls up, and
re-anchors when they scroll back down or press End. Anchored content shorter than the
view is drawn bottom-aligned, so the anchor is only dropped in once the content
overflows the view; until then the text reads from the top as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:  # a plain mixin at run time: subclassing Widget here would re-apply its DEFAULT_CSS
    _Base = object


class FollowMixin(_Base):
    """Mixin for scroll containers (list it before the container class)."""

    _want_follow: bool = False
    _stale_layout: bool = False  # content replaced and not laid out yet: sizes are old

    def follow(self, on: bool = True) -> None:
        """Start (or stop) following the end."""
        self._want_follow = on
        self.reset_follow()

    def reset_follow(self) -> None:
        """Content was replaced: re-decide anchoring once it is laid out."""
        self.anchor(False)
        self._stale_layout = True
        self.call_after_refresh(self._laid_out)

    def _laid_out(self) -> None:
        self._stale_layout = False
        self.check_follow()

    def check_follow(self) -> None:
        """Anchor now if following was asked for and the content overflows; let go once it no
        longer does (anchored content shorter than the view would be drawn bottom-aligned: the
        text would jump down when the reserved rows go or the last block shrinks)."""
        if self._stale_layout:
            return
        if self.is_anchored and self.max_scroll_y <= 0:
            self.anchor(False)
            self.scroll_to(y=0, animate=False, immediate=True)
        elif self._want_follow and not self.is_anchored and self.max_scroll_y > 0:
            self.anchor()
            self.scroll_end(animate=False)  # after the next refresh, with the final size
