"""A person's pose: an `ActorView` at a moment -> the 3-D positions of his joints and of
the object in his hand, in world metres. Pure: the phase of every movement comes from the
snapshot's time and the actor's state, speed and position, never from a clock.

Poses are built in the body's own frame (f forward, r to his right, u up) for a 1.78 m
adult, scaled to the actor's height and turned to his facing. Joint heights agree with
the hit bands of `range.world.body` (shoulders near 0.82 H, belt near 0.53 H), so a shot
aimed where a zone is drawn meets that zone."""

from __future__ import annotations

import math
from dataclasses import dataclass

from range.views.geometry import Vec3, add, lerp, mul, norm, reach, smooth, sub
from range.vocabulary import HeldObject
from range.world.snapshot import ActorView

STANDARD_HEIGHT = 1.78
SHOULDER = (0.0, 0.19, 1.44)  # right shoulder, standing
HIP_Z, HIP_R = 0.92, 0.09
NECK_Z, HEAD_Z = 1.50, 1.655
UPPER_ARM, FOREARM = 0.31, 0.29
THIGH, SHIN = 0.44, 0.44
KNEEL_DROP = 0.50  # body.KNEEL_DROP of a 1.78 m adult
RUN_SPEED = 2.5  # m/s: faster than this is a run, slower a walk
STRIDE = {"walk": 1.4, "run": 2.6}  # metres per full gait cycle
FALL_S = 0.6  # from standing to lying
DROP_FALL_S = math.sqrt(2 * 0.85 / 9.81)  # a dropped object falling from the hand
FLASH_S = 0.06  # a muzzle flash lasts a frame or four
TASER_TREMOR_HZ = 19.0  # the muscles lock and shake under an energy cycle

Local = dict[str, Vec3]  # joint -> (f, r, u)


@dataclass(frozen=True, slots=True)
class Grip:
    """An object in the hand (or on the floor): where, the axis it points along, the
    direction its top (or a phone's screen) faces."""

    item: HeldObject
    origin: Vec3
    axis: Vec3
    up: Vec3


@dataclass(frozen=True, slots=True)
class Skeleton:
    joints: dict[str, Vec3]  # world metres
    forward: Vec3  # where the face looks
    grip: Grip | None
    dropped: Grip | None
    flash: bool  # the muzzle flash of a shot just fired


def skeleton(actor: ActorView, time_s: float) -> Skeleton:
    """The actor's pose at `time_s` (the snapshot's time) in world metres."""
    joints, grip = _local_pose(actor, time_s)
    if actor.pose == "down":
        joints, grip = _fallen(joints, grip, actor.state_s)
    if actor.incapacitated and actor.pose != "down":
        shake = 0.008 * math.sin(2 * math.pi * TASER_TREMOR_HZ * time_s)
        joints = {name: (f + shake, r, u) for name, (f, r, u) in joints.items()}
    to_world = _frame(actor)
    world = {name: to_world(point) for name, point in joints.items()}
    held = None if grip is None else _grip_to_world(grip, actor.held, to_world)
    return Skeleton(world, _direction(actor.facing, (1.0, 0.0, 0.0)), held,
                    _dropped(actor, to_world), _flashing(actor, time_s))


# -- poses in the body frame ---------------------------------------------------------------

def _local_pose(actor: ActorView, time_s: float) -> tuple[Local, Grip | None]:
    speed = math.hypot(*actor.velocity)
    gait = "run" if speed > RUN_SPEED else "walk"
    phase = _gait_phase(actor, gait) if speed > 0.05 else None
    body = _torso(0.0, 0.25 if phase is not None and gait == "run" else 0.0)
    if actor.pose == "kneeling":
        body = _torso(-KNEEL_DROP, 0.0)
        body.update(_kneeling_legs())
    else:
        body.update(_legs(phase, gait))
    arms, grip = _arms(actor, body, phase, gait, time_s)
    body.update(arms)
    return body, grip


