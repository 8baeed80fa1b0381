"""The application icon: ``resources/icons/greencert.svg`` and the PNG / ICO made from it.

Regenerate the raster files after editing the SVG::

    python -m greencert_desktop.ui.icons
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter

from greencert_desktop.reference import resources_dir

ICON_NAME = "greencert"
PNG_SIZE = 256
ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)


def icons_dir() -> Path:
    return resources_dir() / "icons"


def app_icon() -> QIcon:
    """The window icon; an empty ``QIcon`` if the files are missing (never an error)."""
    icon = QIcon()
    folder = icons_dir()
    png = folder / f"{ICON_NAME}.png"
    if png.exists():
        icon.addFile(str(png))
    return icon


def render_svg(svg: Path, size: int) -> QImage:
    from PySide6.QtSvg import QSvgRenderer  # only when regenerating the icons

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG file: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("could not encode PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: Sequence[QImage]) -> bytes:
    """A Windows .ico holding every image as a PNG entry (Windows Vista and later).

    Qt's own ICO writer stores one image only; Windows picks the best of several sizes.
    """
    entries = [(img.width(), img.height(), png_bytes(img)) for img in images]
    header = struct.pack("<HHH", 0, 1, len(entries))
    offset = len(header) + 16 * len(entries)
    directory = b""
    blobs = b""
    for width, height, blob in entries:
        directory += struct.pack(
            "<BBBBHHII",
            width % 256, height % 256,  # 0 means 256
            0, 0,  # no palette, reserved
            1, 32,  # colour planes, bits per pixel
            len(blob), offset,
        )
        offset += len(blob)
        blobs += blob
    return header + directory + blobs


def regenerate(folder: Path | None = None) -> list[Path]:
    """Write ``greencert.png`` (256×256) and ``greencert.ico`` from ``greencert.svg``."""
    folder = folder or icons_dir()
    svg = folder / f"{ICON_NAME}.svg"
    png = folder / f"{ICON_NAME}.png"
    ico = folder / f"{ICON_NAME}.ico"
    png.write_bytes(png_bytes(render_svg(svg, PNG_SIZE)))
    ico.write_bytes(ico_bytes([render_svg(svg, size) for size in ICO_SIZES]))
    return [png, ico]


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    for path in regenerate():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
