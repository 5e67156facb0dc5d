"""Read zip archives (.qdpx) from other tools without trusting them.

A hostile archive can name entries `../../.bashrc` or `/etc/passwd`, hold symlinks, pack gigabytes into a few
kilobytes (a zip bomb, by compression ratio or by a huge number of entries), or lie in its headers about the
sizes. Every entry name is checked before anything is read, and every read is bounded while it happens: the
bytes actually produced are counted against the limits, not the sizes the header claims. Nothing is ever
extracted to disk; entries are read into memory, which the limits keep small.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from app.domain.errors import ImportFailed, UnsafeFile

_CHUNK = 64 * 1024
# What the standard library raises for damaged archives (found by fuzzing: a flipped byte can raise any).
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may hold. The defaults fit any real qualitative project with room to spare."""

    max_entries: int = 20_000
    max_total_bytes: int = 1024 * 1024 * 1024  # all entries together, uncompressed
    max_entry_bytes: int = 512 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, for entries larger than `ratio_floor`
    ratio_floor: int = 1024 * 1024
    # Many members each within the limits can still amplify a small file into gigabytes of text in memory:
    # the whole archive's ratio is bounded too, and so are the bytes actually unpacked into memory.
    max_total_ratio: float = 100.0  # all entries / the archive's size, once they exceed `total_ratio_floor`
    total_ratio_floor: int = 16 * 1024 * 1024
    max_read_bytes: int = 256 * 1024 * 1024


def clean_entry_name(raw: str, archive: str) -> str:
    """The entry's path with `/` separators, refused when absolute or climbing out with `..`."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or name.startswith("//"):
        raise UnsafeFile(f"{archive} holds an entry with an absolute path ({raw!r}); refused.")
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        raise UnsafeFile(f"{archive} holds an entry that points outside the archive ({raw!r}); refused.")
    if "\x00" in name:
        raise UnsafeFile(f"{archive} holds an entry with a NUL character in its name; refused.")
    return "/".join(part for part in parts if part not in ("", "."))


class SafeZip:
    """An archive held in memory whose entries were vetted; read them with `read`."""

    def __init__(self, data: bytes, name: str, limits: ZipLimits | None = None) -> None:
        self.name = name
        self.limits = limits or ZipLimits()
        self._bytes_read = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except _DAMAGED as exc:
            raise ImportFailed(f"{name} is not a readable zip archive ({exc}).") from exc
        if len(infos) > self.limits.max_entries:
            raise UnsafeFile(
                f"{name} holds {len(infos):,} entries, more than the {self.limits.max_entries:,} allowed "
                "(a zip bomb?); refused."
            )
        self._entries: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            clean = clean_entry_name(info.filename, name)
            mode = (info.external_attr >> 16) & 0xFFFF
            if stat.S_ISLNK(mode):
                raise UnsafeFile(f"{name} holds a symbolic link ({info.filename!r}); refused.")
            if info.flag_bits & 0x1:
                raise ImportFailed(f"{name} holds an encrypted entry ({info.filename!r}); it cannot be read.")
            declared += max(info.file_size, 0)
            self._check_ratio(info.file_size, info.compress_size, info.filename)
            if not clean or info.is_dir():  # an empty name (a damaged header) names nothing to read
                continue
            self._entries[clean] = info
        if declared > self.limits.max_total_bytes:
            raise UnsafeFile(
                f"{name} would unpack to {declared:,} bytes, more than the {self.limits.max_total_bytes:,} "
                "allowed (a zip bomb?); refused."
            )
        if declared > self.limits.total_ratio_floor and declared > self.limits.max_total_ratio * max(len(data), 1):
            raise UnsafeFile(
                f"{name} would unpack to {declared / 1e6:,.0f} MB, {declared / max(len(data), 1):,.0f} times "
                f"its size (more than {self.limits.max_total_ratio:,.0f}; a zip bomb?); refused."
            )

    def _check_ratio(self, produced: int, compressed: int, entry: str) -> None:
        if produced <= self.limits.ratio_floor:
            return
        if produced > self.limits.max_ratio * max(compressed, 1):
            raise UnsafeFile(
                f"{self.name}: entry {entry!r} expands {produced / max(compressed, 1):,.0f} times "
                f"(more than {self.limits.max_ratio:,.0f}; a zip bomb?); refused."
            )

    def names(self) -> list[str]:
        return list(self._entries)

    def find(self, path: str) -> str | None:
        """The stored entry for `path`, matched exactly, else ignoring case (`Sources/` vs `sources/`)."""
        clean = clean_entry_name(path, self.name)
        if clean in self._entries:
            return clean
        lowered = clean.lower()
        for entry in self._entries:
            if entry.lower() == lowered:
                return entry
        return None

    def read(self, entry: str) -> bytes:
        """An entry's bytes, counted as they are produced against the entry, total and ratio limits."""
        info = self._entries.get(entry)
        if info is None:
            raise ImportFailed(f"{self.name} has no entry {entry!r}.")
        out = bytearray()
        limit = self.limits.max_entry_bytes
        try:
            with self._zip.open(info) as stream:
                while True:
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    out += chunk
                    self._bytes_read += len(chunk)
                    if len(out) > limit or self._bytes_read > min(
                        self.limits.max_total_bytes, self.limits.max_read_bytes
                    ):
                        raise UnsafeFile(
                            f"{self.name}: entry {entry!r} unpacks to more than the allowed size "
                            "(a zip bomb?); refused."
                        )
                    self._check_ratio(len(out), info.compress_size, entry)
        except _DAMAGED as exc:
            raise ImportFailed(f"{self.name}: entry {entry!r} is damaged or unreadable ({exc}).") from exc
        return bytes(out)

    def close(self) -> None:
        self._zip.close()


def resolve_inside(path: str, archive: str) -> str:
    """A path named inside the project file (`internal://x.txt`, `sources/x.txt`) as an entry path.

    Refuses paths that point outside the archive (absolute paths, `..`, `file://`, other URL schemes).
    """
    text = path.strip()
    if text.lower().startswith("internal://"):
        text = text[len("internal://") :]
    elif "://" in text or text.lower().startswith("file:"):
        raise UnsafeFile(f"{archive} names a source outside the archive ({path!r}); refused.")
    return clean_entry_name(text, archive)
