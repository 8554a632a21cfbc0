"""Design, closing rules and answer piping of hosted forms, through the API and the public pages."""

import re
from datetime import UTC, datetime, timedelta

from tests.api_support import assert_error


def _public(form):
    return f"/f/{form['public_id']}"


def test_a_form_closed_by_date_answers_410_with_the_owners_message(api, client):
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    form = api.create_form(closes_at=past, closed_message="Registration ended on Friday.")
    page = client.get(_public(form))
    assert page.status_code == 410 and "Registration ended on Friday." in page.get_data(as_text=True)
    answer = client.post(_public(form), json={"name": "Ana", "email": "ana@example.com"})
    assert answer.status_code == 410
    assert answer.get_json() == {"error": {"code": "form_closed", "message": "Registration ended on Friday."}}
    html_post = client.post(_public(form), data={"name": "Ana", "email": "ana@example.com"})
    assert html_post.status_code == 410 and "Registration ended on Friday." in html_post.get_data(as_text=True)


def test_a_form_closed_by_count_takes_exactly_its_number(api, client):
    form = api.create_form(max_submissions=2, closed_message="All seats are taken.")
    for number in range(2):
        assert client.post(_public(form), json={"name": f"P{number}", "email": "p@example.com"}).status_code == 201
    answer = client.post(_public(form), json={"name": "Late", "email": "late@example.com"})
    assert answer.status_code == 410 and answer.get_json()["error"]["message"] == "All seats are taken."
    assert client.get(_public(form)).status_code == 410
    assert len(api.get(f"/forms/{form['id']}/submissions").get_json()["data"]) == 2


def test_a_disabled_form_stays_404_and_a_future_date_stays_open(api, client):
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    form = api.create_form(closes_at=future)
    assert client.get(_public(form)).status_code == 200
    api.patch(f"/forms/{form['id']}", json={"enabled": False, "closes_at": "2000-01-01T00:00:00Z"})
    assert client.get(_public(form)).status_code == 404


def test_piped_thank_you_escapes_html_and_redirect_url_encodes(api, client):
    form = api.create_form(thank_you_message="Thanks, {{ name }}!")
    page = client.post(_public(form), data={"name": "<script>alert(1)</script>", "email": "x@example.com"})
    html = page.get_data(as_text=True)
    assert "Thanks, &lt;script&gt;alert(1)&lt;/script&gt;!" in html and "<script>alert(1)" not in html
    form = api.create_form(redirect_url="https://shop.example/thanks?plan={{ name }}")
    answer = client.post(_public(form), data={"name": "Pro & Co/../x", "email": "x@example.com"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "https://shop.example/thanks?plan=Pro%20%26%20Co%2F..%2Fx"


def test_templates_are_checked_at_save(api):
    assert_error(api.post("/forms", json={"name": "F", "fields": [], "redirect_url": "https://{{ site }}/x"}),
                 422, "redirect_url")
    assert_error(api.post("/forms", json={"name": "F", "fields": [], "thank_you_message": "Hi {{ name"}),
                 422, "thank_you_message")


def test_theme_is_validated_strictly_and_applied_from_checked_values(api, client):
    bad = api.post("/forms", json={"name": "F", "fields": [], "theme": {
        "accent": "red;}body{display:none", "font": "Comic Sans", "radius": 99, "mode": "neon", "css": "x"}})
    error = assert_error(bad, 422)
    assert set(error["fields"]) == {"theme.accent", "theme.font", "theme.radius", "theme.mode", "theme.css"}
    form = api.create_form(theme={"accent": "#FFDD00", "mode": "dark", "font": "serif", "radius": 4},
                           description="**Early** [agenda](https://ev.example) <img src=x onerror=alert(1)>",
                           cover_image_url="https://img.example/cover.jpg")
    assert form["theme"] == {"accent": "#ffdd00", "background": "#f4f6fb", "font": "serif", "radius": 4,
                             "mode": "dark"}
    html = client.get(_public(form)).get_data(as_text=True)
    style = re.search(r"<style nonce=\"[^\"]+\">([^<]*)</style>", html).group(1)
    assert "--accent:#ffdd00" in style and "--accent-text:#111111" in style and "--radius:4px" in style
    assert 'class="hosted theme-dark"' in html and 'src="https://img.example/cover.jpg"' in html
    assert "<strong>Early</strong>" in html and 'rel="noopener noreferrer nofollow ugc"' in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert_error(api.patch(f"/forms/{form['id']}", json={"cover_image_url": "http://img.example/c.jpg"}),
                 422, "cover_image_url")


def test_hosted_page_css_stays_under_30_kb(api, client):
    form = api.create_form(theme={"accent": "#123456"}, description="Hello")
    html = client.get(_public(form)).get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets and not any(href.startswith(("http:", "https:", "//")) for href in sheets)
    size = sum(len(client.get(href).get_data()) for href in sheets)
    size += sum(len(block) for block in re.findall(r"<style[^>]*>([^<]*)</style>", html))
    print(f"\nhosted page CSS: {size} bytes")
    assert size < 30 * 1024


def test_concurrent_posts_cannot_pass_the_count(api, live_server):
    import json
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    form = api.create_form(max_submissions=3)

    def post(number):
        body = json.dumps({"name": f"P{number}", "email": "p@example.com"}).encode()
        request = urllib.request.Request(f"{live_server}{_public(form)}", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            return urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(post, range(12)))
    assert statuses == [201] * 3 + [410] * 9, statuses
    assert len(api.get(f"/forms/{form['id']}/submissions").get_json()["data"]) == 3
