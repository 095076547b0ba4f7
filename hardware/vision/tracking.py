"""Turning per-frame dots into one event per laser pulse.

A pulse lasts 1 ms to about 100 ms, so a camera sees it in one to several frames, and a
hand or recoil can move the dot a few pixels meanwhile. A dot near a live track extends
it; a track dies once it has been unseen for more than `same_pulse_ms` and more than
`same_pulse_frames` frames (the peer's rule), so a second pull at the same spot is a new
shot. A pulse whose first frame is a smear (its white core, where every channel rose far,
is drawn out or missing: the dot moved through that exposure, or caught only the pulse's
faint start) is placed where the next frame shows a compact white core, the first point
the laser rested on; its time stays that of the first frame, and it is reported one frame
later. A smear not followed by a compact dot stays where it was. Moving content can keep
a track alive; a dot with new light (see `history.new_light`) near a silent track or one
older than any pulse is a new shot at that moving subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hardware.events import Colour, SpotEvent
from hardware.vision.config import Blob, DetectorConfig

# Rejections that mean "something else is going on here" (motion, moving content): such a
# blob starts a silent track, so the same thing seen a frame later (when it may pass the
# gate) is not a shot.
HOLDING = frozenset({"activity", "moved", "uncovered"})


@dataclass(slots=True)
class _Track:
    x: float
    y: float
    first_t_ns: int
    first_index: int
    last_t_ns: int
    last_index: int
    pending: SpotEvent | None  # a smeared first sighting waiting for the next frame
    silent: bool = False  # held for moving content, not a pulse


@dataclass(slots=True)
class PulseTracker:
    config: DetectorConfig
    mono: bool = False
    _tracks: list[_Track] = field(default_factory=list)

    def reset(self) -> None:
        self._tracks.clear()

    def update(self, t_ns: int, index: int, blobs: list[Blob]) -> list[SpotEvent]:
        """Events for pulses that start in this frame (or, for a smear, the frame before)."""
        events = self._expire(t_ns, index)
        for b in blobs:  # any blob near a live track extends it: one pulse, one event
            track = self._nearest(b)
            if track is not None and not self._new_pulse(track, b, t_ns, index):
                events.extend(self._extend(track, b, t_ns, index))
            elif b.accepted:
                events.extend(self._start(b, t_ns, index, self._began(track, index)))
            elif b.why in HOLDING:  # moving content: later sightings there are not shots
                self._tracks.append(_Track(b.x, b.y, t_ns, index, t_ns, index, None, silent=True))
        for track in self._tracks:  # a smear not followed by a compact dot stays where it was
            if track.pending is not None and index > track.first_index:
                events.append(track.pending)
                track.pending = None
        return events

    def flush(self) -> list[SpotEvent]:
        """Pending events at the end of a stream."""
        out = [t.pending for t in self._tracks if t.pending is not None]
        for t in self._tracks:
            t.pending = None
        return out

    def _start(self, b: Blob, t_ns: int, index: int,
               began: tuple[int, int] | None = None) -> list[SpotEvent]:
        """A new pulse seen now, begun at `began` (time, frame index) if earlier."""
        colour: Colour = "ir" if self.mono else b.colour
        first_t_ns, first_index = began or (t_ns, index)
        ev = SpotEvent(first_t_ns, b.x, b.y, colour, first_index, float(b.peak))
        smear = b.core_fill < self.config.min_core_fill
        self._tracks.append(_Track(b.x, b.y, first_t_ns, first_index, t_ns, index,
                                   ev if smear else None))
        return [] if smear else [ev]

    def _new_pulse(self, track: _Track, b: Blob, t_ns: int, index: int) -> bool:
        """New light on held moving content, or on a track that has outlived any pulse
        (moving content kept it alive after its pulse ended), is a dot on that content: a
        shot at a moving subject. So is a white core that appeared from nothing
        (`Blob.appeared`) on a track held since the frame before alone: a pulse whose
        first frame caught only its faint start, held as moving content because it
        barely rose over bright backdrop beside it (content held for longer is moving
        content, and its pieces come and go). The later frames of a pulse have no new
        light, and their core was clipped before."""
        cfg = self.config
        if not b.accepted:
            return False
        if b.appeared and _faint_start(track, index):
            return True
        old = track.silent or t_ns - track.first_t_ns > cfg.max_pulse_ms * 1e6
        return old and b.new_light >= cfg.min_new_light

    @staticmethod
    def _began(track: _Track | None, index: int) -> tuple[int, int] | None:
        """When a pulse seen now began, if earlier: at its faint start, held the frame
        before (`_faint_start`)."""
        if track is not None and _faint_start(track, index):
            return track.first_t_ns, track.first_index
        return None

    def _extend(self, track: _Track, b: Blob, t_ns: int, index: int) -> list[SpotEvent]:
        track.x, track.y, track.last_t_ns, track.last_index = b.x, b.y, t_ns, index
        ev = track.pending
        if ev is None or index != track.first_index + 1:
            return []
        track.pending = None
        # the dot itself made the motion the next frame is rejected for; that is no reason
        if (b.accepted or b.why in HOLDING) and b.core_fill >= self.config.min_core_fill:
            ev = replace(ev, x=b.x, y=b.y, peak=max(ev.peak, float(b.peak)))
        return [ev]

    def _expire(self, t_ns: int, index: int) -> list[SpotEvent]:
        cfg = self.config
        gap_ns = int(cfg.same_pulse_ms * 1e6)
        live, out = [], []
        for t in self._tracks:
            if t_ns - t.last_t_ns <= gap_ns or index - t.last_index <= cfg.same_pulse_frames:
                live.append(t)
            elif t.pending is not None:
                out.append(t.pending)
        self._tracks = live
        return out

    def _nearest(self, b: Blob) -> _Track | None:
        r2 = self.config.same_pulse_radius ** 2
        best: tuple[float, _Track] | None = None
        for t in self._tracks:
            d2 = (t.x - b.x) ** 2 + (t.y - b.y) ** 2
            if d2 <= r2 and (best is None or d2 < best[0]):
                best = (d2, t)
        return best[1] if best else None


def _faint_start(track: _Track, index: int) -> bool:
    """Whether the track is moving content held since the frame before alone: where a
    pulse's faint start, rising too little over bright backdrop beside it, is held."""
    return track.silent and track.first_index == index - 1