def _gait_phase(actor: ActorView, gait: str) -> float:
    """The gait cycle from the distance along the way he is going, so feet never slide."""
    vx, vy = actor.velocity
    speed = math.hypot(vx, vy)
    along = (actor.position[0] * vx + actor.position[1] * vy) / speed
    return 2 * math.pi * along / STRIDE[gait]


def _torso(drop: float, lean: float) -> Local:
    """Pelvis, spine and head, lowered by `drop` and leaning forward `lean` rad."""
    pelvis = HIP_Z + drop

    def up(height: float, r: float = 0.0) -> Vec3:
        return (height * math.sin(lean), r, pelvis + height * math.cos(lean))

    _, sr, sz = SHOULDER
    return {"pelvis": (0.0, 0.0, pelvis), "neck": up(NECK_Z - HIP_Z),
            "head": up(HEAD_Z - HIP_Z), "shoulder_r": up(sz - HIP_Z, sr),
            "shoulder_l": up(sz - HIP_Z, -sr), "hip_r": (0.0, HIP_R, pelvis),
            "hip_l": (0.0, -HIP_R, pelvis)}


def _legs(phase: float | None, gait: str) -> Local:
    swing, bend = (0.55, 1.3) if gait == "run" else (0.32, 0.65)
    joints: Local = {}
    for side, sign, offset in (("r", 1.0, 0.0), ("l", -1.0, math.pi)):
        hip_angle = knee = 0.0
        if phase is not None:
            hip_angle = swing * math.sin(phase + offset)
            # The knee folds as the leg swings through, straight as it plants.
            knee = bend * max(0.0, math.sin(phase + offset + 1.1))
        knee_point = (THIGH * math.sin(hip_angle), sign * HIP_R,
                      HIP_Z - THIGH * math.cos(hip_angle))
        shin_angle = hip_angle - knee
        foot = (knee_point[0] + SHIN * math.sin(shin_angle), sign * (HIP_R + 0.02),
                knee_point[2] - SHIN * math.cos(shin_angle))
        joints[f"knee_{side}"] = knee_point
        joints[f"foot_{side}"] = foot
        joints[f"toe_{side}"] = (foot[0] + 0.15, foot[1], foot[2] - 0.03)
    return joints


def _kneeling_legs() -> Local:
    joints: Local = {}
    for side, sign in (("r", 1.0), ("l", -1.0)):
        joints[f"knee_{side}"] = (0.10, sign * 0.12, 0.07)
        joints[f"foot_{side}"] = (-0.32, sign * 0.13, 0.07)
        joints[f"toe_{side}"] = (-0.45, sign * 0.13, 0.02)
    return joints


def _arms(actor: ActorView, body: Local, phase: float | None, gait: str,
          time_s: float) -> tuple[Local, Grip | None]:
    """Both arms, and the grip of the object in the right hand, for the action."""
    hands = _hand_targets(actor, body, time_s)
    joints: Local = {}
    for side, sign in (("r", 1.0), ("l", -1.0)):
        shoulder = body[f"shoulder_{side}"]
        target = hands.get(side)
        if target is None:
            joints.update(_swinging_arm(side, sign, shoulder, phase, gait))
            continue
        elbow = reach(shoulder, target, UPPER_ARM, FOREARM, (-0.2, sign * 0.35, -1.0))
        joints[f"elbow_{side}"] = elbow
        joints[f"hand_{side}"] = add(elbow, mul(norm(sub(target, elbow)), FOREARM))
    grip = _grip(actor, joints["hand_r"], time_s)
    return joints, grip


def _swinging_arm(side: str, sign: float, shoulder: Vec3, phase: float | None,
                  gait: str) -> Local:
    swing = 0.0 if phase is None else (0.6 if gait == "run" else 0.3) * -math.sin(
        phase + (0.0 if side == "r" else math.pi))
    bend = 1.5 if gait == "run" and phase is not None else 0.15
    elbow = add(shoulder, (UPPER_ARM * math.sin(swing), sign * 0.04, -UPPER_ARM * math.cos(swing)))
    hand = add(elbow, (FOREARM * math.sin(swing + bend), sign * 0.01,
                       -FOREARM * math.cos(swing + bend)))
    return {f"elbow_{side}": elbow, f"hand_{side}": hand}


