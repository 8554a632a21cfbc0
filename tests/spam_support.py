"""Helpers for the spam tests: solve the form's real challenge, and stamp a page as shown earlier."""

import re
import time

import altcha
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.spam import stamps
from app.spam.keys import derived_key


def solved_payload(client, public_id):
    """Fetch the form's challenge as the widget does, solve it as a browser would; the posted value."""
    response = client.get(f"/f/{public_id}/challenge")
    assert response.status_code == 200, response.get_data(as_text=True)
    challenge = altcha.Challenge.from_dict(response.get_json())
    solution = altcha.solve_challenge(challenge, timeout=60)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def stamp_shown_ago(app, public_id, seconds):
    """The render stamp a page shown `seconds` ago carries (what a visitor who took that long posts)."""

    class Earlier(TimestampSigner):
        def get_timestamp(self):
            return int(time.time() - seconds)

    with app.app_context():
        serializer = URLSafeTimedSerializer(derived_key("render-stamp"), salt="form-rendered", signer=Earlier)
        return serializer.dumps(public_id)


def stamp_from(html):
    match = re.search(rf'name="{stamps.FIELD_NAME}" value="([^"]+)"', html)
    assert match, "no render stamp on the page"
    return match.group(1)
