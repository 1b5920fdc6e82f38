"""A minimal h2c (HTTP/2 over cleartext, prior knowledge) client for tests
and benchmarks that need what ordinary clients do not do on purpose: send a
request and cancel it at once (RST_STREAM), many times over one connection.

HPACK is written as literals without indexing and without Huffman coding
(always valid); the server's frames are read by a background thread that
acknowledges SETTINGS and PING, keeps the connection's receive window open,
and collects each stream's status and body.
"""

import socket
import struct
import threading

PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
CANCEL = 0x8


def _int(value, prefix_bits, first=0):
    """HPACK integer with an N-bit prefix."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = [first | limit]
    value -= limit
    while value >= 128:
        out.append((value & 0x7f) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _literal(name, value):
    name, value = name.encode(), value.encode()
    return b'\x00' + _int(len(name), 7) + name + _int(len(value), 7) + value


def _frame(ftype, flags, stream, payload=b''):
    return struct.pack('>I', len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack('>I', stream) + payload


def _status(block):
    """The :status of a response header block: h2o sends it indexed from the
    static table, or as a literal with an indexed name; -1 when it is coded
    in a way this client does not decode (Huffman)."""
    if not block:
        return None
    b = block[0]
    statics = {0x88: 200, 0x89: 204, 0x8a: 206, 0x8b: 304, 0x8c: 400, 0x8d: 404, 0x8e: 500}
    if b in statics:
        return statics[b]
    if ((b & 0xc0) == 0x40 and 8 <= (b & 0x3f) <= 14) or \
            ((b & 0xe0) == 0x00 and 8 <= (b & 0x0f) <= 14):
        if len(block) >= 5 and block[1] == 3:
            return int(block[2:5])
    return -1


class H2Conn:
    def __init__(self, host, port, timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.authority = '%s:%d' % (host, port)
        self.next_id = 1
        self.lock = threading.Lock()
        self.done = {}          # stream id -> (status, body bytes)
        self.bodies = {}
        self.status = {}
        self.cond = threading.Condition()
        self.closed = False
        self.sock.sendall(PREFACE + _frame(SETTINGS, 0, 0) +
                          _frame(WINDOW_UPDATE, 0, 0, struct.pack('>I', (1 << 30))))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _recv(self, n):
        buf = b''
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _read(self):
        try:
            while True:
                hdr = self._recv(9)
                length = int.from_bytes(hdr[:3], 'big')
                ftype, flags = hdr[3], hdr[4]
                stream = int.from_bytes(hdr[5:9], 'big') & 0x7fffffff
                payload = self._recv(length) if length else b''
                if ftype == SETTINGS and not flags & ACK:
                    self._send(_frame(SETTINGS, ACK, 0))
                elif ftype == PING and not flags & ACK:
                    self._send(_frame(PING, ACK, 0, payload))
                elif ftype == HEADERS:
                    st = _status(payload)
                    if st is not None:
                        self.status[stream] = st
                    if flags & END_STREAM:
                        self._finish(stream)
                elif ftype == DATA:
                    self.bodies.setdefault(stream, bytearray()).extend(payload)
                    if length:
                        self._send(_frame(WINDOW_UPDATE, 0, 0, struct.pack('>I', length)) +
                                   _frame(WINDOW_UPDATE, 0, stream, struct.pack('>I', length)))
                    if flags & END_STREAM:
                        self._finish(stream)
                elif ftype == RST_STREAM:
                    self._finish(stream)
                elif ftype == GOAWAY:
                    break
        except (OSError, EOFError):
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _finish(self, stream):
        with self.cond:
            self.done[stream] = (self.status.pop(stream, None),
                                 bytes(self.bodies.pop(stream, b'')))
            self.cond.notify_all()

    def _send(self, data):
        with self.lock:
            self.sock.sendall(data)

    def _headers(self, stream, method, path, end_stream=True):
        block = (_literal(':method', method) + _literal(':scheme', 'http') +
                 _literal(':authority', self.authority) + _literal(':path', path))
        flags = END_HEADERS | (END_STREAM if end_stream else 0)
        return _frame(HEADERS, flags, stream, block)

    def get(self, path):
        """Send a GET; returns its stream id (wait() for the answer)."""
        with self.lock:
            sid = self.next_id
            self.next_id += 2
            self.sock.sendall(self._headers(sid, 'GET', path))
        return sid

    def get_cancel(self, path):
        """Send a GET and reset its stream at once, in one write."""
        with self.lock:
            sid = self.next_id
            self.next_id += 2
            self.sock.sendall(self._headers(sid, 'GET', path) +
                              _frame(RST_STREAM, 0, sid, struct.pack('>I', CANCEL)))
        return sid

    def wait(self, sid, timeout=30):
        """(status, body) of a stream, or None on timeout or close."""
        with self.cond:
            self.cond.wait_for(lambda: sid in self.done or self.closed, timeout)
            return self.done.pop(sid, None)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.reader.join(5)
