#!/bin/sh
# Part of lambda-opt, under the Apache License v2.0.
# with-tmpfs.sh DIR SIZE CMD...: mounts a tmpfs of SIZE on DIR, runs CMD,
# unmounts DIR whatever CMD did, and exits with CMD's status.
dir=$1 size=$2
shift 2
mkdir -p "$dir" && mount -t tmpfs -o "size=$size" tmpfs "$dir" || exit 97
"$@"
rc=$?
umount "$dir" || rc=98
exit $rc