def _hand_targets(actor: ActorView, body: Local, time_s: float) -> dict[str, Vec3]:
    """Where the action puts the hands (body frame); a side left out swings or hangs."""
    chest = body["neck"][2] - 0.12
    action, held = actor.action, actor.held
    if actor.pose in ("hands_up", "kneeling"):
        head = body["head"][2]
        return {"r": (0.05, 0.27, head + 0.30), "l": (0.05, -0.27, head + 0.30)}
    if action in ("aim", "fire"):
        kick = 0.05 * _recoil(actor, time_s)  # the muzzle climbs and comes back down
        return {"r": (0.58, 0.02, chest + 0.07 + kick), "l": (0.55, -0.03, chest + 0.04 + kick)}
    if action == "draw":
        return {"r": _drawing_hand(actor.state_s, held, chest)}
    if action == "idle" and held == "phone":
        return {"r": (0.36, 0.10, chest - 0.05)}
    if action == "charge" and held in ("knife", "bat"):
        return {"r": (0.18, 0.24, chest + 0.22)}
    if action == "attack":
        return {"r": _striking_hand(actor, held, chest, time_s)}
    if action == "drop_weapon":
        return {"r": (0.18, 0.24, HIP_Z + 0.02)}
    return {}


def _drawing_hand(state_s: float, held: HeldObject, chest: float) -> Vec3:
    """From the waistband (or pocket) up and out to the front."""
    t = smooth(state_s / 0.3)
    start = (-0.05, 0.22, HIP_Z + 0.05)
    end = (0.36, 0.10, chest - 0.05) if held == "phone" else (0.50, 0.05, chest + 0.02)
    lift = 0.12 * math.sin(math.pi * t)  # the hand clears the belt before it comes forward
    f = start[0] + (end[0] - start[0]) * t
    return (f, start[1] + (end[1] - start[1]) * t, start[2] + (end[2] - start[2]) * t + lift)


def _strike_phase(actor: ActorView, time_s: float) -> float:
    """0 at the blow, rising to 1 as the next is wound up; 1 (wound) before the first."""
    if actor.last_attack_s is None or actor.attack_interval_s <= 0:
        return 1.0
    cycle = ((time_s - actor.last_attack_s) / actor.attack_interval_s) % 1.0
    # Back and wound up over most of the cycle, then the quick blow.
    return smooth(cycle / 0.8) if cycle < 0.8 else 1.0 - smooth((cycle - 0.8) / 0.2)


def _striking_hand(actor: ActorView, held: HeldObject, chest: float, time_s: float) -> Vec3:
    wound = _strike_phase(actor, time_s)
    if held == "bat":
        blow, back = (0.50, -0.20, chest - 0.15), (-0.05, 0.30, chest + 0.20)
    else:  # a stab or a punch drives the hand forward at the officer
        blow, back = (0.62, 0.10, chest - 0.08), (0.05, 0.26, chest + 0.18)
    return lerp(blow, back, wound)


def _recoil(actor: ActorView, time_s: float) -> float:
    if actor.action != "fire" or actor.last_attack_s is None:
        return 0.0
    since = time_s - actor.last_attack_s
    return max(0.0, 1.0 - since / 0.15) if since >= 0 else 0.0


def _grip(actor: ActorView, hand: Vec3, time_s: float) -> Grip | None:
    held, action = actor.held, actor.action
    if held == "none":
        return None
    axis, up = _grip_axes(actor, held, action, time_s)
    return Grip(held, hand, axis, up)


