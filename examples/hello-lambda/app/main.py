"""The function's handler: `app.main.handler`."""
import json

import tinyfmt
from greeting import greet


def handler(event, context):
    name = (event or {}).get("name", "Lambda")
    message = greet(name)
    return {
        "statusCode": 200,
        "body": json.dumps({"message": message, "loud": tinyfmt.shout(message)}),
    }
