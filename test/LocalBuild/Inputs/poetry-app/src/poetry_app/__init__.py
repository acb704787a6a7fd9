import pathlib


def handler(event, context):
    return (pathlib.Path(__file__).parent / "message.txt").read_text().strip()


def main():
    print(handler({}, None))