def _grip_axes(actor: ActorView, held: HeldObject, action: str,
               time_s: float) -> tuple[Vec3, Vec3]:
    if action in ("aim", "fire") or (action == "draw" and held == "handgun"
                                     and actor.state_s > 0.15):
        return (1.0, 0.0, 0.0), (0.0, 0.0, 1.0)
    if held == "phone" and action in ("idle", "draw"):
        return (0.0, 0.0, 1.0), (1.0, 0.0, 0.0)  # upright, its screen to the officer
    if held == "bat" and action in ("charge", "attack"):
        wound = 1.0 if action == "charge" else _strike_phase(actor, time_s)
        return norm((0.9 - 1.2 * wound, -0.5 + 0.5 * wound, 0.1 + 0.8 * wound)), (0.0, 0.0, 1.0)
    if held == "knife":  # the blade's flat towards the officer, as a knife is seen
        down = (0.5, 0.0, -0.85) if action in ("charge", "attack") else (0.3, 0.0, -0.95)
        return norm(down), (0.0, 1.0, 0.0)
    if held == "bat":
        return norm((0.45, 0.0, -0.89)), (0.89, 0.0, 0.45)
    return norm((0.3, 0.0, -0.95)), (0.95, 0.0, 0.3)  # hanging at the side


# -- falling, the floor and the world frame --------------------------------------------------

def _fallen(joints: Local, grip: Grip | None, state_s: float) -> tuple[Local, Grip | None]:
    """Tipped backwards about the feet as gravity takes him, then lying on the floor."""
    t = min(1.0, state_s / FALL_S)
    angle = 0.5 * math.pi * t * t
    cos, sin = math.cos(angle), math.sin(angle)
    lift = 0.10 * t  # the body's thickness keeps its centre off the floor

    def tip(point: Vec3) -> Vec3:
        f, r, u = point
        return (f * cos - u * sin, r, max(0.02, f * sin + u * cos) + lift * (u > 0.3))

    spread = {name: (f, r * (1.0 + 1.2 * t) if name.startswith("hand") else r, u)
              for name, (f, r, u) in joints.items()}
    tipped = {name: tip(point) for name, point in spread.items()}
    if grip is None:
        return tipped, None
    return tipped, Grip(grip.item, tipped["hand_r"], grip.axis, grip.up)


def _dropped(actor: ActorView, to_world: _ToWorld) -> Grip | None:
    """The object he let go of: falling from the hand, then lying by his right foot."""
    if actor.dropped == "none":
        return None
    falling = actor.action == "drop_weapon" and actor.state_s < DROP_FALL_S
    height = 0.85 - 4.905 * actor.state_s ** 2 if falling else 0.02
    spot = (0.25, 0.30, max(0.02, height))
    lying = to_world(spot)
    if falling:
        return Grip(actor.dropped, lying, _direction(actor.facing, (0.3, 0.0, -0.95)),
                    _direction(actor.facing, (0.95, 0.0, 0.3)))
    return Grip(actor.dropped, lying, _direction(actor.facing + 0.6, (1.0, 0.0, 0.0)),
                (0.0, 0.0, 1.0))


def _flashing(actor: ActorView, time_s: float) -> bool:
    return (actor.action == "fire" and actor.held == "handgun"
            and actor.last_attack_s is not None and 0 <= time_s - actor.last_attack_s < FLASH_S)


class _ToWorld:
    """Body frame -> world metres: scaled to height, turned to facing, moved to position."""

    __slots__ = ("_cos", "_k", "_sin", "_x", "_y")

    def __init__(self, facing: float, position: tuple[float, float], scale: float) -> None:
        self._cos, self._sin = math.cos(facing), math.sin(facing)
        self._x, self._y = position
        self._k = scale

    def __call__(self, point: Vec3) -> Vec3:
        f, r, u = point
        k = self._k
        return (self._x + k * (f * self._cos + r * self._sin),
                self._y + k * (f * self._sin - r * self._cos), k * u)

    def turn(self, direction: Vec3) -> Vec3:
        f, r, u = direction
        return (f * self._cos + r * self._sin, f * self._sin - r * self._cos, u)


def _frame(actor: ActorView) -> _ToWorld:
    return _ToWorld(actor.facing, actor.position, actor.height / STANDARD_HEIGHT)


def _direction(facing: float, local: Vec3) -> Vec3:
    return _ToWorld(facing, (0.0, 0.0), 1.0).turn(local)


def _grip_to_world(grip: Grip, item: HeldObject, to_world: _ToWorld) -> Grip:
    return Grip(item, to_world(grip.origin), to_world.turn(grip.axis), to_world.turn(grip.up))
