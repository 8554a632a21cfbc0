"""The B1 baseline: a bare Flask endpoint that reads a posted form and answers."""

from flask import Flask, request

app = Flask(__name__)


@app.post("/f/<public_id>")
def submit(public_id):
    """Read the form and say thanks, nothing else."""
    return f"thanks, {request.form.get('name', '')}", 200
