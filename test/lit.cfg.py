# -*- Python -*-
# lit configuration for lambda-opt's tool tests.
#
# Each .test file checks one behaviour. Inputs are written with split-file
# (`#--- uv.lock`), the tools directory and LLVM's FileCheck, not and
# split-file are on PATH, and `%fixture` runs the project's fixture tool,
# which builds real wheels and uv projects.
import os
import shutil
import subprocess

import lit.formats

config.name = "lambda-opt"
config.test_format = lit.formats.ShTest(not lit_config.isWindows)
config.suffixes = [".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lambda_opt_obj_root, "test")

path = os.pathsep.join([config.lambda_opt_tools_dir, config.llvm_tools_dir,
                        config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
# Diagnostics and output must not depend on the caller's environment.
for var in ["SOURCE_DATE_EPOCH", "XDG_CACHE_HOME", "NETRC",
            "LAMBDA_OPT_INDEX_USERNAME", "LAMBDA_OPT_INDEX_PASSWORD",
            "GITHUB_ACTIONS", "NO_COLOR", "CLICOLOR_FORCE"]:
    config.environment.pop(var, None)
config.environment["HOME"] = os.environ.get("HOME", "/tmp")
# The opt-in corpus check reads real projects from this folder when set.
if os.environ.get("LAMBDA_OPT_CORPUS"):
    config.environment["LAMBDA_OPT_CORPUS"] = os.environ["LAMBDA_OPT_CORPUS"]
config.environment["LC_ALL"] = "C"

fixture = os.path.join(config.lambda_opt_src_root, "utils",
                       "lambda-opt-fixture.py")
server = os.path.join(config.lambda_opt_src_root, "utils",
                      "fixture-http-server.py")
config.substitutions.append(("%fixture", "%s %s" % (config.python_executable,
                                                    fixture)))
config.substitutions.append(("%http-server", "%s %s" % (
    config.python_executable, server)))
registry = os.path.join(config.lambda_opt_src_root, "utils",
                        "test-registry.py")
config.substitutions.append(("%registry", "%s %s" % (
    config.python_executable, registry)))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src_root", config.lambda_opt_src_root))
config.substitutions.append(("%obj_root", config.lambda_opt_obj_root))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%cc", config.c_compiler))
# Wheels with native code built by the C compiler (see the script).
config.substitutions.append(("%native-wheel", "sh %s %s %s %s" % (
    os.path.join(config.lambda_opt_src_root, "utils", "native-wheel.sh"),
    config.c_compiler, config.python_executable, fixture)))

# Optional tools and interpreters become lit features.
for tool in ["umoci", "skopeo", "oci-image-tool", "unzip", "zipinfo", "git",
             "pre-commit", "openssl"]:
    if shutil.which(tool):
        config.available_features.add(tool)
# pre-commit tests use the source tree as a hook repository.
if os.path.exists(os.path.join(config.lambda_opt_src_root, ".git")):
    config.available_features.add("source-git")
# A loopback registry: Debian's docker-registry with htpasswd auth.
if shutil.which("docker-registry") and shutil.which("htpasswd"):
    config.available_features.add("registry")
# Running containers needs podman and a runtime the machine lets set up a
# container (a sandbox may forbid its rlimits or namespaces): try once.
if shutil.which("podman") and shutil.which("crun"):
    import subprocess
    try:
        probe = subprocess.run(
            ["podman", "run", "--rm", "--network=none", "--rootfs", "/",
             "/bin/true"], capture_output=True, timeout=60)
        if probe.returncode == 0:
            config.available_features.add("podman-run")
        else:
            lit_config.note("podman cannot run containers here; tests that "
                            "run an image are UNSUPPORTED: " +
                            probe.stderr.decode(errors="replace").strip())
    except (OSError, subprocess.TimeoutExpired) as e:
        lit_config.note("podman cannot run containers here: %s" % e)
# The system Python with pip and the Debian build backends, for the
# differential tests of native local-package builds.
if subprocess.run(["/usr/bin/python3", "-c",
                   "import setuptools.build_meta, hatchling.build, "
                   "flit_core.buildapi, poetry.core.masonry.api, pip"],
                  capture_output=True).returncode == 0:
    config.available_features.add("system-backends")
pyenv = os.path.expanduser("~/.pyenv/versions")
if os.path.isdir(pyenv):
    for entry in sorted(os.listdir(pyenv)):
        parts = entry.split(".")
        if len(parts) >= 2 and parts[0] == "3":
            exe = os.path.join(pyenv, entry, "bin", "python3")
            if os.path.exists(exe):
                minor = "3." + parts[1]
                config.available_features.add("python" + minor)
                # Before "%python", which would otherwise match first.
                config.substitutions.insert(0, ("%python" + minor, exe))

# Disk-full tests mount a small tmpfs in their own folder; where mounting is
# not allowed (no root, a container without CAP_SYS_ADMIN) they are skipped.
def can_mount_tmpfs():
    import subprocess
    import tempfile
    if not shutil.which("mount") or not shutil.which("umount"):
        return False
    probe = tempfile.mkdtemp(prefix="lambda-opt-mount-probe-")
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        if mounted:
            subprocess.run(["umount", probe], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        return mounted
    finally:
        try:
            os.rmdir(probe)
        except OSError:
            pass


if can_mount_tmpfs():
    config.available_features.add("tmpfs-mount")
else:
    lit_config.note("cannot mount a tmpfs here: the disk-full tests are "
                    "skipped")

# Device nodes for the output tests are made with mknod, which needs root.
if hasattr(os, "geteuid") and os.geteuid() == 0:
    config.available_features.add("root")
