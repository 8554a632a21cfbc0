"""A TCP proxy on 127.0.0.1 that a test can cut (refusing connections) and restore."""

import socket
import threading


class TcpProxy:
    """Forward 127.0.0.1:<port> to upstream; down() refuses and drops connections, up() restores."""

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self._listener = None
        self._connections = set()
        self._lock = threading.Lock()

    def up(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def down(self):
        """Close the listener (new connections are refused) and cut every open connection."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)  # shutdown() first: a bare close() leaves a thread blocked in accept() listening
        with self._lock:
            connections, self._connections = self._connections, set()
        for conn in connections:
            _close(conn)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._connections.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass  # either side went away; closing both ends below is all there is to do
        finally:
            for conn in (source, target):
                _close(conn)
                with self._lock:
                    self._connections.discard(conn)


def _close(conn):
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already disconnected
    conn.close()
