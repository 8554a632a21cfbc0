"""A server-rendered SVG bar chart of attempts per hour (no JavaScript, no CDN)."""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.core import timezones

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 180, 36, 22, 8


def hourly_chart(hourly, zone_name="UTC"):
    """SVG markup for [(hour start, total, succeeded)]: failed part red on top of the green successes.

    Hours are labelled on the zone's clock (`21:00 WIB`).
    """
    peak = max((total for _, total, _ in hourly), default=0) or 1
    plot_height = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT) / max(1, len(hourly))
    title = escape(_("Attempts per hour, last %(hours)d hours", hours=len(hourly)))  # outside the f-string: extracted
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-label="{title}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="{PAD_TOP + 10}" class="axis">{peak}</text>',
        f'<text x="0" y="{HEIGHT - PAD_BOTTOM}" class="axis">0</text>',
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - PAD_BOTTOM}" class="baseline"/>',
    ]
    for index, (start, total, succeeded) in enumerate(hourly):
        x = PAD_LEFT + index * slot + 2
        bar_width = max(1.0, slot - 4)
        ok_height = plot_height * succeeded / peak
        failed_height = plot_height * (total - succeeded) / peak
        base = HEIGHT - PAD_BOTTOM
        label = escape(_("%(time)s — %(total)d attempts, %(succeeded)d succeeded",
                         time=timezones.format_local(start, zone_name, "time"), total=total, succeeded=succeeded))
        parts.append(
            f'<g class="bar" data-hour="{start:%Y-%m-%dT%H}" data-total="{total}" data-succeeded="{succeeded}">'
            f"<title>{label}</title>"
            f'<rect class="ok" x="{x:.1f}" y="{base - ok_height:.1f}" '
            f'width="{bar_width:.1f}" height="{ok_height:.1f}"/>'
            f'<rect class="failed" x="{x:.1f}" y="{base - ok_height - failed_height:.1f}" '
            f'width="{bar_width:.1f}" height="{failed_height:.1f}"/></g>'
        )
        if index % 6 == 0:
            hour = timezones.to_local(start, zone_name)
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 6}" class="axis">{hour:%H:%M}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
