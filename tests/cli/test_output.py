"""``-o FILE``: regular files are replaced atomically; devices, pipes and ``-`` are written in place."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icsplan import clitools
from icsplan.cli import app

runner = CliRunner()
MALI = Path(__file__).resolve().parents[2] / "src" / "icsplan" / "demo" / "mali-2018.txt"


def _leftovers(directory: Path, name: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != name)


def test_dev_null_stays_a_character_device():
    before = os.stat("/dev/null")
    clitools.write_output(b"discarded", Path("/dev/null"))
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev, stat.S_IMODE(after.st_mode)) == (
        before.st_ino, before.st_rdev, stat.S_IMODE(before.st_mode))


def test_parse_to_dev_null_through_the_cli():
    result = runner.invoke(app, ["parse", str(MALI), "-o", "/dev/null"])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_gets_the_bytes_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read():
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    payload = b"x" * 200_000  # more than a pipe buffer: the writer must wait for the reader
    clitools.write_output(payload, fifo)
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert received == [payload]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _leftovers(tmp_path, "pipe") == []


def test_dash_means_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["parse", str(MALI), "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("{") and '"icsplan.strategy/1"' in result.stdout
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_regular_file_is_replaced_with_sensible_permissions(tmp_path):
    target = tmp_path / "out.json"
    clitools.write_output("first", target)
    assert target.read_bytes() == b"first"
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    target.chmod(0o640)
    clitools.write_output(b"second", target)
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept
    assert _leftovers(tmp_path, "out.json") == []


def test_a_read_only_file_is_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "keep.json"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    if os.geteuid() == 0:  # root may open any file for writing; ask as an ordinary user would
        monkeypatch.setattr(clitools.os, "access", lambda path, mode: not (mode & os.W_OK))
    with pytest.raises(PermissionError):
        clitools.write_output(b"new", target)
    assert target.read_bytes() == b"keep me" and _leftovers(tmp_path, "keep.json") == []


def test_a_symlink_to_a_regular_file_is_kept(tmp_path):
    real = tmp_path / "real.md"
    real.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    clitools.write_output(b"new", link)
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"the old report")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(clitools.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        clitools.write_output(b"the new report", target)
    assert target.read_bytes() == b"the old report"
    assert _leftovers(tmp_path, "report.pdf") == []


def test_a_failing_render_leaves_the_old_file_and_no_part_file(tmp_path, monkeypatch):
    from icsplan.publishing import markdown

    target = tmp_path / "mali.md"
    target.write_bytes(b"the old export")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed half-way")

    monkeypatch.setattr(markdown, "to_markdown", broken)
    result = runner.invoke(app, ["parse", str(MALI), "--format", "md", "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert target.read_bytes() == b"the old export"
    assert _leftovers(tmp_path, "mali.md") == []


def test_a_missing_directory_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["parse", str(MALI), "-o", str(tmp_path / "nowhere" / "x.json")])
    assert result.exit_code == 2
    assert "No such file or directory" in result.output and "Traceback" not in result.output


def test_every_output_option_goes_through_the_one_helper():
    """No command writes its ``-o`` file by itself (a ``.part`` rename would come back)."""
    src = Path(clitools.__file__).resolve().parent
    offenders = []
    for path in src.rglob("cli.py"):
        text = path.read_text(encoding="utf-8")
        if '"--output"' in text and "write_output" not in text:
            offenders.append(str(path))
        for needle in (".part", "write_bytes(", "os.replace(", ".replace(output"):
            if needle in text:
                offenders.append(f"{path}: {needle}")
    assert not offenders, offenders
