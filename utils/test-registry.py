#!/usr/bin/env python3
# Part of lambda-opt, under the Apache License v2.0.
"""Runs Debian's docker-registry (distribution 2.8) on 127.0.0.1 for tests.

  test-registry.py start DIR [--user U --password P] [--timeout S]
      writes DIR/config.yml (storage in DIR/storage, htpasswd auth when a
      user is given, plain http on a free loopback port), starts the
      registry in the background (it exits by itself after --timeout
      seconds), waits until it answers, and writes DIR/port, DIR/pid and
      DIR/registry.log (the access log).
  test-registry.py stop DIR
      kills the registry started for DIR by its PID.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args):
    root = os.path.abspath(args.dir)
    os.makedirs(os.path.join(root, "storage"), exist_ok=True)
    port = free_port()
    auth = ""
    if args.user:
        line = subprocess.run(
            ["htpasswd", "-Bbn", args.user, args.password],
            check=True, capture_output=True, text=True).stdout.strip()
        with open(os.path.join(root, "htpasswd"), "w", encoding="utf-8") as f:
            f.write(line + "\n")
        auth = ("auth:\n  htpasswd:\n    realm: lambda-opt-tests\n"
                "    path: %s\n" % os.path.join(root, "htpasswd"))
    config = os.path.join(root, "config.yml")
    with open(config, "w", encoding="utf-8") as f:
        f.write("version: 0.1\n"
                "log:\n  level: info\n  accesslog:\n    disabled: false\n"
                "storage:\n  filesystem:\n    rootdirectory: %s\n"
                "  delete:\n    enabled: true\n"
                "http:\n  addr: 127.0.0.1:%d\n  secret: lambda-opt-tests\n"
                % (os.path.join(root, "storage"), port) + auth)
    log = open(os.path.join(root, "registry.log"), "ab")
    proc = subprocess.Popen(
        ["timeout", str(args.timeout), "docker-registry", "serve", config],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        start_new_session=True)
    with open(os.path.join(root, "pid"), "w", encoding="utf-8") as f:
        f.write("%d\n" % proc.pid)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("docker-registry exited with %d; see %s" %
                     (proc.returncode, os.path.join(root, "registry.log")))
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/v2/" % port, timeout=2)
            break
        except urllib.error.HTTPError:
            break  # 401: up, and asking for credentials
        except OSError:
            time.sleep(0.1)
    else:
        os.kill(proc.pid, signal.SIGKILL)
        sys.exit("docker-registry did not answer on 127.0.0.1:%d" % port)
    with open(os.path.join(root, "port"), "w", encoding="utf-8") as f:
        f.write("%d\n" % port)
    print(port)


def stop(args):
    path = os.path.join(os.path.abspath(args.dir), "pid")
    with open(path, encoding="utf-8") as f:
        pid = int(f.read().strip())
    try:
        # The registry runs in its own process group under `timeout`: end both.
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.remove(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("start")
    p.add_argument("dir")
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--timeout", type=int, default=300)
    p.set_defaults(func=start)
    p = sub.add_parser("stop")
    p.add_argument("dir")
    p.set_defaults(func=stop)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
