"""The ways to put a form on a site: link, script embed, iframe and plain HTML."""

from flask import render_template, url_for
from markupsafe import escape

from app.fields import field_type
from app.public.forms import build_submission_form

FIELD_HEIGHT = 86
FRAME_CHROME = 150


def hosted_url(form):
    return url_for("public.show", public_id=form.public_id, _external=True)


def script_snippet(form):
    src = url_for("public.embed_script", public_id=form.public_id, _external=True)
    return f'<script src="{escape(src)}" async></script>'


def iframe_snippet(form):
    # no loading="lazy": a lazy frame above the fold can stay empty for seconds (README: add it
    # yourself for a form far down a long page)
    visible = sum(1 for field in form.fields if field_type(field.type).visible)
    height = FRAME_CHROME + FIELD_HEIGHT * max(visible, 1)
    return (
        f'<iframe src="{escape(hosted_url(form))}?embed=1" title="{escape(form.name)}" '
        f'width="100%" height="{height}" style="border:0"></iframe>'
    )


def html_form_snippet(form):
    # the hosted page's own partials, filled with the owner's defaults
    wtf_form = build_submission_form(form)()
    html = render_template("public/snippet_form.html", form=form, wtf_form=wtf_form, action=hosted_url(form))
    return "\n".join(line for line in html.splitlines() if line.strip())


def embed_snippets(form):
    """Every snippet for a form, as text to copy."""
    return {
        "link": hosted_url(form),
        "script": script_snippet(form),
        "iframe": iframe_snippet(form),
        "html": html_form_snippet(form),
    }
