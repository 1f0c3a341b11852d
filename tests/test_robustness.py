"""Bad and odd input never crashes a run; each gets one clear line and the run goes on."""

import os
import stat


from conftest import run_cli

BAD = "from tensorflow.python.framework import ops\nx = ops.convert_to_tensor(1)\n"


def test_empty_and_whitespace_files(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "blank.py").write_bytes(b"\n\n   \n")
    result = run_cli(tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_bom_crlf_and_coding_cookie(tmp_path):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    (tmp_path / "crlf.py").write_bytes(BAD.replace("\n", "\r\n").encode())
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n# \xe9\n" + BAD.encode())
    out = run_cli(tmp_path).stdout.decode().splitlines()
    assert [l.split(": ")[0] for l in out] == [
        f"{tmp_path / 'bom.py'}:1:1", f"{tmp_path / 'crlf.py'}:1:1", f"{tmp_path / 'latin.py'}:3:1"]


def test_unicode_before_the_reported_column(tmp_path):
    (tmp_path / "u.py").write_text("é = 1; from tensorflow.python.framework import ops\n", "utf-8")
    out = run_cli(tmp_path / "u.py").stdout.decode()
    assert ":1:8: HDL103" in out  # columns count characters, not bytes


def test_symlink_loop_and_broken_link(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text(BAD)
    os.symlink("..", pkg / "loop")
    os.symlink("nowhere.py", pkg / "broken.py")
    result = run_cli(tmp_path)
    assert result.returncode == 2
    assert f"{pkg / 'broken.py'}: error: No such file or directory" in result.stderr.decode()
    assert result.stdout.decode().count("HDL103") == 1  # m.py once: the loop is not followed


def test_directory_named_like_a_python_file(tmp_path):
    (tmp_path / "odd.py").mkdir()
    (tmp_path / "odd.py" / "inner.py").write_text(BAD)
    result = run_cli(tmp_path)
    assert result.returncode == 1 and "inner.py:1:1: HDL103" in result.stdout.decode()


def test_fix_keeps_mode_and_refuses_unwritable_dir(tmp_path):
    target = tmp_path / "m.py"
    target.write_text(BAD)
    os.chmod(target, 0o640)
    assert run_cli(target, fix=True).returncode == 1
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert "tf.convert_to_tensor(1)" in target.read_text()


def test_large_file(tmp_path):
    body = "".join(f"def f{i}(x):\n    return ops.convert_to_tensor(x) + {i}\n" for i in range(5000))
    (tmp_path / "big.py").write_text(BAD + body)
    result = run_cli(tmp_path / "big.py")
    assert result.returncode == 1 and result.stdout.decode().count("\n") == 1
    fixed = run_cli("--diff", tmp_path / "big.py", fix=True)
    assert fixed.returncode == 1 and fixed.stdout.decode().count("+    return tf.convert_to_tensor(x)") == 5000


def test_deeply_nested_expression(tmp_path):
    (tmp_path / "deep.py").write_text("from tensorflow.python import keras\nx = " + "(" * 150 + "1"
                                      + ")" * 150 + "\n")
    result = run_cli(tmp_path / "deep.py")
    assert result.returncode in (1, 2)
    assert b"Traceback" not in result.stderr
