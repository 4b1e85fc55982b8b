"""A TCP proxy between the site and PostgreSQL that can blackhole: accept and drop, never refuse.

A refused or reset connection fails at once; a partitioned network (a dead switch, a security
group change) answers nothing at all, and only the client's own timeouts end the wait. This
proxy plays that network: in blackhole mode it keeps accepting connections and reading what the
site sends, and forwards nothing either way."""

from __future__ import annotations

import socket
import threading

from tests.fixtures.services import free_port


class BlackholeProxy:
    """Forwards 127.0.0.1:`port` to `target_port` until `blackhole()`; `restore()` heals it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.dropping = threading.Event()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", self.port), backlog=128)
        threading.Thread(target=self.accept, daemon=True).start()

    def blackhole(self) -> None:
        """From now on nothing passes either way; new connections are accepted and ignored."""
        self.dropping.set()

    def restore(self) -> None:
        """Heal the network: the connections that lost data are reset, new ones pass again."""
        self.dropping.clear()
        with self.lock:
            broken, self.sockets = self.sockets, []
        for sock in broken:
            close(sock)

    def close(self) -> None:
        """Stop listening and drop every connection."""
        close(self.listener)
        self.restore()

    def accept(self) -> None:
        """Take connections until closed; each gets a pump each way."""
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
            if self.dropping.is_set():
                threading.Thread(target=self.swallow, args=(client,), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                close(client)
                continue
            with self.lock:
                self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    def swallow(self, sock: socket.socket) -> None:
        """Read and drop everything (the kernel still acknowledges it, as a live host would)."""
        while True:
            try:
                if not sock.recv(65536):
                    return
            except OSError:
                return

    def pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy one direction, dropping what comes while the network is blackholed."""
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                close(sink)
                return
            if self.dropping.is_set():
                continue
            try:
                sink.sendall(data)
            except OSError:
                close(source)
                return


def close(sock: socket.socket) -> None:
    """Close a socket, waking any thread blocked on it."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
