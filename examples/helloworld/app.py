"""The classic hello-world web app: GET / greets $NAME and names the host."""
import os
import socket

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    name = os.getenv("NAME", "world")
    return f"<h3>Hello {name}!</h3><b>Hostname:</b> {socket.gethostname()}<br/>"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=80)
