"""Training replicas over serial (docs/serial-protocol.md).

- `protocol`: frames and typed messages, CRC-16; `parser`: a stream parser without I/O;
  `sequence`: lost and duplicated frames, resets, who is on the cable after a reconnect.
- `clocksync`: device-to-host clock mapping from ping/pong.
- `identity`: who a HELLO says is there, and the weapon names its pulls fire.
- `core`: the link's logic without I/O (`LinkCore.feed`/`tick`); `link`: the reader
  thread around it, with reconnect.
- `ports`: devices by URL (serial paths, COM ports, socket://, loop://, sim:).
- `models`, `faults`, `outbox`, `endpoints`, `emulator`: emulated replicas on ptys or
  in-process, with seeded faults; `bench`: `holdfire bench serial`.
"""
