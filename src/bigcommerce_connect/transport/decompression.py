"""Undoing an answer's content-encodings (gzip, deflate) with every step's output bounded.

A compressed body can inflate without end (a "zip bomb"): each layer hands out at most
:data:`CHUNK` bytes a step, and every layer's output counts against the decoded-size cap.
Over a cap raises :class:`TooLarge`; a body that cannot be decoded raises
:class:`BrokenBody`. The transport turns both into a ``TransportError``.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from typing import Any, Final

from bigcommerce_connect.errors import ConnectError

__all__ = ["CHUNK", "BodyDecoder", "BrokenBody", "TooLarge", "content_codings"]

#: Bytes asked for per socket read, and the most one decompression step may produce.
CHUNK: Final = 64 * 1024
_GZIP_CODINGS: Final = frozenset({"gzip", "x-gzip"})
# Codings a store could send that this transport cannot decode (no optional packages).
_UNSUPPORTED_CODINGS: Final = frozenset({"br", "zstd", "compress", "x-compress"})


class TooLarge(ConnectError):
    """An answer over a cap; ``send`` turns it into a ``too_large`` TransportError.

    ``what`` is "announced", "received", "decompressed" or "encodings"; ``count`` the number
    the answer announced (Content-Length or codings), when there is one.
    """

    def __init__(self, what: str, count: int = 0) -> None:
        super().__init__(what)
        self.what = what
        self.count = count


class BrokenBody(ConnectError):
    """A body that cannot be decoded; ``send`` turns it into a ``decoding`` TransportError.

    ``final``: the same answer will never decode (an unsupported coding), so no retry.
    """

    def __init__(self, why: str, *, final: bool = False) -> None:
        super().__init__(why)
        self.final = final


class _Inflater:
    """One gzip or deflate layer whose output per step is bounded (bomb-proof)."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding in _GZIP_CODINGS
        self._obj = self._new()
        self._pending = b""  # input not yet consumed
        self._more = False  # zlib may hold output for the input it already took
        self._sniffed = self._gzip  # deflate: zlib-wrapped or raw, told by the first bytes
        self._head = b""  # deflate: the first bytes, kept until the wrapper is known
        self._ignoring = False  # garbage after a complete gzip member is ignored, like curl
        self.started = False

    def _new(self, raw: bool = False) -> Any:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)

    def push(self, data: bytes) -> None:
        """Queue compressed input."""
        if data and not self._ignoring:
            self.started = True
            self._pending += data

    def step(self, limit: int) -> bytes:
        """At most ``limit`` decompressed bytes; ``b""`` when more input is needed."""
        while (self._pending or self._more) and not self._ignoring:
            data, self._pending = self._pending, b""
            out = self._inflate(data, limit)
            if out:
                return out
        return b""

    def _inflate(self, data: bytes, limit: int) -> bytes:
        if self._obj.eof:
            if not (self._gzip and data):
                self._ignoring = bool(data)
                self._more = False
                return b""
            self._obj = self._new()  # the next gzip member
            self._more = False
            try:
                return self._decompress(data, limit)
            except zlib.error:
                self._ignoring = True  # trailing garbage after a complete member
                self._pending = b""
                return b""
        if not self._sniffed:
            return self._sniff(data, limit)
        return self._decompress(data, limit)

    def _sniff(self, data: bytes, limit: int) -> bytes:
        # HTTP "deflate" is zlib-wrapped by the standard, raw deflate by some servers.
        self._head += data
        try:
            out = self._decompress(data, limit)
        except zlib.error:
            self._obj = self._new(raw=True)
            self._sniffed = True
            return self._decompress(self._head, limit)
        if len(self._head) >= 2:
            self._sniffed, self._head = True, b""
        return out

    def _decompress(self, data: bytes, limit: int) -> bytes:
        out: bytes = self._obj.decompress(data, limit)
        self._pending = self._obj.unconsumed_tail or self._obj.unused_data
        self._more = len(out) >= limit and not self._obj.eof
        return out

    def complete(self) -> bool:
        """Whether every compressed stream that started also ended."""
        return not self.started or self._ignoring or bool(self._obj.eof)


class BodyDecoder:
    """Undo the answer's content-encodings, each layer's output counted against a cap."""

    def __init__(self, codings: list[str], max_decoded: int) -> None:
        # Content-Encoding lists codings in the order they were applied: undo them backwards.
        self._layers = [_Inflater(c) for c in reversed(codings)]
        self._made = [0] * len(self._layers)
        self._max = max_decoded
        self.decoded = 0

    def feed(self, chunk: bytes, out: io.BytesIO) -> None:
        """Decode ``chunk`` (b"" at the end of the body) into ``out``."""
        for piece in self._pump(len(self._layers) - 1, chunk):
            if self.decoded + len(piece) > self._max:
                raise TooLarge("decompressed")
            self.decoded += len(piece)
            out.write(piece)

    def _pump(self, index: int, chunk: bytes) -> Iterator[bytes]:
        if index < 0:
            if chunk:
                yield chunk
            return
        layer = self._layers[index]
        upstream = self._pump(index - 1, chunk)
        while True:
            try:
                piece = layer.step(CHUNK)
            except zlib.error as error:
                raise BrokenBody(str(error)) from None
            if piece:
                self._made[index] += len(piece)
                if self._made[index] > self._max:
                    raise TooLarge("decompressed")  # an inner layer inflating without end
                yield piece
                continue
            data = next(upstream, None)
            if data is None:
                return
            layer.push(data)

    def finish(self) -> None:
        """Raise :class:`BrokenBody` if a compressed stream was cut short."""
        if not all(layer.complete() for layer in self._layers):
            raise BrokenBody("the compressed stream ends early")


def content_codings(value: str, max_codings: int) -> list[str]:
    """The codings to undo, in the order they were applied; raise if too many or unknown."""
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > max_codings:
        raise TooLarge("encodings", len(codings))
    for coding in codings:
        if coding in _UNSUPPORTED_CODINGS:
            raise BrokenBody(f"content-encoding {coding!r} is not supported", final=True)
    # Codings nobody can decode (a server's mislabel) are left alone, as urllib3 does.
    return [c for c in codings if c in _GZIP_CODINGS or c == "deflate"]
