import json

from pricing import total


def handler(event, context):
    items = event.get("items", [{"price": 250, "quantity": 2}])
    return {"statusCode": 200, "body": json.dumps({"total": total(items)})}
