#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz targets into tests/fuzz/corpus/<target>/seed-*.

The encodings follow the decoders in the *_fuzz.cpp files (fuzz_input.hpp: a byte per choice,
little-endian integers). Run it again after changing a decoder; files it did not make (the
regressions, named crash-*/timeout-*/leak-* as libFuzzer names them) are left alone.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def u16(v):
    return struct.pack("<H", v)


# ---- convert / convert_diff -----------------------------------------------------------------
TEXTS = [b"127.0.0.1", b"1.2.3.4", b"255.255.255.255", b"0x7f.1", b"10", b"127.1", b"010.0.0.1",
         b"1.2.3.4 junk", b"::1", b"::", b"fe80::1:2:3:4", b"::ffff:1.2.3.4", b"1:2:3:4:5:6:7:8",
         b"1::2::3", b"::1.2.3.4", b"0:0:0:0:0:0:0:0", b"", b"1.2.3.4.5", b"256.1.1.1", b"1.2.3.4\x00"]
PACKED = [bytes(4), bytes([127, 0, 0, 1]), bytes(16), bytes(15) + b"\x01",
          bytes(10) + b"\xff\xff" + bytes([1, 2, 3, 4]), bytes(range(16)), b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04"]
for i, t in enumerate(TEXTS):
    write("convert", "text-%02d" % i, bytes([i % 2, 0]) + t)  # family index, mode 0: text
    write("convert_diff", "text-%02d" % i, b"\x00" + t)
for i, p in enumerate(PACKED):
    write("convert", "packed-%02d" % i, bytes([i % 2, 1]) + p)
    write("convert_diff", "packed-%02d" % i, b"\x01" + p)
write("convert", "order", b"\x00\x02" + struct.pack("<Q", 0x1234))

# ---- address --------------------------------------------------------------------------------
# mode 0: address kind, host kind, ..., then the socket family index.
write("address", "inet", bytes([0, 0, 0]) + bytes([127, 0, 0, 1]) + bytes([0]) + u16(80) + bytes([0]))
write("address", "inet6", bytes([0, 1, 1]) + bytes(15) + b"\x01" + bytes([0]) + u16(443) + struct.pack("<II", 5, 0) + bytes([1]))
write("address", "empty-host", bytes([0, 0, 2, 0]) + u16(0) + bytes([0]))
write("address", "broadcast", bytes([0, 0, 3, 0]) + u16(9) + bytes([0]))
write("address", "unix", bytes([0, 2, 9]) + b"/tmp/sock" + bytes([2]))
write("address", "abstract", bytes([0, 2, 5]) + b"\x00name" + bytes([2]))
write("address", "sim-ip", bytes([1]) + b"::ffff:10.0.0.1")
write("address", "raw-in", bytes([2]) + struct.pack("<HH4s", 2, 0x5000, bytes([10, 0, 0, 1])) + bytes(120) + bytes([16]))

# ---- sim_ops --------------------------------------------------------------------------------
# Header: seed (u16), shape (bit 0 random schedule, bit 1 a host "peer", bit 2 a link: latency,
# jitter, bandwidth bytes). An op: its byte (bit 7: the throwing form), a slot byte, arguments.
INET, INET6, UNIX = 0, 1, 2      # kFamilies
STREAM, DGRAM = 0, 1             # kTypes
P0, P7000, P7001 = 0, 1, 2       # kPorts


def addr4(port, host=0):
    return bytes([port, 0, host])


def addr6(port, host=0):
    return bytes([port, 2, host, 1, 0])


def addr_unix(path):
    return bytes([0, 3, path])


def op(code, slot, *args, throwing=False):
    return bytes([code | (0x80 if throwing else 0), slot]) + b"".join(args)


def socket(slot, family=INET, type_=STREAM):
    return op(0, slot, bytes([family, type_]))


def bind(slot, a):
    return op(2, slot, a)


def listen(slot, backlog=7):
    return op(3, slot, bytes([backlog]))


def connect(slot, a):
    return op(4, slot, a)


def accept(slot, into):
    return op(6, slot, bytes([into]))


def send(slot, n, dontwait=0):
    return op(7, slot, u16(n), bytes([dontwait]))


def sendall(slot, n):
    return op(8, slot, u16(n))


def sendto(slot, n, a):
    return op(9, slot, u16(n), a)


def recv(slot, n, flags=0):
    return op(10, slot, u16(n), bytes([1, flags]))


def recvfrom(slot, n):
    return op(11, slot, u16(n), bytes([0]))


def shutdown(slot, how):
    return op(14, slot, bytes([how + 1]))


def close(slot):
    return op(15, slot)


def settimeout(slot, index):  # index into kTimeouts, or None for blocking
    return op(18, slot, bytes([0]) if index is None else bytes([1, index]))


def spawn(program, on_peer=0):
    return op(32, 0, bytes([on_peer, len(program)]), program)


def header(seed=1, shape=0, link=b""):
    return u16(seed) + bytes([shape]) + link


tcp = (socket(0) + bind(0, addr4(P7000)) + listen(0) + socket(1) + connect(1, addr4(P7000)) + accept(0, 2) +
       send(1, 100) + recv(2, 1000) + shutdown(1, 1) + recv(2, 1000) + close(2) + recv(1, 10) + close(1))
write("sim_ops", "tcp", header() + tcp)
write("sim_ops", "tcp-link", header(7, 4 | 1, bytes([20, 5, 10])) + tcp)
write("sim_ops", "tcp6", header(2) + socket(0, INET6) + bind(0, addr6(P7000)) + listen(0) + socket(1, INET6) +
      connect(1, addr6(P7000)) + accept(0, 2) + sendall(2, 5000) + recv(1, 8000) + close(0))
write("sim_ops", "udp", header(3) + socket(0, INET, DGRAM) + bind(0, addr4(P7001)) + socket(1, INET, DGRAM) +
      sendto(1, 300, addr4(P7001)) + sendto(1, 0, addr4(P7001)) + recvfrom(0, 100) + recvfrom(0, 100) +
      settimeout(0, 2) + recvfrom(0, 100))
write("sim_ops", "unix", header(4) + socket(0, UNIX) + bind(0, addr_unix(0)) + listen(0) + socket(1, UNIX) +
      connect(1, addr_unix(0)) + accept(0, 3) + send(3, 40) + recv(1, 40))
server = socket(0) + bind(0, addr4(P7000)) + listen(0) + accept(0, 1) + recv(1, 500) + send(1, 500) + close(1)
write("sim_ops", "task-server", header(5, 2) + spawn(server) + socket(1) + settimeout(1, 3) + connect(1, addr4(P7000)) +
      sendall(1, 500) + recv(1, 500) + op(33, 0, bytes([0])))
write("sim_ops", "deadlock", header(6) + socket(0) + bind(0, addr4(P7000)) + listen(0) + accept(0, 1))
# add_fault: scope (0 all, 1 the slot's fd, 2 a path), the path's three choices, send_cap's bytes,
# the kind (0 send_cap, 1 seeded send_cap, 2 recv_cap + bytes + seeded, 3 fail_call + op, nth,
# errno, times, 4 fail_point, 5 reset_after + u16, 6 fin_after + u16, 7 stall + ms + u16,
# 8 half_open, 9 partition + hold, 10 loss, 11 duplicate, 12 reorder, 13 slow_link, 14 dns_fail,
# 15 dns_delay).
def fault(slot, scope, kind, *args, path=(0, 0, 0), cap=0):
    return op(30, slot, bytes([scope, *path, cap, kind, *args]))


write("sim_ops", "faults", header(8) + op(1, 0, bytes([1]), bytes([1, STREAM])) + fault(0, 0, 0, cap=3) +
      fault(0, 0, 2, 2, 0) + sendall(0, 3000) + recv(1, 3000) + op(31, 0, bytes([0])) +
      fault(1, 1, 3, 1, 1, 0, 1) + recv(1, 10))
# A server task on host "peer", a client here, and faults on the path between them.
peer_server = socket(0) + bind(0, addr4(P7000, 1)) + listen(0) + accept(0, 1) + recv(1, 3000) + send(1, 300) + close(1)
write("sim_ops", "path-faults", header(11, 2) + spawn(peer_server, on_peer=1) +
      fault(0, 2, 13, 5, 2, 0xe8, 0x03, path=(1, 1, 1)) + fault(0, 2, 7, 50, 100, 0, path=(1, 1, 0)) +
      fault(0, 2, 5, 0xd0, 0x07, path=(1, 1, 0)) + socket(1) + settimeout(1, 3) + connect(1, addr4(P7000, 1)) +
      sendall(1, 3000) + recv(1, 500) + op(33, 0, bytes([0])))
write("sim_ops", "dns-faults", header(12, 2) + fault(0, 0, 14, 1, 1) + op(29, 0, bytes([5, 0, 0, 0, 0, 5, 0])) +
      socket(1) + op(4, 1, bytes([P7000, 0, 5])))
write("sim_ops", "makefile", header(9) + op(1, 0, bytes([1]), bytes([1, STREAM])) + op(23, 0, bytes([0, 0, 2])) +
      op(23, 1, bytes([1, 1, 1])) + op(24, 0, bytes([0, 2]), u16(100)) + op(24, 0, bytes([0, 3])) +
      op(24, 0, bytes([1, 1, 0])) + op(24, 0, bytes([1, 0, 10])))
write("sim_ops", "select", header(10) + op(1, 0, bytes([1]), bytes([1, STREAM])) + send(0, 10) +
      op(25, 0, bytes([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1])) + op(26, 0, bytes([1, 1, 1, 5, 1])))
