"""Install FreqUI's built files under ``<user_data>/ui/installed``: from its GitHub release
(what ``freqtrade install-ui`` downloads) or from a zip or folder already on disk.

Every source is checked before anything is replaced: a zip must hold ``index.html`` at its top,
no member may leave the target folder (absolute paths, ``..``, links), and sizes are capped so a
hostile or broken archive cannot fill the disk. The new files are unpacked next to the old ones
and swapped in with renames, so a failed install leaves the previous UI serving.
"""

from __future__ import annotations

import io
import shutil
import stat
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot_engine.exceptions import TradeplaneError

RELEASES_URL = "https://api.github.com/repos/freqtrade/frequi/releases"
ASSET_NAME = "frequi.zip"
VERSION_FILE = ".uiversion"
INSTALLED = "installed"
# FreqUI's release archive is ~5 MB zipped, ~15 MB unpacked; the caps leave room for growth.
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_FILES = 5000
DOWNLOAD_TIMEOUT_SECS = 30


class UiInstallError(TradeplaneError):
    """The UI could not be fetched or its files are not a FreqUI build we accept."""


@dataclass(frozen=True)
class InstalledUi:
    path: Path
    version: str
    files: int


def ui_root(user_data_dir: Path) -> Path:
    return user_data_dir / "ui"


def installed_dir(user_data_dir: Path) -> Path:
    """The folder the server serves FreqUI from."""
    return ui_root(user_data_dir) / INSTALLED


def installed_version(user_data_dir: Path) -> str | None:
    """The installed UI's version, or None when no UI is installed."""
    folder = installed_dir(user_data_dir)
    if not (folder / "index.html").is_file():
        return None
    version_file = folder / VERSION_FILE
    return version_file.read_text().strip() if version_file.is_file() else "unknown"


def ui_install_from_path(*, user_data_dir: Path, source: Path, version: str | None) -> InstalledUi:
    """Install from a zip file (FreqUI's release asset) or a folder (a ``dist/`` build)."""
    if source.is_dir():
        return _install(user_data_dir, lambda staging: _copy_folder(source, staging), version)
    if not source.is_file():
        raise UiInstallError(f"{source}: no such file or folder")
    if source.stat().st_size > MAX_ARCHIVE_BYTES:
        raise UiInstallError(f"{source}: larger than {MAX_ARCHIVE_BYTES // 2**20} MiB")
    data = source.read_bytes()
    return _install(user_data_dir, lambda staging: _unzip(data, staging), version)


def ui_install_download(*, user_data_dir: Path, version: str | None) -> InstalledUi:
    """Download FreqUI's release (the newest, or the one named ``version``) and install it."""
    url, release = _release_asset(version)
    data = _download(url)
    return _install(user_data_dir, lambda staging: _unzip(data, staging), release)


def ui_erase(*, user_data_dir: Path) -> bool:
    """Remove the installed UI; False when there was none."""
    folder = installed_dir(user_data_dir)
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True


def _install(user_data_dir: Path, fill, version: str | None) -> InstalledUi:
    root = ui_root(user_data_dir)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        files = fill(staging)
        if not (staging / "index.html").is_file():
            raise UiInstallError("not a FreqUI build: no index.html at its top level")
        # No version given: the one a copied install carries, else "unknown".
        carried = staging / VERSION_FILE
        version = version or (carried.read_text().strip() if carried.is_file() else "unknown")
        carried.write_text(version)
        _swap_in(staging, installed_dir(user_data_dir))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InstalledUi(installed_dir(user_data_dir), version, files)


def _swap_in(staging: Path, target: Path) -> None:
    """Two renames on one file system: the old UI serves until the moment the new one does."""
    retired = target.with_name(f".retired-{uuid.uuid4().hex}")
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or ":" in path.parts[0]:
        raise UiInstallError(f"unsafe path in the archive: {name!r}")
    return path


def _unzip(data: bytes, staging: Path) -> int:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UiInstallError("not a zip archive") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_FILES:
            raise UiInstallError(f"more than {MAX_FILES} files in the archive")
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise UiInstallError(f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB")
        files = 0
        for member in members:
            relative = _safe_member(member.filename)
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UiInstallError(f"link in the archive: {member.filename!r}")
            destination = staging.joinpath(*relative.parts)
            if member.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            _copy_member(archive, member, destination)
            files += 1
        return files


def _copy_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, destination: Path) -> None:
    """Copy one member, stopping at its declared size: a header can lie (a zip bomb)."""
    written = 0
    try:
        with archive.open(member) as src, destination.open("wb") as dst:
            while chunk := src.read(1 << 16):
                written += len(chunk)
                if written > member.file_size:
                    raise UiInstallError(f"corrupt archive member: {member.filename!r}")
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise UiInstallError(f"corrupt archive member {member.filename!r}: {exc}") from None


def _copy_folder(source: Path, staging: Path) -> int:
    files, total = 0, 0
    for path in sorted(source.rglob("*")):
        if path.is_symlink():
            raise UiInstallError(f"link in the folder: {path}")
        target = staging / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        files += 1
        total += path.stat().st_size
        if files > MAX_FILES or total > MAX_UNPACKED_BYTES:
            raise UiInstallError(f"{source}: more than {MAX_FILES} files or too large")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return files


def _release_asset(version: str | None) -> tuple[str, str]:
    import requests

    try:
        response = requests.get(RELEASES_URL, timeout=DOWNLOAD_TIMEOUT_SECS)
        response.raise_for_status()
        releases = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise UiInstallError(f"cannot list FreqUI's releases on GitHub ({_reason(exc)})") from None
    if version:
        chosen = [r for r in releases if r.get("name") == version or r.get("tag_name") == version]
    else:
        chosen = sorted(
            (r for r in releases if not r.get("prerelease") and not r.get("draft")),
            key=lambda r: r.get("created_at") or "",
            reverse=True,
        )
    if not chosen:
        raise UiInstallError(f"no FreqUI release named {version!r}" if version else "no release")
    release = chosen[0]
    assets = release.get("assets") or []
    urls = [a["browser_download_url"] for a in assets if a.get("name") == ASSET_NAME]
    if not urls:
        raise UiInstallError(f"FreqUI release {release.get('name')} has no {ASSET_NAME}")
    return urls[0], str(release.get("name") or release.get("tag_name"))


def _download(url: str) -> bytes:
    import requests

    buffer = io.BytesIO()
    try:
        with requests.get(url, timeout=DOWNLOAD_TIMEOUT_SECS, stream=True) as response:
            response.raise_for_status()
            for chunk in response.iter_content(chunk_size=1 << 16):
                buffer.write(chunk)
                if buffer.tell() > MAX_ARCHIVE_BYTES:
                    raise UiInstallError(f"download larger than {MAX_ARCHIVE_BYTES // 2**20} MiB")
    except requests.RequestException as exc:
        raise UiInstallError(f"cannot download {url} ({_reason(exc)})") from None
    return buffer.getvalue()


def _reason(exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.ConnectionError):
        return "no network connection"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
