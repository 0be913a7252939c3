"""``manage.py install_ui``: FreqUI from a zip or folder on disk, checked before it replaces
the installed one; offline without ``--from`` it says so in one line and exits 1."""

from __future__ import annotations

import stat
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.fixtures.frequi import fake_frequi, fake_frequi_zip


def install(user_data: Path, *args: str) -> str:
    out = StringIO()
    call_command("install_ui", "--userdir", str(user_data), *args, stdout=out)
    return out.getvalue()


def served_build(user_data: Path) -> str:
    return (user_data / "ui" / "installed" / "index.html").read_text()


def test_installs_a_release_zip_then_replaces_it_with_a_folder(tmp_path):
    user_data = tmp_path / "user_data"
    zipped = fake_frequi_zip(tmp_path / "frequi.zip", "aaa111")
    message = install(user_data, "--from", str(zipped), "--version", "2.1.0")
    installed = user_data / "ui" / "installed"
    assert "FreqUI 2.1.0 installed" in message
    assert (installed / "assets" / "index-aaa111.js").is_file()
    assert (installed / ".uiversion").read_text() == "2.1.0"

    dist = fake_frequi(tmp_path / "dist", "bbb222")
    (dist / ".uiversion").write_text("2.2.0")  # an earlier install's folder carries its version
    assert "FreqUI 2.2.0 installed" in install(user_data, "--from", str(dist))
    assert 'data-build="bbb222"' in served_build(user_data)
    # The old build's files are gone, not mixed into the new one; no staging folder is left.
    assert not (installed / "assets" / "index-aaa111.js").exists()
    assert sorted(p.name for p in (user_data / "ui").iterdir()) == ["installed"]

    assert "FreqUI removed." in install(user_data, "--erase")
    assert not installed.exists()


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"../escape.txt": b"x"}, "unsafe path"),
        ({"/etc/escape.txt": b"x"}, "unsafe path"),
        ({"assets/../../escape.txt": b"x"}, "unsafe path"),
        ({"dist/index.html": b"<html>"}, "no index.html"),
    ],
)
def test_refuses_archives_that_escape_or_are_not_a_ui(tmp_path, members, expected):
    user_data = tmp_path / "user_data"
    install(user_data, "--from", str(fake_frequi_zip(tmp_path / "good.zip", "good")))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(CommandError, match=expected):
        install(user_data, "--from", str(bad))
    # The refused archive changed nothing: the good build still serves, nothing was written.
    assert 'data-build="good"' in served_build(user_data)
    assert not (tmp_path / "escape.txt").exists()
    assert sorted(p.name for p in (user_data / "ui").iterdir()) == ["installed"]


def test_refuses_links_and_non_zips(tmp_path):
    user_data = tmp_path / "user_data"
    linked = fake_frequi_zip(tmp_path / "linked.zip", "lnk")
    with zipfile.ZipFile(linked, "a") as archive:
        link = zipfile.ZipInfo("assets/passwd")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(CommandError, match="link in the archive"):
        install(user_data, "--from", str(linked))
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(CommandError, match="not a zip archive"):
        install(user_data, "--from", str(text))
    with pytest.raises(CommandError, match="no such file or folder"):
        install(user_data, "--from", str(tmp_path / "missing.zip"))
    assert not (user_data / "ui" / "installed").exists()


def test_offline_download_is_one_clear_line(tmp_path, monkeypatch):
    # A proxy nobody listens on: the GitHub request fails at once, network or not.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(CommandError) as refused:
        install(tmp_path / "user_data", "--version", "2.1.0")
    message = str(refused.value)
    assert message.startswith("FreqUI not installed: cannot list FreqUI's releases")
    assert "--from PATH" in message and "\n" not in message
