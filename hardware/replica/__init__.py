"""Training replicas over serial (docs/serial-protocol.md).

- `protocol`: frames and typed messages, CRC-16; `parser`: a stream parser without I/O.
- `clocksync`: device-to-host clock mapping from ping/pong.
- `ports`: devices by URL (serial paths, COM ports, socket://, loop://, sim:);
  `link`: a reader thread with reconnect, stamping and clock sync.
- `models`, `faults`, `endpoints`, `emulator`: emulated replicas on ptys or in-process,
  with seeded faults; `bench`: `holdfire bench serial`.
"""
