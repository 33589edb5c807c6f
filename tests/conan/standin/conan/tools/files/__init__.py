"""Stand-in of conan.tools.files. copy() really copies, with Conan's pattern rules (fnmatch on the
path relative to src, where * also matches /), so a test can check what a recipe exports."""

import fnmatch
import os
import shutil


def copy(conanfile, pattern, src, dst, keep_path=True, excludes=None):
    copied = []
    src = os.path.normpath(src)
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in (".git", "build")]
        for filename in files:
            relative = os.path.relpath(os.path.join(root, filename), src)
            if not fnmatch.fnmatch(relative, pattern):
                continue
            if excludes and any(fnmatch.fnmatch(relative, e) for e in excludes):
                continue
            target = os.path.join(dst, relative if keep_path else filename)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(root, filename), target)
            copied.append(target)
    return copied


def rmdir(conanfile, path):
    shutil.rmtree(path, ignore_errors=True)


def rm(conanfile, pattern, folder, recursive=False):
    for root, dirs, files in os.walk(folder):
        for filename in fnmatch.filter(files, pattern):
            os.remove(os.path.join(root, filename))
        if not recursive:
            break


def load(conanfile, path, encoding="utf-8"):
    with open(path, encoding=encoding) as f:
        return f.read()
