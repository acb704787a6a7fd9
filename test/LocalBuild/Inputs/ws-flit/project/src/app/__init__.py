"""The function's handler."""
import json
import pathlib

import extdep
import library
from library.sub import shout

__version__ = "0.1.0"


def handler(event, context):
    config = json.loads((pathlib.Path(__file__).parent / "data" / "config.json").read_text())
    return {"library": shout(library.greet()), "extdep": extdep.VALUE, "stage": config["stage"]}


def main():
    print(handler({}, None))
