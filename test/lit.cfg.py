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
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src_root", config.lambda_opt_src_root))
config.substitutions.append(("%obj_root", config.lambda_opt_obj_root))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))

# Optional tools and interpreters become lit features.
for tool in ["umoci", "skopeo", "oci-image-tool", "unzip", "zipinfo"]:
    if shutil.which(tool):
        config.available_features.add(tool)
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
