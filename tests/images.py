"""PNG files of any size, written row by row.

Pillow would need the whole canvas in memory to write a 9000 x 9000 image;
these are streamed through zlib, so a decompression bomb (a few MB on disk,
hundreds of MB decoded) costs the test almost nothing to make.
"""

import struct
import zlib

CHANNELS = {"L": (0, 1), "RGB": (2, 3), "RGBA": (6, 4)}


def _chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


def png_bytes(width, height, mode="L"):
    """A complete, valid PNG of one grey colour: decoding it touches every
    pixel, so memory use is real."""
    color_type, channels = CHANNELS[mode]
    compressor = zlib.compressobj(1)
    row = b"\x00" + b"\x7f" * (width * channels)
    idat = bytearray()
    for _ in range(height):
        idat += compressor.compress(row)
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", bytes(idat))
        + _chunk(b"IEND", b"")
    )
